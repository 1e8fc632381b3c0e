import { withLuhnDigit } from '../../modules/helpers.js';
import { describeSecurity } from './security.js';

describeSecurity('cards', [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/cards` },
  {
    method: 'POST',
    path: (bot) => `/api/v1/bots/${bot.id}/cards`,
    body: { cardNumber: withLuhnDigit('603799999999999'), holderName: 'Intruder' },
  },
  { method: 'GET', path: (bot, items = bot) => `/api/v1/bots/${bot.id}/cards/${items.cardId}`, nested: true },
  {
    method: 'PUT',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/cards/${items.cardId}`,
    body: { holderName: 'Intruder' },
    nested: true,
  },
  {
    method: 'DELETE',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/cards/${items.cardId}`,
    nested: true,
  },
]);
