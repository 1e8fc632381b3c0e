import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp, type TenantServices } from '../../../src/app.js';
import { openDatabase } from '../../../src/db/database.js';
import { asCardPaymentId, type ReceiptInput } from '../../../src/modules/payments/card-to-card.js';
import { parseAmount } from '../../../src/modules/payments/top-up.js';
import { createSecretBox } from '../../../src/shared/crypto.js';
import type { CardId, CustomerId } from '../../../src/shared/ids.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import {
  BACKENDS,
  createTenant,
  createTestApp,
  ensureTestServiceRole,
  TEST_ENCRYPTION_KEY,
  type TestApp,
  testServiceUrl,
} from '../../support/database.js';

let nextTelegramId = 7_000_000_000;
let nextFile = 0;
const photo = (fileUniqueId?: string): ReceiptInput => {
  nextFile += 1;
  const unique = fileUniqueId ?? `uniq-${nextFile}`;
  return { file: { kind: 'photo', fileId: `file-${unique}`, fileUniqueId: unique } };
};

/** A tenant with one card, one plan and one customer. */
async function freshShop(app: App, cardNumber = '6037991234567893') {
  const shop = app.forTenant((await createTenant(app)).tenant.id);
  const card = await shop.cards.create({ cardNumber, holderName: 'Holder' });
  const plan = await shop.plans.create({ name: 'Monthly', periodDays: 30, price: 120_000 });
  if (!card.ok || !plan.ok) throw new Error('fixture');
  const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
  return { shop, card: card.value, plan: plan.value, customerId: customer.id };
}

const submit = async (
  shop: TenantServices,
  customerId: CustomerId,
  cardId: CardId | null,
  receipt: ReceiptInput = { text: 'paid' },
  amount = 50_000,
) => {
  const outcome = await shop.cardPayments.submit({ customerId, amount, cardId, receipt });
  if (outcome.status !== 'submitted') throw new Error(outcome.status);
  return outcome.payment;
};

const admin = { telegramId: 2000, name: 'Admin' };

describe('parseAmount', () => {
  it('reads Latin, Persian and Arabic digits with separators and a currency word', () => {
    expect(parseAmount('50000')).toBe(50_000);
    expect(parseAmount('50,000')).toBe(50_000);
    expect(parseAmount('۵۰٬۰۰۰ تومان')).toBe(50_000);
    expect(parseAmount('٥٠٠٠٠')).toBe(50_000);
    expect(parseAmount('100.000')).toBe(100_000);
    expect(parseAmount('Toman 120 000')).toBe(120_000);
    expect(parseAmount('4.99', 100)).toBe(499);
    expect(parseAmount('5', 100)).toBe(500);
  });

  it('refuses what is not a positive whole amount', () => {
    for (const text of ['', 'abc', '0', '-5', '12.5', '1e6', '10.00.0', '99999999999999999999'])
      expect(parseAmount(text), text).toBeUndefined();
    expect(parseAmount('4.999', 100)).toBeUndefined();
  });
});

