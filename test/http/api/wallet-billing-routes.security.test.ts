import { describeSecurity } from './security.js';

// The billing read of a bot: 401 without a valid token, 404 on another tenant's bot, nothing changed.
// (Setting the billing mode and grace is the config routes': operator only, see config-routes.security.)
describeSecurity('wallet billing', [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/wallet/consumption` },
]);
