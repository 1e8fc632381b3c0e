import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZarinpalSim, type ZarinpalSim } from '../../../sim/zarinpal/index.js';
import { createTranslator, LANGUAGES } from '../../../src/bot/i18n.js';
import { ledgerTransactions, zarinpalPayments } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { ZARINPAL_ERRORS } from '../../../src/integrations/zarinpal/index.js';
import { createZarinpalGateways } from '../../../src/integrations/zarinpal/payment-gateway.js';
import { starsFor } from '../../../src/modules/payments/stars-payments.js';
import {
  parseZarinpalPaymentRef,
  type ZarinpalPayment,
  zarinpalCallbackPath,
} from '../../../src/modules/payments/zarinpal-payments.js';
import {
  ZARINPAL_PROBLEM_KINDS,
  ZARINPAL_PROBLEMS,
  zarinpalProblem,
} from '../../../src/modules/payments/zarinpal-problems.js';
import type { Clock } from '../../../src/shared/clock.js';
import type { BotId, CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

const MERCHANT = '1a2b3c4d-1111-4222-8333-444455556666';
const MINUTE = 60_000;

describe('zarinpal error codes and Stars prices', () => {
  it('maps every documented gateway code to a customer message that exists in every language', () => {
    const translator = createTranslator();
    const codes = Object.keys(ZARINPAL_ERRORS).map(Number);
    expect(codes.length).toBeGreaterThan(15);
    expect(codes.filter((code) => ZARINPAL_PROBLEMS[code] === undefined)).toEqual([]);
    for (const problem of ZARINPAL_PROBLEM_KINDS) {
      for (const language of LANGUAGES) {
        expect(translator.keys(language)).toContain(`zarinpal-problem-${problem}`);
      }
    }
    expect(zarinpalProblem(-12, true)).toBe('busy');
    expect(zarinpalProblem(-52, true)).toBe('busy');
    expect(zarinpalProblem('TIMEOUT', true)).toBe('busy');
    expect(zarinpalProblem(-10, false)).toBe('shop');
    expect(zarinpalProblem(-50, false)).toBe('mismatch');
    expect(zarinpalProblem(-51, false)).toBe('unpaid');
    expect(zarinpalProblem(-999, false)).toBe('shop');
  });

  it('converts an amount to whole Stars, rounding up', () => {
    // stars_per_unit_price is Stars per 1,000 currency units
    expect(starsFor(50_000, 1)).toBe(50);
    expect(starsFor(12_345, 2)).toBe(25);
    expect(starsFor(1, 1)).toBe(1);
    expect(starsFor(1_000, 3)).toBe(3);
  });

  it('reads a callback path back into the tenant and the unguessable payment id', () => {
    const path = zarinpalCallbackPath(42 as BotId, 'ab'.repeat(16));
    expect(path).toBe(`/pay/zarinpal/42-${'ab'.repeat(16)}`);
    expect(parseZarinpalPaymentRef(path.split('/').at(-1)!)).toEqual({
      botId: 42,
      publicId: 'ab'.repeat(16),
    });
    for (const bad of [
      '42',
      '42-',
      `x-${'a'.repeat(32)}`,
      `42-${'a'.repeat(31)}`,
      `42-${'A'.repeat(32)}`,
      '0-1',
    ]) {
      expect(parseZarinpalPaymentRef(bad)).toBeUndefined();
    }
  });
});

/** The module against the gateway simulator, with a clock the test moves. */
describe.each(BACKENDS)('zarinpal payments on %s', (backend) => {
  let t: TestApp;
  let sim: ZarinpalSim;
  let now = new Date('2026-03-01T10:00:00Z');
  const clock: Clock = { now: () => now };
  let telegramId = 5000;

  beforeAll(async () => {
    sim = await startZarinpalSim({ merchants: [MERCHANT] });
    t = await createTestApp(backend, {
      clock,
      zarinpal: {
        gateways: createZarinpalGateways({
          baseUrl: sim.baseUrl,
          sandboxBaseUrl: sim.baseUrl,
          timeoutMs: 300,
          retries: 1,
          retryBaseMs: 5,
        }),
        callbackBaseUrl: 'https://shop.example',
        reconcileAfterMs: 3 * MINUTE,
        expireAfterMs: 60 * MINUTE,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  /** A shop of its own per test: reconciliation reports count only that test's payments. */
  const openShop = async (): Promise<BotId> => {
    const shop = (await createTenant(t.app, 'Gateway')).tenant.id;
    const updated = await t.app.platform.tenants.update(shop, { zarinpalMerchantId: MERCHANT });
    if (!updated.ok) throw new Error('merchant');
    return shop;
  };

  const customer = async (shop: BotId): Promise<CustomerId> => {
    const { customer } = await t.app
      .forTenant(shop)
      .customers.register({ telegramId: telegramId++, firstName: 'C' }, 'en');
    return customer.id;
  };

  const start = async (shop: BotId, customerId: CustomerId, amount = 50_000) => {
    const outcome = await t.app
      .forTenant(shop)
      .zarinpal.start({ customerId, amount, orderId: null, description: 'Top-up' });
    if (outcome.status !== 'created') throw new Error(`expected a payment, got ${outcome.status}`);
    return outcome;
  };

  const ledgerRefs = (shop: BotId, id: number) =>
    inTenant(t.database.handle.db, shop, (tx) =>
      tx
        .select()
        .from(ledgerTransactions)
        .where(and(eq(ledgerTransactions.botId, shop), eq(ledgerTransactions.externalRef, `zarinpal:${id}`))),
    );

  it('requests in Toman, said explicitly, with a callback to an unguessable id of this tenant', async () => {
    const shop = await openShop();
    const { payment, payUrl } = await start(shop, await customer(shop), 50_000);
    expect(sim.calls('request').at(-1)?.body).toMatchObject({
      merchant_id: MERCHANT,
      amount: 50_000,
      currency: 'IRT',
      callback_url: `https://shop.example/pay/zarinpal/${shop}-${payment.publicId}`,
    });
    expect(payment).toMatchObject({
      amount: 50_000,
      gatewayAmount: 50_000,
      currency: 'IRT',
      status: 'pending',
    });
    expect(payment.publicId).toMatch(/^[0-9a-f]{32}$/);
    expect(payUrl).toBe(`${sim.baseUrl}/pg/StartPay/${payment.authority}`);
  });

  it('raises an amount below the gateway minimum to it', async () => {
    const shop = await openShop();
    const { payment } = await start(shop, await customer(shop), 400);
    expect(payment).toMatchObject({ amount: 1_000, gatewayAmount: 1_000 });
  });

  it('maps a refused request to a customer problem and records the failure', async () => {
    const shop = await openShop();
    const id = await customer(shop);
    sim.addFault({ endpoint: 'request', type: 'error', code: -11, times: 1 });
    const refused = await t.app
      .forTenant(shop)
      .zarinpal.start({ customerId: id, amount: 50_000, orderId: null, description: 'x' });
    expect(refused).toEqual({ status: 'gateway_error', code: -11, problem: 'shop' });
    sim.addFault({ endpoint: 'request', type: 'error', code: -12, times: 5 });
    const busy = await t.app
      .forTenant(shop)
      .zarinpal.start({ customerId: id, amount: 50_000, orderId: null, description: 'x' });
    expect(busy).toMatchObject({ status: 'gateway_error', problem: 'busy' });
    sim.clearFaults();
    const rows = await t.app.forTenant(shop).zarinpal.findByCustomer(id);
    expect(rows.map((row) => [row.status, row.failureCode])).toEqual([
      ['failed', -12],
      ['failed', -11],
    ]);
  });

  it('gives an unpaid payment up after an hour, and still credits it once when it turns out paid', async () => {
    const shop = await openShop();
    const id = await customer(shop);
    const services = t.app.forTenant(shop);
    const { payment } = await start(shop, id);
    // a few minutes: asked, not paid, stays open
    now = new Date(now.getTime() + 4 * MINUTE);
    expect(await services.zarinpal.reconcile()).toMatchObject({ checked: 1, credited: 0, cancelled: 0 });
    expect((await services.zarinpal.get(payment.id))?.status).toBe('pending');
    // an hour later: given up
    now = new Date(now.getTime() + 61 * MINUTE);
    expect(await services.zarinpal.reconcile()).toMatchObject({ cancelled: 1 });
    expect((await services.zarinpal.get(payment.id))?.status).toBe('cancelled');
    // the customer paid after all: the gateway lists it as paid but unverified, the sweep credits it
    sim.pay(payment.authority!, { outcome: 'OK' });
    const report = await services.zarinpal.reconcile();
    expect(report).toMatchObject({ swept: 1, credited: 1 });
    const settled = (await services.zarinpal.get(payment.id)) as ZarinpalPayment;
    expect(settled).toMatchObject({
      status: 'paid',
      refId: String(sim.getPayment(payment.authority!)?.refId),
    });
    expect(await services.ledger.balance(id)).toBe(50_000);
    // nothing more to find
    expect(await services.zarinpal.reconcile()).toMatchObject({ swept: 0, credited: 0 });
    expect(await ledgerRefs(shop, payment.id)).toHaveLength(1);
  });

  it('keeps a payment pending while the gateway cannot answer, and backs off between checks', async () => {
    const shop = await openShop();
    const id = await customer(shop);
    const services = t.app.forTenant(shop);
    const { payment } = await start(shop, id);
    sim.pay(payment.authority!, { outcome: 'OK' });
    const remove = sim.addFault({ endpoint: 'verify', type: 'http', status: 502 });
    now = new Date(now.getTime() + 4 * MINUTE);
    expect(await services.zarinpal.reconcile()).toMatchObject({ checked: 1, credited: 0 });
    const waiting = (await services.zarinpal.get(payment.id))!;
    expect(waiting).toMatchObject({ status: 'pending', checkCount: 1 });
    expect(waiting.nextCheckAt!.getTime()).toBeGreaterThan(now.getTime());
    // not due yet: not asked again
    // not due yet: only the sweep asks (the gateway lists it as paid), and it still cannot answer
    expect(await services.zarinpal.reconcile()).toMatchObject({ checked: 0, swept: 1, credited: 0 });
    remove();
    now = new Date(waiting.nextCheckAt!.getTime() + 1);
    await services.zarinpal.reconcile();
    expect((await services.zarinpal.get(payment.id))?.status).toBe('paid');
    expect(await services.ledger.balance(id)).toBe(50_000);
    expect(await ledgerRefs(shop, payment.id)).toHaveLength(1);
  });

  it('credits a verified payment even when the gateway repeats a bank reference used elsewhere', async () => {
    const first = await openShop();
    const second = await openShop();
    const earlier = await start(first, await customer(first));
    const id = await customer(second);
    const { payment } = await start(second, id);
    sim.pay(payment.authority!, { outcome: 'OK' });
    const repeated = String(sim.getPayment(payment.authority!)?.refId);
    // another tenant's payment already holds that reference (ref_id is unique across the fleet)
    await inTenant(t.database.handle.db, first, (tx) =>
      tx.update(zarinpalPayments).set({ refId: repeated }).where(eq(zarinpalPayments.id, earlier.payment.id)),
    );
    const outcome = await t.app
      .forTenant(second)
      .zarinpal.handleCallback({ publicId: payment.publicId, authority: payment.authority! });
    expect(outcome).toMatchObject({ status: 'paid', creditedNow: true });
    expect(await t.app.forTenant(second).zarinpal.get(payment.id)).toMatchObject({
      status: 'paid',
      refId: null,
    });
    expect(await t.app.forTenant(second).ledger.balance(id)).toBe(50_000);
  });

  it('refuses Zarinpal to a shop that does not sell in Toman or has no merchant', async () => {
    const other = (await createTenant(t.app, 'Dollars')).tenant.id;
    await t.app.platform.tenants.update(other, { currency: 'USD', zarinpalMerchantId: MERCHANT });
    const { customer: c } = await t.app
      .forTenant(other)
      .customers.register({ telegramId: telegramId++, firstName: 'D' }, 'en');
    const services = t.app.forTenant(other);
    expect(
      await services.zarinpal.start({ customerId: c.id, amount: 500, orderId: null, description: 'x' }),
    ).toEqual({
      status: 'unavailable',
      reason: 'currency',
    });
    await t.app.platform.tenants.update(other, { currency: 'IRT', zarinpalMerchantId: null });
    expect(
      await services.zarinpal.start({ customerId: c.id, amount: 50_000, orderId: null, description: 'x' }),
    ).toEqual({ status: 'unavailable', reason: 'no_merchant' });
    const rows = await inTenant(t.database.handle.db, other, (tx) => tx.select().from(zarinpalPayments));
    expect(rows).toEqual([]);
  });
});
