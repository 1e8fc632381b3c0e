import { describeSecurity } from './security.js';

describeSecurity('customers', [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/customers` },
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/customers?search=Alpha` },
  {
    method: 'GET',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/customers/${items.customerId}`,
    nested: true,
  },
  {
    method: 'POST',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/customers/${items.customerId}/credit`,
    body: { amount: 1_000_000, reason: 'free money' },
    nested: true,
  },
]);
