import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import {
  bots,
  jobs,
  resellerPlans,
  resellerSignups,
  resellerSubscriptions,
  walletTransactions,
} from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import type { ResellerPlan } from '../../../src/modules/resellers/reseller-plans.js';
import type { BotId, CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTestApp, fakeBotToken, type TestApp } from '../../support/database.js';
import { expectOk } from '../helpers.js';

let nextTelegramId = 7_900_000_000;
let nextBotNumber = 8_100_000;

/*
 * Reseller signups in the master shop: opening one for a checked bot, paying it from the balance
 * (a settled payment takes it by itself), approval, starting the shop once whatever runs it, and
 * refunds when refused or when the bot became a shop meanwhile.
 */
describe.each(BACKENDS)('reseller signups on %s', (backend) => {
  let t: TestApp;
  let master: TenantServices;
  let plan: ResellerPlan;

  beforeAll(async () => {
    t = await createTestApp(backend);
    const created = expectOk(
      await t.app.platform.tenants.create({ name: 'Master', token: fakeBotToken(), isMaster: true }),
    );
    master = t.app.forTenant(created.tenant.id);
    plan = expectOk(
      await master.resellers.plans.create({
        name: 'Gold',
        monthlyFee: 300_000,
        includedCredit: 150_000,
        featureKeys: ['card_to_card', 'trial_subscription'],
        customerCap: 2,
      }),
    );
  }, 60_000);
  afterAll(() => t.close());

  const db = () => t.database.handle.db;

  /** A customer of the master shop holding `balance`, and a fresh bot (token and getMe's answer). */
  async function signer(balance: number) {
    const { customer } = await master.customers.register({ telegramId: nextTelegramId++ }, 'en');
    if (balance > 0)
      await master.ledger.credit({ customerId: customer.id, amount: balance, kind: 'admin_credit' });
    const botNumber = nextBotNumber++;
    const token = fakeBotToken(botNumber);
    return {
      customerId: customer.id,
      telegramId: customer.telegramId,
      token,
      bot: { id: botNumber, username: `shop${botNumber}_bot`, firstName: `Shop ${botNumber}` },
    };
  }

  async function open(who: Awaited<ReturnType<typeof signer>>) {
    const opened = await master.resellers.signups.open({
      customerId: who.customerId,
      planId: plan.id,
      token: who.token,
      bot: who.bot,
    });
    if (opened.status !== 'opened') throw new Error(opened.status);
    return opened.signup;
  }

  const jobsNamed = (botId: BotId, name: string) =>
    inTenant(db(), botId, (tx) =>
      tx
        .select({ dedupeKey: jobs.dedupeKey, payload: jobs.payload })
        .from(jobs)
        .where(and(eq(jobs.botId, botId), eq(jobs.name, name))),
    );

  it('defines plans with the operator: figures, switches kept, cap; refuses bad figures', async () => {
    expect(plan).toMatchObject({
      name: 'Gold',
      monthlyFee: 300_000,
      includedCredit: 150_000,
      featureKeys: ['card_to_card', 'trial_subscription'],
      customerCap: 2,
      isActive: true,
    });
    expect((await master.resellers.plans.create({ name: 'Bad', monthlyFee: -1 })).ok).toBe(false);
    expect((await master.resellers.plans.create({ name: 'Bad', monthlyFee: 1.5 })).ok).toBe(false);
    expect(
      (await master.resellers.plans.create({ name: 'Bad', monthlyFee: 1, featureKeys: ['nope' as never] }))
        .ok,
    ).toBe(false);
    const off = expectOk(await master.resellers.plans.create({ name: 'Old', monthlyFee: 1 }));
    expectOk(await master.resellers.plans.update(off.id, { isActive: false }));
    const onSale = await master.resellers.plans.list({ activeOnly: true });
    expect(onSale.map((p) => p.name)).toContain('Gold');
    expect(onSale.map((p) => p.name)).not.toContain('Old');
    const who = await signer(0);
    expect(
      (
        await master.resellers.signups.open({
          customerId: who.customerId,
          planId: off.id,
          token: who.token,
          bot: who.bot,
        })
      ).status,
    ).toBe('plan_unavailable');
  });

  it('pays from the balance once under concurrent presses and starts one shop whatever runs the start', async () => {
    const who = await signer(500_000);
    const signup = await open(who);
    expect(signup).toMatchObject({
      status: 'awaiting_payment',
      price: 300_000,
      botUsername: who.bot.username,
    });
    // the token is sealed: never in what the service hands out
    expect(JSON.stringify(signup)).not.toContain(who.token);

    const presses = await Promise.all(
      Array.from({ length: 6 }, () => master.resellers.signups.pay(who.customerId as CustomerId, signup.id)),
    );
    expect(presses.filter((p) => p.status === 'paid')).toHaveLength(1);
    expect(await master.ledger.balance(who.customerId)).toBe(200_000);
    const debits = (await master.ledger.entries(who.customerId)).filter(
      (e) => e.externalRef === `reseller:${signup.id}`,
    );
    expect(debits).toHaveLength(1);
    expect(debits[0]).toMatchObject({ amount: -300_000, kind: 'purchase' });
    expect((await jobsNamed(master.botId, 'reseller-start-shop')).map((j) => j.dedupeKey)).toContain(
      `reseller-start:${signup.id}`,
    );

    // the start job, run four times at once (retries, two processes): one shop, credited once
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => master.resellers.startShop(signup.id)),
    );
    const started = outcomes.filter((o) => o.status === 'started');
    expect(started.length).toBeGreaterThan(0);
    const shopIds = new Set(started.map((o) => (o.status === 'started' ? o.shopId : 0)));
    expect(shopIds.size).toBe(1);
    const shop = (await t.app.platform.tenants.getByTelegramBotId(who.bot.id))!;
    expect(shop).toMatchObject({
      isActive: true,
      adminTelegramIds: [who.telegramId],
      username: who.bot.username,
    });
    expect(shop.resellerSignupId).toBe(signup.id);
    expect(await t.app.platform.tenants.revealToken(shop.id)).toBe(who.token);
    const shopServices = t.app.forTenant(shop.id);
    expect(await shopServices.wallet.balance()).toBe(150_000);
    const credits = await inTenant(db(), shop.id, (tx) =>
      tx.select().from(walletTransactions).where(eq(walletTransactions.botId, shop.id)),
    );
    expect(credits).toHaveLength(1);
    // only the plan's switches stay on
    expect(await shopServices.flags.isEnabled('card_to_card')).toBe(true);
    expect(await shopServices.flags.isEnabled('trial_subscription')).toBe(true);
    expect(await shopServices.flags.isEnabled('autopay')).toBe(false);
    expect(await shopServices.flags.isEnabled('broadcasts')).toBe(false);
    const subscription = await shopServices.resellerShop.get();
    expect(subscription).toMatchObject({
      masterBotId: master.botId,
      signupId: signup.id,
      planName: 'Gold',
      monthlyFee: 300_000,
      customerCap: 2,
      salesSuspendedAt: null,
    });
    expect((await master.resellers.signups.get(signup.id))?.status).toBe('started');
    const notices = await jobsNamed(master.botId, 'reseller-signup-notice');
    expect(notices.filter((j) => j.dedupeKey === `reseller-notice:${signup.id}:started`)).toHaveLength(1);
    // run again later: nothing more
    expect(await master.resellers.startShop(signup.id)).toEqual({ status: 'started', shopId: shop.id });
    expect(await shopServices.wallet.balance()).toBe(150_000);
  });

  it('enforces the customer cap of the plan', async () => {
    const who = await signer(300_000);
    const signup = await open(who);
    expect((await master.resellers.signups.pay(who.customerId as CustomerId, signup.id)).status).toBe('paid');
    const started = await master.resellers.startShop(signup.id);
    if (started.status !== 'started') throw new Error(started.status);
    const shop = t.app.forTenant(started.shopId);
    expect(await shop.resellerShop.customerCapReached()).toBe(false);
    await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    expect(await shop.resellerShop.customerCapReached()).toBe(false);
    await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    expect(await shop.resellerShop.customerCapReached()).toBe(true);
    // a shop that is not a reseller's has no cap
    expect(await master.resellerShop.customerCapReached()).toBe(false);
  });

  it('takes the price when a payment settles, and leaves it waiting while the balance is short', async () => {
    const card = expectOk(
      await master.cards.create({ cardNumber: '6037991234567893', holderName: 'Operator' }),
    );
    const who = await signer(100_000);
    const signup = await open(who);
    // short: the press changes nothing and says what is missing
    const short = await master.resellers.signups.pay(who.customerId as CustomerId, signup.id);
    expect(short).toMatchObject({ status: 'insufficient', missing: 200_000 });
    const submitted = await master.cardPayments.submit({
      customerId: who.customerId,
      amount: 200_000,
      cardId: card.id,
      orderId: null,
      receipt: { text: 'paid 200000' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    const reviewer = { telegramId: 1, name: 'Operator' };
    const approvals = await Promise.all(
      Array.from({ length: 4 }, () => master.cardPayments.approve(submitted.payment.id, reviewer)),
    );
    expect(approvals.filter((a) => a.status === 'approved')).toHaveLength(1);
    expect((await master.resellers.signups.get(signup.id))?.status).toBe('approved');
    expect(await master.ledger.balance(who.customerId)).toBe(0);
    expect((await master.ledger.findImbalances()).length).toBe(0);
  });

  it('leaves reseller purchases to the master shop: another shop settles a payment without paying one', async () => {
    // a signup row in an ordinary shop, as only the master's would be: the gate, not the rows, decides
    const shop = expectOk(await t.app.platform.tenants.create({ name: 'Ordinary', token: fakeBotToken() }));
    const ordinary = t.app.forTenant(shop.tenant.id);
    const ownPlan = expectOk(await ordinary.resellers.plans.create({ name: 'Own', monthlyFee: 50_000 }));
    const { customer } = await ordinary.customers.register({ telegramId: nextTelegramId++ }, 'en');
    const botNumber = nextBotNumber++;
    const opened = await ordinary.resellers.signups.open({
      customerId: customer.id,
      planId: ownPlan.id,
      token: fakeBotToken(botNumber),
      bot: { id: botNumber, username: `shop${botNumber}_bot`, firstName: 'Shop' },
    });
    if (opened.status !== 'opened') throw new Error(opened.status);
    const card = expectOk(
      await ordinary.cards.create({ cardNumber: '6037991234567893', holderName: 'Shop owner' }),
    );
    const submitted = await ordinary.cardPayments.submit({
      customerId: customer.id,
      amount: 80_000,
      cardId: card.id,
      orderId: null,
      receipt: { text: 'paid 80000' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    const approved = await ordinary.cardPayments.approve(submitted.payment.id, {
      telegramId: 1,
      name: 'Owner',
    });
    expect(approved).toMatchObject({ status: 'approved', balance: 80_000 });
    // the money stays on the balance; the signup was not looked at
    expect((await ordinary.resellers.signups.get(opened.signup.id))?.status).toBe('awaiting_payment');
    expect(await ordinary.ledger.balance(customer.id)).toBe(80_000);
    expect((await ordinary.ledger.entries(customer.id)).map((e) => e.kind)).toEqual(['topup']);
  });

  it('waits for an operator when asked: one approval wins; a rejection refunds once', async () => {
    await master.settings.set('reseller_approval_required', true, 'operator');
    try {
      const first = await signer(300_000);
      const approved = await open(first);
      expect(await master.resellers.signups.pay(first.customerId as CustomerId, approved.id)).toMatchObject({
        status: 'paid',
        next: 'approval',
      });
      // not started before an operator approves
      expect(await master.resellers.startShop(approved.id)).toEqual({ status: 'not_ready' });
      expect(await t.app.platform.tenants.getByTelegramBotId(first.bot.id)).toBeUndefined();
      expect((await jobsNamed(master.botId, 'reseller-signup-review')).map((j) => j.dedupeKey)).toContain(
        `reseller-review:${approved.id}`,
      );
      const decisions = await Promise.all([
        master.resellers.signups.approve(approved.id, 11),
        master.resellers.signups.approve(approved.id, 12),
        master.resellers.signups.reject(approved.id, 13),
      ]);
      expect(decisions.filter((d) => d.status === 'decided')).toHaveLength(1);
      const decided = await master.resellers.signups.get(approved.id);
      if (decided?.status === 'approved') {
        expect((await master.resellers.startShop(approved.id)).status).toBe('started');
      } else {
        expect(decided?.status).toBe('rejected');
        expect(await master.ledger.balance(first.customerId)).toBe(300_000);
      }

      const second = await signer(300_000);
      const rejected = await open(second);
      await master.resellers.signups.pay(second.customerId as CustomerId, rejected.id);
      const rejections = await Promise.all([
        master.resellers.signups.reject(rejected.id, 11, 'not now'),
        master.resellers.signups.reject(rejected.id, 12),
      ]);
      expect(rejections.filter((d) => d.status === 'decided')).toHaveLength(1);
      expect(await master.ledger.balance(second.customerId)).toBe(300_000);
      const refunds = (await master.ledger.entries(second.customerId)).filter(
        (e) => e.externalRef === `reseller-refund:${rejected.id}`,
      );
      expect(refunds).toHaveLength(1);
      expect(await master.resellers.startShop(rejected.id)).toEqual({ status: 'not_ready' });
      expect(await t.app.platform.tenants.getByTelegramBotId(second.bot.id)).toBeUndefined();
    } finally {
      await master.settings.set('reseller_approval_required', false, 'operator');
    }
  });

  it('refuses a second signup for the same bot, and refunds when the bot became a shop meanwhile', async () => {
    const who = await signer(300_000);
    const signup = await open(who);
    const other = await signer(0);
    const twice = await master.resellers.signups.open({
      customerId: other.customerId,
      planId: plan.id,
      token: who.token,
      bot: who.bot,
    });
    expect(twice.status).toBe('taken');
    await master.resellers.signups.pay(who.customerId as CustomerId, signup.id);
    // someone registers the same bot by hand before the start job runs
    expectOk(await t.app.platform.tenants.create({ name: 'By hand', token: who.token }));
    expect((await master.resellers.startShop(signup.id)).status).toBe('failed');
    expect((await master.resellers.signups.get(signup.id))?.status).toBe('failed');
    expect(await master.ledger.balance(who.customerId)).toBe(300_000);
    expect((await master.resellers.startShop(signup.id)).status).toBe('not_ready');
    expect(await master.ledger.balance(who.customerId)).toBe(300_000);
  });

  it("keeps each tenant's reseller rows to itself", async () => {
    const outsider = expectOk(
      await t.app.platform.tenants.create({ name: 'Outsider', token: fakeBotToken() }),
    );
    const other = t.app.forTenant(outsider.tenant.id);
    expect(await other.resellers.plans.list()).toEqual([]);
    expect(await other.resellers.plans.get(plan.id)).toBeUndefined();
    expect(await other.resellers.signups.list(['awaiting_payment', 'approved', 'started', 'failed'])).toEqual(
      [],
    );
    expect(await other.resellerShop.get()).toBeUndefined();
    // updating another tenant's plan changes nothing
    expect(expectOk(await other.resellers.plans.update(plan.id, { monthlyFee: 1 }))).toBeUndefined();
    expect((await master.resellers.plans.get(plan.id))?.monthlyFee).toBe(300_000);
    // row-level security: the outsider's transaction sees none of them, and cannot write for the master
    const seen = await inTenant(db(), outsider.tenant.id, async (tx) => ({
      plans: await tx.select().from(resellerPlans),
      signups: await tx.select().from(resellerSignups),
      subscriptions: await tx.select().from(resellerSubscriptions),
      bots: await tx.select({ id: bots.id }).from(bots),
    }));
    expect(seen.plans).toEqual([]);
    expect(seen.signups).toEqual([]);
    expect(seen.subscriptions).toEqual([]);
    expect(seen.bots.map((b) => b.id)).toEqual([outsider.tenant.id]);
    await expect(
      inTenant(db(), outsider.tenant.id, (tx) =>
        tx.insert(resellerPlans).values({ botId: master.botId, name: 'Sneaky', monthlyFee: 1 }),
      ),
    ).rejects.toThrow();
  });
});
