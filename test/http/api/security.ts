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

export interface RouteCase<F extends Fixture = Fixture> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path for this tenant's bot, or for `other`'s items under this tenant's bot (nested ids). */
  readonly path: (bot: F, items?: F) => string;
  /** A body the route would accept from the right caller, or one made of the same tenants as the path. */
  readonly body?: unknown | ((bot: F, items?: F) => unknown);
  /** Tenant tokens get 403 whatever the bot. */
  readonly operatorOnly?: boolean;
  /** The path names items of the bot (plans, cards, customers, payments): another tenant's item ids must 404 too. */
  readonly nested?: boolean;
  /** Not about one bot (/me): no other tenant's id to try. */
  readonly unscoped?: boolean;
}

/** The harness and the two tenants of a security test, once its beforeAll has run. */
export interface SecurityContext<F extends Fixture = Fixture> {
  readonly h: ApiHarness;
  readonly a: F;
  readonly b: F;
}

/** What a route group adds to the shared refusal matrix. */
export interface SecurityOptions<F extends Fixture> {
  /** Runs once on the harness before the tenants are made (a master bot, say). */
  readonly setup?: (h: ApiHarness) => Promise<void>;
  /** Gives a tenant's shared fixture what the routes name beyond it (a pack, a ticket). */
  readonly fixture?: (h: ApiHarness, fixture: Fixture, name: string) => Promise<F>;
  /** More of a tenant that a refusal must leave alone, beside snapshot()'s. */
  readonly state?: (h: ApiHarness, fixture: F) => Promise<Record<string, unknown>>;
  /** What the nested routes name, for the test titles ("pack"); "items" unless said. */
  readonly items?: string;
  /** With nested routes: the message another tenant's item under one's own bot is refused with. */
  readonly notFound?: (items: F) => string;
  /** More checks at the end of the last test, after the right tokens reached their routes. */
  readonly afterwards?: (ctx: SecurityContext<F>) => Promise<void>;
  /** More tests of the group, in its describe, on the same harness and tenants. */
  readonly more?: (ctx: () => SecurityContext<F>) => void;
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

const where = (route: { method: string }, path: string) => `${route.method} ${path}`;

/**
 * The security test of a route group, on every backend: a missing or wrong token is 401; a tenant
 * token on another tenant's bot is 404, exactly as on a bot that does not exist; another tenant's
 * items under one's own bot are 404, to the operator token too; a tenant token on an operator-only
 * route is 403; and none of those refusals changes anything of either tenant. A test whose routes
 * the group does not have is left out rather than run empty.
 */
export function describeSecurity<F extends Fixture = Fixture>(
  group: string,
  routes: readonly RouteCase<F>[],
  options: SecurityOptions<F> = {},
): void {
  const scoped = routes.filter((r) => !r.operatorOnly && !r.unscoped);
  const nested = routes.filter((r) => r.nested && !r.operatorOnly);
  const operatorOnly = routes.filter((r) => r.operatorOnly);
  const items = options.items ?? 'items';

  describe.each(BACKENDS)(`${group} API security on %s`, (backend) => {
    let h: ApiHarness;
    let a: F;
    let b: F;
    // both tenants: a refusal must change neither the target bot nor the caller's own
    let before: unknown[];

    const make = async (name: string): Promise<F> => {
      const fixture = await makeFixture(h, name);
      return options.fixture ? options.fixture(h, fixture, name) : (fixture as F);
    };
    const state = () =>
      Promise.all(
        [a, b].map(async (fixture) => ({
          ...(await snapshot(h.app, fixture)),
          ...(options.state ? await options.state(h, fixture) : {}),
        })),
      );
    /** The route for `bot` (and `other`'s items under it), with its body, as `token` sends it. */
    const send = (route: RouteCase<F>, token: string | undefined, bot: F, other?: F, bearer = false) => {
      const body = typeof route.body === 'function' ? route.body(bot, other) : route.body;
      return h.call(route.method, route.path(bot, other), {
        token,
        bearer,
        ...(body === undefined ? {} : { body }),
      });
    };

    beforeAll(async () => {
      h = await startApi(backend);
      await options.setup?.(h);
      a = await make('Alpha');
      b = await make('Beta');
      before = await state();
    }, 60_000);
    afterAll(() => h.close());

    it('answers 401 without a token, with a wrong one, and with a malformed Authorization header', async () => {
      const wrong = `rf_${randomBytes(32).toString('base64url')}`;
      for (const route of routes) {
        for (const answer of [
          await send(route, undefined, a),
          await send(route, wrong, a),
          await send(route, wrong, a, undefined, true),
          await send(route, `${OPERATOR_TOKEN}x`, a),
          await h.call(route.method, route.path(a), {
            headers: { authorization: `Basic ${OPERATOR_TOKEN}` },
          }),
          await h.call(route.method, route.path(a), { headers: { authorization: OPERATOR_TOKEN } }),
        ]) {
          expect(answer.status, where(route, route.path(a))).toBe(401);
          expectErrorBody(answer, 401, 'unauthorized');
        }
      }
    });

    if (scoped.length > 0) {
      it("answers 404 to a tenant token on another tenant's bot, as to a bot that does not exist", async () => {
        for (const route of scoped) {
          const answer = await send(route, b.apiToken, a);
          expect(answer.status, `${where(route, route.path(a))} with the other tenant's token`).toBe(404);
          expectErrorBody(answer, 404, 'not_found');
          // exactly what a bot that does not exist answers: nothing tells the two apart
          const missing = await send(route, b.apiToken, { ...a, id: 99_999_999 as BotId });
          expect(missing.body.error.message).toBe(
            answer.body.error.message.replace(String(a.id), '99999999'),
          );
        }
      });
    }

    if (nested.length > 0) {
      it(`answers 404 to another tenant's ${items} under one's own bot, even with the operator token`, async () => {
        for (const route of nested) {
          for (const token of [a.apiToken, OPERATOR_TOKEN]) {
            const answer = await send(route, token, a, b);
            expect(answer.status, `${where(route, route.path(a, b))} with its own token`).toBe(404);
            expectErrorBody(answer, 404, 'not_found');
            if (options.notFound) expect(answer.body.error.message).toBe(options.notFound(b));
          }
        }
      });
    }

    if (operatorOnly.length > 0) {
      it('answers 403 to a tenant token on an operator-only route, its own bot or not', async () => {
        for (const route of operatorOnly) {
          for (const answer of [await send(route, a.apiToken, a), await send(route, b.apiToken, a)]) {
            expect(answer.status, where(route, route.path(a))).toBe(403);
            expectErrorBody(answer, 403, 'forbidden');
          }
        }
      });
    }

    it('changed nothing with those refusals, and the right tokens still reach their routes', async () => {
      expect(await state()).toEqual(before);
      for (const route of routes.filter((r) => r.method === 'GET')) {
        const token = route.operatorOnly ? OPERATOR_TOKEN : a.apiToken;
        const answer = await h.call('GET', route.path(a), { token });
        expect(answer.status, `${where(route, route.path(a))} with the right token`).toBe(200);
      }
      await options.afterwards?.({ h, a, b });
    });

    options.more?.(() => ({ h, a, b }));
  });
}
