import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { type Fixture, makeFixture, snapshot } from './security.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

/*
 * The broadcasts routes' refusals, as packs-routes.security.test.ts proves them: each tenant has a
 * broadcast (still sending: no job runner here), and the snapshot of what a refusal must leave alone
 * holds both tenants' broadcasts with their recipients' states.
 */

interface BroadcastFixture extends Fixture {
  readonly broadcastId: number;
}

interface BroadcastRoute {
  readonly method: 'GET' | 'POST';
  readonly path: (bot: BroadcastFixture, items?: BroadcastFixture) => string;
  readonly body?: unknown;
  readonly nested?: boolean;
}

const ROUTES: readonly BroadcastRoute[] = [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/broadcasts` },
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/broadcasts/audience?segment=all` },
  { method: 'POST', path: (bot) => `/api/v1/bots/${bot.id}/broadcasts`, body: { text: 'x', segment: 'all' } },
  {
    method: 'GET',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/broadcasts/${items.broadcastId}`,
    nested: true,
  },
  {
    method: 'POST',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/broadcasts/${items.broadcastId}/cancel`,
    nested: true,
  },
];

describe.each(BACKENDS)('broadcasts API security on %s', (backend) => {
  let h: ApiHarness;
  let a: BroadcastFixture;
  let b: BroadcastFixture;
  let before: unknown[];

  const withBroadcast = async (name: string): Promise<BroadcastFixture> => {
    const fixture = await makeFixture(h, name);
    const created = await h.app
      .forTenant(fixture.id)
      .broadcasts.create({ text: `${name} news`, audience: { segment: 'all' }, origin: 'api' });
    if (!created.ok) throw new Error('fixture');
    return { ...fixture, broadcastId: created.value.id };
  };
  const state = async () =>
    Promise.all(
      [a, b].map(async (fixture) => {
        const services = h.app.forTenant(fixture.id);
        return {
          ...(await snapshot(h.app, fixture)),
          broadcasts: await services.broadcasts.list(),
          progress: await services.broadcasts.progress(fixture.broadcastId),
        };
      }),
    );
  const send = (route: BroadcastRoute, path: string, token: string | undefined, bearer = false) =>
    h.call(route.method, path, { token, bearer, ...(route.body === undefined ? {} : { body: route.body }) });
  const where = (route: BroadcastRoute, path: string) => `${route.method} ${path}`;

  beforeAll(async () => {
    h = await startApi(backend);
    a = await withBroadcast('Alpha');
    b = await withBroadcast('Beta');
    before = await state();
  });
  afterAll(() => h.close());

  it('answers 401 without a token, with a wrong one, and with a malformed Authorization header', async () => {
    const wrong = `rf_${randomBytes(32).toString('base64url')}`;
    for (const route of ROUTES) {
      const path = route.path(a);
      for (const answer of [
        await send(route, path, undefined),
        await send(route, path, wrong),
        await send(route, path, wrong, true),
        await send(route, path, `${OPERATOR_TOKEN}x`),
        await h.call(route.method, path, { headers: { authorization: `Basic ${OPERATOR_TOKEN}` } }),
      ]) {
        expect(answer.status, where(route, path)).toBe(401);
        expectErrorBody(answer, 401, 'unauthorized');
      }
    }
  });

  it("answers 404 to a tenant token on another tenant's bot, as to a bot that does not exist", async () => {
    for (const route of ROUTES) {
      const answer = await send(route, route.path(a), b.apiToken);
      expect(answer.status, `${where(route, route.path(a))} with the other tenant's token`).toBe(404);
      expectErrorBody(answer, 404, 'not_found');
      const missing = await send(route, route.path({ ...a, id: 99_999_999 as BotId }), b.apiToken);
      expect(missing.body.error.message).toBe(answer.body.error.message.replace(String(a.id), '99999999'));
    }
  });

  it("answers 404 to another tenant's broadcast under one's own bot, even with the operator token", async () => {
    for (const route of ROUTES.filter((r) => r.nested)) {
      for (const token of [a.apiToken, OPERATOR_TOKEN]) {
        const answer = await send(route, route.path(a, b), token);
        expect(answer.status, `${where(route, route.path(a, b))} with its own token`).toBe(404);
        expectErrorBody(answer, 404, 'not_found');
        expect(answer.body.error.message).toBe(`broadcast ${b.broadcastId} was not found`);
      }
    }
  });

  it('changed nothing with those refusals, and the right token still reaches its broadcasts', async () => {
    expect(await state()).toEqual(before);
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      const answer = await h.call('GET', route.path(a), { token: a.apiToken });
      expect(answer.status, where(route, route.path(a))).toBe(200);
    }
    expect((await h.app.forTenant(b.id).broadcasts.get(b.broadcastId))?.status).toBe('sending');
  });
});
