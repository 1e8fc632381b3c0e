import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from './index.js';

const DAY = 86_400_000;

let sim: RemnawaveSim;

interface RawResult {
  status: number;
  json: unknown;
  headers: Headers;
}

async function raw(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResult> {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sim.apiToken}`,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'https',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(2_000),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (empty 204, HTML, base64 subscription)
  }
  return { status: res.status, json, headers: res.headers };
}

function future(days = 30): string {
  return new Date(sim.now().getTime() + days * DAY).toISOString();
}

async function createUser(extra: Record<string, unknown> = {}) {
  const res = await raw('POST', '/api/users', { username: 'alice_1', expireAt: future(), ...extra });
  expect(res.status).toBe(201);
  return (res.json as { response: { id: number; shortUuid: string; subscriptionUrl: string } }).response;
}

beforeEach(async () => {
  sim = await startRemnawaveSim();
});

afterEach(async () => {
  await sim.close();
});

describe('remnawave sim: connection rules', () => {
  it('drops requests without forwarded headers, with no HTTP response', async () => {
    await expect(
      fetch(`${sim.baseUrl}/api/system/metadata`, {
        headers: { authorization: `Bearer ${sim.apiToken}` },
        signal: AbortSignal.timeout(2_000),
      }),
    ).rejects.toThrow(/fetch failed/);
    await expect(
      fetch(`${sim.baseUrl}/api/system/metadata`, {
        headers: {
          authorization: `Bearer ${sim.apiToken}`,
          'x-forwarded-for': '1.2.3.4',
          'x-forwarded-proto': 'http',
        },
        signal: AbortSignal.timeout(2_000),
      }),
    ).rejects.toThrow(/fetch failed/);
    expect(sim.requests()[0]?.outcome).toBe('dropped');
  });

  it('accepts requests without forwarded headers when not required', async () => {
    const open = await startRemnawaveSim({ requireForwardedHeaders: false, apiToken: 'tok' });
    try {
      const res = await fetch(`${open.baseUrl}/api/system/metadata`, {
        headers: { authorization: 'Bearer tok' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ response: { version: '3.3.2' } });
    } finally {
      await open.close();
    }
  });

  it('answers 401 to a wrong token and a framework 404 to an unknown route', async () => {
    const unauthorized = await raw('GET', '/api/nodes', undefined, { authorization: 'Bearer nope' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.json).toEqual({ message: 'Unauthorized', statusCode: 401 });

    const missing = await raw('GET', '/api/nope');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ message: 'Cannot GET /api/nope' });
  });

  it('logs requests with the token redacted', async () => {
    await raw('GET', '/api/nodes');
    await raw('GET', '/api/internal-squads');
    expect(sim.requestCount()).toBe(2);
    expect(sim.requestCount({ method: 'GET', path: '/api/nodes' })).toBe(1);
    const [entry] = sim.requests({ path: '/api/nodes' });
    expect(entry?.headers.authorization).toBe('[redacted]');
    expect(entry?.status).toBe(200);
    sim.clearRequestLog();
    expect(sim.requestCount()).toBe(0);
  });
});

describe('remnawave sim: users', () => {
  it('creates a user wrapped in {response} with a subscription URL and squads', async () => {
    const [squad] = sim.squads();
    const user = await createUser({ activeInternalSquads: [squad?.uuid], telegramId: 42, tag: 'TENANT_1' });
    expect(user).toMatchObject({
      id: 1,
      username: 'alice_1',
      status: 'ACTIVE',
      telegramId: 42,
      tag: 'TENANT_1',
      activeInternalSquads: [{ uuid: squad?.uuid, name: 'Default-Squad' }],
      userTraffic: { usedTrafficBytes: 0 },
    });
    expect(user.subscriptionUrl).toBe(`${sim.baseUrl}/api/sub/${user.shortUuid}`);
    expect(sim.getUser('alice_1')?.id).toBe(1);
    // 3.x users are numbered; the 2.x uuid is gone
    expect(user).not.toHaveProperty('uuid');
  });

  it('neither updates nor resolves a user by uuid, and answers A025 to a PATCH of an unknown user', async () => {
    const user = await createUser();
    const uuid = '4b1e0c7a-2f4d-4e8b-9a1c-3d5e7f9a1b2c';
    const byUuid = await raw('PATCH', '/api/users', { uuid, trafficLimitBytes: 5 });
    expect(byUuid.status).toBe(400);
    expect(byUuid.json).toMatchObject({ message: 'Validation failed' });
    expect(sim.getUser(user.id)?.trafficLimitBytes).toBe(0);
    expect((await raw('POST', '/api/users/resolve', { uuid })).status).toBe(400);
    // one key exactly, as the contract says
    expect((await raw('POST', '/api/users/resolve', { id: user.id, username: 'alice_1' })).status).toBe(400);
    const resolved = await raw('POST', '/api/users/resolve', { shortUuid: user.shortUuid });
    expect(resolved.json).toEqual({
      response: { id: user.id, shortUuid: user.shortUuid, username: 'alice_1' },
    });

    for (const body of [
      { id: 999, trafficLimitBytes: 5 },
      { username: 'ghost', trafficLimitBytes: 5 },
    ]) {
      const unknown = await raw('PATCH', '/api/users', body);
      expect(unknown.status).toBe(404);
      expect(unknown.json).toMatchObject({ errorCode: 'A025', path: '/api/users' });
    }
  });

  it('validates username and tag with the validation body shape', async () => {
    for (const username of ['ab', 'a'.repeat(37), 'has space', 'ünï']) {
      const res = await raw('POST', '/api/users', { username, expireAt: future() });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ statusCode: 400, message: 'Validation failed' });
      expect((res.json as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
    }
    const badTag = await raw('POST', '/api/users', { username: 'bob', expireAt: future(), tag: 'lower' });
    expect(badTag.status).toBe(400);
    const longTag = await raw('POST', '/api/users', {
      username: 'bob',
      expireAt: future(),
      tag: 'A'.repeat(17),
    });
    expect(longTag.status).toBe(400);
    expect(sim.users()).toHaveLength(0);

    const user = await createUser({ tag: 'A'.repeat(16) });
    for (const tag of ['rf12', 'RF-12', 'A'.repeat(17)]) {
      expect((await raw('PATCH', '/api/users', { id: user.id, tag })).status).toBe(400);
    }
    expect((await raw('PATCH', '/api/users', { id: user.id, tag: 'RF_12' })).json).toMatchObject({
      response: { tag: 'RF_12' },
    });
  });

  it('rejects a duplicate username with A019 and an unknown squad with A018', async () => {
    await createUser();
    const dup = await raw('POST', '/api/users', { username: 'alice_1', expireAt: future() });
    expect(dup.status).toBe(400);
    expect(dup.json).toMatchObject({ errorCode: 'A019', path: '/api/users' });

    const squad = await raw('POST', '/api/users', {
      username: 'carol',
      expireAt: future(),
      activeInternalSquads: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(squad.status).toBe(500);
    expect(squad.json).toMatchObject({ errorCode: 'A018' });
    expect(sim.getUser('carol')).toBeUndefined();
  });

  it('answers A063 for a missing user and A025 for deleting one; delete is 204', async () => {
    expect((await raw('GET', '/api/users/99')).json).toMatchObject({ errorCode: 'A063' });
    expect((await raw('GET', '/api/users/by-username/ghost')).json).toMatchObject({ errorCode: 'A063' });
    const user = await createUser();
    const del = await raw('DELETE', `/api/users/${user.id}`);
    expect(del.status).toBe(204);
    expect(del.json).toBe('');
    const again = await raw('DELETE', `/api/users/${user.id}`);
    expect(again.status).toBe(404);
    expect(again.json).toMatchObject({ errorCode: 'A025' });
  });

  it('applies PATCH rules: past expiry rejected, squads replaced, a new expiry re-activates', async () => {
    const [a, b] = sim.squads();
    const user = await createUser({ activeInternalSquads: [a?.uuid] });

    const past = await raw('PATCH', '/api/users', {
      id: user.id,
      expireAt: new Date(sim.now().getTime() - DAY).toISOString(),
    });
    expect(past.status).toBe(400);
    expect(past.json).toMatchObject({ message: 'Validation failed' });

    const replaced = await raw('PATCH', '/api/users', { id: user.id, activeInternalSquads: [b?.uuid] });
    expect(replaced.json).toMatchObject({ response: { activeInternalSquads: [{ uuid: b?.uuid }] } });

    const limited = await raw('PATCH', '/api/users', { id: user.id, status: 'LIMITED' });
    expect(limited.status).toBe(400);

    sim.advanceTime(31 * DAY);
    // nothing marks the user EXPIRED on read: only the sweep does
    expect((await raw('GET', `/api/users/${user.id}`)).json).toMatchObject({
      response: { status: 'ACTIVE' },
    });
    expect(sim.runSweeps()).toEqual({ expired: [user.id], limited: [] });
    expect(sim.getUser(user.id)?.status).toBe('EXPIRED');
    const renewed = await raw('PATCH', '/api/users', { id: user.id, expireAt: future(30) });
    expect(renewed.json).toMatchObject({ response: { status: 'ACTIVE' } });
    expect(sim.runSweeps()).toEqual({ expired: [], limited: [] });
  });

  it('answers ACTIVE to status ACTIVE on an expired user; the next sweep expires it again', async () => {
    const user = await createUser({ expireAt: future(1) });
    sim.advanceTime(2 * DAY);
    sim.runSweeps();
    const forced = await raw('PATCH', '/api/users', { id: user.id, status: 'ACTIVE' });
    expect(forced.json).toMatchObject({ response: { status: 'ACTIVE' } });
    expect(sim.runSweeps().expired).toEqual([user.id]);
  });

  it('marks LIMITED only in the sweep; a raised limit or status ACTIVE answers ACTIVE even when still over', async () => {
    const user = await createUser({ trafficLimitBytes: 1000 });
    sim.setUsage(user.id, 1500);
    expect(sim.getUser(user.id)?.status).toBe('ACTIVE');
    expect(sim.runSweeps()).toEqual({ expired: [], limited: [user.id] });
    expect(sim.getUser(user.id)?.status).toBe('LIMITED');

    // raised, but still under the usage: the panel answers ACTIVE and the sweep limits again
    const raised = await raw('PATCH', '/api/users', { id: user.id, trafficLimitBytes: 1200 });
    expect(raised.json).toMatchObject({ response: { status: 'ACTIVE', trafficLimitBytes: 1200 } });
    expect(sim.runSweeps().limited).toEqual([user.id]);

    // the same limit again does not re-activate; an explicit status does
    const same = await raw('PATCH', '/api/users', { id: user.id, trafficLimitBytes: 1200 });
    expect(same.json).toMatchObject({ response: { status: 'LIMITED' } });
    const forced = await raw('PATCH', '/api/users', { id: user.id, status: 'ACTIVE' });
    expect(forced.json).toMatchObject({ response: { status: 'ACTIVE' } });
    expect(sim.runSweeps().limited).toEqual([user.id]);

    // removing the limit lifts it for good
    const unlimited = await raw('PATCH', '/api/users', { id: user.id, trafficLimitBytes: 0 });
    expect(unlimited.json).toMatchObject({ response: { status: 'ACTIVE' } });
    expect(sim.runSweeps().limited).toEqual([]);

    await raw('PATCH', '/api/users', { id: user.id, trafficLimitBytes: 5000 });
    sim.setUsage(user.id, 6000);
    sim.runSweeps();
    const reset = await raw('POST', `/api/users/${user.id}/actions/reset-traffic`);
    expect(reset.json).toMatchObject({
      response: { status: 'ACTIVE', userTraffic: { usedTrafficBytes: 0 } },
    });
    expect(sim.getUser(user.id)?.lifetimeUsedTrafficBytes).toBe(6000);
    expect(sim.runSweeps().limited).toEqual([]);
  });

  it('runs the sweeps on timers whose intervals a test can shorten', async () => {
    const quick = await startRemnawaveSim({ expireSweepMs: 10, limitSweepMs: 10 });
    try {
      const headers = {
        authorization: `Bearer ${quick.apiToken}`,
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'https',
        'content-type': 'application/json',
      };
      const created = await fetch(`${quick.baseUrl}/api/users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          username: 'swept',
          expireAt: new Date(quick.now().getTime() + DAY).toISOString(),
          trafficLimitBytes: 10,
        }),
      });
      expect(created.status).toBe(201);
      quick.setUsage('swept', 10);
      await vi.waitFor(() => expect(quick.getUser('swept')?.status).toBe('LIMITED'));
      quick.advanceTime(2 * DAY);
      await vi.waitFor(() => expect(quick.getUser('swept')?.status).toBe('EXPIRED'));
    } finally {
      await quick.close();
    }
  });

  it('rejects repeated enable / disable with A030 / A029', async () => {
    const user = await createUser();
    expect((await raw('POST', `/api/users/${user.id}/actions/enable`)).json).toMatchObject({
      errorCode: 'A030',
    });
    expect((await raw('POST', `/api/users/${user.id}/actions/disable`)).json).toMatchObject({
      response: { status: 'DISABLED' },
    });
    expect((await raw('POST', `/api/users/${user.id}/actions/disable`)).json).toMatchObject({
      errorCode: 'A029',
    });
    expect((await raw('POST', `/api/users/${user.id}/actions/enable`)).json).toMatchObject({
      response: { status: 'ACTIVE' },
    });
  });

  it('revoke issues a new short uuid and subscription URL', async () => {
    const user = await createUser();
    const revoked = (await raw('POST', `/api/users/${user.id}/actions/revoke`, {})).json as {
      response: { shortUuid: string; subscriptionUrl: string };
    };
    expect(revoked.response.shortUuid).not.toBe(user.shortUuid);
    expect(revoked.response.subscriptionUrl).not.toBe(user.subscriptionUrl);
    expect(revoked.response.subscriptionUrl.endsWith(revoked.response.shortUuid)).toBe(true);
  });

  it('streams users by telegram id with a cursor, and resolves ids', async () => {
    const paged = await startRemnawaveSim({ streamPageSize: 2, apiToken: 't' });
    try {
      const headers = {
        authorization: 'Bearer t',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'https',
        'content-type': 'application/json',
      };
      for (let i = 0; i < 5; i++) {
        await fetch(`${paged.baseUrl}/api/users`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            username: `tg_${i}`,
            expireAt: new Date(Date.now() + DAY).toISOString(),
            telegramId: i === 2 ? 7 : 77,
          }),
        });
      }
      const first = (await (
        await fetch(`${paged.baseUrl}/api/users/stream?telegramId=77`, { headers })
      ).json()) as {
        response: { users: { username: string }[]; nextCursor: string | null; hasMore: boolean };
      };
      expect(first.response.users.map((u) => u.username)).toEqual(['tg_0', 'tg_1']);
      expect(first.response.hasMore).toBe(true);
      const second = (await (
        await fetch(`${paged.baseUrl}/api/users/stream?telegramId=77&cursor=${first.response.nextCursor}`, {
          headers,
        })
      ).json()) as { response: { users: { username: string }[]; hasMore: boolean } };
      expect(second.response.users.map((u) => u.username)).toEqual(['tg_3', 'tg_4']);
      expect(second.response.hasMore).toBe(false);

      const resolved = await fetch(`${paged.baseUrl}/api/users/resolve`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ username: 'tg_2' }),
      });
      expect(await resolved.json()).toMatchObject({ response: { id: 3, username: 'tg_2' } });
    } finally {
      await paged.close();
    }
  });

  it('pages the stream 250 users at a time when the request gives no size', async () => {
    for (let i = 0; i < 251; i++)
      sim.createUser({ username: `many_${i}`, expireAt: future(), telegramId: 9 });
    type Page = { response: { users: unknown[]; nextCursor: string | null; hasMore: boolean } };
    const first = (await raw('GET', '/api/users/stream?telegramId=9')).json as Page;
    expect(first.response.users).toHaveLength(250);
    expect(first.response.hasMore).toBe(true);
    const rest = (await raw('GET', `/api/users/stream?telegramId=9&cursor=${first.response.nextCursor}`))
      .json as Page;
    expect(rest.response.users).toHaveLength(1);
    expect(rest.response).toMatchObject({ hasMore: false, nextCursor: null });
  });
});

