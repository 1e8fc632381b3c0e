import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import type { ZarinpalSim } from '../../../../sim/zarinpal/index.js';
import { zarinpalPayments } from '../../../../src/db/schema.js';
import { inTenant } from '../../../../src/db/tenant-tx.js';
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
  withButton,
} from '../../../support/shop.js';

const MERCHANT = '7c1e4b9a-2f3d-4c5e-8a6b-9d0e1f2a3b4c';
const OTHER_MERCHANT = '0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d';

interface Page {
  readonly status: number;
  readonly html: string;
}

/**
 * Zarinpal end to end: the customer in the Telegram simulator, the gateway simulator, and the
 * customer's browser (plain HTTP) going from the payment link to the bank and back to our callback.
 */
describe.each(BACKENDS)('zarinpal on %s', (backend) => {
  let h: FleetHarness;
  let gateway: ZarinpalSim;
  let squad: string;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling', { zarinpal: true });
    gateway = h.zarinpal!;
    squad = h.panel.addSquad('Germany');
  }, 60_000);
  afterAll(() => h.close());

  async function openShop(name: string, options: { merchant?: string; language?: 'en' | 'fa' } = {}) {
    const { shop, services } = await openTestShop(h, name, { squad, language: options.language ?? 'en' });
    await services.flags.set('zarinpal', true);
    const updated = await h.testApp.app.platform.tenants.update(shop.id, {
      zarinpalMerchantId: options.merchant ?? MERCHANT,
    });
    if (!updated.ok) throw new Error(updated.error.message);
    return { shop, services, plan: await createMonthlyPlan(services, name) };
  }

  /** The gateway and its notices may take a while: every wait here allows 10 s. */
  const WAIT = { timeoutMs: 10_000 };

  /** The next bot message (after the ones already in the chat) that satisfies `match`. */
  const next = (shop: ShopUnderTest, user: SimUser, match: (m: SimMessage) => boolean, action: () => void) =>
    nextBotMessage(h, shop, user, match, action, WAIT);

  const payLinkOf = (m: SimMessage) => m.buttons.flat().find((b) => b.url?.includes('/pg/StartPay/'))?.url;

  /** Menu → top up → a preset → Zarinpal: the message with the payment link. */
  async function topUpLink(shop: ShopUnderTest, user: SimUser, amount = 50_000) {
    const message = await topUpWith(
      h,
      shop,
      user,
      { method: 'zp', amount },
      (m) => payLinkOf(m) !== undefined,
      WAIT,
    );
    const link = payLinkOf(message)!;
    return { message, link, authority: link.split('/').at(-1)! };
  }

  /** The customer's browser: the bank's page (the simulator decides how it ends), then our callback. */
  async function payInBrowser(
    link: string,
    outcome: 'OK' | 'NOK' = 'OK',
  ): Promise<Page & { callback: string }> {
    const bank = await fetch(`${link}?outcome=${outcome}`, { redirect: 'manual' });
    expect(bank.status).toBe(302);
    const callback = bank.headers.get('location')!;
    return { callback, ...(await visit(callback)) };
  }

  async function visit(url: string): Promise<Page> {
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toContain('text/html');
    return { status: response.status, html: await response.text() };
  }

  const paymentsOf = (botId: BotId, customerId: CustomerId) =>
    h.testApp.app.forTenant(botId).zarinpal.findByCustomer(customerId);

  const zarinpalCredits = (botId: BotId, customerId: CustomerId) =>
    ledgerRowsByRef(h.testApp.database.handle.db, botId, customerId, 'zarinpal:');

  const noticesTo = (shop: ShopUnderTest, user: SimUser) =>
    h.sim
      .chat(shop.bot, user)
      .messages.filter((m) => m.fromBot && (m.text ?? '').includes('Zarinpal payment of'));

  it('tops up from the menu: link, bank, callback page, credited once, told in Telegram', async () => {
    const { shop, services } = await openShop('Happy');
    const { user, customerId } = await newCustomer(h, shop, 'Hana');
    const { message, link, authority } = await topUpLink(shop, user);
    expect(message.text).toContain('Online payment of 50,000 Toman with Zarinpal');
    expect(link).toBe(`${gateway.baseUrl}/pg/StartPay/${authority}`);
    // the gateway was asked in Toman, explicitly, with a callback to this tenant's unguessable payment id
    const [payment] = await paymentsOf(shop.id, customerId);
    expect(gateway.getPayment(authority)).toMatchObject({
      merchantId: MERCHANT,
      amount: 50_000,
      currency: 'IRT',
      currencySent: true,
      callbackUrl: `${h.platform.url}/pay/zarinpal/${shop.id}-${payment!.publicId}`,
    });

    const page = await payInBrowser(link);
    const refId = String(gateway.getPayment(authority)?.refId);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Payment successful');
    expect(page.html).toContain('50,000 Toman');
    expect(page.html).toContain(`Bank reference: ${refId}`);
    expect(page.html).toContain(`href="https://t.me/${shop.bot.username}"`);

    expect(await services.ledger.balance(customerId)).toBe(50_000);
    expect(await paymentsOf(shop.id, customerId)).toMatchObject([{ status: 'paid', refId }]);
    const notice = await botMessageWith(h, shop, user, 'Zarinpal payment of 50,000 Toman was received', WAIT);
    expect(notice.text).toContain(`bank reference ${refId}`);
    expect(notice.text).toContain('Your balance is now 50,000 Toman');

    // the browser reloads the page: the same answer, no second verify, no second credit
    const verifies = gateway.calls('verify').length;
    const again = await visit(page.callback);
    expect(again.html).toContain('Payment successful');
    expect(gateway.calls('verify')).toHaveLength(verifies);
    expect(await zarinpalCredits(shop.id, customerId)).toHaveLength(1);
  });

  it('completes a purchase waiting for money, from the plan to the subscription', async () => {
    const { shop, services, plan } = await openShop('Purchase');
    const { user, customerId } = await newCustomer(h, shop, 'Parsa');
    await services.ledger.credit({ customerId, amount: 20_000, kind: 'admin_credit', reason: 'test' });
    const orderId = await buyShortOfMoney(h, shop, user, plan.id, { method: 'zp', missing: 100_000 }, WAIT);
    const linkMessage = await next(
      shop,
      user,
      (m) => payLinkOf(m) !== undefined,
      () => user.pressButton(shop.bot, `pay:zp:100000:${orderId}`),
    );
    expect(linkMessage.text).toContain('100,000 Toman');

    const mark = h.sim.mark();
    const page = await payInBrowser(payLinkOf(linkMessage)!);
    expect(page.html).toContain('Payment successful');
    // the order is paid with the credit in the same transaction, then provisioned by its job
    await waitForSubscriptionPhoto(h, shop, user, { since: mark, timeoutMs: 15_000 });
    const order = await services.orders.get(asOrderId(orderId));
    expect(order).toMatchObject({ status: 'active', price: 120_000 });
    expect(await services.ledger.balance(customerId)).toBe(0);
    const notice = await botMessageWith(
      h,
      shop,
      user,
      'Zarinpal payment of 100,000 Toman was received',
      WAIT,
    );
    expect(notice.text).toContain('is paid and being activated');
    expect(h.panel.getUser(`rf${shop.id}c${customerId}`)).toBeDefined();
  });

  it('20 concurrent callbacks of one payment credit it once', async () => {
    const { shop, services } = await openShop('Storm');
    const { user, customerId } = await newCustomer(h, shop, 'Sina');
    const { authority } = await topUpLink(shop, user);
    const callback = gateway.pay(authority, { outcome: 'OK' });
    const pages = await Promise.all(Array.from({ length: 20 }, () => visit(callback)));
    expect(pages.map((page) => page.status)).toEqual(Array(20).fill(200));
    expect(pages.every((page) => page.html.includes('Payment successful'))).toBe(true);
    expect(await services.ledger.balance(customerId)).toBe(50_000);
    expect(await zarinpalCredits(shop.id, customerId)).toHaveLength(1);
    await eventually(() => noticesTo(shop, user).length === 1, 'the notice', 10_000);
    await h.platform.jobs.drain();
    expect(noticesTo(shop, user)).toHaveLength(1);
  });

  it('a forged callback (Status=OK, never paid) credits nothing, and the real payment still works', async () => {
    const { shop, services } = await openShop('Forged');
    const { user, customerId } = await newCustomer(h, shop, 'Farid');
    const { authority } = await topUpLink(shop, user);
    const [payment] = await paymentsOf(shop.id, customerId);
    const callback = `${h.platform.url}/pay/zarinpal/${shop.id}-${payment!.publicId}`;

    const forged = await visit(`${callback}?Authority=${authority}&Status=OK&Amount=50000`);
    expect(forged.status).toBe(200);
    expect(forged.html).toContain('Payment not completed');
    // a made-up authority is not even asked about
    const verifies = gateway.calls('verify').length;
    const madeUp = await visit(`${callback}?Authority=A${'1'.repeat(35)}&Status=OK`);
    expect(madeUp.status).toBe(400);
    expect(madeUp.html).toContain('Invalid payment link');
    expect(gateway.calls('verify')).toHaveLength(verifies);
    const unknown = await visit(
      `${h.platform.url}/pay/zarinpal/${shop.id}-${'0'.repeat(32)}?Authority=${authority}`,
    );
    expect(unknown.status).toBe(404);
    expect(await services.ledger.balance(customerId)).toBe(0);
    expect(await paymentsOf(shop.id, customerId)).toMatchObject([{ status: 'pending' }]);

    // the customer pays for real afterwards: credited once
    const page = await payInBrowser(`${gateway.baseUrl}/pg/StartPay/${authority}`);
    expect(page.html).toContain('Payment successful');
    expect(await services.ledger.balance(customerId)).toBe(50_000);
    expect(await zarinpalCredits(shop.id, customerId)).toHaveLength(1);
  });

  it('a cancelled payment at the bank credits nothing and says so', async () => {
    const { shop, services } = await openShop('Cancelled');
    const { user, customerId } = await newCustomer(h, shop, 'Cyrus');
    const { link } = await topUpLink(shop, user);
    const page = await payInBrowser(link, 'NOK');
    expect(page.html).toContain('Payment not completed');
    expect(page.html).toContain('returns it within 72 hours');
    expect(await services.ledger.balance(customerId)).toBe(0);
  });

  it('a verify that times out is settled by reconciliation: one credit', async () => {
    const { shop, services } = await openShop('Timeout');
    const { user, customerId } = await newCustomer(h, shop, 'Tina');
    const { authority } = await topUpLink(shop, user);
    const callback = gateway.pay(authority, { outcome: 'OK' });
    // the gateway verifies (and remembers it) but the answers never arrive
    const removeFault = gateway.addFault({ endpoint: 'verify', type: 'commit-then-timeout' });
    const page = await visit(callback);
    expect(page.html).toContain('Checking your payment');
    expect(gateway.getPayment(authority)?.status).toBe('verified');
    expect(await services.ledger.balance(customerId)).toBe(0);
    expect(await paymentsOf(shop.id, customerId)).toMatchObject([{ status: 'pending' }]);

    removeFault();
    // the scheduled reconciliation verifies again (101: already verified) and credits once
    await eventually(
      async () => (await services.ledger.balance(customerId)) === 50_000,
      'reconciliation',
      15_000,
    );
    const refId = String(gateway.getPayment(authority)?.refId);
    expect(await paymentsOf(shop.id, customerId)).toMatchObject([{ status: 'paid', refId }]);
    await botMessageWith(h, shop, user, `bank reference ${refId}`, WAIT);
    // later callbacks and reconciliations change nothing
    expect((await visit(callback)).html).toContain('Payment successful');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await zarinpalCredits(shop.id, customerId)).toHaveLength(1);
    expect(await services.ledger.balance(customerId)).toBe(50_000);
  });

  it('a payment whose callback never came is credited by reconciliation', async () => {
    const { shop, services } = await openShop('Silent');
    const { user, customerId } = await newCustomer(h, shop, 'Sam');
    const { authority } = await topUpLink(shop, user);
    gateway.pay(authority, { outcome: 'OK' }); // the browser never comes back
    await eventually(
      async () => (await services.ledger.balance(customerId)) === 50_000,
      'reconciliation',
      15_000,
    );
    await eventually(() => noticesTo(shop, user).length === 1, 'the notice', 10_000);
    expect(await zarinpalCredits(shop.id, customerId)).toHaveLength(1);
  });

  it('a shop that switches Zarinpal off while a customer pays still has the payment reconciled', async () => {
    const { shop, services } = await openShop('Switched');
    const { user, customerId } = await newCustomer(h, shop, 'Sue');
    const { authority } = await topUpLink(shop, user);
    // the schedule now passes this shop by; the payment's own first check does not
    await services.flags.set('zarinpal', false);
    gateway.pay(authority, { outcome: 'OK' }); // the browser never comes back
    await eventually(
      async () => (await services.ledger.balance(customerId)) === 50_000,
      'reconciliation of a switched-off shop',
      15_000,
    );
    expect(await zarinpalCredits(shop.id, customerId)).toHaveLength(1);
  });

  it('an amount that differs from the stored one credits nothing', async () => {
    const { shop, services } = await openShop('Amounts');
    const { user, customerId } = await newCustomer(h, shop, 'Arash');
    const { authority } = await topUpLink(shop, user);
    const [payment] = await paymentsOf(shop.id, customerId);
    const ourCallback = `${h.platform.url}/pay/zarinpal/${shop.id}-${payment!.publicId}`;

    // Someone pays a cheaper payment of their own and sends its authority to our callback.
    const cheap = await fetch(`${gateway.baseUrl}/pg/v4/payment/request.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        merchant_id: MERCHANT,
        amount: 1_000,
        currency: 'IRT',
        description: 'cheap',
        callback_url: ourCallback,
      }),
    });
    const cheapAuthority = ((await cheap.json()) as { data: { authority: string } }).data.authority;
    const swapped = await visit(gateway.pay(cheapAuthority, { outcome: 'OK' }));
    expect(swapped.status).toBe(400);
    expect(swapped.html).toContain('Invalid payment link');

    // The stored amount no longer matches what the gateway was asked for: verify says -50.
    await inTenant(h.testApp.database.handle.db, shop.id, (tx) =>
      tx.update(zarinpalPayments).set({ gatewayAmount: 60_000 }).where(eq(zarinpalPayments.id, payment!.id)),
    );
    const page = await visit(gateway.pay(authority, { outcome: 'OK' }));
    expect(page.html).toContain('Payment failed');
    expect(page.html).toContain('did not match our order');
    expect(gateway.calls('verify').at(-1)?.body).toMatchObject({ amount: 60_000, authority });
    expect(await paymentsOf(shop.id, customerId)).toMatchObject([{ status: 'failed', failureCode: -50 }]);
    expect(await services.ledger.balance(customerId)).toBe(0);
    await botMessageWith(h, shop, user, 'Zarinpal payment of 50,000 Toman was not accepted', WAIT);
    expect(await zarinpalCredits(shop.id, customerId)).toHaveLength(0);
  });

  it("keeps tenants apart: one tenant's payment id cannot be credited through another tenant", async () => {
    const a = await openShop('Alpha');
    const b = await openShop('Beta', { merchant: OTHER_MERCHANT });
    const alice = await newCustomer(h, a.shop, 'Alice');
    const bob = await newCustomer(h, b.shop, 'Bob');
    const { authority } = await topUpLink(a.shop, alice.user);
    const [payment] = await paymentsOf(a.shop.id, alice.customerId);
    const callback = gateway.pay(authority, { outcome: 'OK' });
    expect(callback).toContain(`/pay/zarinpal/${a.shop.id}-${payment!.publicId}`);

    // A's payment id under B's tenant id: B has no such payment
    const crossed = await visit(
      `${h.platform.url}/pay/zarinpal/${b.shop.id}-${payment!.publicId}?Authority=${authority}&Status=OK`,
    );
    expect(crossed.status).toBe(404);
    // B's own payment with A's authority: not B's payment
    const { authority: bAuthority } = await topUpLink(b.shop, bob.user);
    const [bPayment] = await paymentsOf(b.shop.id, bob.customerId);
    const mixed = await visit(
      `${h.platform.url}/pay/zarinpal/${b.shop.id}-${bPayment!.publicId}?Authority=${authority}&Status=OK`,
    );
    expect(mixed.status).toBe(400);
    expect(await b.services.ledger.balance(bob.customerId)).toBe(0);
    expect(gateway.getPayment(bAuthority)?.status).toBe('created');

    // A's own callback credits A only
    expect((await visit(callback)).html).toContain('Payment successful');
    expect(await a.services.ledger.balance(alice.customerId)).toBe(50_000);
    expect(await b.services.ledger.balance(bob.customerId)).toBe(0);
  });

  it('speaks Persian to a Persian customer, on the page and in the chat', async () => {
    const { shop } = await openShop('Farsi', { language: 'fa' });
    const { user } = await newCustomer(h, shop, 'Sara', { languageCode: 'fa' });
    const { message, link } = await topUpLink(shop, user);
    expect(message.text).toContain('زرین‌پال');
    expect(message.text).toContain('۵۰٬۰۰۰ تومان');
    const page = await payInBrowser(link);
    expect(page.html).toContain('dir="rtl"');
    expect(page.html).toContain('پرداخت موفق');
    expect(page.html).toContain('بازگشت به ربات');
    await botMessageWith(h, shop, user, 'پرداخت زرین‌پال شما', WAIT);
  });

  it('refuses politely when Zarinpal is off or the shop has no merchant', async () => {
    const { shop, services } = await openShop('Closed');
    const { user } = await newCustomer(h, shop, 'Omid');
    await next(shop, user, withButton('topup:amt:50000'), () => user.pressButton(shop.bot, 'menu:topup'));
    await next(shop, user, withButton('pay:zp:50000:0'), () => user.pressButton(shop.bot, 'topup:amt:50000'));
    await h.testApp.app.platform.tenants.update(shop.id, { zarinpalMerchantId: null });
    const unavailable = await next(
      shop,
      user,
      () => true,
      () => user.pressButton(shop.bot, 'pay:zp:50000:0'),
    );
    expect(unavailable.text).toContain('not available right now');
    await services.flags.set('zarinpal', false);
    const press = user.pressButton(shop.bot, 'pay:zp:50000:0');
    const answer = await h.sim.waitForCallbackAnswer(press.callbackQueryId);
    expect(answer).toMatchObject({ showAlert: true, text: 'This option is not available in this shop.' });
    expect(gateway.payments().filter((p) => p.callbackUrl.includes(`/pay/zarinpal/${shop.id}-`))).toEqual([]);
  });
});
