import { describeSecurity } from './security.js';

describeSecurity('features', [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/features` },
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/features/zarinpal` },
  // operator-controlled: a tenant may read its switches but not flip them
  {
    method: 'PUT',
    path: (bot) => `/api/v1/bots/${bot.id}/features/zarinpal`,
    body: { enabled: true },
    operatorOnly: true,
  },
  { method: 'DELETE', path: (bot) => `/api/v1/bots/${bot.id}/features/card_to_card`, operatorOnly: true },
]);
