import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInitData, signInitData } from '../../../src/http/miniapp/init-data.js';
import { asCardPaymentId } from '../../../src/modules/payments/card-to-card.js';
import { asCustomerId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, type FleetHarness, startFleetHarness } from '../../support/fleet.js';
import {
  callMiniApp,
  initDataFor,
  miniAppCustomer,
  openMiniAppShop,
  RECEIPT_PNG,
  startMiniAppHarness,
} from './support.js';

describe('initData check', () => {
  const token = '123456:ABCDEFabcdef_ghijklmnopqrstuvwxyz12';
  const now = new Date('2026-12-04T12:00:00Z');
  const fields = (authDate: number) => ({
    user: JSON.stringify({ id: 42, first_name: 'Ali', language_code: 'fa' }),
    auth_date: String(authDate),
    query_id: 'q1',
  });
  const at = Math.floor(now.getTime() / 1000);

  it('takes what the bot token signed, within the age limit', () => {
    const check = checkInitData(signInitData(fields(at - 60), token), token, { maxAgeSeconds: 3600, now });
    expect(check).toMatchObject({ ok: true, user: { id: 42, firstName: 'Ali', languageCode: 'fa' } });
  });

  it('refuses a changed field, another token, an old date and garbage', () => {
    const signed = signInitData(fields(at - 60), token);
    const changed = signed.replace('%22id%22%3A42', '%22id%22%3A43');
    expect(changed).not.toBe(signed);
    expect(checkInitData(changed, token, { maxAgeSeconds: 3600, now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(checkInitData(signed, '999:other', { maxAgeSeconds: 3600, now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const old = signInitData(fields(at - 7200), token);
    expect(checkInitData(old, token, { maxAgeSeconds: 3600, now })).toEqual({ ok: false, reason: 'expired' });
    expect(checkInitData('user=1', token, { maxAgeSeconds: 3600, now })).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(checkInitData('', token, { maxAgeSeconds: 3600, now })).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});

describe.each(BACKENDS)('Mini App API on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startMiniAppHarness(backend);
  });
  afterAll(() => h.close());

  it('answers only initData signed by the shop’s own bot, fresh, of a customer of that shop', async () => {
    const a = await openMiniAppShop(h, 'Alpha');
    const b = await openMiniAppShop(h, 'Bravo');
    const { user, initData } = await miniAppCustomer(h, a.shop, 'Reza');

    const me = await callMiniApp(h, a.shop, initData, 'GET', 'me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      shop: { name: 'Alpha', currency: 'IRT' },
      customer: { language: 'en', balance: 0 },
      topUp: { methods: ['card', 'stars'] },
    });

    // no initData, a forged one, an expired one, one signed by another shop's bot: 401, the same refusal
    expect((await callMiniApp(h, a.shop, undefined, 'GET', 'me')).status).toBe(401);
    const forged = initData.replace(/hash=[0-9a-f]{6}/, 'hash=000000');
    const refusals = [
      forged,
      initDataFor(a.shop, { id: user.id }, { ageSeconds: 25 * 3600 }),
      initDataFor(a.shop, { id: user.id }, { token: b.shop.bot.token }),
    ];
    for (const refused of refusals) {
      const answer = await callMiniApp(h, a.shop, refused, 'GET', 'subscriptions');
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('unauthorized');
      expect(JSON.stringify(answer.body)).not.toContain('Alpha');
    }
    // a shop that does not exist answers as a bad signature does
    expect((await callMiniApp(h, { id: 999_999 }, initData, 'GET', 'me')).status).toBe(401);

    // Bravo's customer, with initData Alpha's bot really signed: not a customer of Alpha, sees nothing
    const bravo = await miniAppCustomer(h, b.shop, 'Sima');
    const intoAlpha = initDataFor(a.shop, { id: bravo.user.id });
    for (const path of ['me', 'subscriptions', 'plans']) {
      const answer = await callMiniApp(h, a.shop, intoAlpha, 'GET', path);
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('not_customer');
    }
    // and Bravo's own initData at Alpha's address is refused outright
    expect((await callMiniApp(h, a.shop, bravo.initData, 'GET', 'me')).status).toBe(401);

    // the switch: off, the Mini App answers nothing
    await a.services.flags.set('mini_app', false);
    expect((await callMiniApp(h, a.shop, initData, 'GET', 'me')).body.error.code).toBe('disabled');
  });

  it('buys a plan short of money, tops up card to card with an uploaded receipt, and the admins approve it', async () => {
    const admin = h.sim.user({ firstName: 'Admin', languageCode: 'en' });
    const { shop, services, planId } = await openMiniAppShop(h, 'Charlie', { admins: [admin.id] });
    const { user, customerId, initData } = await miniAppCustomer(h, shop, 'Nima');

    const plans = await callMiniApp(h, shop, initData, 'GET', 'plans');
    expect(plans.body.plans).toEqual([
      { id: planId, name: 'Charlie Monthly', price: 120_000, periodDays: 30, trafficGb: 50, deviceLimit: 2 },
    ]);
    const order = await callMiniApp(h, shop, initData, 'POST', 'orders', { planId, key: 'press-000001' });
    expect(order.body).toMatchObject({ status: 'insufficient', missing: 120_000, balance: 0 });
    // the same key again: the same order, not a second one
    const again = await callMiniApp(h, shop, initData, 'POST', 'orders', { planId, key: 'press-000001' });
    expect(again.body).toMatchObject({ status: 'in_progress', orderId: order.body.orderId });

    const offer = await callMiniApp(h, shop, initData, 'POST', 'topup/card', {
      amount: 1,
      orderId: order.body.orderId,
    });
    expect(offer.status).toBe(200);
    expect(offer.body).toMatchObject({
      amount: 120_000,
      card: { number: '6037991234567893', holder: 'Sara Ahmadi' },
    });

    const since = h.sim.mark();
    const query = `amount=${offer.body.amount}&cardId=${offer.body.card.id}&orderId=${order.body.orderId}`;
    const receipt = await callMiniApp(h, shop, initData, 'POST', `topup/card/receipt?${query}`, RECEIPT_PNG);
    expect(receipt.status).toBe(200);
    expect(receipt.body.trackingNumber).toMatch(/^\d{10}$/);
    // the photo went through the shop's bot into the customer's chat, then to the admin like any receipt
    await h.sim.waitForCall({ botId: shop.bot.id, method: 'sendPhoto', chatId: user.id, since });
    const toAdmin = await h.sim.waitForCall({
      botId: shop.bot.id,
      method: 'sendPhoto',
      chatId: admin.id,
      since,
    });
    expect(String(toAdmin.params.caption)).toContain(receipt.body.trackingNumber);

    const payment = await services.cardPayments.getByTrackingNumber(receipt.body.trackingNumber);
    expect(payment).toMatchObject({
      status: 'pending',
      amount: 120_000,
      orderId: order.body.orderId,
      customerId,
    });
    const approved = await services.cardPayments.approve(asCardPaymentId(payment!.id), {
      telegramId: admin.id,
      name: 'Admin',
    });
    expect(approved.status).toBe('approved');

    await eventually(
      async () => {
        const list = await callMiniApp(h, shop, initData, 'GET', 'subscriptions');
        return list.body.subscriptions[0]?.status === 'active';
      },
      'the subscription is active',
      10_000,
    );
    const list = await callMiniApp(h, shop, initData, 'GET', 'subscriptions');
    const [subscription] = list.body.subscriptions;
    expect(subscription).toMatchObject({
      ordinal: 1,
      status: 'active',
      limitBytes: 50 * 1024 ** 3,
      deviceLimit: 2,
    });
    expect(subscription.link).toMatch(/^https?:\/\//);
    expect(subscription.qrSvg).toContain('<svg');
    expect((await callMiniApp(h, shop, initData, 'GET', 'me')).body.customer.balance).toBe(0);
  });

  it('lists and removes devices, makes a new link, changes the language and opens a Stars invoice', async () => {
    const { shop, services, planId } = await openMiniAppShop(h, 'Delta');
    const { customerId, initData } = await miniAppCustomer(h, shop, 'Omid');
    await services.ledger.credit({
      customerId: asCustomerId(customerId),
      amount: 200_000,
      kind: 'admin_credit',
      externalRef: `test:${customerId}`,
    });
    const bought = await callMiniApp(h, shop, initData, 'POST', 'orders', { planId, key: 'press-000002' });
    expect(bought.body.status).toBe('paid');
    await eventually(
      async () => {
        const s = (await services.subscriptions.listForCustomer(asCustomerId(customerId)))[0];
        return s?.panelUserId != null && s.subscriptionUrl !== null;
      },
      'provisioned',
      10_000,
    );
    const [subscription] = await services.subscriptions.listForCustomer(asCustomerId(customerId));
    h.panel.addDevice(subscription!.panelUserId!, 'hw-phone', {
      platform: 'Android',
      deviceModel: 'Pixel 8',
    });
    h.panel.addDevice(subscription!.panelUserId!, 'hw-laptop', { platform: 'Windows' });

    const devices = await callMiniApp(h, shop, initData, 'GET', `subscriptions/${subscription!.id}/devices`);
    expect(devices.body.devices.map((d: { model: string | null }) => d.model)).toEqual(['Pixel 8', null]);
    const phone = devices.body.devices[0].key;
    const removed = await callMiniApp(
      h,
      shop,
      initData,
      'DELETE',
      `subscriptions/${subscription!.id}/devices/${phone}`,
    );
    expect(removed.body.removed).toBe(true);
    expect(removed.body.devices.map((d: { platform: string }) => d.platform)).toEqual(['Windows']);
    expect(h.panel.getUser(subscription!.panelUserId!)?.devices.map((d) => d.hwid)).toEqual(['hw-laptop']);

    const list = (await callMiniApp(h, shop, initData, 'GET', 'subscriptions')).body.subscriptions;
    const link = await callMiniApp(h, shop, initData, 'POST', `subscriptions/${subscription!.id}/link`, {
      linkKey: list[0].linkKey,
    });
    expect(link.body.renewed).toBe(true);
    expect(link.body.link).not.toBe(list[0].link);

    // another customer cannot reach this subscription's devices
    const other = await miniAppCustomer(h, shop, 'Other');
    const foreign = await callMiniApp(
      h,
      shop,
      other.initData,
      'GET',
      `subscriptions/${subscription!.id}/devices`,
    );
    expect(foreign.status).toBe(404);

    expect((await callMiniApp(h, shop, initData, 'PUT', 'language', { language: 'fa' })).status).toBe(200);
    expect((await services.customers.get(asCustomerId(customerId)))?.language).toBe('fa');

    const stars = await callMiniApp(h, shop, initData, 'POST', 'topup/stars', { amount: 50_000 });
    expect(stars.status).toBe(200);
    expect(stars.body.invoiceLink).toMatch(/^https:\/\/t\.me\/\$/);
    const outOfRange = await callMiniApp(h, shop, initData, 'POST', 'topup/stars', { amount: 1 });
    expect(outOfRange.body.error.code).toBe('amount_out_of_range');
  });

  it('shows the help pages and opens support tickets when the shop has them on', async () => {
    const { shop, services } = await openMiniAppShop(h, 'India');
    const { customerId, initData } = await miniAppCustomer(h, shop, 'Parisa');
    await services.flags.set('help_pages', false);
    await services.flags.set('support_tickets', false);
    expect((await callMiniApp(h, shop, initData, 'GET', 'help')).body.error.code).toBe('disabled');
    expect((await callMiniApp(h, shop, initData, 'GET', 'tickets')).body.error.code).toBe('disabled');
    await services.flags.set('help_pages', true);
    await services.flags.set('support_tickets', true);
    const me = await callMiniApp(h, shop, initData, 'GET', 'me');
    expect(me.body.features).toMatchObject({ help: true, tickets: true });

    const help = await callMiniApp(h, shop, initData, 'GET', 'help');
    const shown = await services.help.findShown();
    expect(help.body.pages.map((p: { key: string }) => p.key)).toEqual(shown.map((p) => p.key));
    for (const page of help.body.pages) {
      expect(page.title).not.toBe(page.key);
      expect(page.body.length).toBeGreaterThan(0);
    }

    const opened = await callMiniApp(h, shop, initData, 'POST', 'tickets', {
      text: 'My link does not connect',
    });
    expect(opened.body.status).toBe('opened');
    const mine = await services.tickets.findPage({
      limit: 5,
      offset: 0,
      customerId: asCustomerId(customerId),
    });
    expect(mine.items.map((ticket) => ticket.id)).toEqual([opened.body.id]);
    const listed = await callMiniApp(h, shop, initData, 'GET', 'tickets');
    expect(listed.body.tickets).toMatchObject([
      { id: opened.body.id, subject: 'My link does not connect', status: 'open' },
    ]);
    // another customer of the same shop sees none of them
    const other = await miniAppCustomer(h, shop, 'Other');
    expect((await callMiniApp(h, shop, other.initData, 'GET', 'tickets')).body.tickets).toEqual([]);
  });
});

describe.each(BACKENDS)('Mini App Zarinpal top-up on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling', { zarinpal: true });
  }, 60_000);
  afterAll(() => h.close());

  it('gives the payment link, the bank pays, and the balance the page shows is credited once', async () => {
    const { shop, services } = await openMiniAppShop(h, 'Juliett');
    await services.flags.set('zarinpal', true);
    const updated = await h.testApp.app.platform.tenants.update(shop.id, {
      zarinpalMerchantId: '7c1e4b9a-2f3d-4c5e-8a6b-9d0e1f2a3b4c',
    });
    if (!updated.ok) throw new Error(updated.error.message);
    const { initData } = await miniAppCustomer(h, shop, 'Babak');
    expect((await callMiniApp(h, shop, initData, 'GET', 'me')).body.topUp.methods).toEqual([
      'card',
      'zarinpal',
      'stars',
    ]);

    const started = await callMiniApp(h, shop, initData, 'POST', 'topup/zarinpal', {
      amount: 50_000,
      key: 'zp-press-0001',
    });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ amount: 50_000 });
    expect(started.body.url).toContain('/pg/StartPay/');
    // the same press again: the same payment, not a second one
    const again = await callMiniApp(h, shop, initData, 'POST', 'topup/zarinpal', {
      amount: 50_000,
      key: 'zp-press-0001',
    });
    expect(again.status).toBe(200);
    expect(again.body.url).toBe(started.body.url);

    const bank = await fetch(`${started.body.url}?outcome=OK`, { redirect: 'manual' });
    expect(bank.status).toBe(302);
    const page = await fetch(bank.headers.get('location')!);
    expect(await page.text()).toContain('Payment successful');
    await eventually(
      async () => (await callMiniApp(h, shop, initData, 'GET', 'me')).body.customer.balance === 50_000,
      'credited',
      10_000,
    );
  });
});
