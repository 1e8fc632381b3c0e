import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { createTranslator } from '../../../src/bot/i18n.js';
import { bots, orders, walletTransactions } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { BYTES_PER_GB, chargeSale, refundSale } from '../../../src/modules/wallet/charge-sale.js';
import { saleRefusedAlert, saleRefusedNotice } from '../../../src/modules/wallet/sale-alert.js';
import { lockWallet, postWalletEntry } from '../../../src/modules/wallet/wallet-posting.js';
import type { BotId } from '../../../src/shared/ids.js';
import { MAX_MONEY } from '../../../src/shared/money.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { rejection } from '../../support/errors.js';
import { expectErr, expectOk } from '../helpers.js';

let nextTelegramId = 7_100_000_000;

describe.each(BACKENDS)('tenant wallet on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const db = () => t.database.handle.db;

  const freshShop = async (): Promise<{ id: BotId; shop: TenantServices; customerId: number }> => {
    const id = (await createTenant(t.app)).tenant.id;
    const shop = t.app.forTenant(id);
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    return { id, shop, customerId: customer.id };
  };

  /** Orders as the orders code creates them: the wallet only needs them to exist in the tenant. */
  const createOrders = (botId: BotId, customerId: number, count: number, trafficGb = 10) =>
    inTenant(db(), botId, async (tx) => {
      const rows = await tx
        .insert(orders)
        .values(
          Array.from({ length: count }, () => ({
            botId,
            customerId,
            kind: 'purchase' as const,
            price: 150_000,
            currency: 'IRT' as const,
            periodDays: 30,
            trafficGb,
            deviceLimit: 1,
          })),
        )
        .returning({ id: orders.id });
      return rows.map((row) => row.id);
    });

  const charge = (botId: BotId, orderId: number, trafficGb: number) =>
    inTenant(db(), botId, (tx) => chargeSale(tx, { orderId, trafficGb }));

  /** The wallet's invariants: balance = sum of entries = newest balance_after, never negative. */
  const expectConsistent = async (shop: TenantServices) => {
    const audit = await shop.wallet.audit();
    expect(audit.consistent, JSON.stringify(audit)).toBe(true);
    const entries = await shop.wallet.entries({ limit: 500 });
    expect(audit.balance).toBe(entries[0]?.balanceAfter ?? 0);
    let running = 0;
    for (const entry of [...entries].reverse()) {
      running += entry.amount;
      expect(entry.balanceAfter).toBe(running);
      expect(entry.balanceAfter).toBeGreaterThanOrEqual(0);
    }
    return audit.balance;
  };

  it('tops up and adjusts with ledger entries, once per reference, never below zero', async () => {
    const { shop } = await freshShop();
    expect(await shop.wallet.balance()).toBe(0);

    const topped = await shop.wallet.topUp({
      amount: 500_000,
      reason: 'bank transfer',
      createdBy: 42,
      externalRef: 'bank:1',
    });
    expect(topped).toMatchObject({ status: 'posted', balance: 500_000 });
    if (topped.status !== 'posted') throw new Error('not posted');
    expect(topped.entry).toMatchObject({
      botId: shop.botId,
      amount: 500_000,
      balanceAfter: 500_000,
      kind: 'topup',
      reason: 'bank transfer',
      externalRef: 'bank:1',
      createdBy: 42,
      orderId: null,
      bytes: 0,
    });
    // the same reference moves money once
    const again = await shop.wallet.topUp({ amount: 500_000, createdBy: 42, externalRef: 'bank:1' });
    expect(again).toMatchObject({ status: 'duplicate', balance: 500_000 });

    expect(await shop.wallet.adjust({ amount: -600_000, reason: 'too much' })).toEqual({
      status: 'insufficient',
      balance: 500_000,
      missing: 100_000,
    });
    expect(await shop.wallet.adjust({ amount: -200_000, reason: 'correction', createdBy: 42 })).toMatchObject(
      {
        status: 'posted',
        balance: 300_000,
      },
    );

    for (const amount of [0, -5, 1.5, 2_000_000_000_000]) {
      expect(await shop.wallet.topUp({ amount })).toMatchObject({ status: 'invalid' });
    }
    expect(await shop.wallet.adjust({ amount: 10, reason: ' ' })).toMatchObject({ status: 'invalid' });

    expect(await expectConsistent(shop)).toBe(300_000);
    expect((await shop.wallet.entries()).map((e) => [e.kind, e.amount])).toEqual([
      ['adjustment', -200_000],
      ['topup', 500_000],
    ]);
    expect((await t.app.platform.tenants.get(shop.botId))?.walletBalance).toBe(300_000);
  });

  it('sets the wholesale price (whole, non-negative) and announces the tenant change', async () => {
    const { shop } = await freshShop();
    expect(expectOk(await shop.wallet.setWholesalePrice(2_500))).toBe(2_500);
    expect((await shop.wallet.summary()).wholesalePricePerGb).toBe(2_500);
    expect((await t.app.platform.tenants.get(shop.botId))?.wholesalePricePerGb).toBe(2_500);
    expect(expectErr(await shop.wallet.setWholesalePrice(-1)).code).toBe('invalid');
    expect(expectErr(await shop.wallet.setWholesalePrice(1.5)).code).toBe('invalid');
    expect((await shop.wallet.summary()).wholesalePricePerGb).toBe(2_500);
  });

  it('charges a sale by its traffic, once per order, and refuses one the wallet cannot cover', async () => {
    const { id, shop, customerId } = await freshShop();
    await shop.wallet.setWholesalePrice(1_000);
    const [first, second, third] = await createOrders(id, customerId, 3);

    // empty wallet: refused, nothing written
    expect(await charge(id, first!, 10)).toEqual({ status: 'insufficient', balance: 0, missing: 10_000 });
    expect(await shop.wallet.entries()).toEqual([]);
    expect((await shop.wallet.summary()).trafficSoldBytes).toBe(0);

    // after a top-up the same sale goes through
    await shop.wallet.topUp({ amount: 25_000, createdBy: 1 });
    expect(await charge(id, first!, 10)).toEqual({ status: 'charged', amount: 10_000, balance: 15_000 });
    const [sale] = await shop.wallet.entries({ limit: 1 });
    expect(sale).toMatchObject({
      kind: 'sale',
      amount: -10_000,
      balanceAfter: 15_000,
      bytes: 10 * BYTES_PER_GB,
      orderId: first,
      externalRef: `order:${first}`,
      createdBy: null,
    });
    expect(await shop.wallet.summary()).toMatchObject({
      balance: 15_000,
      trafficSoldBytes: 10 * BYTES_PER_GB,
    });

    // the same order again: the first answer, no money moves (even if the price changed meanwhile)
    await shop.wallet.setWholesalePrice(0);
    expect(await charge(id, first!, 10)).toEqual({ status: 'charged', amount: 10_000, balance: 15_000 });
    expect(await shop.wallet.balance()).toBe(15_000);

    // price 0: free, nothing written
    expect(await charge(id, second!, 10)).toEqual({ status: 'free' });
    await shop.wallet.setWholesalePrice(1_000);
    // 20 GB costs 20 000 > 15 000
    expect(await charge(id, third!, 20)).toEqual({ status: 'insufficient', balance: 15_000, missing: 5_000 });
    expect(await shop.wallet.summary()).toMatchObject({
      balance: 15_000,
      trafficSoldBytes: 10 * BYTES_PER_GB,
    });
    expect((await shop.wallet.entries()).map((e) => e.kind)).toEqual(['sale', 'topup']);
    expect(await expectConsistent(shop)).toBe(15_000);
  });

  it('charges unlimited plans at the operator-only equivalent setting', async () => {
    const { id, shop, customerId } = await freshShop();
    await shop.wallet.setWholesalePrice(100);
    await shop.wallet.topUp({ amount: 1_000_000 });
    const [a, b] = await createOrders(id, customerId, 2, 0);
    // default equivalent: 100 GB
    expect(await charge(id, a!, 0)).toEqual({ status: 'charged', amount: 10_000, balance: 990_000 });
    expect(expectErr(await shop.settings.set('wallet_unlimited_equivalent_gb', 5, 'tenant')).message).toMatch(
      /only be changed by the operator/,
    );
    expectOk(await shop.settings.set('wallet_unlimited_equivalent_gb', 250, 'operator'));
    expect(await charge(id, b!, 0)).toEqual({ status: 'charged', amount: 25_000, balance: 965_000 });
    const [entry] = await shop.wallet.entries({ limit: 1 });
    expect(entry).toMatchObject({ bytes: 250 * BYTES_PER_GB, reason: '250 GB (unlimited plan)' });
    expect((await shop.wallet.summary()).trafficSoldBytes).toBe(350 * BYTES_PER_GB);
  });

  it("is part of the order's transaction: a rolled back order leaves the wallet untouched", async () => {
    const { id, shop, customerId } = await freshShop();
    await shop.wallet.setWholesalePrice(1_000);
    await shop.wallet.topUp({ amount: 50_000 });
    const [orderId] = await createOrders(id, customerId, 1);
    const failure = await rejection(
      inTenant(db(), id, async (tx) => {
        expect(await chargeSale(tx, { orderId: orderId!, trafficGb: 10 })).toMatchObject({
          status: 'charged',
        });
        throw new Error('provisioning could not be enqueued');
      }),
    );
    expect(failure).toContain('provisioning could not be enqueued');
    expect(await shop.wallet.summary()).toMatchObject({ balance: 50_000, trafficSoldBytes: 0 });
    expect(await charge(id, orderId!, 10)).toEqual({ status: 'charged', amount: 10_000, balance: 40_000 });
  });

  it('never goes below zero under 20 concurrent sales of different orders', async () => {
    const { id, shop, customerId } = await freshShop();
    await shop.wallet.setWholesalePrice(1_000);
    // covers 7 sales of 10 GB (10 000 each), with 5 000 left over
    await shop.wallet.topUp({ amount: 75_000 });
    const orderIds = await createOrders(id, customerId, 20);
    const results = await Promise.all(orderIds.map((orderId) => charge(id, orderId, 10)));

    const charged = results.filter((r) => r.status === 'charged');
    const refused = results.filter((r) => r.status === 'insufficient');
    expect(charged).toHaveLength(7);
    expect(refused).toHaveLength(13);
    for (const r of refused) expect(r).toEqual({ status: 'insufficient', balance: 5_000, missing: 5_000 });
    // each charge saw the balance left by the one before it
    expect(charged.map((r) => (r.status === 'charged' ? r.balance : -1)).sort((a, b) => a - b)).toEqual([
      5_000, 15_000, 25_000, 35_000, 45_000, 55_000, 65_000,
    ]);
    expect(await expectConsistent(shop)).toBe(5_000);
    expect(await shop.wallet.summary()).toMatchObject({
      balance: 5_000,
      trafficSoldBytes: 70 * BYTES_PER_GB,
    });
    const sales = (await shop.wallet.entries({ limit: 100 })).filter((e) => e.kind === 'sale');
    expect(new Set(sales.map((e) => e.orderId)).size).toBe(7);
  });

  it.runIf(backend === 'postgres')(
    "does not hold up the tenant's other writes while a sale's transaction is open",
    async () => {
      const { id, shop, customerId } = await freshShop();
      await shop.wallet.setWholesalePrice(1_000);
      await shop.wallet.topUp({ amount: 100_000 });
      const [orderId] = await createOrders(id, customerId, 1);
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let signalCharged!: () => void;
      const charged = new Promise<void>((resolve) => {
        signalCharged = resolve;
      });
      const sale = inTenant(db(), id, async (tx) => {
        await chargeSale(tx, { orderId: orderId!, trafficGb: 10 });
        signalCharged();
        await held;
      });
      await charged;
      // a new customer's row references bots: it must not wait for the sale's lock on that row
      const registered = await Promise.race([
        shop.customers.register({ telegramId: nextTelegramId++ }, 'fa').then(() => 'registered'),
        new Promise((resolve) => setTimeout(() => resolve('blocked'), 2_000)),
      ]);
      release();
      await sale;
      expect(registered).toBe('registered');
      expect(await shop.wallet.balance()).toBe(90_000);
    },
  );

  it('charges the same order once when it is charged concurrently', async () => {
    const { id, shop, customerId } = await freshShop();
    await shop.wallet.setWholesalePrice(1_000);
    await shop.wallet.topUp({ amount: 100_000 });
    const [orderId] = await createOrders(id, customerId, 1);
    const results = await Promise.all(Array.from({ length: 10 }, () => charge(id, orderId!, 10)));
    for (const r of results) expect(r).toEqual({ status: 'charged', amount: 10_000, balance: 90_000 });
    expect(await expectConsistent(shop)).toBe(90_000);
  });

  it('refunds a charged sale once, giving the traffic back', async () => {
    const { id, shop, customerId } = await freshShop();
    await shop.wallet.setWholesalePrice(1_000);
    await shop.wallet.topUp({ amount: 30_000 });
    const [sold, never] = await createOrders(id, customerId, 2);
    await charge(id, sold!, 10);
    const refund = () => inTenant(db(), id, (tx) => refundSale(tx, { orderId: sold!, createdBy: 9 }));
    expect(await refund()).toEqual({ status: 'refunded', amount: 10_000, balance: 30_000 });
    expect(await refund()).toEqual({ status: 'refunded', amount: 10_000, balance: 30_000 });
    expect(await inTenant(db(), id, (tx) => refundSale(tx, { orderId: never! }))).toEqual({
      status: 'not_charged',
    });
    expect(await shop.wallet.summary()).toMatchObject({ balance: 30_000, trafficSoldBytes: 0 });
    expect((await shop.wallet.entries()).map((e) => [e.kind, e.amount, e.externalRef])).toEqual([
      ['refund', 10_000, `refund:order:${sold}`],
      ['sale', -10_000, `order:${sold}`],
      ['topup', 30_000, null],
    ]);
    expect(await expectConsistent(shop)).toBe(30_000);
  });

  /** One entry of any size, as a posting inside a transaction can make (the service caps each at 10^12). */
  const postDirect = (botId: BotId, amount: number) =>
    inTenant(db(), botId, async (tx) =>
      postWalletEntry(tx, await lockWallet(tx), { amount, kind: 'adjustment', reason: 'test' }),
    );

  it('holds exactly MAX_MONEY and refuses a top-up or adjustment that would pass it, changing nothing', async () => {
    const { shop, id } = await freshShop();
    const step = 1_000_000_000_000;
    expect(await postDirect(id, MAX_MONEY - 5 * step)).toMatchObject({ status: 'posted' });
    for (let index = 0; index < 5; index += 1)
      expect(await shop.wallet.topUp({ amount: step })).toMatchObject({ status: 'posted' });
    expect(await shop.wallet.balance()).toBe(MAX_MONEY);
    expect(await expectConsistent(shop)).toBe(MAX_MONEY);

    expect(await shop.wallet.topUp({ amount: 1, externalRef: 'pay-1' })).toEqual({
      status: 'over_limit',
      balance: MAX_MONEY,
      room: 0,
    });
    expect(await shop.wallet.adjust({ amount: 1, reason: 'bonus' })).toEqual({
      status: 'over_limit',
      balance: MAX_MONEY,
      room: 0,
    });
    expect(await postDirect(id, 1)).toEqual({ status: 'over_limit', balance: MAX_MONEY, room: 0 });
    expect(await shop.wallet.entries({ limit: 500 })).toHaveLength(6);

    expect(await shop.wallet.adjust({ amount: -2, reason: 'correction' })).toMatchObject({
      status: 'posted',
      balance: MAX_MONEY - 2,
    });
    expect(await shop.wallet.topUp({ amount: 3, externalRef: 'pay-1' })).toEqual({
      status: 'over_limit',
      balance: MAX_MONEY - 2,
      room: 2,
    });
    // the refused reference is still free
    expect(await shop.wallet.topUp({ amount: 2, externalRef: 'pay-1' })).toMatchObject({
      status: 'posted',
      balance: MAX_MONEY,
    });
    expect(await expectConsistent(shop)).toBe(MAX_MONEY);
  });

  it('refuses to refund a sale into a wallet topped up to the maximum since, until it has room', async () => {
    const { id, shop, customerId } = await freshShop();
    await shop.wallet.setWholesalePrice(1_000);
    await shop.wallet.topUp({ amount: 30_000 });
    const [sold] = await createOrders(id, customerId, 1);
    expect(await charge(id, sold!, 10)).toMatchObject({ status: 'charged', balance: 20_000 });
    expect(await postDirect(id, MAX_MONEY - 20_000)).toMatchObject({ status: 'posted', balance: MAX_MONEY });
    const refund = () => inTenant(db(), id, (tx) => refundSale(tx, { orderId: sold! }));
    expect(await refund()).toEqual({ status: 'over_limit', balance: MAX_MONEY, room: 0 });
    expect(await shop.wallet.summary()).toMatchObject({
      balance: MAX_MONEY,
      trafficSoldBytes: 10 * BYTES_PER_GB,
    });
    expect(await postDirect(id, -10_000)).toMatchObject({ status: 'posted' });
    expect(await refund()).toEqual({ status: 'refunded', amount: 10_000, balance: MAX_MONEY });
    expect(await shop.wallet.summary()).toMatchObject({ balance: MAX_MONEY, trafficSoldBytes: 0 });
    expect(await expectConsistent(shop)).toBe(MAX_MONEY);
  });

  it("keeps wallets apart: another tenant's order, row or entries are out of reach", async () => {
    const a = await freshShop();
    const b = await freshShop();
    await a.shop.wallet.setWholesalePrice(1_000);
    await b.shop.wallet.setWholesalePrice(1_000);
    await a.shop.wallet.topUp({ amount: 50_000 });
    await b.shop.wallet.topUp({ amount: 50_000 });
    const [orderOfA] = await createOrders(a.id, a.customerId, 1);

    // B charging for A's order: the composite foreign key refuses it
    const crossOrder = await rejection(charge(b.id, orderOfA!, 10));
    expect(crossOrder).toMatch(/foreign key|violates/);
    expect(await b.shop.wallet.balance()).toBe(50_000);

    // a transaction bound to A cannot reach B's wallet row (chargeSale takes its tenant from the
    // transaction, so only raw SQL can even name B)
    const crossRow = await inTenant(db(), a.id, (tx) =>
      tx.update(bots).set({ walletBalance: 0 }).where(eq(bots.id, b.id)).returning({ id: bots.id }),
    );
    expect(crossRow).toEqual([]);
    expect(await b.shop.wallet.balance()).toBe(50_000);

    // and sees none of B's entries
    const seen = await inTenant(db(), a.id, (tx) =>
      tx.select().from(walletTransactions).where(eq(walletTransactions.botId, b.id)),
    );
    expect(seen).toEqual([]);
    // the service role cannot rewrite history
    const rewrite = await rejection(
      inTenant(db(), a.id, (tx) => tx.update(walletTransactions).set({ amount: 1 })),
    );
    expect(rewrite).toMatch(/permission denied/);
  });

  it('renders the refused-sale texts in every language', () => {
    const translator = createTranslator();
    const alert = saleRefusedAlert({ orderId: 12345, planName: 'Gold', balance: 5_000, missing: 2_500 });
    expect(alert.key).toBe('wallet-alert-sale-refused');
    const en = translator.t('en', alert.key, alert.args);
    expect(en).toContain('#12345');
    expect(en).toContain('Gold');
    expect(en).toContain('2,500');
    expect(translator.t('fa', alert.key, alert.args)).toContain('۲٬۵۰۰');
    expect(translator.t('ru', alert.key, alert.args)).toContain('Gold');
    const notice = saleRefusedNotice();
    for (const language of ['fa', 'en', 'ru'] as const) {
      expect(translator.t(language, notice.key)).not.toBe(notice.key);
    }
  });
});
