import { describe, expect, it } from 'vitest';
import { createRemnawaveClient, RemnawaveResponseError, RemnawaveTimeoutError } from './index.js';
import { panelUserSchema } from './schemas.js';

const minimalUser = {
  id: 7,
  shortUuid: 'abcDEF123',
  username: 'legacy_user',
  status: 'ACTIVE',
  expireAt: '2030-01-01T00:00:00.000Z',
};

describe('panelUserSchema', () => {
  it('accepts a minimal user and fills defaults', () => {
    const user = panelUserSchema.parse(minimalUser);
    expect(user).toMatchObject({
      id: 7,
      trafficLimitBytes: 0,
      trafficLimitStrategy: 'NO_RESET',
      telegramId: null,
      subscriptionUrl: '',
      activeInternalSquads: [],
      usedTrafficBytes: 0,
      onlineAt: null,
    });
    expect(user.expireAt.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('reads 2.x top-level traffic fields and bare squad uuids', () => {
    const user = panelUserSchema.parse({
      ...minimalUser,
      usedTrafficBytes: '4096',
      lifetimeUsedTrafficBytes: 8192,
      onlineAt: '2029-12-31T10:00:00Z',
      activeInternalSquads: ['s-1'],
    });
    expect(user.usedTrafficBytes).toBe(4096);
    expect(user.lifetimeUsedTrafficBytes).toBe(8192);
    expect(user.onlineAt?.toISOString()).toBe('2029-12-31T10:00:00.000Z');
    expect(user.activeInternalSquads).toEqual([{ uuid: 's-1', name: '' }]);
  });

  it('strips proxy secrets and unknown fields', () => {
    const user = panelUserSchema.parse({
      ...minimalUser,
      vlessUuid: 'secret',
      trojanPassword: 'secret',
      x: 1,
    });
    expect(JSON.stringify(user)).not.toContain('secret');
    expect(user).not.toHaveProperty('x');
  });

  it('drops the 2.x uuid a legacy panel may still send: 3.x users are addressed by id', () => {
    const user = panelUserSchema.parse({ ...minimalUser, uuid: '4b1e0c7a-2f4d-4e8b-9a1c-3d5e7f9a1b2c' });
    expect(user).not.toHaveProperty('uuid');
    expect(user.id).toBe(7);
  });

  it('rejects what it cannot make sense of', () => {
    expect(panelUserSchema.safeParse({ ...minimalUser, expireAt: 'not a date' }).success).toBe(false);
    expect(panelUserSchema.safeParse({ ...minimalUser, id: 'abc' }).success).toBe(false);
    expect(panelUserSchema.safeParse({ ...minimalUser, status: 'BANNED' }).success).toBe(false);
  });
});

describe('transport with a stubbed fetch', () => {
  const base = { baseUrl: 'http://panel.test', apiToken: 'tok', retryBaseMs: 1, retryMaxDelayMs: 5 };

  it('reports a 2xx body that does not parse as RemnawaveResponseError, without retrying', async () => {
    let calls = 0;
    const client = createRemnawaveClient({
      ...base,
      fetch: async () => {
        calls++;
        return new Response(JSON.stringify({ response: { id: 'x' } }), { status: 200 });
      },
    });
    const err = await client.getUserById(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemnawaveResponseError);
    expect(calls).toBe(1);
  });

  it('accepts a body that is not wrapped in {response}', async () => {
    const client = createRemnawaveClient({
      ...base,
      fetch: async () => new Response(JSON.stringify({ version: '2.9.0' }), { status: 200 }),
    });
    expect(await client.getVersion()).toBe('2.9.0');
  });

  it('aborts with the caller signal, without retrying or wrapping the reason', async () => {
    let calls = 0;
    const client = createRemnawaveClient({
      ...base,
      fetch: (_url, init) => {
        calls++;
        return new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        });
      },
    });
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 20);
    await expect(client.getNodes({ signal: controller.signal })).rejects.toBe(reason);
    expect(calls).toBe(1);
  });

  it('applies a per-call timeout override', async () => {
    const client = createRemnawaveClient({
      ...base,
      retries: 0,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    });
    const err = await client.getNodes({ timeoutMs: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemnawaveTimeoutError);
    expect((err as RemnawaveTimeoutError).timeoutMs).toBe(30);
  });

  it('rejects a malformed base URL at construction', () => {
    expect(() => createRemnawaveClient({ baseUrl: 'not a url', apiToken: 'tok' })).toThrow();
  });
});
