import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { orders, promoRedemptions } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { asGroupId } from '../../../src/modules/groups/groups-service.js';
import type { Plan } from '../../../src/modules/plans/plans-service.js';
import type { PromoInput } from '../../../src/modules/promo/promo-code.js';
import { asOrderId, asSubscriptionId, type CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { expectErr, expectOk } from '../helpers.js';

const DAY = 86_400_000;
let nextTelegramId = 7_810_000_000;

describe.each(BACKENDS)('promo codes on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  /** A shop with promo codes on and one plan of 100,000. */
  async function freshShop(): Promise<{ shop: TenantServices; plan: Plan }> {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    await shop.flags.set('promo_codes', true);
    const plan = expectOk(
      await shop.plans.create({ name: 'Month', periodDays: 30, price: 100_000, trafficGb: 10 }),
    );
    return { shop, plan };
  }

  const customer = async (shop: TenantServices, balance = 0): Promise<CustomerId> => {
    const { customer } = await shop.customers.register(
      { telegramId: nextTelegramId++, firstName: 'C' },
      'en',
    );
    if (balance > 0)
      await shop.ledger.credit({ customerId: customer.id, amount: balance, kind: 'admin_credit' });
    return customer.id;
  };

  const create = async (shop: TenantServices, input: PromoInput) => expectOk(await shop.promo.create(input));

  const redemptions = (shop: TenantServices, customerId: CustomerId) =>
    inTenant(t.database.handle.db, shop.botId, (tx) =>
      tx.select().from(promoRedemptions).where(eq(promoRedemptions.customerId, customerId)),
    );

  it('stores codes upper-cased, unique per shop whatever the case, in any script', async () => {
    const { shop } = await freshShop();
    const summer = await create(shop, { code: ' Summer ', kind: 'balance', amount: 5000 });
    expect(summer.code).toBe('SUMMER');
    expect(expectErr(await shop.promo.create({ code: 'summer', kind: 'balance', amount: 1 }))).toMatchObject({
      code: 'conflict',
    });
    const persian = await create(shop, { code: 'تخفیف۵۰', kind: 'balance', amount: 10 });
    expect(persian.code).toBe('تخفیف۵۰');
    expect((await shop.promo.findByCode('sUmMeR'))?.id).toBe(summer.id);
    expect((await shop.promo.findByCode('تخفیف۵۰'))?.id).toBe(persian.id);
    expect(
      expectErr(await shop.promo.create({ code: 'two words', kind: 'balance', amount: 1 })),
    ).toMatchObject({
      field: 'code',
    });
    expect(expectErr(await shop.promo.create({ code: 'P', kind: 'percent' }))).toMatchObject({
      field: 'percent',
    });
    expect(expectErr(await shop.promo.create({ code: 'G', kind: 'group' }))).toMatchObject({
      field: 'groupId',
    });
  });

  it('credits a balance code through the ledger once per customer', async () => {
    const { shop } = await freshShop();
    await create(shop, { code: 'GIFT', kind: 'balance', amount: 25_000 });
    const who = await customer(shop);
    expect(await shop.promo.redeem(who, 'gift')).toMatchObject({
      status: 'credited',
      amount: 25_000,
      balance: 25_000,
    });
    expect(await shop.promo.redeem(who, 'GIFT')).toMatchObject({ status: 'already_used' });
    const entries = await shop.ledger.entries(who);
    expect(entries).toHaveLength(1);
    const [redemption] = await redemptions(shop, who);
    expect(entries[0]).toMatchObject({
      kind: 'promo',
      amount: 25_000,
      externalRef: `promo:${redemption!.id}`,
    });
    expect(redemption).toMatchObject({ status: 'used', transactionId: entries[0]!.id });
  });

  it('gives exactly 5 uses to 20 customers redeeming at once, and one to a customer trying 20 times', async () => {
    const { shop } = await freshShop();
    const code = await create(shop, { code: 'FIVE', kind: 'balance', amount: 1000, maxUses: 5 });
    const many = await Promise.all(Array.from({ length: 20 }, () => customer(shop)));
    const outcomes = await Promise.all(many.map((who) => shop.promo.redeem(who, 'five')));
    expect(outcomes.filter((o) => o.status === 'credited')).toHaveLength(5);
    expect(outcomes.filter((o) => o.status === 'used_up')).toHaveLength(15);
    expect((await shop.promo.get(code.id))?.uses).toBe(5);
    const balances = await Promise.all(many.map((who) => shop.ledger.balance(who)));
    expect(balances.reduce((sum: number, b) => sum + (b ?? 0), 0)).toBe(5000);

    const once = await create(shop, { code: 'ONCE', kind: 'balance', amount: 700, maxUses: 100 });
    const one = await customer(shop);
    const tries = await Promise.all(Array.from({ length: 20 }, () => shop.promo.redeem(one, 'once')));
    expect(tries.filter((o) => o.status === 'credited')).toHaveLength(1);
    expect(tries.filter((o) => o.status === 'already_used')).toHaveLength(19);
    expect(await shop.ledger.balance(one)).toBe(700);
    expect((await shop.promo.get(once.id))?.uses).toBe(1);
  });

  it('refuses unknown, expired, not yet valid, disabled and switched-off codes, changing nothing', async () => {
    const { shop } = await freshShop();
    const who = await customer(shop);
    const now = Date.now();
    await create(shop, { code: 'OLD', kind: 'balance', amount: 1, validUntil: new Date(now - DAY) });
    await create(shop, { code: 'LATER', kind: 'balance', amount: 1, validFrom: new Date(now + DAY) });
    const off = await create(shop, { code: 'OFF', kind: 'balance', amount: 1 });
    expect((await shop.promo.disable(off.id))?.isActive).toBe(false);
    expect(await shop.promo.redeem(who, 'nothing')).toEqual({ status: 'unknown' });
    expect(await shop.promo.redeem(who, '!!')).toEqual({ status: 'unknown' });
    expect(await shop.promo.redeem(who, 'old')).toMatchObject({ status: 'expired' });
    expect(await shop.promo.redeem(who, 'later')).toMatchObject({ status: 'not_yet_valid' });
    expect(await shop.promo.redeem(who, 'off')).toMatchObject({ status: 'expired' });
    await shop.flags.set('promo_codes', false);
    const on = await create(shop, { code: 'ON', kind: 'balance', amount: 1 });
    expect(await shop.promo.redeem(who, 'on')).toEqual({ status: 'disabled' });
    expect(await shop.ledger.balance(who)).toBe(0);
    expect((await shop.promo.get(on.id))?.uses).toBe(0);
    expect(await redemptions(shop, who)).toEqual([]);
  });

  it('holds a percent discount for the next purchase, charges it once and records it on the order', async () => {
    const { shop, plan } = await freshShop();
    const code = await create(shop, { code: 'HALF', kind: 'percent', percent: 50 });
    const who = await customer(shop, 200_000);
    expect(await shop.promo.redeem(who, 'half')).toMatchObject({ status: 'discount_held', percent: 50 });
    expect(await shop.promo.held(who)).toMatchObject({ code: 'HALF', percent: 50 });
    const quote = (await shop.promo.quote(who, [plan])).get(plan.id);
    expect(quote).toMatchObject({ listPrice: 100_000, price: 50_000, discount: 50_000 });

    const bought = await shop.orders.purchasePlan({ customerId: who, planId: plan.id });
    expect(bought.status).toBe('paid');
    const order = 'order' in bought ? bought.order : undefined;
    expect(order).toMatchObject({ price: 50_000, discountAmount: 50_000, promoCodeId: code.id });
    expect(await shop.ledger.balance(who)).toBe(150_000);
    const [redemption] = await redemptions(shop, who);
    expect(redemption).toMatchObject({ status: 'used', orderId: order!.id });
    expect(await shop.promo.held(who)).toBeUndefined();

    // the next purchase pays the full price
    const again = await shop.orders.purchasePlan({ customerId: who, planId: plan.id });
    expect(again).toMatchObject({
      status: 'paid',
      order: { price: 100_000, discountAmount: 0, promoCodeId: null },
    });
    expect(await shop.promo.usage(code.id)).toEqual({ reserved: 0, used: 1 });
  });

  it('prices one purchase with a held discount when 20 are made at once', async () => {
    const { shop, plan } = await freshShop();
    await create(shop, { code: 'RACE', kind: 'fixed', amount: 40_000 });
    const who = await customer(shop, 10_000_000);
    // renewals of one subscription (new ones are limited per customer), bought before the code
    const first = await shop.orders.purchasePlan({ customerId: who, planId: plan.id });
    const subscriptionId = asSubscriptionId('order' in first ? first.order.subscriptionId! : 0);
    await shop.promo.redeem(who, 'race');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        shop.orders.purchasePlan({
          customerId: who,
          planId: plan.id,
          subscriptionId,
          idempotencyKey: `race:${n}`,
        }),
      ),
    );
    const prices = outcomes.map((o) => ('order' in o ? o.order.price : -1)).sort((x, y) => x - y);
    expect(prices.filter((price) => price === 60_000)).toHaveLength(1);
    expect(prices.filter((price) => price === 100_000)).toHaveLength(19);
    expect(await shop.ledger.balance(who)).toBe(10_000_000 - 100_000 - 60_000 - 19 * 100_000);
    expect((await redemptions(shop, who)).map((r) => r.status)).toEqual(['used']);
  });

  it('keeps the discount for a purchase that waits for money, and gives it back when that order is cancelled', async () => {
    const { shop, plan } = await freshShop();
    await create(shop, { code: 'TENK', kind: 'fixed', amount: 10_000 });
    const who = await customer(shop, 1000);
    await shop.promo.redeem(who, 'tenk');
    const waiting = await shop.orders.purchasePlan({ customerId: who, planId: plan.id });
    expect(waiting).toMatchObject({
      status: 'insufficient',
      order: { price: 90_000, discountAmount: 10_000 },
    });
    // the waiting order carries it: another purchase meanwhile pays the full price
    expect((await shop.promo.quote(who, [plan])).get(plan.id)).toMatchObject({ price: 100_000 });
    const orderId = asOrderId('order' in waiting ? waiting.order.id : 0);
    expect(await shop.orders.cancel(orderId)).toBe(true);
    expect((await shop.promo.quote(who, [plan])).get(plan.id)).toMatchObject({ price: 90_000 });

    await shop.ledger.credit({ customerId: who, amount: 89_000, kind: 'admin_credit' });
    const paid = await shop.orders.purchasePlan({ customerId: who, planId: plan.id });
    expect(paid).toMatchObject({ status: 'paid', order: { price: 90_000, discountAmount: 10_000 } });
    expect(await shop.ledger.balance(who)).toBe(0);
    const rows = await redemptions(shop, who);
    expect(rows.map((r) => r.status)).toEqual(['used']);
  });

  it('pays a waiting discounted order when the money comes, spending the code then', async () => {
    const { shop, plan } = await freshShop();
    await create(shop, { code: 'WAIT', kind: 'percent', percent: 10 });
    const who = await customer(shop);
    await shop.promo.redeem(who, 'wait');
    const waiting = await shop.orders.purchasePlan({ customerId: who, planId: plan.id });
    expect(waiting).toMatchObject({ status: 'insufficient', order: { price: 90_000 } });
    await shop.ledger.credit({ customerId: who, amount: 90_000, kind: 'admin_credit' });
    const paid = await shop.orders.payAwaiting(asOrderId('order' in waiting ? waiting.order.id : 0));
    expect(paid.status).toBe('paid');
    expect((await redemptions(shop, who)).map((r) => r.status)).toEqual(['used']);
  });

  it('says why a held discount does not price a plan: other plans, minimum price, first purchase only', async () => {
    const { shop, plan } = await freshShop();
    const cheap = expectOk(
      await shop.plans.create({ name: 'Week', periodDays: 7, price: 30_000, trafficGb: 5 }),
    );
    await create(shop, { code: 'ONLYMONTH', kind: 'percent', percent: 20, planIds: [plan.id] });
    const a = await customer(shop);
    await shop.promo.redeem(a, 'onlymonth');
    const quotes = await shop.promo.quote(a, [plan, cheap]);
    expect(quotes.get(plan.id)).toMatchObject({ price: 80_000 });
    expect(quotes.get(cheap.id)).toMatchObject({
      price: 30_000,
      promo: { code: 'ONLYMONTH', refusal: 'not_for_plan' },
    });

    await create(shop, { code: 'BIG', kind: 'fixed', amount: 5000, minPrice: 50_000 });
    const b = await customer(shop);
    await shop.promo.redeem(b, 'big');
    expect((await shop.promo.quote(b, [cheap])).get(cheap.id)).toMatchObject({
      price: 30_000,
      promo: { refusal: 'min_price' },
    });
    expect((await shop.promo.quote(b, [plan])).get(plan.id)).toMatchObject({ price: 95_000 });

    await create(shop, { code: 'FIRST', kind: 'percent', percent: 50, firstPurchaseOnly: true });
    const c = await customer(shop, 100_000);
    expect(await shop.orders.purchasePlan({ customerId: c, planId: plan.id })).toMatchObject({
      status: 'paid',
    });
    await shop.promo.redeem(c, 'first');
    expect((await shop.promo.quote(c, [plan])).get(plan.id)).toMatchObject({
      promo: { refusal: 'first_purchase' },
    });
    // a second discount code while one is held is refused, naming the held one
    expect(await shop.promo.redeem(c, 'big')).toEqual({ status: 'holding_other', code: 'FIRST' });
  });

  it('adds days to the subscription that runs longest, through an order, and refuses without one', async () => {
    const { shop, plan } = await freshShop();
    await create(shop, { code: 'WEEK', kind: 'days', days: 7, perCustomer: 2 });
    const none = await customer(shop);
    expect(await shop.promo.redeem(none, 'week')).toMatchObject({ status: 'no_subscription' });
    const who = await customer(shop, 100_000);
    const bought = await shop.orders.purchasePlan({ customerId: who, planId: plan.id });
    const before = (await shop.subscriptions.listForCustomer(who))[0]!.expiresAt!;
    const added = await shop.promo.redeem(who, 'week');
    expect(added).toMatchObject({ status: 'days_added', days: 7 });
    const after = (await shop.subscriptions.listForCustomer(who))[0]!.expiresAt!;
    expect(after.getTime() - before.getTime()).toBe(7 * DAY);
    const order = await shop.orders.get(asOrderId('orderId' in added ? added.orderId : 0));
    expect(order).toMatchObject({ kind: 'day_pack', price: 0, status: 'paid', periodDays: 7 });
    expect(order?.subscriptionId).toBe('order' in bought ? bought.order.subscriptionId : -1);
    expect(await shop.promo.redeem(who, 'week')).toMatchObject({ status: 'days_added' });
    expect(await shop.promo.redeem(who, 'week')).toMatchObject({ status: 'already_used' });
  });

  it('starts a trial of the code’s days and GB once, for a customer without a subscription', async () => {
    const { shop, plan } = await freshShop();
    await create(shop, { code: 'TRY', kind: 'trial', days: 5, trafficGb: 3, maxUses: 10 });
    const who = await customer(shop);
    const started = await shop.promo.redeem(who, 'try');
    expect(started).toMatchObject({ status: 'trial_started', days: 5 });
    const order = await shop.orders.get(asOrderId('orderId' in started ? started.orderId : 0));
    expect(order).toMatchObject({ kind: 'trial', price: 0, periodDays: 5, trafficGb: 3, status: 'paid' });
    const subscriber = await customer(shop, 100_000);
    await shop.orders.purchasePlan({ customerId: subscriber, planId: plan.id });
    expect(await shop.promo.redeem(subscriber, 'try')).toMatchObject({ status: 'trial_unavailable' });
    const trialled = await customer(shop);
    expect((await shop.orders.startTrial(trialled)).status).toBe('started');
    expect(await shop.promo.redeem(trialled, 'try')).toMatchObject({ status: 'trial_unavailable' });
  });

  it('moves the customer into a group, whose prices then apply', async () => {
    const { shop, plan } = await freshShop();
    const group = expectOk(await shop.groups.create({ name: 'Colleagues', discountPercent: 30 }));
    await create(shop, { code: 'FRIENDS', kind: 'group', groupId: group.id, maxUses: 3 });
    const who = await customer(shop, 100_000);
    expect(await shop.promo.redeem(who, 'friends')).toEqual({
      status: 'group_joined',
      code: 'FRIENDS',
      group: 'Colleagues',
    });
    expect((await shop.groups.ofCustomer(who))?.id).toBe(group.id);
    expect(await shop.orders.purchasePlan({ customerId: who, planId: plan.id })).toMatchObject({
      status: 'paid',
      order: { price: 70_000 },
    });
  });

  it('keeps shops apart: another shop neither sees nor redeems a code, nor points one at its plans or groups', async () => {
    const a = await freshShop();
    const b = await freshShop();
    const code = await create(a.shop, { code: 'SECRET', kind: 'balance', amount: 9000 });
    const group = expectOk(await a.shop.groups.create({ name: 'VIP', discountPercent: 10 }));
    const bCustomer = await customer(b.shop);
    expect(await b.shop.promo.redeem(bCustomer, 'secret')).toEqual({ status: 'unknown' });
    expect(await b.shop.promo.get(code.id)).toBeUndefined();
    expect(await b.shop.promo.findByCode('secret')).toBeUndefined();
    expect((await b.shop.promo.findPage({ limit: 50, offset: 0 })).items).toEqual([]);
    expect(await b.shop.promo.disable(code.id)).toBeUndefined();
    expect((await a.shop.promo.get(code.id))?.isActive).toBe(true);
    // another shop's customer id finds nobody here
    expect(await a.shop.promo.redeem(bCustomer, 'secret')).toEqual({ status: 'no_customer' });
    expect(
      expectErr(await b.shop.promo.create({ code: 'X', kind: 'group', groupId: group.id })),
    ).toMatchObject({
      field: 'groupId',
    });
    expect(
      expectErr(await b.shop.promo.create({ code: 'Y', kind: 'percent', percent: 5, planIds: [a.plan.id] })),
    ).toMatchObject({ field: 'planIds' });
    // the same code text in the other shop is a code of its own
    expect((await b.shop.promo.create({ code: 'secret', kind: 'balance', amount: 1 })).ok).toBe(true);
    expect(await b.shop.groups.assign(bCustomer, asGroupId(group.id))).toBe(false);
    const bOrders = await inTenant(t.database.handle.db, b.shop.botId, (tx) =>
      tx
        .select()
        .from(orders)
        .where(and(eq(orders.botId, b.shop.botId), eq(orders.promoCodeId, code.id))),
    );
    expect(bOrders).toEqual([]);
  });
});