describe('remnawave sim: devices, usage, catalogue', () => {
  it('adds, lists and deletes devices, honouring the device limit', async () => {
    const user = await createUser({ hwidDeviceLimit: 2 });
    expect(sim.addDevice(user.id, 'hw-1', { platform: 'iOS' })).toBe('added');
    expect(sim.addDevice(user.id, 'hw-1')).toBe('exists');
    expect(sim.addDevice(user.id, 'hw-2')).toBe('added');
    expect(sim.addDevice(user.id, 'hw-3')).toBe('limit-reached');
    const overApi = await raw('POST', '/api/hwid/devices', { userId: user.id, hwid: 'hw-3' });
    expect(overApi.json).toMatchObject({ errorCode: 'A099' });

    const list = await raw('GET', `/api/hwid/devices/${user.id}`);
    expect(list.json).toMatchObject({
      response: { total: 2, devices: [{ hwid: 'hw-1', platform: 'iOS' }, {}] },
    });
    const afterOne = await raw('POST', '/api/hwid/devices/delete', { userId: user.id, hwid: 'hw-1' });
    expect(afterOne.json).toMatchObject({ response: { total: 1 } });
    const afterAll = await raw('POST', '/api/hwid/devices/delete-all', { userId: user.id });
    expect(afterAll.json).toMatchObject({ response: { total: 0, devices: [] } });
  });

  it('refuses device calls as the panel does: a missing device, a missing user, a 2.x uuid', async () => {
    const user = await createUser();
    sim.addDevice(user.id, 'hw-1');
    const gone = await raw('POST', '/api/hwid/devices/delete', { userId: user.id, hwid: 'hw-2' });
    expect(gone).toMatchObject({ status: 404, json: { errorCode: 'A204' } });
    expect(sim.getUser(user.id)?.devices.map((d) => d.hwid)).toEqual(['hw-1']);

    for (const [method, path, body] of [
      ['GET', '/api/hwid/devices/999', undefined],
      ['POST', '/api/hwid/devices/delete', { userId: 999, hwid: 'hw-1' }],
      ['POST', '/api/hwid/devices/delete-all', { userId: 999 }],
    ] as const) {
      expect(await raw(method, path, body), path).toMatchObject({ status: 404, json: { errorCode: 'A025' } });
    }
    // 3.x names users by numeric id: a uuid in the path or body is a validation error
    const byUuid = '00000000-0000-4000-8000-000000000000';
    expect((await raw('GET', `/api/hwid/devices/${byUuid}`)).status).toBe(400);
    const uuidBody = await raw('POST', '/api/hwid/devices/delete-all', { userUuid: byUuid });
    expect(uuidBody).toMatchObject({ status: 400, json: { message: 'Validation failed' } });
    expect(sim.getUser(user.id)?.devices).toHaveLength(1);
  });

  it('serves the subscription publicly and registers the fetching device with its address', async () => {
    const user = await createUser({ hwidDeviceLimit: 1 });
    const res = await fetch(user.subscriptionUrl, {
      headers: { 'x-hwid': 'phone-1', 'user-agent': 'Happ/1', 'x-forwarded-for': '203.0.113.7, 10.0.0.1' },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.text(), 'base64').toString()).toContain('vless://');
    expect(sim.getUser(user.id)?.devices.map((d) => d.hwid)).toEqual(['phone-1']);
    const listed = await raw('GET', `/api/hwid/devices/${user.id}`);
    expect(listed.json).toMatchObject({
      response: { total: 1, devices: [{ hwid: 'phone-1', userId: user.id, requestIp: '203.0.113.7' }] },
    });
    expect((listed.json as { response: { devices: object[] } }).response.devices[0]).not.toHaveProperty(
      'userUuid',
    );
    const second = await fetch(user.subscriptionUrl, { headers: { 'x-hwid': 'phone-2' } });
    expect(second.headers.get('x-hwid-limit')).toBe('true');
  });

  it('reports usage per day, squads, nodes, stats and metadata', async () => {
    const user = await createUser();
    sim.setUsage(user.id, 2048);
    const today = sim.now().toISOString().slice(0, 10);
    const usage = await raw('GET', `/api/bandwidth-stats/users/${user.id}?start=${today}&end=${today}`);
    expect(usage.json).toMatchObject({ response: { categories: [today], sparklineData: [2048] } });

    const squadUuid = sim.addSquad('Extra');
    const squads = (await raw('GET', '/api/internal-squads')).json as {
      response: { total: number; internalSquads: { uuid: string }[] };
    };
    expect(squads.response.total).toBe(3);
    expect(squads.response.internalSquads.map((s) => s.uuid)).toContain(squadUuid);

    expect(((await raw('GET', '/api/nodes')).json as { response: unknown[] }).response).toHaveLength(2);
    expect((await raw('GET', '/api/system/stats')).json).toMatchObject({
      response: {
        users: { totalUsers: 1, statusCounts: { ACTIVE: 1 } },
        nodes: { totalBytesLifetime: '2048' },
      },
    });
    expect((await raw('GET', '/api/system/metadata')).json).toMatchObject({ response: { version: '3.3.2' } });
  });
});

