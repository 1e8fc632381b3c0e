import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { asGroupId } from '../../../src/modules/groups/groups-service.js';
import type { Plan } from '../../../src/modules/plans/plans-service.js';
import { asPlanId, asSubscriptionId, type CustomerId } from '../../../src/shared/ids.js';
import { MAX_MONEY } from '../../../src/shared/money.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { expectErr, expectOk } from '../helpers.js';

let nextTelegramId = 7_820_000_000;

describe.each(BACKENDS)('customer groups on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  async function freshShop(): Promise<{ shop: TenantServices; month: Plan; week: Plan }> {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const month = expectOk(
      await shop.plans.create({ name: 'Month', periodDays: 30, price: 100_000, trafficGb: 10 }),
    );
    const week = expectOk(
      await shop.plans.create({ name: 'Week', periodDays: 7, price: 33_333, trafficGb: 3 }),
    );
    return { shop, month, week };
  }

  const customer = async (shop: TenantServices, balance = 0): Promise<CustomerId> => {
    const { customer } = await shop.customers.register(
      { telegramId: nextTelegramId++, firstName: 'G' },
      'en',
    );
    if (balance > 0)
      await shop.ledger.credit({ customerId: customer.id, amount: balance, kind: 'admin_credit' });
    return customer.id;
  };

  it('creates groups with unique names per shop and checks their fields', async () => {
    const { shop } = await freshShop();
    const retail = expectOk(await shop.groups.create({ name: 'Retail' }));
    expect(retail).toMatchObject({ name: 'Retail', discountPercent: 0, isActive: true });
    expect(expectErr(await shop.groups.create({ name: 'Retail', discountPercent: 5 }))).toMatchObject({
      code: 'conflict',
    });
    expect(expectErr(await shop.groups.create({ name: 'X', discountPercent: 101 }))).toMatchObject({
      field: 'discountPercent',
    });
    expect(expectErr(await shop.groups.create({ name: '  ' }))).toMatchObject({ field: 'name' });
    const renamed = expectOk(await shop.groups.update(retail.id, { name: 'Shops', discountPercent: 15 }));
    expect(renamed).toMatchObject({ name: 'Shops', discountPercent: 15 });
    expect((await shop.groups.findAll()).map((g) => g.name)).toEqual(['Shops']);
  });

  it('prices plans for members: its own price wins, else its percent; the buy screens and the charge agree', async () => {
    const { shop, month, week } = await freshShop();
    const colleagues = expectOk(await shop.groups.create({ name: 'Colleagues', discountPercent: 25 }));
    expect(expectOk(await shop.groups.setPrice(colleagues.id, asPlanId(month.id), 60_000))).toBe(true);
    expect(
      expectErr(await shop.groups.setPrice(colleagues.id, asPlanId(month.id), MAX_MONEY + 1)),
    ).toMatchObject({
      field: 'price',
    });
    const member = await customer(shop, 200_000);
    const outsider = await customer(shop, 200_000);
    expect(await shop.groups.assign(member, colleagues.id)).toBe(true);

    const quotes = await shop.promo.quote(member, [month, week]);
    expect(quotes.get(month.id)).toMatchObject({ price: 60_000, discount: 0 });
    // 25 % of 33,333 is 8,333.25: rounded down, the member pays 25,000
    expect(quotes.get(week.id)).toMatchObject({ price: 25_000 });
    expect((await shop.promo.quote(outsider, [month])).get(month.id)).toMatchObject({ price: 100_000 });

    expect(await shop.orders.purchasePlan({ customerId: member, planId: month.id })).toMatchObject({
      status: 'paid',
      order: { price: 60_000 },
    });
    expect(await shop.orders.purchasePlan({ customerId: outsider, planId: month.id })).toMatchObject({
      status: 'paid',
      order: { price: 100_000 },
    });

    // back to the percent when the own price goes; a switched-off group prices like none
    expect(await shop.groups.clearPrice(colleagues.id, asPlanId(month.id))).toBe(true);
    expect((await shop.promo.quote(member, [month])).get(month.id)).toMatchObject({ price: 75_000 });
    expectOk(await shop.groups.update(colleagues.id, { isActive: false }));
    expect((await shop.promo.quote(member, [month])).get(month.id)).toMatchObject({ price: 100_000 });
    expect(await shop.groups.assign(member, null)).toBe(true);
    expect(await shop.groups.ofCustomer(member)).toBeUndefined();
  });

  it('renews by autopay at the group price', async () => {
    const { shop, month } = await freshShop();
    const vip = expectOk(await shop.groups.create({ name: 'VIP', discountPercent: 40 }));
    const member = await customer(shop, 120_000);
    await shop.groups.assign(member, vip.id);
    const bought = await shop.orders.purchasePlan({ customerId: member, planId: month.id });
    expect(bought).toMatchObject({ status: 'paid', order: { price: 60_000 } });
    const subscriptionId = asSubscriptionId('order' in bought ? bought.order.subscriptionId! : 0);
    await shop.autopay.setForSubscription(member, subscriptionId, true);
    const subscription = (await shop.subscriptions.listForCustomer(member))[0]!;
    const renewed = await shop.autopay.renew(subscriptionId, subscription.expiresAt!);
    expect(renewed).toMatchObject({ status: 'renewed' });
    const [last] = await shop.orders.findByCustomer(member, 1);
    expect(last).toMatchObject({ kind: 'renewal', price: 60_000, status: 'paid' });
    expect(await shop.ledger.balance(member)).toBe(0);
  });

  it('erases a group no code points at (members fall back to plan prices), switches off one a code uses', async () => {
    const { shop, month } = await freshShop();
    await shop.flags.set('promo_codes', true);
    const plain = expectOk(await shop.groups.create({ name: 'Plain', discountPercent: 50 }));
    const member = await customer(shop);
    await shop.groups.assign(member, plain.id);
    expect(await shop.groups.remove(plain.id)).toEqual({ status: 'deleted' });
    expect(await shop.groups.ofCustomer(member)).toBeUndefined();
    expect((await shop.promo.quote(member, [month])).get(month.id)).toMatchObject({ price: 100_000 });

    const used = expectOk(await shop.groups.create({ name: 'Used', discountPercent: 50 }));
    expectOk(await shop.promo.create({ code: 'JOIN', kind: 'group', groupId: used.id }));
    expect(await shop.groups.remove(used.id)).toMatchObject({
      status: 'deactivated',
      group: { isActive: false },
    });
  });

  it('keeps shops apart: another shop cannot read, change, price or join a group', async () => {
    const a = await freshShop();
    const b = await freshShop();
    const group = expectOk(await a.shop.groups.create({ name: 'Secret', discountPercent: 90 }));
    const bCustomer = await customer(b.shop);
    expect(await b.shop.groups.get(group.id)).toBeUndefined();
    expect(await b.shop.groups.findAll()).toEqual([]);
    expect(expectOk(await b.shop.groups.update(group.id, { discountPercent: 1 }))).toBeUndefined();
    expect(expectOk(await b.shop.groups.setPrice(group.id, asPlanId(b.month.id), 1))).toBe(false);
    expect(expectOk(await a.shop.groups.setPrice(group.id, asPlanId(b.month.id), 1))).toBe(false);
    expect(await b.shop.groups.assign(bCustomer, group.id)).toBe(false);
    expect(await a.shop.groups.assign(bCustomer, group.id)).toBe(false);
    expect(await b.shop.groups.remove(group.id)).toBeUndefined();
    expect(await a.shop.groups.get(asGroupId(group.id))).toMatchObject({
      discountPercent: 90,
      prices: [],
      members: 0,
    });
    // the same name is free in another shop
    expect((await b.shop.groups.create({ name: 'Secret' })).ok).toBe(true);
  });
});