describe.each(BACKENDS)('card-to-card payments module on %s', (backend) => {
  let t: TestApp;
  let now = new Date();
  beforeAll(async () => {
    t = await createTestApp(backend, { clock: { now: () => now } });
  });
  afterAll(() => t.close());

  it('records a pending payment with a unique tracking number and queues it for the admins', async () => {
    const { shop, card, customerId } = await freshShop(t.app);
    const first = await submit(shop, customerId, card.id, { text: '  ref 123  ', ...photo() });
    const second = await submit(shop, customerId, card.id);
    expect(first).toMatchObject({
      status: 'pending',
      receiptType: 'both',
      receiptText: 'ref 123',
      receiptFileKind: 'photo',
      cardId: card.id,
      orderId: null,
      reviewedAt: null,
    });
    expect(first.trackingNumber).toMatch(/^[1-9]\d{9}$/);
    expect(second.trackingNumber).not.toBe(first.trackingNumber);
    expect(second.receiptType).toBe('text');
    const jobs = await t.app.platform.jobs.store.counts('card-receipt-forward');
    expect(jobs.queued + jobs.running + jobs.done + jobs.failed).toBeGreaterThanOrEqual(2);
    expect(
      await shop.cardPayments.submit({ customerId, amount: 0, cardId: null, receipt: { text: 'x' } }),
    ).toEqual({
      status: 'invalid',
      reason: 'amount',
    });
    expect(
      await shop.cardPayments.submit({ customerId, amount: 10, cardId: null, receipt: { text: '   ' } }),
    ).toEqual({ status: 'invalid', reason: 'receipt' });
  });

  it('approves once under 20 concurrent approvals, and a racing rejection loses or wins whole', async () => {
    const { shop, card, customerId } = await freshShop(t.app);
    const payment = await submit(shop, customerId, card.id, photo());
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index === 7
          ? shop.cardPayments.reject(payment.id, admin, 'racing')
          : shop.cardPayments.approve(payment.id, { telegramId: 2000 + index, name: `Admin ${index}` }),
      ),
    );
    const decided = outcomes.filter((o) => o.status === 'approved' || o.status === 'rejected');
    expect(decided).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'already')).toHaveLength(19);
    const final = await shop.cardPayments.get(payment.id);
    const credits = (await shop.ledger.entries(customerId)).filter((entry) => entry.kind === 'topup');
    const cardNow = await shop.cards.get(card.id);
    if (final?.status === 'approved') {
      expect(credits).toHaveLength(1);
      expect(credits[0]).toMatchObject({ amount: 50_000, externalRef: `c2c:${payment.id}` });
      expect(final.transactionId).toBe(credits[0]!.id);
      expect(await shop.ledger.balance(customerId)).toBe(50_000);
      expect(cardNow).toMatchObject({ successCount: 1, failureCount: 0 });
    } else {
      expect(final?.status).toBe('rejected');
      expect(credits).toHaveLength(0);
      expect(cardNow).toMatchObject({ successCount: 0, failureCount: 1 });
    }
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });

  it('pays the waiting purchase with the approval, in the same transaction', async () => {
    const { shop, card, plan, customerId } = await freshShop(t.app);
    await shop.ledger.credit({ customerId, amount: 20_000, kind: 'admin_credit' });
    const bought = await shop.orders.purchasePlan({ customerId, planId: plan.id });
    if (bought.status !== 'insufficient') throw new Error(bought.status);
    const due = await shop.topUp.dueForOrder(customerId, bought.order.id);
    expect(due).toMatchObject({ status: 'due', missing: 100_000, balance: 20_000 });
    const outcome = await shop.cardPayments.submit({
      customerId,
      amount: 100_000,
      cardId: card.id,
      orderId: bought.order.id,
      receipt: { text: 'paid' },
    });
    if (outcome.status !== 'submitted') throw new Error(outcome.status);
    expect(outcome.payment.orderId).toBe(bought.order.id);
    const approved = await shop.cardPayments.approve(outcome.payment.id, admin);
    expect(approved).toMatchObject({ status: 'approved', balance: 0, order: { status: 'paid' } });
    expect(await shop.orders.get(bought.order.id)).toMatchObject({ status: 'paid' });
    expect(await shop.topUp.dueForOrder(customerId, bought.order.id)).toEqual({ status: 'not_payable' });
  });

  it("keeps an order only while it waits and belongs to the customer; another tenant's payment is unreachable", async () => {
    const a = await freshShop(t.app, '6219861034529007');
    const b = await freshShop(t.app);
    const bought = await b.shop.orders.purchasePlan({ customerId: b.customerId, planId: b.plan.id });
    if (bought.status !== 'insufficient') throw new Error(bought.status);
    // A's customer naming B's order and B's card: neither is linked
    const smuggled = await a.shop.cardPayments.submit({
      customerId: a.customerId,
      amount: 10_000,
      cardId: b.card.id,
      orderId: bought.order.id,
      receipt: { text: 'x' },
    });
    expect(smuggled).toMatchObject({ status: 'submitted', payment: { orderId: null, cardId: null } });
    expect(
      await a.shop.cardPayments.submit({
        customerId: b.customerId,
        amount: 10,
        cardId: null,
        receipt: { text: 'x' },
      }),
    ).toEqual({ status: 'no_customer' });

    const bPayment = await submit(b.shop, b.customerId, b.card.id);
    expect(await a.shop.cardPayments.get(bPayment.id)).toBeUndefined();
    expect(await a.shop.cardPayments.approve(bPayment.id, admin)).toEqual({ status: 'not_found' });
    expect(await a.shop.cardPayments.reject(bPayment.id, admin, null)).toEqual({ status: 'not_found' });
    expect(await a.shop.cardPayments.getByTrackingNumber(bPayment.trackingNumber)).toBeUndefined();
    expect((await a.shop.cardPayments.findPending()).map((p) => p.botId)).not.toContain(b.shop.botId);
    expect(await b.shop.cardPayments.get(bPayment.id)).toMatchObject({ status: 'pending' });
    expect(await b.shop.ledger.balance(b.customerId)).toBe(0);
  });

  it('flags a reused receipt image here by id and elsewhere by a yes or no only', async () => {
    const a = await freshShop(t.app);
    const b = await freshShop(t.app);
    const image = photo('shared-image');
    const inA = await submit(a.shop, a.customerId, a.card.id, image);
    expect(inA).toMatchObject({ duplicateOf: null, reusedElsewhere: false });
    const inB = await submit(b.shop, b.customerId, b.card.id, image);
    expect(inB).toMatchObject({ duplicateOf: null, reusedElsewhere: true });
    const againInA = await submit(a.shop, a.customerId, a.card.id, image);
    expect(againInA).toMatchObject({ duplicateOf: inA.id, reusedElsewhere: true });
    // the service role cannot use the function to look across tenants without a tenant set
    const [row] = await t.database.handle.query<{ seen: boolean }>(
      "SELECT receipt_seen_elsewhere('shared-image') AS seen",
    );
    expect(row?.seen).toBe(false);
    // and still reads no other tenant's payments
    const visible = await t.database.handle.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM card_to_card_payments',
    );
    expect(visible[0]?.n).toBe(0);
  });

  it('expires pending receipts older than the tenant setting, and only those', async () => {
    const { shop, card, customerId } = await freshShop(t.app);
    await shop.settings.set('receipt_expiry_hours', 2, 'tenant');
    const payment = await submit(shop, customerId, card.id);
    const decidedOne = await submit(shop, customerId, card.id);
    await shop.cardPayments.reject(decidedOne.id, admin, null);
    expect(await shop.cardPayments.expireStale()).toEqual([]);
    now = new Date(Date.now() + 3 * 3_600_000);
    try {
      const expired = await shop.cardPayments.expireStale();
      expect(expired.map((p) => p.id)).toEqual([payment.id]);
      expect(expired[0]).toMatchObject({ status: 'expired', reviewedBy: null });
      expect(await shop.cardPayments.expireStale()).toEqual([]);
      expect((await shop.cardPayments.get(decidedOne.id))?.status).toBe('rejected');
      expect(await shop.cardPayments.approve(payment.id, admin)).toMatchObject({ status: 'already' });
      expect(await shop.cardPayments.statsForCustomer(customerId)).toEqual({
        pending: 0,
        approved: 0,
        rejected: 1,
        expired: 1,
      });
    } finally {
      now = new Date();
    }
  });

  it('checks a free amount against the presets and limits', async () => {
    const { shop } = await freshShop(t.app);
    await shop.settings.set('topup_presets', [5_000, 100_000], 'tenant');
    await shop.settings.set('topup_min', 20_000, 'tenant');
    await shop.settings.set('topup_max', 1_000_000, 'tenant');
    expect(await shop.topUp.checkAmount(5_000)).toEqual({ status: 'ok', amount: 5_000 });
    expect((await shop.topUp.checkAmount(19_999)).status).toBe('too_small');
    expect(await shop.topUp.checkAmount(20_000)).toEqual({ status: 'ok', amount: 20_000 });
    expect((await shop.topUp.checkAmount(1_000_001)).status).toBe('too_large');
    expect((await shop.topUp.checkAmount(1.5)).status).toBe('too_small');
  });
});

