import { describeSecurity } from './security.js';

describeSecurity('customer moderation', [
  {
    method: 'POST',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/customers/${items.customerId}/block`,
    nested: true,
  },
  {
    method: 'POST',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/customers/${items.customerId}/unblock`,
    nested: true,
  },
  {
    method: 'POST',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/customers/${items.customerId}/message`,
    body: { text: 'Hello from a stranger' },
    nested: true,
  },
]);
