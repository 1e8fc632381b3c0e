import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { asCardPaymentId } from '../../../src/modules/payments/card-to-card.js';
import { asCardId, asCustomerId, asPlanId, type BotId } from '../../../src/shared/ids.js';
import { withLuhnDigit } from '../../modules/helpers.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

/** One tenant with one of everything, so every route has something real to point at. */
export interface Fixture {
  readonly id: BotId;
  readonly apiToken: string;
  readonly planId: number;
  readonly cardId: number;
  readonly customerId: number;
  /** A pending card-to-card receipt of that customer. */
  readonly cardPaymentId: number;
}

export interface RouteCase {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path for this tenant's bot, or for `other`'s items under this tenant's bot (nested ids). */
  readonly path: (bot: Fixture, items?: Fixture) => string;
  /** A body the route would accept from the right caller. */
  readonly body?: unknown;
  /** Tenant tokens get 403 whatever the bot. */
  readonly operatorOnly?: boolean;
  /** The path names items of the bot (plans, cards, customers, payments): another tenant's item ids must 404 too. */
  readonly nested?: boolean;
  /** Not about one bot (/me): no other tenant's id to try. */
  readonly unscoped?: boolean;
}

let nextTelegramId = 8_100_000_000;
let nextCard = 100_000_000_000_000;

export async function makeFixture(h: ApiHarness, name: string): Promise<Fixture> {
  const { id, apiToken } = await h.tenant(name);
  const services = h.app.forTenant(id);
  const plan = await services.plans.create({ name: `${name} month`, periodDays: 30, price: 150_000 });
  const card = await services.cards.create({
    cardNumber: withLuhnDigit(String(nextCard++)),
    holderName: name,
  });
  const { customer } = await services.customers.register(
    { telegramId: nextTelegramId++, firstName: name },
    'fa',
  );
  if (!plan.ok || !card.ok) throw new Error('fixture');
  const payment = await services.cardPayments.submit({
    customerId: customer.id,
    amount: 150_000,
    cardId: card.value.id,
    receipt: { text: `${name} paid` },
  });
  if (payment.status !== 'submitted') throw new Error('fixture');
  return {
    id,
    apiToken,
    planId: plan.value.id,
    cardId: card.value.id,
    customerId: customer.id,
    cardPaymentId: payment.payment.id,
  };
}

/** Everything a refused request could have touched, to prove it touched nothing. */
export async function snapshot(app: App, fixture: Fixture) {
  const services = app.forTenant(fixture.id);
  return {
    bot: await app.platform.tenants.get(fixture.id),
    plan: await services.plans.get(asPlanId(fixture.planId)),
    card: await services.cards.get(asCardId(fixture.cardId)),
    customer: await services.customers.get(asCustomerId(fixture.customerId)),
    ledger: await services.ledger.entries(asCustomerId(fixture.customerId)),
    cardPayment: await services.cardPayments.get(asCardPaymentId(fixture.cardPaymentId)),
    orders: await services.orders.findByCustomer(asCustomerId(fixture.customerId)),
    flags: await services.flags.list(),
    settings: await services.settings.list(),
  };
}

const describeRoute = (route: RouteCase, fixture: Fixture) => `${route.method} ${route.path(fixture)}`;

/**
 * The security test of a route group, on every backend: a missing or wrong token is 401; a tenant
 * token on another tenant's bot (or on another tenant's items under its own bot) is 404; a tenant
 * token on an operator-only route is 403; and none of those refusals changes anything.
 */
export function describeSecurity(group: string, routes: readonly RouteCase[]): void {
  describe.each(BACKENDS)(`${group} API security on %s`, (backend) => {
    let h: ApiHarness;
    let a: Fixture;
    let b: Fixture;
    // both tenants: a refusal must change neither the target bot nor the caller's own
    let before: Awaited<ReturnType<typeof snapshot>>[];
    beforeAll(async () => {
      h = await startApi(backend);
      a = await makeFixture(h, 'Alpha');
      b = await makeFixture(h, 'Beta');
      before = [await snapshot(h.app, a), await snapshot(h.app, b)];
    });
    afterAll(() => h.close());

    const send = (
      route: RouteCase,
      path: string,
      token: string | undefined,
      extra: { bearer?: boolean } = {},
    ) =>
      h.call(route.method, path, {
        token,
        ...extra,
        ...(route.body === undefined ? {} : { body: route.body }),
      });

    it('answers 401 without a token, with a wrong one, and with a malformed Authorization header', async () => {
      const wrong = `rf_${randomBytes(32).toString('base64url')}`;
      for (const route of routes) {
        const path = route.path(a);
        for (const answer of [
          await send(route, path, undefined),
          await send(route, path, wrong),
          await send(route, path, wrong, { bearer: true }),
          await send(route, path, `${OPERATOR_TOKEN}x`),
          await h.call(route.method, path, { headers: { authorization: `Basic ${OPERATOR_TOKEN}` } }),
          await h.call(route.method, path, { headers: { authorization: OPERATOR_TOKEN } }),
        ]) {
          expect(answer.status, describeRoute(route, a)).toBe(401);
          expectErrorBody(answer, 401, 'unauthorized');
        }
      }
    });

    it("answers 404 to a tenant token on another tenant's bot", async () => {
      for (const route of routes.filter((r) => !r.operatorOnly && !r.unscoped)) {
        const answer = await send(route, route.path(a), b.apiToken);
        expect(answer.status, `${describeRoute(route, a)} with the other tenant's token`).toBe(404);
        expectErrorBody(answer, 404, 'not_found');
        // exactly what a bot that does not exist answers: nothing tells the two apart
        const missing = await send(route, route.path({ ...a, id: 99_999_999 as BotId }), b.apiToken);
        expect(missing.body.error.message).toBe(answer.body.error.message.replace(String(a.id), '99999999'));
      }
    });

    it("answers 404 to another tenant's items under one's own bot", async () => {
      for (const route of routes.filter((r) => r.nested && !r.operatorOnly)) {
        const answer = await send(route, route.path(a, b), a.apiToken);
        expect(answer.status, `${route.method} ${route.path(a, b)} with its own token`).toBe(404);
        expectErrorBody(answer, 404, 'not_found');
      }
    });

    it('answers 403 to a tenant token on an operator-only route, its own bot or not', async () => {
      for (const route of routes.filter((r) => r.operatorOnly)) {
        for (const answer of [
          await send(route, route.path(a), a.apiToken),
          await send(route, route.path(a), b.apiToken),
        ]) {
          expect(answer.status, describeRoute(route, a)).toBe(403);
          expectErrorBody(answer, 403, 'forbidden');
        }
      }
    });

    it('changed nothing with those refusals, and the right tokens still reach their routes', async () => {
      expect([await snapshot(h.app, a), await snapshot(h.app, b)]).toEqual(before);
      for (const route of routes.filter((r) => r.method === 'GET')) {
        const token = route.operatorOnly ? OPERATOR_TOKEN : a.apiToken;
        const answer = await h.call('GET', route.path(a), { token });
        expect(answer.status, `${describeRoute(route, a)} with the right token`).toBe(200);
      }
    });
  });
}