// The migration owner in production need not be a superuser (which would bypass row-level
// security anyway): the cross-tenant receipt check must work for an ordinary owner too.
describe.runIf(process.env.TEST_DATABASE_URL)('receipt reuse check with a non-superuser owner', () => {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `rf_owner_${Date.now().toString(36)}`;
  let admin: pg.Client;
  let app: App;
  let close: () => Promise<void>;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE ROLE ${name} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS PASSWORD 'owner'`);
    await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
    const url = new URL(adminUrl);
    url.username = name;
    url.password = 'owner';
    url.pathname = `/${name}`;
    await ensureTestServiceRole();
    const handle = await openDatabase({
      url: url.toString(),
      appUrl: testServiceUrl(url.toString()),
      logger: createSilentLogger(),
    });
    app = createApp({
      database: handle,
      secrets: createSecretBox(TEST_ENCRYPTION_KEY),
      logger: createSilentLogger(),
    });
    await app.start();
    close = async () => {
      await app.stop();
      await handle.close();
    };
  });
  afterAll(async () => {
    await close?.();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${name}`);
    await admin.end();
  });

  it('sees the image in the other tenant, and nothing else of it', async () => {
    const [{ rolsuper }] = (await admin.query(`SELECT rolsuper FROM pg_roles WHERE rolname = $1`, [name]))
      .rows as [{ rolsuper: boolean }];
    expect(rolsuper).toBe(false);
    const a = await freshShop(app);
    const b = await freshShop(app);
    await submit(a.shop, a.customerId, a.card.id, photo('owner-check'));
    const inB = await submit(b.shop, b.customerId, b.card.id, photo('owner-check'));
    expect(inB.reusedElsewhere).toBe(true);
    const fresh = await submit(b.shop, b.customerId, b.card.id, photo('owner-check-2'));
    expect(fresh.reusedElsewhere).toBe(false);
    expect(await b.shop.cardPayments.get(asCardPaymentId(inB.id - 1))).toBeUndefined();
  });
});
