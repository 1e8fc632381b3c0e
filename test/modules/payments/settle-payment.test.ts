import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { jobs } from '../../../src/db/schema.js';
import { inTenant, type TenantTx } from '../../../src/db/tenant-tx.js';
import type { JobPayload } from '../../../src/jobs/define.js';
import { cardPaymentDecided } from '../../../src/jobs/definitions/card-payments.js';
import { postEntry } from '../../../src/modules/ledger/ledger-service.js';
import {
  approvePendingCardPayment,
  countCardOutcome,
  setCardPaymentTransaction,
} from '../../../src/modules/payments/card-to-card/card-payment-repository.js';
import {
  type CardPayment,
  cardPaymentRef,
  type Reviewer,
} from '../../../src/modules/payments/card-to-card.js';
import type { CreditKind } from '../../../src/modules/payments/credit-payment.js';
import { type Settlement, settlePayment } from '../../../src/modules/payments/settle-payment.js';
import type { CardId, CustomerId, OrderId } from '../../../src/shared/ids.js';
import { MAX_MONEY, MoneyLimitError } from '../../../src/shared/money.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

let nextTelegramId = 7_800_000_000;
const admin: Reviewer = { telegramId: 2000, name: 'Admin' };

/** The card approval as a settlement: card payments are the simplest rows to make pending. */
const approval = (
  payment: CardPayment,
  options: { kind?: CreditKind } = {},
): Settlement<CardPayment, JobPayload<typeof cardPaymentDecided>> => {
  const now = new Date();
  return {
    claim: (tx) => approvePendingCardPayment(tx, payment.id, admin, now),
    credit: (won) => ({
      customerId: won.customerId as CustomerId,
      amount: won.amount,
      externalRef: cardPaymentRef(won.id),
      ...(options.kind ? { kind: options.kind } : {}),
      orderId: won.orderId as OrderId | null,
    }),
    recordEntry: async (tx, won, entry) => (await setCardPaymentTransaction(tx, won.id, entry.id))!,
    bookkeeping: (tx, won) => countCardOutcome(tx, won.cardId, 'success', now),
    notice: { job: cardPaymentDecided, payload: (won) => ({ paymentId: won.id }) },
    now,
  };
};

