import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { jobs } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import {
  customerMessage,
  customerModerationNotice,
} from '../../../src/jobs/definitions/customer-moderation.js';
import type { CardId, CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

let nextTelegramId = 7_960_000_000;
const admin = { telegramId: 4100, name: 'Admin' };

describe.each(BACKENDS)('banning and writing to a customer on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const jobsNamed = (shop: TenantServices, name: string) =>
    inTenant(t.database.handle.db, shop.botId, (tx) =>
      tx
        .select({ payload: jobs.payload, dedupeKey: jobs.dedupeKey })
        .from(jobs)
        .where(and(eq(jobs.botId, shop.botId), eq(jobs.name, name))),
    );

  /** A shop with a card, a plan and a customer with two pending receipts and an order waiting for money. */
  async function freshShop() {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const card = await shop.cards.create({ cardNumber: '6037991234567893', holderName: 'Holder' });
    if (!card.ok) throw new Error(card.error.message);
    const cardId = card.value.id as CardId;
    const plan = await shop.plans.create({ name: 'Monthly', periodDays: 30, price: 40_000 });
    if (!plan.ok) throw new Error(plan.error.message);
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    const customerId = customer.id;
    const bought = await shop.orders.purchasePlan({ customerId, planId: plan.value.id });
    if (bought.status !== 'insufficient') throw new Error(bought.status);
    const receipts = [];
    for (const amount of [40_000, 70_000]) {
      const submitted = await shop.cardPayments.submit({
        customerId,
        amount,
        cardId,
        receipt: { text: 'paid' },
      });
      if (submitted.status !== 'submitted') throw new Error(submitted.status);
      receipts.push(submitted.payment);
    }
    return { shop, cardId, customerId, orderId: bought.order.id, receipts };
  }

  it('bans once under 20 concurrent presses: one notice, receipts rejected, the waiting order cancelled', async () => {
    const { shop, cardId, customerId, orderId, receipts } = await freshShop();
    // an approved receipt stays approved
    const approvedOne = await shop.cardPayments.submit({
      customerId,
      amount: 10_000,
      cardId,
      receipt: { text: 'x' },
    });
    if (approvedOne.status !== 'submitted') throw new Error(approvedOne.status);
    await shop.cardPayments.approve(approvedOne.payment.id, admin);

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => shop.moderation.block(customerId, admin)),
    );
    expect(outcomes.filter((o) => o.status === 'blocked')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'already_blocked')).toHaveLength(19);
    const rejected = outcomes.reduce(
      (sum, o) => sum + (o.status === 'not_found' ? 0 : o.rejectedReceipts),
      0,
    );
    const cancelled = outcomes.reduce(
      (sum, o) => sum + (o.status === 'not_found' ? 0 : o.cancelledOrders),
      0,
    );
    expect(rejected).toBe(2);
    expect(cancelled).toBe(1);

    expect((await shop.customers.get(customerId))?.isBlocked).toBe(true);
    expect(await jobsNamed(shop, customerModerationNotice.name)).toEqual([
      expect.objectContaining({ payload: { customerId, event: 'blocked' } }),
    ]);
    for (const receipt of receipts) {
      expect(await shop.cardPayments.get(receipt.id)).toMatchObject({
        status: 'rejected',
        reviewedBy: admin.telegramId,
      });
    }
    expect(await shop.cardPayments.get(approvedOne.payment.id)).toMatchObject({ status: 'approved' });
    // through the usual rejection: the card counts each failure once, the outcome job is queued
    expect(await shop.cards.get(cardId)).toMatchObject({ failureCount: 2, successCount: 1 });
    expect((await jobsNamed(shop, 'card-payment-decided')).map((job) => job.dedupeKey).sort()).toEqual(
      [...receipts.map((r) => `c2c-decided:${r.id}`), `c2c-decided:${approvedOne.payment.id}`].sort(),
    );
    expect(await shop.orders.get(orderId)).toMatchObject({ status: 'cancelled' });
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });

  it('lifts a ban once and tells the customer; banning and lifting again are told apart', async () => {
    const { shop, customerId } = await freshShop();
    expect(await shop.moderation.unblock(customerId)).toMatchObject({ status: 'not_blocked' });
    expect(await shop.moderation.block(customerId, admin)).toMatchObject({ status: 'blocked' });
    const lifts = await Promise.all(Array.from({ length: 5 }, () => shop.moderation.unblock(customerId)));
    expect(lifts.filter((o) => o.status === 'unblocked')).toHaveLength(1);
    expect((await shop.customers.get(customerId))?.isBlocked).toBe(false);
    expect((await jobsNamed(shop, customerModerationNotice.name)).map((job) => job.payload)).toEqual([
      { customerId, event: 'blocked' },
      { customerId, event: 'unblocked' },
    ]);
  });

  it('queues a message once per key, refuses an empty or too long one', async () => {
    const { shop, customerId } = await freshShop();
    expect(await shop.moderation.message(customerId, '  Hello there  ', 'k1')).toEqual({ status: 'queued' });
    expect(await shop.moderation.message(customerId, 'Hello there', 'k1')).toEqual({ status: 'duplicate' });
    expect(await shop.moderation.message(customerId, 'Again, no key')).toEqual({ status: 'queued' });
    expect(await shop.moderation.message(customerId, '   ')).toEqual({ status: 'invalid' });
    expect(await shop.moderation.message(customerId, 'x'.repeat(4001))).toEqual({ status: 'invalid' });
    expect(await shop.moderation.message(999_999_999 as CustomerId, 'Hi')).toEqual({ status: 'not_found' });
    expect((await jobsNamed(shop, customerMessage.name)).map((job) => job.payload)).toEqual([
      { customerId, text: 'Hello there' },
      { customerId, text: 'Again, no key' },
    ]);
  });

  it("keeps tenants apart: another shop cannot ban, unban or write to this shop's customer", async () => {
    const a = await freshShop();
    const b = await freshShop();
    expect(await b.shop.moderation.block(a.customerId, admin)).toEqual({ status: 'not_found' });
    expect(await b.shop.moderation.unblock(a.customerId)).toEqual({ status: 'not_found' });
    expect(await b.shop.moderation.message(a.customerId, 'Hi')).toEqual({ status: 'not_found' });
    expect((await a.shop.customers.get(a.customerId))?.isBlocked).toBe(false);
    for (const receipt of a.receipts) {
      expect(await a.shop.cardPayments.get(receipt.id)).toMatchObject({ status: 'pending' });
    }
    expect(await a.shop.orders.get(a.orderId)).toMatchObject({ status: 'created' });
    expect(await jobsNamed(b.shop, customerModerationNotice.name)).toEqual([]);
    expect(await jobsNamed(b.shop, customerMessage.name)).toEqual([]);
  });
});
