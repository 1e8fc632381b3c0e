import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZarinpalSim, type ZarinpalSim } from '../../../sim/zarinpal/index.js';
import type { TenantServices } from '../../../src/app.js';
import { customers, jobs } from '../../../src/db/schema.js';
import { inTenant, type TenantTx } from '../../../src/db/tenant-tx.js';
import { createZarinpalGateways } from '../../../src/integrations/zarinpal/payment-gateway.js';
import { referralReward } from '../../../src/jobs/definitions/referral-reward.js';
import { cardPaymentRef } from '../../../src/modules/payments/card-to-card.js';
import {
  commissionRef,
  invitedBonusRef,
  inviterBonusRef,
} from '../../../src/modules/referral/referral-refs.js';
import { commissionOn } from '../../../src/modules/referral/referral-terms.js';
import type { CardId, CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

let nextTelegramId = 7_950_000_000;
const admin = { telegramId: 4000, name: 'Admin' };

describe('commissionOn', () => {
  it('rounds down in whole units and stays exact near the money ceiling', () => {
    expect(commissionOn(99_999, 10)).toBe(9_999);
    expect(commissionOn(1, 50)).toBe(0);
    expect(commissionOn(120_000, 0)).toBe(0);
    expect(commissionOn(1_000_000_000_000_000, 7)).toBe(70_000_000_000_000);
    expect(commissionOn(999_999_999_999_999, 3)).toBe(29_999_999_999_999);
  });
});

describe.each(BACKENDS)('referral rewards on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const inShop = <T>(shop: TenantServices, work: (tx: TenantTx) => Promise<T>) =>
    inTenant(t.database.handle.db, shop.botId, work);

  const terms = { min: 50_000, invited: 10_000, inviter: 20_000, percent: 10 };

  /** A shop with referral rewards on, one card, an inviter and a customer they invited. */
  async function freshShop(options: { enabled?: boolean } = {}) {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const card = await shop.cards.create({ cardNumber: '6037991234567893', holderName: 'Holder' });
    if (!card.ok) throw new Error(card.error.message);
    await shop.flags.set('referral_program', options.enabled ?? true);
    await shop.settings.set('referral_min_topup', terms.min, 'tenant');
    await shop.settings.set('referral_first_topup_bonus', terms.invited, 'tenant');
    await shop.settings.set('referral_inviter_bonus', terms.inviter, 'tenant');
    await shop.settings.set('referral_commission_percent', terms.percent, 'tenant');
    const inviter = (await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa')).customer;
    const invited = (await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa')).customer;
    expect(await shop.customers.setReferrer(invited.id, inviter.referralCode)).toBe(true);
    return { shop, cardId: card.value.id as CardId, inviterId: inviter.id, invitedId: invited.id };
  }

  /** A card-to-card payment of `amount` by the customer, approved: settled through settlePayment. */
  async function pay(shop: TenantServices, customerId: CustomerId, cardId: CardId, amount: number) {
    const submitted = await shop.cardPayments.submit({
      customerId,
      amount,
      cardId,
      receipt: { text: 'paid' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    const approved = await shop.cardPayments.approve(submitted.payment.id, admin);
    if (approved.status !== 'approved') throw new Error(approved.status);
    return submitted.payment;
  }

  const rewardJobs = (shop: TenantServices) =>
    inShop(shop, (tx) =>
      tx
        .select({ payload: jobs.payload, dedupeKey: jobs.dedupeKey })
        .from(jobs)
        .where(and(eq(jobs.botId, shop.botId), eq(jobs.name, referralReward.name))),
    );

  /** Runs every queued referral-reward job's work, as the runner would (each once). */
  async function runRewardJobs(shop: TenantServices) {
    for (const job of await rewardJobs(shop)) {
      const payload = referralReward.payload.parse(job.payload);
      await shop.referral.rewardPayment({
        customerId: payload.customerId as CustomerId,
        amount: payload.amount,
        paymentRef: payload.paymentRef,
      });
    }
  }

  const referralEntries = async (shop: TenantServices, customerId: CustomerId) =>
    (await shop.ledger.entries(customerId))
      .filter((entry) => entry.kind === 'referral_bonus')
      .map((entry) => ({ amount: entry.amount, ref: entry.externalRef }))
      .sort((a, b) => String(a.ref).localeCompare(String(b.ref)));

  const noticeJobs = (shop: TenantServices) =>
    inShop(shop, (tx) =>
      tx
        .select({ dedupeKey: jobs.dedupeKey })
        .from(jobs)
        .where(and(eq(jobs.botId, shop.botId), eq(jobs.name, 'referral-reward-notice'))),
    );

  it('pays the first-top-up bonuses once, on the first payment of at least the minimum, and a commission on each', async () => {
    const { shop, cardId, inviterId, invitedId } = await freshShop();
    const small = await pay(shop, invitedId, cardId, 30_000);
    // settling queued the rewards with the payment, once per payment reference
    expect(await rewardJobs(shop)).toEqual([
      expect.objectContaining({ dedupeKey: `referral:${cardPaymentRef(small.id)}` }),
    ]);
    await runRewardJobs(shop);
    // under the minimum: only the commission
    expect(await referralEntries(shop, invitedId)).toEqual([]);
    expect(await referralEntries(shop, inviterId)).toEqual([
      { amount: 3_000, ref: commissionRef(cardPaymentRef(small.id)) },
    ]);

    const first = await pay(shop, invitedId, cardId, 60_000);
    const second = await pay(shop, invitedId, cardId, 99_999);
    await runRewardJobs(shop);
    await runRewardJobs(shop); // a second run of every job pays nothing more
    expect(await referralEntries(shop, invitedId)).toEqual([
      { amount: terms.invited, ref: invitedBonusRef(invitedId) },
    ]);
    expect(await referralEntries(shop, inviterId)).toEqual(
      [
        { amount: 3_000, ref: commissionRef(cardPaymentRef(small.id)) },
        { amount: 6_000, ref: commissionRef(cardPaymentRef(first.id)) },
        { amount: 9_999, ref: commissionRef(cardPaymentRef(second.id)) },
        { amount: terms.inviter, ref: inviterBonusRef(invitedId) },
      ].sort((a, b) => a.ref.localeCompare(b.ref)),
    );
    expect(await shop.ledger.balance(invitedId)).toBe(30_000 + 60_000 + 99_999 + terms.invited);
    expect(await shop.ledger.balance(inviterId)).toBe(3_000 + 6_000 + 9_999 + terms.inviter);
    // one notice per reward credited
    expect(await noticeJobs(shop)).toHaveLength(5);
    expect(await shop.referral.summary(inviterId)).toEqual({
      invited: 1,
      paying: 1,
      earned: 3_000 + 6_000 + 9_999 + terms.inviter,
    });
    expect(await shop.referral.summary(invitedId)).toEqual({ invited: 0, paying: 0, earned: terms.invited });
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });

  it('rewards once when 20 approvals of one receipt and 20 runs of its job come at once', async () => {
    const { shop, cardId, inviterId, invitedId } = await freshShop();
    const submitted = await shop.cardPayments.submit({
      customerId: invitedId,
      amount: 80_000,
      cardId,
      receipt: { text: 'paid' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    const approvals = await Promise.all(
      Array.from({ length: 20 }, () => shop.cardPayments.approve(submitted.payment.id, admin)),
    );
    expect(approvals.filter((outcome) => outcome.status === 'approved')).toHaveLength(1);
    const queued = await rewardJobs(shop);
    expect(queued).toHaveLength(1);
    const payload = referralReward.payload.parse(queued[0]!.payload);
    const runs = await Promise.all(
      Array.from({ length: 20 }, () =>
        shop.referral.rewardPayment({
          customerId: payload.customerId as CustomerId,
          amount: payload.amount,
          paymentRef: payload.paymentRef,
        }),
      ),
    );
    const postedNow = runs.flatMap((run) =>
      run.status === 'rewarded' ? run.rewards.filter((reward) => reward.postedNow) : [],
    );
    expect(postedNow.map((reward) => reward.role).sort()).toEqual(['commission', 'invited', 'inviter']);
    expect(await shop.ledger.balance(inviterId)).toBe(8_000 + terms.inviter);
    expect(await shop.ledger.balance(invitedId)).toBe(80_000 + terms.invited);
    expect(await noticeJobs(shop)).toHaveLength(3);
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });

  it('pays the first-top-up bonuses once when two qualifying payments are rewarded at once', async () => {
    const { shop, cardId, inviterId, invitedId } = await freshShop();
    await pay(shop, invitedId, cardId, 50_000);
    await pay(shop, invitedId, cardId, 70_000);
    const queued = await rewardJobs(shop);
    expect(queued).toHaveLength(2);
    await Promise.all(
      [...queued, ...queued].map((job) => {
        const payload = referralReward.payload.parse(job.payload);
        return shop.referral.rewardPayment({
          customerId: payload.customerId as CustomerId,
          amount: payload.amount,
          paymentRef: payload.paymentRef,
        });
      }),
    );
    expect(await shop.ledger.balance(invitedId)).toBe(120_000 + terms.invited);
    expect(await shop.ledger.balance(inviterId)).toBe(5_000 + 7_000 + terms.inviter);
  });

  it('rewards nothing while the feature is off, nor when every reward is 0', async () => {
    const { shop, cardId, inviterId, invitedId } = await freshShop({ enabled: false });
    const payment = await pay(shop, invitedId, cardId, 100_000);
    const paid = { customerId: invitedId, amount: 100_000, paymentRef: cardPaymentRef(payment.id) };
    expect(await shop.referral.rewardPayment(paid)).toEqual({ status: 'off' });
    await shop.flags.set('referral_program', true);
    for (const key of ['referral_first_topup_bonus', 'referral_inviter_bonus', 'referral_commission_percent'])
      await shop.settings.set(key, 0, 'tenant');
    expect(await shop.referral.rewardPayment(paid)).toEqual({ status: 'off' });
    expect(await referralEntries(shop, invitedId)).toEqual([]);
    expect(await referralEntries(shop, inviterId)).toEqual([]);
  });

  it('never rewards a self-referral, nor a customer without an inviter', async () => {
    const { shop, cardId, inviterId } = await freshShop();
    const inviter = await shop.customers.get(inviterId);
    expect(await shop.customers.setReferrer(inviterId, inviter!.referralCode)).toBe(false);
    // written around the service, the database refuses it too (CHECK referred_by <> id)
    await expect(
      inShop(shop, (tx) =>
        tx
          .update(customers)
          .set({ referredBy: inviterId })
          .where(and(eq(customers.botId, shop.botId), eq(customers.id, inviterId))),
      ),
    ).rejects.toThrow();
    // the inviter was invited by nobody: their own payments queue nothing and earn nothing
    const payment = await pay(shop, inviterId, cardId, 100_000);
    expect(await rewardJobs(shop)).toEqual([]);
    expect(
      await shop.referral.rewardPayment({
        customerId: inviterId,
        amount: 100_000,
        paymentRef: cardPaymentRef(payment.id),
      }),
    ).toEqual({ status: 'no_referrer' });
    expect(await referralEntries(shop, inviterId)).toEqual([]);
  });

  it('rewards nobody when the inviter or the invited customer is banned', async () => {
    const { shop, cardId, inviterId, invitedId } = await freshShop();
    await inShop(shop, (tx) =>
      tx
        .update(customers)
        .set({ isBlocked: true })
        .where(and(eq(customers.botId, shop.botId), eq(customers.id, inviterId))),
    );
    const payment = await pay(shop, invitedId, cardId, 100_000);
    expect(
      await shop.referral.rewardPayment({
        customerId: invitedId,
        amount: 100_000,
        paymentRef: cardPaymentRef(payment.id),
      }),
    ).toEqual({ status: 'blocked' });
    expect(await referralEntries(shop, invitedId)).toEqual([]);
    expect(await referralEntries(shop, inviterId)).toEqual([]);
  });

  it('takes no inviter once the customer has paid, so a paying customer cannot be claimed later', async () => {
    const { shop, cardId, inviterId } = await freshShop();
    const late = (await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa')).customer;
    await pay(shop, late.id, cardId, 20_000);
    const inviter = await shop.customers.get(inviterId);
    expect(await shop.customers.setReferrer(late.id, inviter!.referralCode)).toBe(false);
    expect((await shop.customers.get(late.id))?.referredBy).toBeNull();
  });

  it("keeps tenants apart: another shop's code refers nobody, and its payments reward nobody here", async () => {
    const a = await freshShop();
    const b = await freshShop();
    const aInviter = await a.shop.customers.get(a.inviterId);
    const bCustomer = (await b.shop.customers.register({ telegramId: nextTelegramId++ }, 'fa')).customer;
    // shop A's code means nothing in shop B
    expect(await b.shop.customers.setReferrer(bCustomer.id, aInviter!.referralCode)).toBe(false);
    // and the database refuses a link to another shop's customer outright
    await expect(
      inShop(b.shop, (tx) =>
        tx
          .update(customers)
          .set({ referredBy: a.inviterId })
          .where(and(eq(customers.botId, b.shop.botId), eq(customers.id, bCustomer.id))),
      ),
    ).rejects.toThrow();
    // B's invited customer pays: B's inviter is rewarded, A's customers are untouched
    await pay(b.shop, b.invitedId, b.cardId, 100_000);
    await runRewardJobs(b.shop);
    await runRewardJobs(a.shop);
    expect(await b.shop.ledger.balance(b.inviterId)).toBe(10_000 + terms.inviter);
    expect(await a.shop.ledger.balance(a.inviterId)).toBe(0);
    expect(await referralEntries(a.shop, a.inviterId)).toEqual([]);
    // A asked about B's customer sees no such customer
    expect(
      await a.shop.referral.rewardPayment({
        customerId: b.invitedId,
        amount: 100_000,
        paymentRef: 'c2c:999999',
      }),
    ).toEqual({ status: 'no_referrer' });
    expect(await a.shop.referral.summary(b.inviterId)).toEqual({ invited: 0, paying: 0, earned: 0 });
  });
});

const MERCHANT = '1a2b3c4d-1111-4222-8333-444455556666';

/** 20 concurrent duplicate Zarinpal callbacks of one payment, against the gateway simulator. */
describe.each(BACKENDS)('referral rewards on duplicate Zarinpal callbacks on %s', (backend) => {
  let t: TestApp;
  let sim: ZarinpalSim;
  beforeAll(async () => {
    sim = await startZarinpalSim({ merchants: [MERCHANT] });
    t = await createTestApp(backend, {
      zarinpal: {
        gateways: createZarinpalGateways({
          baseUrl: sim.baseUrl,
          sandboxBaseUrl: sim.baseUrl,
          timeoutMs: 2000,
          retries: 1,
          retryBaseMs: 5,
        }),
        callbackBaseUrl: 'https://shop.example',
        reconcileAfterMs: 180_000,
        expireAfterMs: 3_600_000,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  it('pays each reward once', async () => {
    const botId = (await createTenant(t.app, 'Gateway')).tenant.id;
    const updated = await t.app.platform.tenants.update(botId, { zarinpalMerchantId: MERCHANT });
    if (!updated.ok) throw new Error('merchant');
    const shop = t.app.forTenant(botId);
    await shop.flags.set('referral_program', true);
    await shop.settings.set('referral_first_topup_bonus', 5_000, 'tenant');
    await shop.settings.set('referral_inviter_bonus', 7_000, 'tenant');
    await shop.settings.set('referral_commission_percent', 3, 'tenant');
    const inviter = (await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa')).customer;
    const invited = (await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa')).customer;
    await shop.customers.setReferrer(invited.id, inviter.referralCode);
    const started = await shop.zarinpal.start({
      customerId: invited.id,
      amount: 100_000,
      orderId: null,
      description: 'Top-up',
    });
    if (started.status !== 'created') throw new Error(started.status);
    const { payment } = started;
    sim.pay(payment.authority!, { outcome: 'OK' });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        shop.zarinpal.handleCallback({ publicId: payment.publicId, authority: payment.authority! }),
      ),
    );
    const queued = await inTenant(t.database.handle.db, botId, (tx) =>
      tx
        .select({ payload: jobs.payload })
        .from(jobs)
        .where(and(eq(jobs.botId, botId), eq(jobs.name, referralReward.name))),
    );
    expect(queued).toHaveLength(1);
    const payload = referralReward.payload.parse(queued[0]!.payload);
    expect(payload).toEqual({
      customerId: invited.id,
      amount: 100_000,
      paymentRef: `zarinpal:${payment.id}`,
    });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        shop.referral.rewardPayment({
          customerId: payload.customerId as CustomerId,
          amount: payload.amount,
          paymentRef: payload.paymentRef,
        }),
      ),
    );
    expect(await shop.ledger.balance(invited.id)).toBe(105_000);
    expect(await shop.ledger.balance(inviter.id)).toBe(7_000 + 3_000);
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });
});
