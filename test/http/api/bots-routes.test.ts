import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from '../../../sim/telegram/index.js';
import { botView } from '../../../src/http/api/bots-routes.js';
import { type Platform, startPlatform } from '../../../src/platform.js';
import { hashApiToken } from '../../../src/shared/crypto.js';
import { asBotId } from '../../../src/shared/ids.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import {
  BACKENDS,
  createTestApp,
  fakeBotToken,
  freePort,
  TEST_ENCRYPTION_KEY,
  type TestApp,
} from '../../support/database.js';
import { eventually } from '../../support/fleet.js';
import { type ApiHarness, expectErrorBody, type Json, OPERATOR_TOKEN, startApi } from './support.js';

const op = { token: OPERATOR_TOKEN };
const strictBot = botView.strict();

describe.each(BACKENDS)('bots API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('creates a bot and shows its API token once, and the token then works', async () => {
    const token = fakeBotToken();
    const created = await h.call('POST', '/api/v1/bots', {
      ...op,
      body: { name: 'Tehran VPN', token, adminTelegramIds: [111, 222] },
    });
    expect(created.status).toBe(201);
    const bot = strictBot.parse(created.body.bot);
    expect(bot).toMatchObject({
      name: 'Tehran VPN',
      telegramBotId: Number(token.split(':')[0]),
      isMaster: false,
      isActive: true,
      adminTelegramIds: [111, 222],
      currency: 'IRT',
      health: { status: 'unknown', error: null, changedAt: null },
    });
    expect(created.body.apiToken).toMatch(/^rf_/);
    // never the bot token, its ciphertext or a hash
    const text = JSON.stringify(created.body);
    expect(text).not.toContain(token);
    expect(text).not.toContain(hashApiToken(created.body.apiToken));
    expect(text).not.toMatch(/ciphertext|hash|webhook/i);

    const me = await h.call('GET', '/api/v1/me', { token: created.body.apiToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ role: 'tenant', bot });
    const again = await h.call('GET', `/api/v1/bots/${bot.id}`, { token: created.body.apiToken });
    expect(again.status).toBe(200);
    expect(JSON.stringify(again.body)).not.toContain('apiToken');
    // the registry holds it under the same hash
    expect((await h.app.platform.tenants.getByApiToken(created.body.apiToken))?.id).toBe(bot.id);
  });

  it('answers who the operator is', async () => {
    const me = await h.call('GET', '/api/v1/me', op);
    expect(me).toMatchObject({ status: 200, body: { role: 'operator', bot: null } });
  });

  it('refuses a bot token twice, and a malformed one with field details', async () => {
    const token = fakeBotToken();
    expect((await h.call('POST', '/api/v1/bots', { ...op, body: { name: 'One', token } })).status).toBe(201);
    const twice = await h.call('POST', '/api/v1/bots', { ...op, body: { name: 'Two', token } });
    expectErrorBody(twice, 409, 'conflict');

    const bad = await h.call('POST', '/api/v1/bots', { ...op, body: { name: '', token: 'nope', extra: 1 } });
    expectErrorBody(bad, 400, 'invalid_request');
    const fields = bad.body.error.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.token']));
    expect(bad.body.error.message).toContain('body.token');
  });

  it('lists bots a page at a time with the total, and filters by activity', async () => {
    const ids: number[] = [];
    for (const name of ['P1', 'P2', 'P3']) {
      const created = await h.call('POST', '/api/v1/bots', { ...op, body: { name, token: fakeBotToken() } });
      ids.push(created.body.bot.id);
    }
    const all = await h.call('GET', '/api/v1/bots?limit=200', op);
    expect(all.status).toBe(200);
    const total = all.body.total as number;
    expect(total).toBeGreaterThanOrEqual(3);
    expect(all.body.items).toHaveLength(total);
    expect(all.body.nextOffset).toBeNull();
    for (const item of all.body.items) strictBot.parse(item);
    const sorted = [...all.body.items.map((b: { id: number }) => b.id)].sort((a, b) => a - b);
    expect(all.body.items.map((b: { id: number }) => b.id)).toEqual(sorted);

    const first = await h.call('GET', '/api/v1/bots?limit=2', op);
    expect(first.body).toMatchObject({ total, nextOffset: 2 });
    expect(first.body.items).toHaveLength(2);
    const second = await h.call('GET', `/api/v1/bots?limit=2&offset=${first.body.nextOffset}`, op);
    expect(second.body.items[0].id).toBe(all.body.items[2].id);

    await h.call('POST', `/api/v1/bots/${ids[0]}/deactivate`, op);
    const inactive = await h.call('GET', '/api/v1/bots?active=false&limit=200', op);
    expect(inactive.body.items.map((b: { id: number }) => b.id)).toContain(ids[0]);
    expect(inactive.body.items.every((b: { isActive: boolean }) => !b.isActive)).toBe(true);
    const active = await h.call('GET', '/api/v1/bots?active=true&limit=200', op);
    expect(active.body.items.map((b: { id: number }) => b.id)).not.toContain(ids[0]);
    expect(active.body.total + inactive.body.total).toBe(total);

    expectErrorBody(await h.call('GET', '/api/v1/bots?limit=201', op), 400, 'invalid_request');
    expectErrorBody(await h.call('GET', '/api/v1/bots?limit=0', op), 400, 'invalid_request');
    expectErrorBody(await h.call('GET', '/api/v1/bots?offset=-1', op), 400, 'invalid_request');
    expectErrorBody(await h.call('GET', '/api/v1/bots?active=maybe', op), 400, 'invalid_request');
  });

  it('gets one bot, and 404 for an id that does not exist', async () => {
    const { id } = await h.tenant('Getme');
    const got = await h.call('GET', `/api/v1/bots/${id}`, op);
    expect(got.status).toBe(200);
    expect(strictBot.parse(got.body).id).toBe(id);
    expectErrorBody(await h.call('GET', '/api/v1/bots/99999999', op), 404, 'not_found');
    expectErrorBody(await h.call('GET', '/api/v1/bots/abc', op), 400, 'invalid_request');
  });

  it('changes a bot: fields left out keep their value; a tenant may change its own but not operator fields', async () => {
    const { id, apiToken } = await h.tenant('Editable');
    const byTenant = await h.call('PUT', `/api/v1/bots/${id}`, {
      token: apiToken,
      body: {
        name: 'Edited',
        adminTelegramIds: [42],
        zarinpalMerchantId: '7b4e4a0c-2c2a-4c8e-9a57-2b1f8f0a1d11',
        zarinpalSandbox: true,
      },
    });
    expect(byTenant.status).toBe(200);
    expect(byTenant.body).toMatchObject({
      name: 'Edited',
      adminTelegramIds: [42],
      zarinpalMerchantId: '7b4e4a0c-2c2a-4c8e-9a57-2b1f8f0a1d11',
      zarinpalSandbox: true,
    });
    const stored = await h.app.platform.tenants.get(id);
    expect(stored).toMatchObject({ name: 'Edited', adminTelegramIds: [42], zarinpalSandbox: true });

    const priced = await h.call('PUT', `/api/v1/bots/${id}`, {
      token: apiToken,
      body: { wholesalePricePerGb: 1 },
    });
    expectErrorBody(priced, 403, 'forbidden');
    expect((await h.app.platform.tenants.get(id))?.wholesalePricePerGb).toBe(0);

    const byOperator = await h.call('PUT', `/api/v1/bots/${id}`, {
      ...op,
      body: { wholesalePricePerGb: 2500 },
    });
    expect(byOperator.body).toMatchObject({ wholesalePricePerGb: 2500, name: 'Edited' });

    expectErrorBody(await h.call('PUT', `/api/v1/bots/${id}`, { ...op, body: {} }), 400, 'invalid_request');
    const badMerchant = await h.call('PUT', `/api/v1/bots/${id}`, {
      ...op,
      body: { zarinpalMerchantId: 'x' },
    });
    expectErrorBody(badMerchant, 400, 'invalid_request');
    expect(badMerchant.body.error.fields[0].field).toBe('body.zarinpalMerchantId');
    const unknown = await h.call('PUT', `/api/v1/bots/${id}`, { ...op, body: { isMaster: true } });
    expectErrorBody(unknown, 400, 'invalid_request');
  });

  it('replaces the Telegram token, refusing one that belongs to another tenant without changing anything', async () => {
    const { id } = await h.tenant('Retoken');
    const other = await h.tenant('Other');
    const fresh = fakeBotToken();
    const changed = await h.call('PUT', `/api/v1/bots/${id}`, {
      ...op,
      body: { token: fresh, name: 'Renamed' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ telegramBotId: Number(fresh.split(':')[0]), name: 'Renamed' });
    expect(JSON.stringify(changed.body)).not.toContain(fresh);
    expect(await h.app.platform.tenants.revealToken(id)).toBe(fresh);

    const taken = await h.app.platform.tenants.revealToken(other.id);
    const refused = await h.call('PUT', `/api/v1/bots/${id}`, {
      ...op,
      body: { token: taken, name: 'Nope' },
    });
    expectErrorBody(refused, 409, 'conflict');
    expect(await h.app.platform.tenants.get(id)).toMatchObject({ name: 'Renamed' });
    expect(await h.app.platform.tenants.revealToken(id)).toBe(fresh);
  });

  it('activates and deactivates a bot', async () => {
    const { id } = await h.tenant('Switchable');
    const off = await h.call('POST', `/api/v1/bots/${id}/deactivate`, op);
    expect(off.status).toBe(200);
    expect(off.body.isActive).toBe(false);
    expect((await h.app.platform.tenants.get(id))?.isActive).toBe(false);
    const on = await h.call('POST', `/api/v1/bots/${id}/activate`, op);
    expect(on.body.isActive).toBe(true);
    expect((await h.app.platform.tenants.get(id))?.isActive).toBe(true);
  });

  it('deletes a bot and its data', async () => {
    const { id, apiToken } = await h.tenant('Doomed');
    await h.app.forTenant(id).plans.create({ name: 'Month', periodDays: 30, price: 100_000 });
    const deleted = await h.call('DELETE', `/api/v1/bots/${id}`, op);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(await h.app.platform.tenants.get(id)).toBeUndefined();
    expect(await h.app.forTenant(id).plans.findAll()).toEqual([]);
    expectErrorBody(await h.call('GET', `/api/v1/bots/${id}`, op), 404, 'not_found');
    expectErrorBody(await h.call('DELETE', `/api/v1/bots/${id}`, op), 404, 'not_found');
    // its token died with it
    expectErrorBody(await h.call('GET', '/api/v1/me', { token: apiToken }), 401, 'unauthorized');
  });

  it('never deletes, suspends or re-tokens the master bot', async () => {
    const created = await h.app.platform.tenants.create({
      name: 'Master',
      token: fakeBotToken(),
      isMaster: true,
    });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.tenant.id;
    expectErrorBody(await h.call('DELETE', `/api/v1/bots/${id}`, op), 409, 'conflict');
    expectErrorBody(await h.call('POST', `/api/v1/bots/${id}/deactivate`, op), 409, 'conflict');
    expectErrorBody(
      await h.call('PUT', `/api/v1/bots/${id}`, { ...op, body: { token: fakeBotToken() } }),
      409,
      'conflict',
    );
    expect(await h.app.platform.tenants.get(id)).toMatchObject({ isActive: true, isMaster: true });
  });

  it('issues a new API token: the old one stops working at once', async () => {
    const { id, apiToken } = await h.tenant('Rotating');
    const rotated = await h.call('POST', `/api/v1/bots/${id}/api-token`, { token: apiToken });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.apiToken as string;
    expect(fresh).toMatch(/^rf_/);
    expect(fresh).not.toBe(apiToken);
    expectErrorBody(await h.call('GET', `/api/v1/bots/${id}`, { token: apiToken }), 401, 'unauthorized');
    expect((await h.call('GET', `/api/v1/bots/${id}`, { token: fresh, bearer: true })).status).toBe(200);
    const byOperator = await h.call('POST', `/api/v1/bots/${id}/api-token`, op);
    expect(byOperator.status).toBe(200);
    expectErrorBody(await h.call('GET', `/api/v1/bots/${id}`, { token: fresh }), 401, 'unauthorized');
  });

  it('serves the same API over a real socket', async () => {
    const { id, apiToken } = await h.tenant('Socket');
    const got = await h.fetch('GET', `/api/v1/bots/${id}`, { token: apiToken, bearer: true });
    expect(got.status).toBe(200);
    expect(got.body.id).toBe(id);
    expect(got.headers['x-request-id']).toMatch(/^req_/);
    const created = await h.fetch('POST', '/api/v1/bots', {
      ...op,
      body: { name: 'Wire', token: fakeBotToken() },
    });
    expect(created.status).toBe(201);
    expect(created.body.bot.name).toBe('Wire');
    const denied = await h.fetch('GET', '/api/v1/bots', { token: 'wrong' });
    expectErrorBody(denied, 401, 'unauthorized');
    expect(denied.body.error.requestId).toBe(denied.headers['x-request-id']);
  });
});

