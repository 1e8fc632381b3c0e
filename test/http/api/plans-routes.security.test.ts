import { describeSecurity } from './security.js';

describeSecurity('plans', [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/plans` },
  {
    method: 'POST',
    path: (bot) => `/api/v1/bots/${bot.id}/plans`,
    body: { name: 'Free', periodDays: 365, price: 1 },
  },
  { method: 'GET', path: (bot, items = bot) => `/api/v1/bots/${bot.id}/plans/${items.planId}`, nested: true },
  {
    method: 'PUT',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/plans/${items.planId}`,
    body: { price: 1 },
    nested: true,
  },
  {
    method: 'DELETE',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/plans/${items.planId}`,
    nested: true,
  },
]);
