import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import { orders } from '../../../../src/db/schema.js';
import { inTenant } from '../../../../src/db/tenant-tx.js';
import { chargeSale } from '../../../../src/modules/wallet/charge-sale.js';
import type { CustomerId, PlanId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../../support/fleet.js';
import { callbacks, enterShop, latestMessageId, openTestShop, pressForEdit } from '../../../support/shop.js';

const PERSIAN = /[۰-۹]/;
const LATIN_DIGIT = /[0-9]/;
const jalali = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'Asia/Tehran', ...options }).format(new Date());

describe.each(BACKENDS)("the shop's wallet in the admin menu on %s", (backend) => {
  let h: FleetHarness;
  let nextAdminId = 930_001;
  let nextTelegramId = 8_300_000_001;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    // the operators' bot, whose support the wallet's top-up screen names
    const master = await h.addTenant('Fleet', { isMaster: true });
    await h.testApp.app.forTenant(master.id).settings.set('support_username', 'fleet_help', 'operator');
  }, 60_000);
  afterAll(() => h.close());

  /** A Persian shop at 10,000 per GB with one admin who started its bot. */
  async function openShop(name: string) {
    const adminId = nextAdminId++;
    const { shop, services } = await openTestShop(h, name, { admins: [adminId], language: 'fa' });
    const admin = h.sim.user({ id: adminId, firstName: 'Ava', languageCode: 'fa' });
    await enterShop(h, shop, admin);
    expect((await services.wallet.setWholesalePrice(10_000)).ok).toBe(true);
    const { customer } = await services.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    return { shop, admin, services, customerId: customer.id as CustomerId };
  }

  const sell = async (shop: ShopUnderTest, customerId: number, gb: number) => {
    const db = h.testApp.database.handle.db;
    const [order] = await inTenant(db, shop.id, (tx) =>
      tx
        .insert(orders)
        .values({
          botId: shop.id,
          customerId,
          kind: 'purchase',
          price: 100_000,
          currency: 'IRT',
          periodDays: 30,
          trafficGb: gb,
          deviceLimit: 1,
        })
        .returning({ id: orders.id }),
    );
    const charged = await inTenant(db, shop.id, (tx) =>
      chargeSale(tx, { orderId: order!.id, trafficGb: gb }),
    );
    expect(charged.status).toBe('charged');
    return order!.id;
  };

  const next = (shop: ShopUnderTest, user: SimUser, since: number, predicate: (text: string) => boolean) =>
    h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.messageId > since && predicate(m.text ?? ''), {
      timeoutMs: 5000,
    });

  async function openWallet(shop: ShopUnderTest, admin: SimUser): Promise<SimMessage> {
    const since = latestMessageId(h, shop, admin);
    admin.sendCommand(shop.bot, 'admin');
    const home = await next(shop, admin, since, () => true);
    expect(callbacks(home)).toContain('adm:wallet');
    return pressForEdit(h, shop, admin, 'adm:wallet', (text) => text.includes('کیف پول فروشگاه'));
  }

  /** The admin's messages from the bot that include `text`. */
  const messagesWith = (shop: ShopUnderTest, admin: SimUser, text: string) =>
    h.sim.chat(shop.bot, admin).messages.filter((m) => m.fromBot && (m.text ?? '').includes(text));

  it('shows the balance, this month and a paged history in Persian, with Persian digits and Jalali dates', async () => {
    const { shop, admin, services, customerId } = await openShop('Kif');
    expect((await services.wallet.topUp({ amount: 2_500_000, reason: 'first' })).status).toBe('posted');
    const orderId = await sell(shop, customerId, 10);
    // nine more small sales: the history takes two pages
    for (let i = 0; i < 9; i += 1) await sell(shop, customerId, 1);

    const wallet = await openWallet(shop, admin);
    const text = wallet.text!;
    expect(text).toContain('موجودی: ۲٬۳۱۰٬۰۰۰ تومان');
    expect(text).toContain('قیمت هر گیگابایت: ۱۰٬۰۰۰ تومان');
    expect(text).toContain('فروش: ۱۰ سفارش، ۱۹ گیگابایت');
    expect(text).toContain('کسر شده از کیف پول: ۱۹۰٬۰۰۰ تومان');
    // the month is the Jalali month, named with the Jalali year
    expect(text).toContain(jalali({ year: 'numeric' }));
    expect(text).toContain(jalali({ month: 'long' }));
    expect(text).toContain('هشدار موجودی کم خاموش است');
    // Persian screen: no Latin digits (the shop's name is its own)
    expect(LATIN_DIGIT.test(text)).toBe(false);

    const history = await pressForEdit(h, shop, admin, 'adm:wallet:h:0', (t) =>
      t.includes('تاریخچهٔ کیف پول'),
    );
    const page = history.text!;
    expect(page).toContain(jalali({ dateStyle: 'medium' }));
    expect(page).toContain('🛒 فروش −۱۰٬۰۰۰ تومان');
    expect(LATIN_DIGIT.test(page)).toBe(false);
    expect(PERSIAN.test(page)).toBe(true);
    const older = callbacks(history).find(
      (data) => data.startsWith('adm:wallet:h:') && data !== 'adm:wallet:h:0',
    );
    expect(older).toBeDefined();
    const second = await pressForEdit(h, shop, admin, older!, (t) => t.includes('💰 شارژ'));
    expect(second.text).toContain('💰 شارژ +۲٬۵۰۰٬۰۰۰ تومان');
    expect(second.text).toContain(
      `سفارش #${new Intl.NumberFormat('fa-IR', { useGrouping: false }).format(orderId)}، ۱۰ گیگابایت`,
    );
    expect(callbacks(second)).toContain('adm:wallet:h:0');

    // the top-up is arranged with the operator: their support is named and linked
    await pressForEdit(h, shop, admin, 'adm:wallet', (t) => t.includes('کیف پول فروشگاه'));
    const topUp = await pressForEdit(h, shop, admin, 'adm:wallet:topup', (t) => t.includes('@fleet_help'));
    expect(topUp.buttons.flat().some((b) => b.url === 'https://t.me/fleet_help')).toBe(true);
  });

  it('sets the warning from the wallet screen and warns the admins once per crossing', async () => {
    const { shop, admin, services, customerId } = await openShop('Hoshdar');
    expect((await services.wallet.topUp({ amount: 2_400_000 })).status).toBe('posted');
    await openWallet(shop, admin);
    await pressForEdit(h, shop, admin, 'adm:wallet:warn', (text) => text.includes('به زیر چه مبلغی'));
    let since = latestMessageId(h, shop, admin);
    admin.sendText(shop.bot, 'زیاد');
    await next(shop, admin, since, (text) => text.includes('لطفاً یک مبلغ صحیح'));
    since = latestMessageId(h, shop, admin);
    admin.sendText(shop.bot, '۲٬۰۰۰٬۰۰۰');
    const saved = await next(shop, admin, since, (text) => text.includes('یک بار هشدار می‌گیرید'));
    expect(saved.text).toContain('وقتی موجودی به زیر ۲٬۰۰۰٬۰۰۰ تومان برسد');
    expect(await services.settings.get('wallet_low_balance_warning')).toBe(2_000_000);

    const ALERT = 'از حد هشدار شما';
    await sell(shop, customerId, 30); // 2,100,000: above
    await sell(shop, customerId, 20); // 1,900,000: crossed
    const alert = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.fromBot && (m.text ?? '').includes(ALERT),
      {
        timeoutMs: 5000,
      },
    );
    expect(alert.text).toContain('۱٬۹۰۰٬۰۰۰ تومان');
    expect(alert.text).toContain('@fleet_help');
    // in the admin's private chat the alert opens the wallet screen
    expect(callbacks(alert)).toContain('adm:wallet');
    await sell(shop, customerId, 10); // still below: no second warning
    await sell(shop, customerId, 10);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(messagesWith(shop, admin, ALERT)).toHaveLength(1);

    // topped up above it, crossed again: warned again, once
    expect((await services.wallet.topUp({ amount: 500_000 })).status).toBe('posted'); // 2,200,000
    await sell(shop, customerId, 30); // 1,900,000
    await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.fromBot && (m.text ?? '').includes(ALERT) && m.messageId > alert.messageId,
      { timeoutMs: 5000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(messagesWith(shop, admin, ALERT)).toHaveLength(2);
  });

  it('tells the admins clearly when sales stop for lack of credit, with how to top up', async () => {
    const { shop, admin, services, customerId } = await openShop('Tamam');
    const plan = await services.plans.create({
      name: 'ماهانه',
      periodDays: 30,
      price: 100_000,
      trafficGb: 10,
    });
    if (!plan.ok) throw new Error('plan');
    const credited = await services.ledger.credit({ customerId, amount: 100_000, kind: 'topup' });
    expect(credited.status).toBe('posted');
    const outcome = await services.orders.purchasePlan({ customerId, planId: plan.value.id as PlanId });
    expect(outcome.status).toBe('wallet_insufficient');
    const alert = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.fromBot && (m.text ?? '').includes('فروش تازه متوقف است'),
      { timeoutMs: 5000 },
    );
    expect(alert.text).toContain('۱۰۰٬۰۰۰ تومان کسری دارد');
    expect(alert.text).toContain('@fleet_help');
    expect(callbacks(alert)).toContain('adm:wallet');
    // the wallet screen says so too
    const wallet = await openWallet(shop, admin);
    expect(wallet.text).toContain('کیف پول خالی است');
  });

  it("shows a shop's admin only that shop's wallet", async () => {
    const a = await openShop('Alef');
    const b = await openShop('Beh');
    expect((await a.services.wallet.topUp({ amount: 1_111_000 })).status).toBe('posted');
    expect((await b.services.wallet.topUp({ amount: 2_222_000 })).status).toBe('posted');
    await sell(b.shop, b.customerId, 7);

    const aWallet = await openWallet(a.shop, a.admin);
    expect(aWallet.text).toContain('۱٬۱۱۱٬۰۰۰ تومان');
    expect(aWallet.text).not.toContain('۲٬۲۲۲٬۰۰۰');
    const aHistory = await pressForEdit(h, a.shop, a.admin, 'adm:wallet:h:0', (t) =>
      t.includes('تاریخچهٔ کیف پول'),
    );
    expect(aHistory.text).not.toContain('🛒');
    expect(aHistory.text).not.toContain('۲٬۲۲۲٬۰۰۰');

    // A's admin in B's bot is nobody there: refused, and shown nothing
    await enterShop(h, b.shop, a.admin);
    const mark = h.sim.mark();
    h.sim.enqueueUpdate(b.shop.bot, {
      callback_query: {
        id: 'forged-wallet-1',
        from: { id: a.admin.id, is_bot: false, first_name: 'Ava' },
        chat_instance: 'forged',
        data: 'adm:wallet:h:0',
      },
    });
    const refusal = await h.sim.waitForCall({
      botId: b.shop.bot.id,
      method: 'answerCallbackQuery',
      since: mark,
      match: (params) => params.callback_query_id === 'forged-wallet-1',
    });
    expect(refusal.params).toMatchObject({ show_alert: true });
    expect(
      h.sim.calls({ botId: b.shop.bot.id, method: 'editMessageText', since: mark, chatId: a.admin.id }),
    ).toEqual([]);
    // the two reports are their own
    const since = new Date(Date.now() - 3_600_000);
    expect(await a.services.walletReport.totalsSince(since)).toEqual([
      { kind: 'topup', count: 1, amount: 1_111_000, bytes: 0 },
    ]);
    expect((await b.services.walletReport.totalsSince(since)).map((total) => total.kind).sort()).toEqual([
      'sale',
      'topup',
    ]);
  });
});
