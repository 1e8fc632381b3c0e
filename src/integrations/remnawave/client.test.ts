import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RemnawaveSim, startRemnawaveSim } from '../../../sim/remnawave/index.js';
import {
  type CreateUserInput,
  createRemnawaveClient,
  defineEndpoint,
  isAlreadyEnabled,
  isDeviceNotFound,
  isNotFound,
  isOutcomeUnknown,
  isUsernameTaken,
  isValidationError,
  RemnawaveApiError,
  type RemnawaveClient,
  type RemnawaveClientOptions,
  RemnawaveInputError,
  type RemnawaveLogger,
  RemnawaveNetworkError,
  RemnawaveNotFoundError,
  RemnawaveTimeoutError,
} from './index.js';

const DAY = 86_400_000;

let sim: RemnawaveSim;
let client: RemnawaveClient;

function makeClient(overrides: Partial<RemnawaveClientOptions> = {}): RemnawaveClient {
  return createRemnawaveClient({
    baseUrl: sim.baseUrl,
    apiToken: sim.apiToken,
    timeoutMs: 1_000,
    retries: 3,
    retryBaseMs: 1,
    retryMaxDelayMs: 20,
    ...overrides,
  });
}

function inDays(days: number): Date {
  return new Date(sim.now().getTime() + days * DAY);
}

function newUser(overrides: Partial<CreateUserInput> = {}): CreateUserInput {
  return { username: 'shop1_cust42', expireAt: inDays(30), ...overrides };
}

beforeEach(async () => {
  sim = await startRemnawaveSim();
  client = makeClient();
});

afterEach(async () => {
  await sim.close();
});

