import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/modules/plans/plans-service.js';
import type { Clock } from '../../../src/shared/clock.js';
import { asSubscriptionId, type BotId, type CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

const DAY = 86_400_000;

/** The business rules of orders without Telegram or a panel: money, races and expiry arithmetic. */
describe.each(BACKENDS)('orders on %s', (backend) => {
  let t: TestApp;
  let shop: BotId;
  let plan: Plan;
  let now = new Date('2026-01-01T00:00:00Z');
  const clock: Clock = { now: () => now };
  let telegramId = 1000;

  const customer = async (balance: number): Promise<CustomerId> => {
    const services = t.app.forTenant(shop);
    const { customer } = await services.customers.register(
      { telegramId: telegramId++, firstName: 'C' },
      'en',
    );
    if (balance > 0)
      await services.ledger.credit({ customerId: customer.id, amount: balance, kind: 'admin_credit' });
    return customer.id;
  };

  beforeAll(async () => {
    t = await createTestApp(backend, { clock });
    shop = (await createTenant(t.app, 'Orders')).tenant.id;
    const created = await t.app
      .forTenant(shop)
      .plans.create({ name: 'Month', periodDays: 30, price: 100, trafficGb: 20 });
    if (!created.ok) throw new Error('plan');
    plan = created.value;
  }, 60_000);
  afterAll(() => t.close());

  it('20 concurrent presses of one button make one order and one debit', async () => {
    const services = t.app.forTenant(shop);
    const id = await customer(1000);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        services.orders.purchasePlan({ customerId: id, planId: plan.id, idempotencyKey: 'press-1' }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'paid')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status !== 'paid').every((o) => o.status === 'duplicate')).toBe(true);
    expect(await services.orders.findByCustomer(id)).toHaveLength(1);
    expect(await services.ledger.balance(id)).toBe(900);
  });

  it('concurrent purchases never spend more than the balance', async () => {
    const services = t.app.forTenant(shop);
    const id = await customer(350);
    const bought = await services.orders.purchasePlan({ customerId: id, planId: plan.id });
    if (bought.status !== 'paid') throw new Error(bought.status);
    const subscriptionId = asSubscriptionId(bought.order.subscriptionId!);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        services.orders.purchasePlan({
          customerId: id,
          planId: plan.id,
          subscriptionId,
          idempotencyKey: `many-${n}`,
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'paid')).toHaveLength(2);
    expect(outcomes.filter((o) => o.status === 'insufficient')).toHaveLength(18);
    expect(await services.ledger.balance(id)).toBe(50);
    expect(await services.ledger.findImbalances()).toEqual([]);
    // three periods stacked on the one subscription
    const subscription = await services.subscriptions.getForCustomer(id);
    expect(subscription?.expiresAt?.getTime()).toBe(now.getTime() + 90 * DAY);
  });

  it('starts a trial once however many presses race', async () => {
    const services = t.app.forTenant(shop);
    const id = await customer(0);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => services.orders.startTrial(id)));
    expect(outcomes.filter((o) => o.status === 'started')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'already_used')).toHaveLength(9);
    expect(await services.orders.startTrial(id)).toEqual({ status: 'already_used' });
  });

  it('refuses a trial to a customer who already has a subscription', async () => {
    const services = t.app.forTenant(shop);
    const id = await customer(100);
    expect((await services.orders.purchasePlan({ customerId: id, planId: plan.id })).status).toBe('paid');
    expect(await services.orders.startTrial(id)).toEqual({ status: 'has_subscription' });
  });

  it('renews from the current expiry while active and from now once expired', async () => {
    const services = t.app.forTenant(shop);
    const id = await customer(300);
    const start = now;
    const first = await services.orders.purchasePlan({ customerId: id, planId: plan.id });
    expect(first).toMatchObject({ status: 'paid', order: { kind: 'purchase' } });
    if (first.status !== 'paid') throw new Error(first.status);
    const subscriptionId = asSubscriptionId(first.order.subscriptionId!);
    now = new Date(start.getTime() + 10 * DAY);
    const second = await services.orders.purchasePlan({ customerId: id, planId: plan.id, subscriptionId });
    expect(second).toMatchObject({ status: 'paid', order: { kind: 'renewal' } });
    expect((await services.subscriptions.getForCustomer(id))?.expiresAt?.getTime()).toBe(
      start.getTime() + 60 * DAY,
    );
    now = new Date(start.getTime() + 100 * DAY);
    await services.orders.purchasePlan({ customerId: id, planId: plan.id, subscriptionId });
    expect((await services.subscriptions.getForCustomer(id))?.expiresAt?.getTime()).toBe(
      now.getTime() + 30 * DAY,
    );
    now = start;
  });

  it('pays a waiting order once after a top-up, and never a cancelled one', async () => {
    const services = t.app.forTenant(shop);
    const id = await customer(40);
    const waiting = await services.orders.purchasePlan({ customerId: id, planId: plan.id });
    if (waiting.status !== 'insufficient') throw new Error(waiting.status);
    expect(waiting.missing).toBe(60);
    await services.ledger.credit({ customerId: id, amount: 60, kind: 'topup' });
    const both = await Promise.all([
      services.orders.payAwaiting(waiting.order.id),
      services.orders.payAwaiting(waiting.order.id),
    ]);
    expect(both.map((o) => o.status).sort()).toEqual(['already', 'paid']);
    expect(await services.ledger.balance(id)).toBe(0);

    const other = await services.orders.purchasePlan({ customerId: id, planId: plan.id });
    if (other.status !== 'insufficient') throw new Error(other.status);
    expect(await services.orders.cancel(other.order.id)).toBe(true);
    await services.ledger.credit({ customerId: id, amount: 100, kind: 'topup' });
    expect((await services.orders.payAwaiting(other.order.id)).status).toBe('already');
    expect(await services.ledger.balance(id)).toBe(100);
  });

  it('does not sell a plan that was switched off', async () => {
    const services = t.app.forTenant(shop);
    const off = await services.plans.create({ name: 'Old', periodDays: 7, price: 10, isActive: false });
    if (!off.ok) throw new Error('plan');
    const id = await customer(100);
    expect(await services.orders.purchasePlan({ customerId: id, planId: off.value.id })).toEqual({
      status: 'plan_unavailable',
    });
  });
});
