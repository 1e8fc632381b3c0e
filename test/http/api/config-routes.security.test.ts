import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { describeSecurity } from './security.js';
import { type ApiHarness, expectErrorBody, startApi } from './support.js';

describeSecurity('config', [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/config` },
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/config/trial_days` },
  { method: 'PUT', path: (bot) => `/api/v1/bots/${bot.id}/config/trial_days`, body: { value: 9 } },
  { method: 'DELETE', path: (bot) => `/api/v1/bots/${bot.id}/config/trial_days` },
]);

// Which settings a tenant may change is decided per key, after the bot is resolved: another
// tenant's bot is still a 404, one's own operator-only key a 403.
describe.each(BACKENDS)('operator-only settings on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('answers 403 to a tenant changing an operator setting of its own bot, 404 on another bot', async () => {
    const a = await h.tenant('A');
    const b = await h.tenant('B');
    for (const key of ['panel_squads', 'panel_tag', 'stars_per_unit_price']) {
      const body = { value: key === 'panel_squads' ? [] : key === 'panel_tag' ? 'X' : 2 };
      expectErrorBody(
        await h.call('PUT', `/api/v1/bots/${a.id}/config/${key}`, { token: a.apiToken, body }),
        403,
        'forbidden',
      );
      expectErrorBody(
        await h.call('DELETE', `/api/v1/bots/${a.id}/config/${key}`, { token: a.apiToken }),
        403,
        'forbidden',
      );
      expectErrorBody(
        await h.call('PUT', `/api/v1/bots/${a.id}/config/${key}`, { token: b.apiToken, body }),
        404,
        'not_found',
      );
      expect((await h.app.forTenant(a.id).settings.list()).find((s) => s.key === key)?.source).toBe(
        'default',
      );
    }
  });
});
