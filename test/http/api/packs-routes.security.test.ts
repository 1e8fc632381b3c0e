import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPackId, type BotId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { type Fixture, makeFixture, snapshot } from './security.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

/*
 * The packs routes' refusals, as describeSecurity (security.ts) proves them for the other route
 * groups: its shared fixture has no pack, so this file gives each tenant one and checks the same
 * four things, with the packs in the snapshot of what a refusal must leave alone.
 */

interface PackFixture extends Fixture {
  readonly packId: number;
}

interface PackRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path for this tenant's bot, or for `items`' pack under this tenant's bot. */
  readonly path: (bot: PackFixture, items?: PackFixture) => string;
  readonly body?: unknown;
  /** The path names a pack: another tenant's pack id must 404 too. */
  readonly nested?: boolean;
}

const ROUTES: readonly PackRoute[] = [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/packs` },
  {
    method: 'POST',
    path: (bot) => `/api/v1/bots/${bot.id}/packs`,
    body: { kind: 'traffic', amount: 1, price: 1 },
  },
  { method: 'GET', path: (bot, items = bot) => `/api/v1/bots/${bot.id}/packs/${items.packId}`, nested: true },
  {
    method: 'PUT',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/packs/${items.packId}`,
    body: { price: 1, isActive: false },
    nested: true,
  },
  {
    method: 'DELETE',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/packs/${items.packId}`,
    nested: true,
  },
];

describe.each(BACKENDS)('packs API security on %s', (backend) => {
  let h: ApiHarness;
  let a: PackFixture;
  let b: PackFixture;
  let before: unknown[];

  const withPack = async (name: string): Promise<PackFixture> => {
    const fixture = await makeFixture(h, name);
    const pack = await h.app.forTenant(fixture.id).packs.create({ kind: 'days', amount: 30, price: 90_000 });
    if (!pack.ok) throw new Error('fixture');
    return { ...fixture, packId: pack.value.id };
  };
  /** Both tenants' everything, packs included: a refusal must change neither. */
  const state = async () =>
    Promise.all(
      [a, b].map(async (fixture) => ({
        ...(await snapshot(h.app, fixture)),
        packs: await h.app.forTenant(fixture.id).packs.findAll(),
      })),
    );
  const send = (route: PackRoute, path: string, token: string | undefined, bearer = false) =>
    h.call(route.method, path, { token, bearer, ...(route.body === undefined ? {} : { body: route.body }) });
  const where = (route: PackRoute, path: string) => `${route.method} ${path}`;

  beforeAll(async () => {
    h = await startApi(backend);
    a = await withPack('Alpha');
    b = await withPack('Beta');
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

  it("answers 404 to another tenant's pack under one's own bot, even with the operator token", async () => {
    for (const route of ROUTES.filter((r) => r.nested)) {
      for (const token of [a.apiToken, OPERATOR_TOKEN]) {
        const answer = await send(route, route.path(a, b), token);
        expect(answer.status, `${where(route, route.path(a, b))} with its own token`).toBe(404);
        expectErrorBody(answer, 404, 'not_found');
      }
    }
  });

  it('changed nothing with those refusals, and the right token still reaches its packs', async () => {
    expect(await state()).toEqual(before);
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      const answer = await h.call('GET', route.path(a), { token: a.apiToken });
      expect(answer.status, where(route, route.path(a))).toBe(200);
    }
    expect(await h.app.forTenant(b.id).packs.get(asPackId(b.packId))).toMatchObject({
      isActive: true,
      price: 90_000,
    });
  });
});
