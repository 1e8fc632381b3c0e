import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../sim/telegram/index.js';
import type { CustomerId } from '../../src/shared/ids.js';
import { BACKENDS } from '../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../support/fleet.js';
import {
  botMessageWith,
  enterShop,
  hasButton,
  newCustomer,
  openTestShop,
  waitForSubscriptionPhoto,
} from '../support/shop.js';

const GIB = 1024 ** 3;

/**
 * A shop billed by consumption, through Telegram and the panel simulator: its sales debit nothing,
 * the traffic its customers use is charged by the daily job, and once the wallet is in debt a
 * newcomer is refused (the customer's message and the admins' alert of a wallet short of money)
 * while an existing customer still renews within the operator's grace.
 */
describe.each(BACKENDS)('billing by consumption in the bot on %s', (backend) => {
  let h: FleetHarness;
  let squad: string;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    squad = h.panel.addSquad('Metered');
  }, 60_000);
  afterAll(() => h.close());

  const buyData = (planId: number, renew?: number) => `buy:${planId}:${renew ?? 0}`;

  /** Menu → plan (new, or the renewal of `renew`) → its details, whose button confirms. */
  async function openPlan(shop: ShopUnderTest, user: SimUser, planId: number, renew?: number) {
    const planData = `plan:${planId}:${renew ?? 0}`;
    user.pressButton(shop.bot, 'menu:buy');
    if (renew === undefined) {
      const first = await h.sim.waitForMessage(
        shop.bot,
        user,
        (m) => m.fromBot && (hasButton(m, planData) || hasButton(m, 'buy:new')),
      );
      if (!hasButton(first, planData)) user.pressButton(shop.bot, 'buy:new');
    } else {
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, `sub:renew:${renew}`));
      user.pressButton(shop.bot, `sub:renew:${renew}`);
    }
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, planData));
    user.pressButton(shop.bot, planData);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, buyData(planId, renew)));
  }

  it('sells without debiting, charges the used traffic daily, then refuses newcomers but renews within the grace', async () => {
    const admin = h.sim.user({ firstName: 'Admin', languageCode: 'en' });
    const { shop, services } = await openTestShop(h, 'Metered', { squad, admins: [admin.id] });
    await enterShop(h, shop, admin);
    await services.settings.set('wallet_billing_mode', 'consumption', 'operator');
    await services.settings.set('wallet_consumption_grace', 2_000, 'operator');
    expect((await services.wallet.setWholesalePrice(1_024)).ok).toBe(true);
    await services.wallet.topUp({ amount: 2_048, reason: 'test' });
    const plan = await services.plans.create({
      name: 'Metered Week',
      periodDays: 7,
      price: 40_000,
      trafficGb: 20,
    });
    if (!plan.ok) throw new Error('plan');
    const planId = plan.value.id;
    const credit = (customerId: CustomerId) =>
      services.ledger.credit({ customerId, amount: 100_000, kind: 'admin_credit', reason: 'test' });

    // a sale while the wallet is above zero: the customer is served, the wallet is not debited
    const loyal = await newCustomer(h, shop, 'Leila');
    await credit(loyal.customerId);
    await openPlan(shop, loyal.user, planId);
    let mark = h.sim.mark();
    loyal.user.pressButton(shop.bot, buyData(planId));
    await waitForSubscriptionPhoto(h, shop, loyal.user, { since: mark, timeoutMs: 10_000 });
    expect(await services.wallet.balance()).toBe(2_048);
    const subscription = (await services.subscriptions.getForCustomer(loyal.customerId))!;

    // the customer uses 4 GiB on the panel; the sync stores it; the daily charge takes 4096
    await services.walletBilling.chargeDay('2030-01-01');
    h.panel.setUsage(subscription.panelUsername, 4 * GIB);
    await services.syncTraffic();
    expect(await services.walletBilling.chargeDay('2030-01-02')).toMatchObject({
      status: 'recorded',
      charge: { kind: 'charge', amount: 4_096 },
      balance: -2_048,
    });
    expect(await services.walletBilling.chargeDay('2030-01-02')).toMatchObject({ status: 'already' });
    expect(await services.wallet.balance()).toBe(-2_048);

    // past the 2000 grace: a newcomer is refused, the admins alerted, nobody's money moved
    const newcomer = await newCustomer(h, shop, 'Nima');
    await credit(newcomer.customerId);
    await openPlan(shop, newcomer.user, planId);
    newcomer.user.pressButton(shop.bot, buyData(planId));
    await botMessageWith(h, shop, newcomer.user, 'cannot complete purchases right now');
    const alert = await botMessageWith(h, shop, admin, 'A sale was refused');
    expect(alert.text).toContain('short by 2,049');
    expect(await services.ledger.balance(newcomer.customerId)).toBe(100_000);

    // and so is a renewal, until a top-up brings the wallet within the grace
    await openPlan(shop, loyal.user, planId, subscription.id);
    loyal.user.pressButton(shop.bot, buyData(planId, subscription.id));
    await botMessageWith(h, shop, loyal.user, 'cannot complete purchases right now');
    expect(await services.ledger.balance(loyal.customerId)).toBe(60_000);

    await services.wallet.topUp({ amount: 1_048, reason: 'test' });
    expect(await services.wallet.balance()).toBe(-1_000);
    await openPlan(shop, loyal.user, planId, subscription.id);
    mark = h.sim.mark();
    loyal.user.pressButton(shop.bot, buyData(planId, subscription.id));
    await waitForSubscriptionPhoto(h, shop, loyal.user, {
      since: mark,
      timeoutMs: 10_000,
      heading: 'Your subscription is renewed',
    });
    expect(await services.ledger.balance(loyal.customerId)).toBe(20_000);
    expect(await services.wallet.balance()).toBe(-1_000);
    expect((await services.wallet.audit()).consistent).toBe(true);
  });
});
