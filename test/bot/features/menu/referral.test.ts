import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../../../sim/telegram/index.js';
import type { CardId, CustomerId } from '../../../../src/shared/ids.js';
import { withLuhnDigit } from '../../../modules/helpers.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import { hasButton, nextBotMessage, openTestShop } from '../../../support/shop.js';

const admin = { telegramId: 4200, name: 'Admin' };

describe.each(BACKENDS)('referral rewards and the "Invite friends" screen on %s', (backend) => {
  let h: FleetHarness;
  let nextCard = 400_000_000_000_000;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  /** A Persian shop with referral rewards: 10% commission, 20,000 / 10,000 on a first top-up of 50,000 or more. */
  async function openShop(name: string) {
    const { shop, services } = await openTestShop(h, name, { language: 'fa' });
    await services.flags.set('referral_program', true);
    await services.settings.set('referral_min_topup', 50_000, 'tenant');
    await services.settings.set('referral_first_topup_bonus', 10_000, 'tenant');
    await services.settings.set('referral_inviter_bonus', 20_000, 'tenant');
    await services.settings.set('referral_commission_percent', 10, 'tenant');
    const card = await services.cards.create({
      cardNumber: withLuhnDigit(String(nextCard++)),
      holderName: 'H',
    });
    if (!card.ok) throw new Error(card.error.message);
    return { shop, services, cardId: card.value.id as CardId };
  }

  /** /start (with a payload) until the main menu shows; the customer's id. */
  async function start(shop: ShopUnderTest, user: SimUser, payload?: string): Promise<CustomerId> {
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => hasButton(m, 'menu:buy'),
      () => user.start(shop.bot, payload),
    );
    const customer = await h.testApp.app.forTenant(shop.id).customers.getByTelegramId(user.id);
    return customer!.id as CustomerId;
  }

  it('rewards a friend who joined through the link and shows it all in Persian', async () => {
    const { shop, services, cardId } = await openShop('Davat');
    const ali = h.sim.user({ firstName: 'Ali', languageCode: 'fa' });
    const aliId = await start(shop, ali);
    const code = (await services.customers.get(aliId))!.referralCode;
    const sara = h.sim.user({ firstName: 'Sara', languageCode: 'fa' });
    const saraId = await start(shop, sara, `ref_${code}`);
    expect((await services.customers.get(saraId))?.referredBy).toBe(aliId);

    // Sara's card payment of 100,000 is approved: the job pays the rewards and tells them both
    const submitted = await services.cardPayments.submit({
      customerId: saraId,
      amount: 100_000,
      cardId,
      receipt: { text: 'paid' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    expect(await services.cardPayments.approve(submitted.payment.id, admin)).toMatchObject({
      status: 'approved',
    });
    const bonus = await h.sim.waitForMessage(
      shop.bot,
      ali,
      (m) => (m.text ?? '').includes('اولین افزایش موجودی خود را انجام داد'),
      { timeoutMs: 5000 },
    );
    expect(bonus.text).toContain('۲۰٬۰۰۰ تومان');
    const commission = await h.sim.waitForMessage(shop.bot, ali, (m) => (m.text ?? '').includes('پورسانت'), {
      timeoutMs: 5000,
    });
    expect(commission.text).toContain('۱۰٬۰۰۰ تومان پورسانت از پرداخت دوستتان Sara');
    const gift = await h.sim.waitForMessage(shop.bot, sara, (m) => (m.text ?? '').includes('هدیه'), {
      timeoutMs: 5000,
    });
    expect(gift.text).toContain('۱۰٬۰۰۰ تومان');
    expect(await services.ledger.balance(aliId)).toBe(30_000);
    expect(await services.ledger.balance(saraId)).toBe(110_000);

    const screen = await nextBotMessage(
      h,
      shop,
      ali,
      (m) => (m.text ?? '').startsWith('👥 دعوت از دوستان'),
      () => ali.pressButton(shop.bot, 'menu:referral'),
    );
    const text = screen.text ?? '';
    expect(text).toContain(`https://t.me/${shop.bot.username}?start=ref_${code}`);
    expect(text).toContain('دوستانی که با لینک شما آمده‌اند: ۱');
    expect(text).toContain('دوستانی که پرداخت کرده‌اند: ۱');
    expect(text).toContain('جایزه‌های دعوت شما تا امروز: ۳۰٬۰۰۰ تومان');
    expect(text).toContain('۱۰ درصد پورسانت');
    expect(text).toContain('(با پرداخت دست‌کم ۵۰٬۰۰۰ تومان)');
    // Persian throughout: no Latin letters or Western digits but in the link
    expect(text.replace(/https:\/\/\S+/, '')).not.toMatch(/[A-Za-z0-9]/);

    // a second payment pays the commission only, once
    const again = await services.cardPayments.submit({
      customerId: saraId,
      amount: 40_000,
      cardId,
      receipt: { text: 'x' },
    });
    if (again.status !== 'submitted') throw new Error(again.status);
    await services.cardPayments.approve(again.payment.id, admin);
    await eventually(
      async () => (await services.ledger.balance(aliId)) === 34_000,
      'the second commission',
      5000,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await services.ledger.balance(aliId)).toBe(34_000);
    expect(await services.ledger.balance(saraId)).toBe(150_000);
  });

  it('shows no button and refuses an old one while the feature is off', async () => {
    const { shop, services } = await openShop('Khamush');
    const reza = h.sim.user({ firstName: 'Reza', languageCode: 'fa' });
    const showMenu = () =>
      nextBotMessage(
        h,
        shop,
        reza,
        (m) => hasButton(m, 'menu:buy'),
        () => reza.start(shop.bot),
      );
    const old = await showMenu();
    expect(hasButton(old, 'menu:referral')).toBe(true);
    await services.flags.set('referral_program', false);
    expect(hasButton(await showMenu(), 'menu:referral')).toBe(false);
    // the button of the old menu
    const pressed = reza.pressButton(shop.bot, { messageId: old.messageId, button: 'menu:referral' });
    const answer = await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    expect(answer).toMatchObject({ text: 'این گزینه در این فروشگاه فعال نیست.', showAlert: true });
  });
});