describe('remnawave client: user lifecycle', () => {
  it('creates a user and reads it back by id, username and telegram id', async () => {
    const squads = await client.getInternalSquads();
    expect(squads.map((s) => s.name)).toEqual(['Default-Squad', 'Premium-Squad']);
    const squad = squads[0]!;

    const created = await client.createUser(
      newUser({
        telegramId: 1001,
        trafficLimitBytes: 50 * 1024 ** 3,
        trafficLimitStrategy: 'MONTH',
        hwidDeviceLimit: 3,
        description: 'tenant shop1',
        tag: 'SHOP1',
        activeInternalSquads: [squad.uuid],
      }),
    );
    expect(created).toMatchObject({
      username: 'shop1_cust42',
      status: 'ACTIVE',
      telegramId: 1001,
      trafficLimitBytes: 50 * 1024 ** 3,
      trafficLimitStrategy: 'MONTH',
      hwidDeviceLimit: 3,
      tag: 'SHOP1',
      usedTrafficBytes: 0,
      activeInternalSquads: [{ uuid: squad.uuid, name: 'Default-Squad' }],
    });
    expect(created.expireAt).toBeInstanceOf(Date);
    expect(created.subscriptionUrl).toBe(`${sim.baseUrl}/api/sub/${created.shortUuid}`);
    // Proxy secrets the panel sends are stripped from our objects.
    expect(created).not.toHaveProperty('vlessUuid');
    expect(created).not.toHaveProperty('trojanPassword');
    expect(created).not.toHaveProperty('ssPassword');

    expect((await client.getUserById(created.id)).username).toBe('shop1_cust42');
    expect((await client.getUserByUsername('shop1_cust42')).id).toBe(created.id);
    expect(await client.findUserByUsername('nobody')).toBeNull();
    expect(await client.resolveUser({ username: 'shop1_cust42' })).toMatchObject({ id: created.id });

    await client.createUser(newUser({ username: 'shop2_cust42', telegramId: 1001 }));
    await client.createUser(newUser({ username: 'shop1_cust43', telegramId: 2002 }));
    const found = await client.findUsersByTelegramId(1001);
    expect(found.map((u) => u.username).sort()).toEqual(['shop1_cust42', 'shop2_cust42']);
  });

  it('follows the stream cursor across pages', async () => {
    await sim.close();
    sim = await startRemnawaveSim({ streamPageSize: 2 });
    client = makeClient();
    for (let i = 0; i < 5; i++) await client.createUser(newUser({ username: `user_${i}`, telegramId: 5 }));
    await client.createUser(newUser({ username: 'other', telegramId: 6 }));
    const found = await client.findUsersByTelegramId(5);
    expect(found.map((u) => u.username)).toEqual(['user_0', 'user_1', 'user_2', 'user_3', 'user_4']);
    expect(sim.requestCount({ path: '/api/users/stream' })).toBe(3);
  });

  it("pages by the panel's own default size (250 on 3.3.2) when none is asked", async () => {
    for (let i = 0; i < 251; i++)
      sim.createUser({ username: `bulk_${i}`, expireAt: inDays(30).toISOString(), telegramId: 8 });
    const found = await client.findUsersByTelegramId(8);
    expect(found).toHaveLength(251);
    expect(new Set(found.map((u) => u.id)).size).toBe(251);
    const asked = sim.requests({ path: '/api/users/stream' });
    expect(asked).toHaveLength(2);
    expect(asked.every((r) => !r.query.includes('size='))).toBe(true);
  });

  it('updates with PATCH, enables, disables, resets, revokes and deletes', async () => {
    const [a, b] = await client.getInternalSquads();
    const user = await client.createUser(newUser({ activeInternalSquads: [a!.uuid] }));

    const newExpiry = inDays(60);
    const updated = await client.updateUser({
      id: user.id,
      expireAt: newExpiry,
      trafficLimitBytes: 1234,
      description: null,
      activeInternalSquads: [b!.uuid],
    });
    expect(updated.expireAt.toISOString()).toBe(newExpiry.toISOString());
    expect(updated.trafficLimitBytes).toBe(1234);
    expect(updated.description).toBeNull();
    expect(updated.activeInternalSquads).toEqual([{ uuid: b!.uuid, name: 'Premium-Squad' }]);

    expect((await client.disableUser(user.id)).status).toBe('DISABLED');
    expect((await client.enableUser(user.id)).status).toBe('ACTIVE');
    const again = await client.enableUser(user.id).catch((e: unknown) => e);
    expect(isAlreadyEnabled(again)).toBe(true);

    sim.setUsage(user.id, 1000);
    expect((await client.getUserById(user.id)).usedTrafficBytes).toBe(1000);
    expect((await client.resetTraffic(user.id)).usedTrafficBytes).toBe(0);

    const revoked = await client.revokeSubscription(user.id);
    expect(revoked.shortUuid).not.toBe(user.shortUuid);
    expect(revoked.subscriptionUrl).not.toBe(user.subscriptionUrl);
    expect(revoked.subRevokedAt).toBeInstanceOf(Date);

    await client.deleteUser(user.id);
    expect(sim.getUser(user.id)).toBeUndefined();
  });

  it('reports A019 on a duplicate username, A063 on a missing user and A025 on deleting one', async () => {
    await client.createUser(newUser());
    const dup = await client.createUser(newUser()).catch((e: unknown) => e);
    expect(isUsernameTaken(dup)).toBe(true);
    expect(dup).toMatchObject({ status: 400, errorCode: 'A019', path: '/api/users', attempts: 1 });

    const missing = await client.getUserById(999).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(RemnawaveNotFoundError);
    expect(isNotFound(missing)).toBe(true);
    expect((missing as RemnawaveApiError).errorCode).toBe('A063');

    const deleted = await client.deleteUser(999).catch((e: unknown) => e);
    expect(isNotFound(deleted)).toBe(true);
    expect((deleted as RemnawaveApiError).errorCode).toBe('A025');

    // PATCH of a user the panel does not have: A025 as well, final, not retried
    const patched = await client.updateUser({ id: 999, trafficLimitBytes: 1 }).catch((e: unknown) => e);
    expect(isNotFound(patched)).toBe(true);
    expect(patched).toMatchObject({ status: 404, errorCode: 'A025', attempts: 1 });
    expect(sim.requestCount({ method: 'PATCH' })).toBe(1);
  });

  it('keeps the validation body when PATCH gets an expiry in the past', async () => {
    const user = await client.createUser(newUser());
    const err = await client.updateUser({ id: user.id, expireAt: inDays(-1) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemnawaveApiError);
    expect(isValidationError(err)).toBe(true);
    expect(err).toMatchObject({
      status: 400,
      errorCode: null,
      message: expect.stringContaining('Validation failed'),
    });
    expect((err as RemnawaveApiError).validationErrors?.[0]).toMatchObject({ path: ['expireAt'] });
    // A 400 is final: no retry.
    expect(sim.requestCount({ method: 'PATCH' })).toBe(1);
  });

  it('re-activates an EXPIRED user with a future expireAt and a LIMITED one by raising the limit', async () => {
    const user = await client.createUser(newUser({ expireAt: inDays(1), trafficLimitBytes: 1000 }));
    sim.advanceTime(2 * DAY);
    // the panel's sweep, not the read, expires the user
    expect((await client.getUserById(user.id)).status).toBe('ACTIVE');
    sim.runSweeps();
    expect((await client.getUserById(user.id)).status).toBe('EXPIRED');
    expect((await client.updateUser({ id: user.id, expireAt: inDays(30) })).status).toBe('ACTIVE');

    sim.setUsage(user.id, 1001);
    sim.runSweeps();
    expect((await client.getUserById(user.id)).status).toBe('LIMITED');
    expect((await client.updateUser({ id: user.id, trafficLimitBytes: 10_000 })).status).toBe('ACTIVE');
  });

  it('answers a PATCH with ACTIVE even when the user stays over its limit, until the next sweep', async () => {
    const user = await client.createUser(newUser({ trafficLimitBytes: 1000 }));
    sim.setUsage(user.id, 5000);
    sim.runSweeps();
    const raised = await client.updateUser({ id: user.id, trafficLimitBytes: 2000, status: 'ACTIVE' });
    expect(raised).toMatchObject({ status: 'ACTIVE', trafficLimitBytes: 2000, usedTrafficBytes: 5000 });
    sim.runSweeps();
    expect((await client.getUserById(user.id)).status).toBe('LIMITED');
  });

  it('an unknown squad on create is a 500 A018 and is not retried', async () => {
    const err = await client
      .createUser(newUser({ activeInternalSquads: ['00000000-0000-4000-8000-000000000000'] }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500, errorCode: 'A018' });
    expect(isOutcomeUnknown(err)).toBe(false);
    expect(sim.requestCount({ method: 'POST', path: '/api/users' })).toBe(1);
  });
});

describe('remnawave client: devices, usage, catalogue', () => {
  it('lists and deletes devices', async () => {
    const user = await client.createUser(newUser({ hwidDeviceLimit: 2 }));
    sim.addDevice(user.id, 'hw-a', { platform: 'Android', deviceModel: 'Pixel', requestIp: '198.51.100.4' });
    sim.addDevice(user.id, 'hw-b');
    expect(sim.addDevice(user.id, 'hw-c')).toBe('limit-reached');

    const list = await client.getDevices(user.id);
    expect(list.total).toBe(2);
    expect(list.devices[0]).toMatchObject({
      hwid: 'hw-a',
      userId: user.id,
      platform: 'Android',
      deviceModel: 'Pixel',
      requestIp: '198.51.100.4',
    });
    expect(list.devices[1]?.requestIp).toBeNull();
    expect(list.devices[0]?.createdAt).toBeInstanceOf(Date);

    expect((await client.deleteDevice(user.id, 'hw-a')).devices.map((d) => d.hwid)).toEqual(['hw-b']);
    expect(await client.deleteAllDevices(user.id)).toEqual({ total: 0, devices: [] });
  });

  it('takes a device gone after a lost answer as deleted, but not on a clean first try', async () => {
    const user = await client.createUser(newUser());
    sim.addDevice(user.id, 'hw-a');
    sim.addDevice(user.id, 'hw-b');
    sim.addFault({ kind: 'commit-then-drop', method: 'POST', path: '/api/hwid/devices/delete', times: 1 });
    const left = await client.deleteDevice(user.id, 'hw-a');
    expect(left.devices.map((d) => d.hwid)).toEqual(['hw-b']);
    expect(sim.requests({ path: '/api/hwid/devices/delete' }).map((r) => r.status)).toEqual([null, 404]);

    const missing = await client.deleteDevice(user.id, 'hw-a').catch((e: unknown) => e);
    expect(isDeviceNotFound(missing)).toBe(true);
    expect(missing).toMatchObject({ status: 404, errorCode: 'A204', attempts: 1 });
    // a missing device is not a missing user, though both are 404s
    const noUser = await client.deleteDevice(999, 'hw-a').catch((e: unknown) => e);
    expect(isDeviceNotFound(noUser)).toBe(false);
    expect(noUser).toMatchObject({ status: 404, errorCode: 'A025' });
  });

  it('reads usage, nodes, stats and version', async () => {
    const user = await client.createUser(newUser());
    sim.setUsage(user.id, 5000);
    const today = sim.now();
    const usage = await client.getUsage(user.id, new Date(today.getTime() - DAY), today);
    expect(usage.categories).toHaveLength(2);
    expect(usage.totalBytes).toBe(5000);
    expect(usage.topNodes[0]?.total).toBe(5000);

    const nodes = await client.getNodes();
    expect(nodes).toHaveLength(2);
    // The panel sends this counter as a string; we coerce it.
    expect(nodes[0]?.trafficUsedBytes).toBe(5000);
    expect(nodes[0]).toMatchObject({ isConnected: true, isDisabled: false, countryCode: 'DE' });

    const stats = await client.getSystemStats();
    expect(stats.users.totalUsers).toBe(1);
    expect(stats.users.statusCounts.ACTIVE).toBe(1);
    expect(stats.nodes.totalBytesLifetime).toBe(5000);
    expect(stats).toHaveProperty('memory');

    expect(await client.getVersion()).toBe('3.3.2');
  });
});

describe('remnawave client: transport', () => {
  it('always sends the token, forwarded headers and extra headers', async () => {
    const withExtra = makeClient({
      extraHeaders: { 'X-Api-Key': 'proxy-key', Authorization: 'Bearer wrong' },
    });
    await withExtra.getNodes();
    const [entry] = sim.requests({ path: '/api/nodes' });
    expect(entry?.headers).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'https',
      'x-api-key': 'proxy-key',
    });
    // The extra Authorization did not replace the token, or the sim would have answered 401.
    expect(entry?.status).toBe(200);
  });

  it('tolerates a trailing slash on the base URL', async () => {
    const prefixed = makeClient({ baseUrl: `${sim.baseUrl}/` });
    await prefixed.getNodes();
    expect(sim.requests()[0]?.path).toBe('/api/nodes');
  });

  it('retries a GET on 503 and succeeds', async () => {
    sim.addFault({ kind: 'status', status: 503, method: 'GET', path: '/api/nodes', times: 2 });
    expect(await client.getNodes()).toHaveLength(2);
    expect(sim.requestCount({ path: '/api/nodes' })).toBe(3);
  });

  it('retries on 429 honouring Retry-After up to the cap, and on 502 HTML pages', async () => {
    sim.addFault({ kind: 'status', status: 429, retryAfterSeconds: 1, path: '/api/nodes', times: 1 });
    sim.addFault({
      kind: 'status',
      status: 502,
      body: '<html>Bad Gateway</html>',
      path: '/api/nodes',
      times: 1,
    });
    const started = Date.now();
    expect(await client.getNodes()).toHaveLength(2);
    // retryMaxDelayMs (20) caps the 1 s Retry-After.
    expect(Date.now() - started).toBeLessThan(500);
    expect(sim.requestCount({ path: '/api/nodes' })).toBe(3);
  });

  it('gives up after the configured retries with the last error', async () => {
    sim.addFault({ kind: 'status', status: 500, path: '/api/nodes' });
    const err = await client.getNodes().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500, attempts: 4 });
    expect(sim.requestCount({ path: '/api/nodes' })).toBe(4);
  });

  it('does not retry createUser on 503', async () => {
    sim.addFault({ kind: 'status', status: 503, method: 'POST', path: '/api/users', times: 1 });
    const err = await client.createUser(newUser()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemnawaveApiError);
    expect(err).toMatchObject({ status: 503, attempts: 1 });
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(sim.requestCount({ method: 'POST', path: '/api/users' })).toBe(1);
  });

  it('times out within the configured timeout', async () => {
    sim.addFault({ kind: 'hang', path: '/api/nodes' });
    const fast = makeClient({ timeoutMs: 150, retries: 0 });
    const started = Date.now();
    const err = await fast.getNodes().catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(RemnawaveTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 150, attempts: 1 });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('retries a GET after a timeout and after a dropped connection', async () => {
    sim.addFault({ kind: 'hang', path: '/api/nodes', times: 1 });
    sim.addFault({ kind: 'drop', path: '/api/nodes', times: 1 });
    const fast = makeClient({ timeoutMs: 150 });
    expect(await fast.getNodes()).toHaveLength(2);
    expect(sim.requestCount({ path: '/api/nodes' })).toBe(3);
  });

  it('a create that commits then times out leaves a user findable by username', async () => {
    sim.addFault({ kind: 'commit-then-hang', method: 'POST', path: '/api/users', times: 1 });
    const fast = makeClient({ timeoutMs: 150 });
    const err = await fast.createUser(newUser()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemnawaveTimeoutError);
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(sim.requestCount({ method: 'POST', path: '/api/users' })).toBe(1);

    const reconciled = await fast.findUserByUsername('shop1_cust42');
    expect(reconciled?.status).toBe('ACTIVE');
  });

  it('treats "already enabled" / "not found" after a lost answer as success', async () => {
    const user = await client.createUser(newUser());
    await client.disableUser(user.id);

    sim.addFault({ kind: 'commit-then-drop', path: '/api/users/:id/actions/enable', times: 1 });
    const enabled = await client.enableUser(user.id);
    expect(enabled.status).toBe('ACTIVE');
    expect(sim.requestCount({ path: '/api/users/:id/actions/enable' })).toBe(2);

    sim.addFault({ kind: 'commit-then-hang', method: 'DELETE', path: '/api/users/:id', times: 1 });
    await makeClient({ timeoutMs: 150 }).deleteUser(user.id);
    expect(sim.getUser(user.id)).toBeUndefined();
    expect(sim.requestCount({ method: 'DELETE' })).toBe(2);
  });

  it('maps a dropped connection to RemnawaveNetworkError', async () => {
    sim.addFault({ kind: 'drop', path: '/api/nodes' });
    const err = await makeClient({ retries: 0 })
      .getNodes()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemnawaveNetworkError);
  });

  it('reports a panel that is down, then recovers', async () => {
    await sim.setDown(true);
    const err = await client.getNodes().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, attempts: 4 });

    await sim.setDown(true, 'refuse');
    const refused = await makeClient({ retries: 1 })
      .getNodes()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemnawaveNetworkError);
    expect((refused as RemnawaveNetworkError).code).toBe('ECONNREFUSED');
    expect(isOutcomeUnknown(refused)).toBe(false);

    await sim.setDown(false);
    expect(await client.getNodes()).toHaveLength(2);
  });

  it('validates input locally and sends nothing', async () => {
    const err = await client.createUser(newUser({ username: 'bad name!' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemnawaveInputError);
    expect((err as RemnawaveInputError).message).toContain('username');
    const tagErr = await client.createUser(newUser({ tag: 'lower' })).catch((e: unknown) => e);
    expect(tagErr).toBeInstanceOf(RemnawaveInputError);
    expect(sim.requestCount()).toBe(0);
  });

  it('does not take a missing route for a missing user', async () => {
    const ghostRoute = defineEndpoint({
      name: 'test.ghost',
      method: 'GET',
      request: z.undefined().optional(),
      path: () => '/api/users/by-telegram-id/1',
      response: z.unknown(),
      retrySafe: true,
    });
    const err = await client.call(ghostRoute, undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemnawaveApiError);
    expect((err as RemnawaveApiError).status).toBe(404);
    expect(isNotFound(err)).toBe(false);
  });

  it('parses leniently: unknown fields, numbers as strings, missing optionals', async () => {
    sim.setUserJsonHook((json) => {
      const { description: _d, email: _e, hwidDeviceLimit: _h, ...rest } = json;
      return {
        ...rest,
        id: String(json.id),
        trafficLimitBytes: String(json.trafficLimitBytes),
        userTraffic: { ...(json.userTraffic as object), usedTrafficBytes: '12345', brandNew: true },
        someFutureField: { nested: [1, 2, 3] },
      };
    });
    const user = await client.createUser(newUser({ trafficLimitBytes: 9_000_000_000_000 }));
    expect(user.id).toBe(1);
    expect(user.trafficLimitBytes).toBe(9_000_000_000_000);
    expect(user.usedTrafficBytes).toBe(12345);
    expect(user.description).toBeNull();
    expect(user.hwidDeviceLimit).toBeNull();
    expect(user).not.toHaveProperty('someFutureField');
  });

  it('logs calls and retries without the token or user secrets', async () => {
    const lines: unknown[] = [];
    const logger: RemnawaveLogger = {
      debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
      warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    };
    sim.addFault({ kind: 'status', status: 503, path: '/api/users', method: 'POST', times: 1 });
    const logged = makeClient({ logger });
    await logged.createUser(newUser()).catch(() => undefined);
    const user = await logged.createUser(newUser());
    sim.addFault({ kind: 'status', status: 502, path: '/api/users/:id', times: 1 });
    await logged.getUserById(user.id);

    const text = JSON.stringify(lines);
    expect(lines.some((l) => (l as { level: string }).level === 'warn')).toBe(true);
    expect(text).not.toContain(sim.apiToken);
    expect(text).not.toContain(sim.getUser(user.id)!.vlessUuid);
    expect(text).not.toContain(user.shortUuid);
  });

  it('accepts a pino logger', () => {
    const logger: RemnawaveLogger = pino({ level: 'silent' });
    expect(() => makeClient({ logger })).not.toThrow();
  });
});
