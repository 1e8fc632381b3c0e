import { describeSecurity } from './security.js';

describeSecurity('payments', [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/payments` },
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/payments?method=card_to_card&status=pending` },
  {
    method: 'GET',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/payments/card-to-card/${items.cardPaymentId}`,
    nested: true,
  },
  {
    method: 'POST',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/payments/card-to-card/${items.cardPaymentId}/approve`,
    nested: true,
  },
  {
    method: 'POST',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/payments/card-to-card/${items.cardPaymentId}/reject`,
    body: { reason: 'Intruder' },
    nested: true,
  },
]);