// The whole platform (fleet, jobs, HTTP) against the Telegram simulator, driven over a real socket.
describe.each(BACKENDS)('bots API and the running fleet on %s', (backend) => {
  let sim: TelegramSim;
  let testApp: TestApp;
  let platform: Platform;
  beforeAll(async () => {
    sim = await startTelegramSim();
    testApp = await createTestApp(backend);
    const port = await freePort();
    platform = await startPlatform(testApp.app, createSilentLogger(), {
      apiRoot: sim.apiRoot,
      mode: 'polling',
      secretKey: TEST_ENCRYPTION_KEY,
      http: { host: '127.0.0.1', port },
      api: { operatorToken: OPERATOR_TOKEN },
    });
  });
  afterAll(async () => {
    await platform.stop();
    await testApp.close();
    await sim.close();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${platform.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${OPERATOR_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const running = (id: number) =>
    platform.fleet.status().some((bot) => bot.botId === id && bot.state === 'running');

  it('starts a bot added through the API, stops it when deactivated and starts it again when activated', async () => {
    const bot = sim.addBot({ username: `api_${backend}_bot` });
    const created = await api('POST', '/bots', { name: 'Via API', token: bot.token });
    expect(created.status).toBe(201);
    const id = asBotId(created.body.bot.id);
    await eventually(() => running(id), 'bot added through the API is running', 3000);
    const settings = testApp.app.forTenant(id).settings;
    await settings.set('language_selection_enabled', false, 'operator');
    await settings.set('skip_rules_acceptance', true, 'operator');

    const user = sim.user({ firstName: 'Nima' });
    user.start(bot);
    const firstMenu = await sim.waitForMessage(bot, user, (m) => m.fromBot && m.buttons.length > 0);
    expect(firstMenu.text).toContain('Nima');

    const off = await api('POST', `/bots/${id}/deactivate`);
    expect(off.status).toBe(200);
    await eventually(() => !running(id), 'bot deactivated through the API stopped', 3000);
    const mark = sim.mark();
    user.sendText(bot, 'anyone there?');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sim.calls({ botId: bot.id, method: 'sendMessage' }).filter((c) => c.seq > mark)).toHaveLength(0);

    const on = await api('POST', `/bots/${id}/activate`);
    expect(on.status).toBe(200);
    await eventually(() => running(id), 'bot activated through the API is running again', 3000);
    user.start(bot);
    const menu = await sim.waitForMessage(
      bot,
      user,
      (m) => m.fromBot && m.messageId > firstMenu.messageId && m.buttons.length > 0,
      { timeoutMs: 3000 },
    );
    expect(menu.fromBot).toBe(true);
    expect(menu.buttons.flat().map((b) => b.callbackData)).toContain('menu:buy');
  });
});
