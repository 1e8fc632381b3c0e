import { fakeBotToken } from '../../support/database.js';
import { describeSecurity } from './security.js';

describeSecurity('bots', [
  { method: 'GET', path: () => '/api/v1/me', unscoped: true },
  {
    method: 'POST',
    path: () => '/api/v1/bots',
    body: { name: 'Intruder', token: fakeBotToken() },
    operatorOnly: true,
  },
  { method: 'GET', path: () => '/api/v1/bots', operatorOnly: true },
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}` },
  {
    method: 'PUT',
    path: (bot) => `/api/v1/bots/${bot.id}`,
    body: { name: 'Hijacked', adminTelegramIds: [666] },
  },
  { method: 'DELETE', path: (bot) => `/api/v1/bots/${bot.id}`, operatorOnly: true },
  { method: 'POST', path: (bot) => `/api/v1/bots/${bot.id}/activate`, operatorOnly: true },
  { method: 'POST', path: (bot) => `/api/v1/bots/${bot.id}/deactivate`, operatorOnly: true },
  { method: 'POST', path: (bot) => `/api/v1/bots/${bot.id}/api-token` },
]);
