import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoRedemptions } from '../../../../src/db/schema.js';
import { inTenant } from '../../../../src/db/tenant-tx.js';
import type { BotId, CustomerId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, startFleetHarness } from '../../../support/fleet.js';
import {
  botMessageWith,
  createMonthlyPlan,
  hasButton,
  newCustomer,
  nextBotMessage,
  openTestShop,
  withButton,
} from '../../../support/shop.js';

/**
 * Promo codes through the Telegram simulator: entered from the main menu or by a /start link, the
 * discount shown on the plans, charged and recorded on the order; a balance code credited.
 */
describe.each(BACKENDS)('promo codes in the bot on %s', (backend) => {
  let h: FleetHarness;
  let squad: string;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    squad = h.panel.addSquad('Promo-Squad');
  }, 60_000);
  afterAll(() => h.close());

  async function openShop(name: string, options: { language?: 'en' | 'fa' } = {}) {
    const opened = await openTestShop(h, name, { squad, ...options });
    await opened.services.flags.set('promo_codes', true);
    const plan = await createMonthlyPlan(opened.services, name);
    return { ...opened, plan };
  }

  const redemptionsOf = (botId: BotId, customerId: CustomerId) =>
    inTenant(h.testApp.database.handle.db, botId, (tx) =>
      tx
        .select()
        .from(promoRedemptions)
        .where(and(eq(promoRedemptions.customerId, customerId))),
    );

  it('takes a code from the menu, shows the discounted price and charges it, recording the discount', async () => {
    const { shop, services, plan } = await openShop('Promo Alpha');
    const created = await services.promo.create({ code: 'SPRING25', kind: 'percent', percent: 25 });
    if (!created.ok) throw new Error('code');
    const { user, customerId } = await newCustomer(h, shop, 'Sara');
    await services.ledger.credit({ customerId, amount: 200_000, kind: 'admin_credit' });
    const press = (data: string) => () => user.pressButton(shop.bot, data);

    // a code that does not exist first, then the real one typed in lower case
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('Send your promo code'),
      press('menu:promo'),
    );
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('no such promo code'),
      () => user.sendText(shop.bot, 'nope'),
    );
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('Send your promo code'),
      press('menu:promo'),
    );
    const held = await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('SPRING25'),
      () => user.sendText(shop.bot, 'spring25'),
    );
    expect(held.text).toContain('25 % off');

    // the plans show the customer's price (120,000 less 25 %), and so does the confirmation
    const plans = await nextBotMessage(h, shop, user, withButton(`plan:${plan.id}:0`), press('menu:buy'));
    const planButton = plans.buttons.flat().find((b) => b.callbackData === `plan:${plan.id}:0`);
    expect(planButton?.text).toContain('90,000');
    const details = await nextBotMessage(
      h,
      shop,
      user,
      withButton(`buy:${plan.id}:0`),
      press(`plan:${plan.id}:0`),
    );
    expect(details.text).toContain('Code SPRING25');
    expect(details.buttons.flat().find((b) => b.callbackData === `buy:${plan.id}:0`)?.text).toContain(
      '90,000',
    );

    const paid = await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('took'),
      press(`buy:${plan.id}:0`),
    );
    expect(paid.text).toContain('30,000');
    const [order] = await services.orders.findByCustomer(customerId, 1);
    expect(order).toMatchObject({ price: 90_000, discountAmount: 30_000, promoCodeId: created.value.id });
    expect(await services.ledger.balance(customerId)).toBe(110_000);
    const [redemption] = await redemptionsOf(shop.id, customerId);
    expect(redemption).toMatchObject({ status: 'used', orderId: order!.id });

    // the code is spent: entering it again is refused, and the plans show the full price again
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('Send your promo code'),
      press('menu:promo'),
    );
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('already used this promo code'),
      () => user.sendText(shop.bot, 'SPRING25'),
    );
    await nextBotMessage(h, shop, user, withButton('buy:new'), press('menu:buy'));
    const again = await nextBotMessage(h, shop, user, withButton(`plan:${plan.id}:0`), press('buy:new'));
    expect(again.buttons.flat().find((b) => b.callbackData === `plan:${plan.id}:0`)?.text).toContain(
      '120,000',
    );
    expect((await services.promo.get(created.value.id))?.uses).toBe(1);
  });

  it('redeems a balance code from a /start promo_ link in Persian, once', async () => {
    const { shop, services } = await openShop('Promo Beta', { language: 'fa' });
    const created = await services.promo.create({
      code: 'GIFT',
      kind: 'balance',
      amount: 50_000,
      maxUses: 10,
    });
    if (!created.ok) throw new Error('code');
    const user = h.sim.user({ firstName: 'Reza', languageCode: 'fa' });
    user.start(shop.bot, 'promo_gift');
    const credited = await botMessageWith(h, shop, user, '۵۰٬۰۰۰');
    expect(credited.text).toContain('موجودی');
    expect(credited.text).not.toMatch(/[A-Za-z]/);
    const customer = await services.customers.getByTelegramId(user.id);
    expect(await services.ledger.balance(customer!.id as CustomerId)).toBe(50_000);
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('قبلاً از این کد تخفیف استفاده کرده‌اید'),
      () => user.start(shop.bot, 'promo_GIFT'),
    );
    expect(await services.ledger.balance(customer!.id as CustomerId)).toBe(50_000);
  });

  it('shows no promo button and refuses politely while the switch is off', async () => {
    const { shop, services } = await openTestShop(h, 'Promo Gamma', { squad });
    await services.promo.create({ code: 'OFF', kind: 'balance', amount: 1 });
    const { user } = await newCustomer(h, shop, 'Omid');
    const menu = await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, 'menu:buy'));
    expect(menu.buttons.flat().some((b) => b.callbackData === 'menu:promo')).toBe(false);
    const refused = await nextBotMessage(
      h,
      shop,
      user,
      (m) => (m.text ?? '').includes('not available'),
      () => user.start(shop.bot, 'promo_OFF'),
    );
    expect(refused.text).toContain('Promo codes are not available');
  });
});
