import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { type Fixture, makeFixture, snapshot } from './security.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

/*
 * The help routes' refusals, as packs-routes.security.test.ts proves them: each tenant has a page
 * of its own and a changed default page; another tenant's token, or another tenant's page under
 * one's own bot, answers 404 and changes nothing.
 */

interface HelpFixture extends Fixture {
  readonly pageKey: string;
}

interface HelpRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: (bot: HelpFixture, items?: HelpFixture) => string;
  readonly body?: unknown;
  /** The path names a page of the shop's own: another tenant's must 404 too. */
  readonly nested?: boolean;
}

const text = { title: 'Intruder', body: 'Changed' };

const ROUTES: readonly HelpRoute[] = [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/help-pages` },
  { method: 'POST', path: (bot) => `/api/v1/bots/${bot.id}/help-pages`, body: { texts: { en: text } } },
  {
    method: 'GET',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/help-pages/${items.pageKey}`,
    nested: true,
  },
  {
    method: 'PUT',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/help-pages/${items.pageKey}`,
    body: { texts: { en: text }, isHidden: true },
    nested: true,
  },
  {
    method: 'DELETE',
    path: (bot, items = bot) => `/api/v1/bots/${bot.id}/help-pages/${items.pageKey}`,
    nested: true,
  },
  // a default page exists in every bot: only the bot's own token reaches it
  { method: 'DELETE', path: (bot) => `/api/v1/bots/${bot.id}/help-pages/guide-happ` },
];

describe.each(BACKENDS)('help pages API security on %s', (backend) => {
  let h: ApiHarness;
  let a: HelpFixture;
  let b: HelpFixture;
  let before: unknown[];

  const withPages = async (name: string): Promise<HelpFixture> => {
    const fixture = await makeFixture(h, name);
    const help = h.app.forTenant(fixture.id).help;
    const page = await help.create({ texts: { en: { title: `${name} question`, body: 'Answer' } } });
    if (!page.ok) throw new Error('fixture');
    await help.setText('guide-happ', 'fa', { title: `${name} Happ`, body: 'متن' });
    return { ...fixture, pageKey: page.value.key };
  };
  const state = async () =>
    Promise.all(
      [a, b].map(async (fixture) => ({
        ...(await snapshot(h.app, fixture)),
        help: await h.app.forTenant(fixture.id).help.findPages(),
      })),
    );
  const send = (route: HelpRoute, path: string, token: string | undefined, bearer = false) =>
    h.call(route.method, path, { token, bearer, ...(route.body === undefined ? {} : { body: route.body }) });
  const where = (route: HelpRoute, path: string) => `${route.method} ${path}`;

  beforeAll(async () => {
    h = await startApi(backend);
    a = await withPages('Alpha');
    b = await withPages('Beta');
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

  it("answers 404 to another tenant's page under one's own bot, even with the operator token", async () => {
    for (const route of ROUTES.filter((r) => r.nested)) {
      for (const token of [a.apiToken, OPERATOR_TOKEN]) {
        const answer = await send(route, route.path(a, b), token);
        expect(answer.status, `${where(route, route.path(a, b))} with its own token`).toBe(404);
        expectErrorBody(answer, 404, 'not_found');
      }
    }
  });

  it('changed nothing with those refusals, and the right token still reaches its pages', async () => {
    expect(await state()).toEqual(before);
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      const answer = await h.call('GET', route.path(a), { token: a.apiToken });
      expect(answer.status, where(route, route.path(a))).toBe(200);
    }
    const own = await h.call('GET', `/api/v1/bots/${b.id}/help-pages/guide-happ`, { token: b.apiToken });
    expect(own.body.texts.fa).toEqual({ title: 'Beta Happ', body: 'متن', source: 'shop' });
  });
});