describe.each(BACKENDS)('settlePayment on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const inShop = <T>(shop: TenantServices, work: (tx: TenantTx) => Promise<T>) =>
    inTenant(t.database.handle.db, shop.botId, work);

  /** A tenant with one card and one customer holding `balance`. */
  const freshShop = async (balance = 0) => {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const card = await shop.cards.create({ cardNumber: '6037991234567893', holderName: 'Holder' });
    if (!card.ok) throw new Error(card.error.message);
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    if (balance > 0) {
      await inShop(shop, (tx) =>
        postEntry(tx, { customerId: customer.id, amount: balance, kind: 'migration' }),
      );
    }
    return { shop, cardId: card.value.id, customerId: customer.id };
  };

  const submit = async (
    shop: TenantServices,
    customerId: CustomerId,
    cardId: CardId,
    amount = 50_000,
    orderId: OrderId | null = null,
  ) => {
    const outcome = await shop.cardPayments.submit({
      customerId,
      amount,
      cardId,
      orderId,
      receipt: { text: 'paid' },
    });
    if (outcome.status !== 'submitted') throw new Error(outcome.status);
    return outcome.payment;
  };

  const noticeJobs = (shop: TenantServices, paymentId: number) =>
    inShop(shop, (tx) =>
      tx
        .select({ dedupeKey: jobs.dedupeKey })
        .from(jobs)
        .where(
          and(
            eq(jobs.botId, shop.botId),
            eq(jobs.name, cardPaymentDecided.name),
            eq(jobs.dedupeKey, `c2c-decided:${paymentId}`),
          ),
        ),
    );

  const topups = async (shop: TenantServices, customerId: CustomerId) =>
    (await shop.ledger.entries(customerId)).filter((entry) => entry.kind === 'topup');

  it('settles once under 12 concurrent calls: one credit, one bookkeeping, one notice', async () => {
    const { shop, cardId, customerId } = await freshShop();
    const payment = await submit(shop, customerId, cardId);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () => inShop(shop, (tx) => settlePayment(tx, approval(payment)))),
    );
    const settled = outcomes.filter((outcome) => outcome.status === 'settled');
    expect(settled).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'not_claimed')).toHaveLength(11);
    const [won] = settled;
    if (won?.status !== 'settled') throw new Error('no winner');
    expect(won).toMatchObject({ creditedNow: true, balance: 50_000, order: undefined });
    expect(won.payment).toMatchObject({ status: 'approved', transactionId: won.entry.id });

    const credits = await topups(shop, customerId);
    expect(credits).toHaveLength(1);
    expect(credits[0]).toMatchObject({
      id: won.entry.id,
      amount: 50_000,
      externalRef: cardPaymentRef(payment.id),
    });
    expect(await shop.ledger.balance(customerId)).toBe(50_000);
    expect(await shop.cards.get(cardId)).toMatchObject({ successCount: 1 });
    expect(await noticeJobs(shop, payment.id)).toHaveLength(1);

    // settled for good: a late call finds nothing open and writes nothing
    expect(await inShop(shop, (tx) => settlePayment(tx, approval(payment)))).toEqual({
      status: 'not_claimed',
    });
    expect(await topups(shop, customerId)).toHaveLength(1);
    expect(await noticeJobs(shop, payment.id)).toHaveLength(1);
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });

  it('credits nothing for a reference the ledger already holds, and leaves the waiting order alone', async () => {
    const { shop, cardId, customerId } = await freshShop();
    const plan = await shop.plans.create({ name: 'Monthly', periodDays: 30, price: 40_000 });
    if (!plan.ok) throw new Error(plan.error.message);
    const bought = await shop.orders.purchasePlan({ customerId, planId: plan.value.id });
    if (bought.status !== 'insufficient') throw new Error(bought.status);
    const payment = await submit(shop, customerId, cardId, 50_000, bought.order.id);
    const earlier = await inShop(shop, (tx) =>
      postEntry(tx, { customerId, amount: 50_000, kind: 'topup', externalRef: cardPaymentRef(payment.id) }),
    );
    if (earlier.status !== 'posted') throw new Error(earlier.status);

    const outcome = await inShop(shop, (tx) => settlePayment(tx, approval(payment)));
    expect(outcome).toMatchObject({
      status: 'settled',
      creditedNow: false,
      balance: 50_000,
      order: undefined,
      entry: { id: earlier.entry.id },
      payment: { status: 'approved', transactionId: earlier.entry.id },
    });
    expect(await topups(shop, customerId)).toHaveLength(1);
    expect(await shop.ledger.balance(customerId)).toBe(50_000);
    expect(await shop.orders.get(bought.order.id)).toMatchObject({ status: 'created' });
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });

  it('rolls back whole on MoneyLimitError: the payment stays pending, nothing credited, counted or queued', async () => {
    const { shop, cardId, customerId } = await freshShop(MAX_MONEY - 10_000);
    const payment = await submit(shop, customerId, cardId);
    await expect(inShop(shop, (tx) => settlePayment(tx, approval(payment)))).rejects.toThrow(MoneyLimitError);
    expect(await shop.cardPayments.get(payment.id)).toMatchObject({
      status: 'pending',
      transactionId: null,
      reviewedBy: null,
    });
    expect(await shop.ledger.balance(customerId)).toBe(MAX_MONEY - 10_000);
    expect(await topups(shop, customerId)).toHaveLength(0);
    expect(await shop.cards.get(cardId)).toMatchObject({ successCount: 0 });
    expect(await noticeJobs(shop, payment.id)).toHaveLength(0);

    // once the balance has room the same payment settles, once
    await shop.ledger.debit({ customerId, amount: 40_000, kind: 'purchase' });
    expect(await inShop(shop, (tx) => settlePayment(tx, approval(payment)))).toMatchObject({
      status: 'settled',
      creditedNow: true,
      balance: MAX_MONEY,
    });
    expect(await noticeJobs(shop, payment.id)).toHaveLength(1);
  });

  it('pays the waiting order in the same transaction: both commit, or neither', async () => {
    const { shop, cardId, customerId } = await freshShop(20_000);
    const plan = await shop.plans.create({ name: 'Monthly', periodDays: 30, price: 120_000 });
    if (!plan.ok) throw new Error(plan.error.message);
    const bought = await shop.orders.purchasePlan({ customerId, planId: plan.value.id });
    if (bought.status !== 'insufficient') throw new Error(bought.status);
    const payment = await submit(shop, customerId, cardId, 100_000, bought.order.id);
    const provisioning = () =>
      inShop(shop, (tx) =>
        tx
          .select({ id: jobs.id })
          .from(jobs)
          .where(and(eq(jobs.botId, shop.botId), eq(jobs.dedupeKey, `provision:${bought.order.id}`))),
      );

    // the caller's transaction fails after the settlement: the credit and the order go with it
    await expect(
      inShop(shop, async (tx) => {
        const outcome = await settlePayment(tx, approval(payment));
        expect(outcome).toMatchObject({ status: 'settled', order: { status: 'paid' } });
        throw new Error('the caller failed afterwards');
      }),
    ).rejects.toThrow('the caller failed afterwards');
    expect(await shop.cardPayments.get(payment.id)).toMatchObject({ status: 'pending' });
    expect(await shop.orders.get(bought.order.id)).toMatchObject({ status: 'created' });
    expect(await shop.ledger.balance(customerId)).toBe(20_000);
    expect(await provisioning()).toHaveLength(0);

    const outcome = await inShop(shop, (tx) => settlePayment(tx, approval(payment)));
    expect(outcome).toMatchObject({
      status: 'settled',
      creditedNow: true,
      // the credit, then the order's price
      balance: 0,
      order: { status: 'paid', order: { id: bought.order.id } },
    });
    expect(await shop.orders.get(bought.order.id)).toMatchObject({ status: 'paid' });
    expect(await provisioning()).toHaveLength(1);
    expect((await shop.ledger.entries(customerId)).map((entry) => [entry.kind, entry.amount])).toEqual([
      ['purchase', -120_000],
      ['topup', 100_000],
      ['migration', 20_000],
    ]);
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });

  it('posts the kind the credit names (promo codes, referral rewards will), top-up by default', async () => {
    const { shop, cardId, customerId } = await freshShop();
    const promo = await submit(shop, customerId, cardId, 1_000);
    const plain = await submit(shop, customerId, cardId, 2_000);
    await inShop(shop, (tx) => settlePayment(tx, approval(promo, { kind: 'promo' })));
    await inShop(shop, (tx) => settlePayment(tx, approval(plain)));
    const entries = await shop.ledger.entries(customerId);
    expect(entries.map((entry) => [entry.externalRef, entry.kind])).toEqual([
      [cardPaymentRef(plain.id), 'topup'],
      [cardPaymentRef(promo.id), 'promo'],
    ]);
  });
});
