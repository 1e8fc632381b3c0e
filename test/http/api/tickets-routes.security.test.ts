import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asTicketId } from '../../../src/modules/tickets/tickets-service.js';
import { asCustomerId, type BotId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { type Fixture, makeFixture, snapshot } from './security.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

/*
 * The tickets routes' refusals, as describeSecurity (security.ts) proves them for the other route
 * groups: its shared fixture has no ticket, so this file gives each tenant one and checks the same
 * things, with the tickets and their histories in the snapshot of what a refusal must leave alone.
 */

interface TicketFixture extends Fixture {
  readonly ticketId: number;
}

interface TicketRoute {
  readonly method: 'GET' | 'POST';
  readonly path: (bot: TicketFixture, items?: TicketFixture) => string;
  readonly body?: unknown;
  readonly nested?: boolean;
}

const under = (bot: TicketFixture, items: TicketFixture, rest = '') =>
  `/api/v1/bots/${bot.id}/tickets/${items.ticketId}${rest}`;

const ROUTES: readonly TicketRoute[] = [
  { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/tickets` },
  { method: 'GET', path: (bot, items = bot) => under(bot, items), nested: true },
  {
    method: 'POST',
    path: (bot, items = bot) => under(bot, items, '/reply'),
    body: { text: 'an answer from the wrong place' },
    nested: true,
  },
  { method: 'POST', path: (bot, items = bot) => under(bot, items, '/close'), nested: true },
  { method: 'POST', path: (bot, items = bot) => under(bot, items, '/reopen'), nested: true },
];

describe.each(BACKENDS)('tickets API security on %s', (backend) => {
  let h: ApiHarness;
  let a: TicketFixture;
  let b: TicketFixture;
  let before: unknown[];

  const withTicket = async (name: string): Promise<TicketFixture> => {
    const fixture = await makeFixture(h, name);
    const opened = await h.app
      .forTenant(fixture.id)
      .tickets.open(asCustomerId(fixture.customerId), { text: `${name} needs help` });
    if (opened.status !== 'opened') throw new Error('fixture');
    return { ...fixture, ticketId: opened.ticket.id };
  };
  /** Both tenants' everything, tickets and histories included: a refusal must change neither. */
  const state = async () =>
    Promise.all(
      [a, b].map(async (fixture) => {
        const tickets = h.app.forTenant(fixture.id).tickets;
        return {
          ...(await snapshot(h.app, fixture)),
          tickets: await tickets.findPage({ limit: 50, offset: 0 }),
          history: await tickets.history(asTicketId(fixture.ticketId)),
        };
      }),
    );
  const send = (route: TicketRoute, path: string, token: string | undefined, bearer = false) =>
    h.call(route.method, path, { token, bearer, ...(route.body === undefined ? {} : { body: route.body }) });
  const where = (route: TicketRoute, path: string) => `${route.method} ${path}`;

  beforeAll(async () => {
    h = await startApi(backend);
    a = await withTicket('Alpha');
    b = await withTicket('Beta');
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

  it("answers 404 to another tenant's ticket under one's own bot, even with the operator token", async () => {
    for (const route of ROUTES.filter((r) => r.nested)) {
      for (const token of [a.apiToken, OPERATOR_TOKEN]) {
        const answer = await send(route, route.path(a, b), token);
        expect(answer.status, `${where(route, route.path(a, b))} with its own token`).toBe(404);
        expectErrorBody(answer, 404, 'not_found');
      }
    }
  });

  it('changed nothing with those refusals, and the right token still reaches its tickets', async () => {
    expect(await state()).toEqual(before);
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      const answer = await h.call('GET', route.path(a), { token: a.apiToken });
      expect(answer.status, where(route, route.path(a))).toBe(200);
    }
    const list = await h.call('GET', `/api/v1/bots/${a.id}/tickets`, { token: a.apiToken });
    expect(list.body.items.map((t: { id: number }) => t.id)).toEqual([a.ticketId]);
    expect(await h.app.forTenant(b.id).tickets.get(asTicketId(b.ticketId))).toMatchObject({ status: 'open' });
  });
});
