import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimMessage, SimPaymentError, type SimUser } from '../../../../sim/telegram/index.js';
import { asOrderId, type BotId, type CustomerId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import {
  botMessageWith,
  buyShortOfMoney,
  createMonthlyPlan,
  ledgerRowsByRef,
  newCustomer,
  nextBotMessage,
  openTestShop,
  topUpWith,
  waitForSubscriptionPhoto,
} from '../../../support/shop.js';

/** Telegram Stars end to end: invoice, pre-checkout, successful_payment, through the Telegram simulator. */
describe.each(BACKENDS)('telegram stars on %s', (backend) => {
  let h: FleetHarness;
  let squad: string;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    squad = h.panel.addSquad('Germany');
  }, 60_000);
  afterAll(() => h.close());

  async function openShop(name: string, starsPerThousand = 2) {
    const { shop, services } = await openTestShop(h, name, { squad });
    await services.settings.set('topup_presets', [12_345, 50_000], 'operator');
    await services.settings.set('stars_per_unit_price', starsPerThousand, 'operator');
    await services.flags.set('telegram_stars', true);
    return { shop, services, plan: await createMonthlyPlan(services, name) };
  }

  /** Invoices and payments may take a while: every wait here allows 10 s. */
  const WAIT = { timeoutMs: 10_000 };

  const next = (shop: ShopUnderTest, user: SimUser, match: (m: SimMessage) => boolean, action: () => void) =>
    nextBotMessage(h, shop, user, match, action, WAIT);

  /** Menu → top up → a preset → Stars: the invoice message. */
  const invoiceFor = (shop: ShopUnderTest, user: SimUser, amount: number) =>
    topUpWith(h, shop, user, { method: 'stars', amount }, (m) => m.invoice !== undefined, WAIT);

  const starsCredits = (botId: BotId, customerId: CustomerId) =>
    ledgerRowsByRef(h.testApp.database.handle.db, botId, customerId, 'stars:');

  const receipts = (shop: ShopUnderTest, user: SimUser) =>
    h.sim.chat(shop.bot, user).messages.filter((m) => m.fromBot && (m.text ?? '').includes('⭐ received'));

  it('tops up from the menu: an invoice in whole Stars, rounded up and stated, credited on payment', async () => {
    const { shop, services } = await openShop('Stars');
    const { user, customerId } = await newCustomer(h, shop, 'Setareh');
    const invoice = await invoiceFor(shop, user, 12_345);
    // 12,345 Toman at 2 Stars per 1,000 Toman = 24.69 → 25 Stars
    expect(invoice.invoice).toMatchObject({ currency: 'XTR', totalAmount: 25, title: 'Balance top-up' });
    expect(invoice.invoice?.description).toContain('12,345 Toman added to your balance for 25 ⭐');
    expect(invoice.invoice?.description).toContain('2 ⭐ per 1,000 Toman');
    const call = h.sim.calls({ botId: shop.bot.id, method: 'sendInvoice' }).at(-1)!;
    expect(call.params).toMatchObject({ currency: 'XTR', provider_token: '' });

    const payment = await user.pay(shop.bot);
    expect(payment).toMatchObject({ currency: 'XTR', amount: 25 });
    const receipt = await botMessageWith(h, shop, user, '⭐ received');
    expect(receipt.text).toContain('25 ⭐ received: 12,345 Toman added to your balance');
    expect(receipt.text).toContain('Your balance is now 12,345 Toman');
    expect(await services.ledger.balance(customerId)).toBe(12_345);
    const [row] = await services.stars.findByCustomer(customerId);
    expect(row).toMatchObject({
      status: 'paid',
      xtrAmount: 25,
      creditAmount: 12_345,
      starsPerUnitPrice: 2,
      telegramPaymentChargeId: payment.chargeId,
    });
    expect(h.sim.charges(shop.bot)).toHaveLength(1);
    // the pre-checkout query was answered well within Telegram's 10 s
    const answer = h.sim.calls({ botId: shop.bot.id, method: 'answerPreCheckoutQuery' }).at(-1)!;
    expect(answer.params).toMatchObject({ ok: true });
  });

  it('completes a purchase waiting for money', async () => {
    const { shop, services, plan } = await openShop('StarShop', 1);
    const { user, customerId } = await newCustomer(h, shop, 'Bardia');
    const orderId = await buyShortOfMoney(
      h,
      shop,
      user,
      plan.id,
      { method: 'stars', missing: 120_000 },
      WAIT,
    );
    const invoice = await next(
      shop,
      user,
      (m) => m.invoice !== undefined,
      () => user.pressButton(shop.bot, `pay:stars:120000:${orderId}`),
    );
    expect(invoice.invoice?.totalAmount).toBe(120);

    const mark = h.sim.mark();
    await user.pay(shop.bot);
    const receipt = await botMessageWith(h, shop, user, '⭐ received');
    expect(receipt.text).toContain('is paid and being activated');
    await waitForSubscriptionPhoto(h, shop, user, { since: mark, timeoutMs: 15_000 });
    expect(await services.orders.get(asOrderId(orderId))).toMatchObject({ status: 'active' });
    expect(await services.ledger.balance(customerId)).toBe(0);
  });

  it('a duplicated successful_payment credits once', async () => {
    const { shop, services } = await openShop('Twice');
    const { user, customerId } = await newCustomer(h, shop, 'Dara');
    await invoiceFor(shop, user, 50_000);
    const payment = await user.pay(shop.bot);
    await eventually(() => receipts(shop, user).length === 1, 'the receipt', 10_000);

    // Telegram delivers the same update again, and the same payment in a new update
    h.sim.redeliver(shop.bot, payment.updateId);
    const original = h.sim.message(shop.bot, user, payment.messageId)!.raw;
    for (const n of [1, 2]) {
      h.sim.enqueueUpdate(shop.bot, { message: { ...original, message_id: original.message_id + 1000 + n } });
    }
    // updates of one chat are handled in order: once this is answered, the copies were handled
    await next(
      shop,
      user,
      (m) => (m.text ?? '').includes('Payment support'),
      () => user.sendCommand(shop.bot, 'paysupport'),
    );
    expect(await services.ledger.balance(customerId)).toBe(50_000);
    expect(await starsCredits(shop.id, customerId)).toHaveLength(1);
    expect(receipts(shop, user)).toHaveLength(1);
    // handled as a duplicate, not as an error
    expect(h.sim.chat(shop.bot, user).messages.filter((m) => (m.text ?? '').includes('went wrong'))).toEqual(
      [],
    );
  });

  it('declines a pre-checkout that is no longer payable at its price', async () => {
    const { shop, services, plan } = await openShop('Checks');
    const { user, customerId } = await newCustomer(h, shop, 'Kian');

    // the shop changed its Stars price after the invoice was sent
    const first = await invoiceFor(shop, user, 50_000);
    await services.settings.set('stars_per_unit_price', 3, 'operator');
    const changed = await user.pay(shop.bot, { messageId: first.messageId }).catch((error: unknown) => error);
    expect(changed).toBeInstanceOf(SimPaymentError);
    expect((changed as SimPaymentError).message).toContain('The price has changed');

    // a paid invoice cannot be paid again
    const second = await invoiceFor(shop, user, 50_000);
    expect(second.invoice?.totalAmount).toBe(150);
    await user.pay(shop.bot, { messageId: second.messageId });
    await eventually(() => receipts(shop, user).length === 1, 'the receipt', 10_000);
    const again = await user.pay(shop.bot, { messageId: second.messageId }).catch((error: unknown) => error);
    expect((again as SimPaymentError).message).toContain('already been paid');

    // the purchase it was for got paid another way meanwhile
    const orderId = await buyShortOfMoney(h, shop, user, plan.id, { method: 'stars', missing: 70_000 }, WAIT);
    const orderInvoice = await next(
      shop,
      user,
      (m) => m.invoice !== undefined,
      () => user.pressButton(shop.bot, `pay:stars:70000:${orderId}`),
    );
    await services.ledger.credit({ customerId, amount: 70_000, kind: 'admin_credit', reason: 'cash' });
    expect((await services.orders.payAwaiting(asOrderId(orderId))).status).toBe('paid');
    const late = await user
      .pay(shop.bot, { messageId: orderInvoice.messageId })
      .catch((error: unknown) => error);
    expect((late as SimPaymentError).message).toContain('no longer waiting for a payment');

    // Stars switched off
    const third = await invoiceFor(shop, user, 12_345);
    await services.flags.set('telegram_stars', false);
    const off = await user.pay(shop.bot, { messageId: third.messageId }).catch((error: unknown) => error);
    expect((off as SimPaymentError).message).toContain('not available right now');

    expect(h.sim.charges(shop.bot)).toHaveLength(1);
    expect(await starsCredits(shop.id, customerId)).toHaveLength(1);
  });

  it("keeps tenants apart: another tenant's invoice credits nothing here, and a refund is attempted", async () => {
    const a = await openShop('StarA');
    const b = await openShop('StarB');
    const alice = await newCustomer(h, a.shop, 'Azar');
    const inB = await newCustomer(h, b.shop, 'Azar');
    const invoice = await invoiceFor(a.shop, alice.user, 50_000);
    const payload = invoice.invoice!.payload;
    // a successful_payment carrying A's invoice payload arrives at B
    h.sim.enqueueUpdate(b.shop.bot, {
      message: {
        message_id: 9_000,
        date: Math.floor(Date.now() / 1000),
        chat: { id: inB.user.id, type: 'private', first_name: 'Azar' },
        from: inB.user.info,
        successful_payment: {
          currency: 'XTR',
          total_amount: 100,
          invoice_payload: payload,
          telegram_payment_charge_id: 'stxforged',
          provider_payment_charge_id: '',
        },
      },
    });
    await h.sim.waitForCall({ botId: b.shop.bot.id, method: 'refundStarPayment', timeoutMs: 10_000 });
    await botMessageWith(h, b.shop, inB.user, 'Payment support');
    expect(await b.services.ledger.balance(inB.customerId)).toBe(0);
    expect(await a.services.ledger.balance(alice.customerId)).toBe(0);
    // A's invoice is still A's, and still payable there
    await alice.user.pay(a.shop.bot);
    await eventually(
      async () => (await a.services.ledger.balance(alice.customerId)) === 50_000,
      'A credited',
      10_000,
    );
  });

  it('answers /paysupport', async () => {
    const { shop, services } = await openShop('Support');
    const { user } = await newCustomer(h, shop, 'Pari');
    const none = await next(
      shop,
      user,
      () => true,
      () => user.sendCommand(shop.bot, 'paysupport'),
    );
    expect(none.text).toContain('Payment support');
    expect(none.text).toContain('through Support in the main menu');
    await services.settings.set('support_username', '@shop_helpdesk', 'operator');
    const contact = await next(
      shop,
      user,
      () => true,
      () => user.sendCommand(shop.bot, 'paysupport'),
    );
    expect(contact.text).toContain('write to @shop_helpdesk');
    await services.settings.set('default_language', 'fa', 'operator');
    const customer = (await services.customers.getByTelegramId(user.id))!;
    await services.customers.setLanguage(customer.id, 'fa');
    const persian = await next(
      shop,
      user,
      () => true,
      () => user.sendCommand(shop.bot, 'paysupport'),
    );
    expect(persian.text).toContain('پشتیبانی پرداخت');
  });
});