describe('remnawave sim: token scopes', () => {
  it('answers 403 Forbidden resource outside the token scopes', async () => {
    const scoped = await startRemnawaveSim({ apiTokenScopes: ['users:*', 'nodes:list'], apiToken: 's' });
    try {
      const call = (path: string) =>
        fetch(`${scoped.baseUrl}${path}`, {
          headers: {
            authorization: 'Bearer s',
            'x-forwarded-for': '127.0.0.1',
            'x-forwarded-proto': 'https',
          },
        });
      expect((await call('/api/users/by-username/nobody')).status).toBe(404);
      expect((await call('/api/nodes')).status).toBe(200);
      const denied = await call('/api/internal-squads');
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ message: 'Forbidden resource', statusCode: 403 });
      expect((await call('/api/hwid/devices/1')).status).toBe(403);
    } finally {
      await scoped.close();
    }
  });
});

describe('remnawave sim: faults', () => {
  it('answers an injected status for the next N matching requests only', async () => {
    const fault = sim.addFault({ kind: 'status', status: 503, method: 'GET', path: '/api/nodes', times: 2 });
    expect((await raw('GET', '/api/internal-squads')).status).toBe(200);
    expect((await raw('GET', '/api/nodes')).status).toBe(503);
    expect((await raw('GET', '/api/nodes')).status).toBe(503);
    expect((await raw('GET', '/api/nodes')).status).toBe(200);
    expect(fault.hits).toBe(2);
  });

  it('matches path patterns and lasts until cleared when unbounded', async () => {
    const fault = sim.addFault({ kind: 'status', status: 429, retryAfterSeconds: 1, path: '/api/users/:id' });
    const res = await raw('GET', '/api/users/1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await raw('GET', '/api/users/2')).status).toBe(429);
    expect((await raw('GET', '/api/nodes')).status).toBe(200);
    fault.clear();
    expect((await raw('GET', '/api/users/1')).status).toBe(404);
  });

  it('drops the connection on demand', async () => {
    sim.addFault({ kind: 'drop', times: 1 });
    await expect(raw('GET', '/api/nodes')).rejects.toThrow(/fetch failed/);
    expect((await raw('GET', '/api/nodes')).status).toBe(200);
  });

  it('commits a create and never answers, and close() ends hanging requests promptly', async () => {
    sim.addFault({ kind: 'commit-then-hang', method: 'POST', path: '/api/users' });
    sim.addFault({ kind: 'hang', path: '/api/nodes' });
    const hungCreate = raw('POST', '/api/users', { username: 'ghost_1', expireAt: future() }).catch((e) => e);
    const hungGet = raw('GET', '/api/nodes').catch((e) => e);
    await vi.waitFor(() => {
      expect(sim.getUser('ghost_1')).toBeDefined();
      expect(sim.requestCount({ path: '/api/nodes' })).toBe(1);
    });
    expect(sim.requests({ method: 'POST' })[0]?.outcome).toBe('committed-no-answer');

    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await hungCreate).toBeInstanceOf(Error);
    expect(await hungGet).toBeInstanceOf(Error);
  });

  it('delays then answers with a finite hang', async () => {
    sim.addFault({ kind: 'hang', delayMs: 100, times: 1 });
    const started = Date.now();
    expect((await raw('GET', '/api/nodes')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('commits a create and answers what it applied after a delay: the panel changed meanwhile', async () => {
    sim.addFault({ kind: 'commit-then-hang', delayMs: 200, method: 'POST', path: '/api/users', times: 1 });
    const slow = raw('POST', '/api/users', { username: 'slow_1', expireAt: future() });
    await vi.waitFor(() => expect(sim.getUser('slow_1')).toBeDefined());
    const created = sim.getUser('slow_1')!;
    sim.advanceTime(1000);
    expect((await raw('POST', `/api/users/${created.id}/actions/disable`)).status).toBe(200);
    const answer = await slow;
    expect(answer.status).toBe(201);
    // the answer is the user as the create left it, not as it is now
    expect((answer.json as { response: { status: string } }).response.status).toBe('ACTIVE');
    expect(sim.getUser('slow_1')?.status).toBe('DISABLED');
  });

  it('goes down with 503 or refused connections and comes back on the same port', async () => {
    await sim.setDown(true);
    const down = await raw('GET', '/api/nodes');
    expect(down.status).toBe(503);
    await sim.setDown(false);
    expect((await raw('GET', '/api/nodes')).status).toBe(200);

    await sim.setDown(true, 'refuse');
    // A pooled keep-alive socket may fail first with a socket error; a fresh connection is refused.
    await raw('GET', '/api/nodes').catch(() => undefined);
    const refused = await raw('GET', '/api/nodes').catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    await sim.setDown(false);
    expect((await raw('GET', '/api/nodes')).status).toBe(200);
  });
});