describe.each(BACKENDS)('held discounts over time on %s', (backend) => {
  let t: TestApp;
  let now = new Date('2026-03-01T10:00:00Z');
  beforeAll(async () => {
    t = await createTestApp(backend, { clock: { now: () => now } });
  });
  afterAll(() => t.close());

  it('lapses a hold after its hours (or when its code ends), freeing the customer for another code', async () => {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    await shop.flags.set('promo_codes', true);
    const plan = expectOk(await shop.plans.create({ name: 'M', periodDays: 30, price: 100_000 }));
    const brief = expectOk(
      await shop.promo.create({ code: 'BRIEF', kind: 'percent', percent: 10, holdHours: 2 }),
    );
    await shop.promo.create({ code: 'NEXT', kind: 'fixed', amount: 1000 });
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'en');
    expect(await shop.promo.redeem(customer.id, 'brief')).toMatchObject({
      status: 'discount_held',
      expiresAt: new Date('2026-03-01T12:00:00Z'),
    });
    expect(await shop.promo.redeem(customer.id, 'next')).toEqual({ status: 'holding_other', code: 'BRIEF' });
    now = new Date('2026-03-01T12:00:01Z');
    expect((await shop.promo.quote(customer.id, [plan])).get(plan.id)).toMatchObject({ price: 100_000 });
    expect(await shop.promo.held(customer.id)).toBeUndefined();
    expect(await shop.promo.redeem(customer.id, 'next')).toMatchObject({ status: 'discount_held' });
    expect((await shop.promo.quote(customer.id, [plan])).get(plan.id)).toMatchObject({ price: 99_000 });
    // the lapsed hold is released: it keeps its use of the code's total, and is neither held nor used
    expect((await shop.promo.get(brief.id))?.uses).toBe(1);
    expect(await shop.promo.usage(brief.id)).toEqual({ reserved: 0, used: 0 });
  });
});
