import { describeSecurity } from './security.js';

describeSecurity('maintenance', [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/maintenance` },
  { method: 'PUT', path: (bot) => `/api/v1/bots/${bot.id}/maintenance`, body: { enabled: true } },
  { method: 'GET', path: () => '/api/v1/maintenance', operatorOnly: true, unscoped: true },
  {
    method: 'PUT',
    path: () => '/api/v1/maintenance',
    body: { enabled: true },
    operatorOnly: true,
    unscoped: true,
  },
]);
