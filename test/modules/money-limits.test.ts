import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZarinpalSim, type ZarinpalSim } from '../../sim/zarinpal/index.js';
import type { TenantServices } from '../../src/app.js';
import { ledgerTransactions, orders } from '../../src/db/schema.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import { createZarinpalGateways } from '../../src/integrations/zarinpal/payment-gateway.js';
import { postEntry } from '../../src/modules/ledger/ledger-service.js';
import { lockWallet, postWalletEntry } from '../../src/modules/wallet/wallet-posting.js';
import type { Clock } from '../../src/shared/clock.js';
import type { CustomerId } from '../../src/shared/ids.js';
import { exactMoney, MAX_MONEY, MoneyLimitError, sumMoney } from '../../src/shared/money.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';

let nextTelegramId = 7_500_000_000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

describe('exact money figures', () => {
  it('reads sums as numbers only while a number holds them exactly', () => {
    expect(exactMoney('9007199254740991', 'x')).toBe(MAX_SAFE);
    expect(exactMoney('-9007199254740991', 'x')).toBe(-MAX_SAFE);
    expect(exactMoney(null, 'x')).toBe(0);
    expect(exactMoney(12n, 'x')).toBe(12);
    // Number('9007199254740993') is 9007199254740992: exactly the silent loss this refuses
    expect(() => exactMoney('9007199254740993', 'sales in IRT')).toThrow(/sales in IRT: 9007199254740993/);
    expect(() => exactMoney('9007199254740992', 'x')).toThrow(RangeError);
    expect(() => exactMoney('1.5', 'x')).toThrow(/not a whole number/);
  });

  it('adds figures exactly and refuses a total past 2^53', () => {
    expect(sumMoney([MAX_MONEY, MAX_MONEY, 7], 'x')).toBe(2 * MAX_MONEY + 7);
    expect(sumMoney(Array(9).fill(MAX_MONEY).concat(7_199_254_740_991), 'x')).toBe(MAX_SAFE);
    expect(() => sumMoney(Array(9).fill(MAX_MONEY).concat(7_199_254_740_992), 'wallets')).toThrow(
      /wallets: 9007199254740992/,
    );
  });
});

describe.each(BACKENDS)('money limits and sums on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const db = () => t.database.handle.db;

  const freshShop = async (): Promise<{ shop: TenantServices; customerId: CustomerId }> => {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    return { shop, customerId: customer.id };
  };

  /**
   * Paid orders of the given prices, written directly (each with the ledger entry an order needs):
   * reaching 2^53 through real purchases would take thousands of them.
   */
  const paidOrders = (shop: TenantServices, customerId: CustomerId, prices: readonly number[]) =>
    inTenant(db(), shop.botId, async (tx) => {
      for (const price of prices) {
        const [entry] = await tx
          .insert(ledgerTransactions)
          .values({ botId: shop.botId, customerId, amount: -1, balanceAfter: 0, kind: 'purchase' })
          .returning({ id: ledgerTransactions.id });
        await tx.insert(orders).values({
          botId: shop.botId,
          customerId,
          kind: 'purchase',
          status: 'paid',
          price,
          currency: 'IRT',
          periodDays: 30,
          trafficGb: 10,
          deviceLimit: 1,
          transactionId: entry!.id,
          paidAt: new Date(),
        });
      }
    });

  // first: the fleet figures below sum every tenant of this database
  it('sums sales and wallets across the fleet exactly, and refuses a total a number cannot hold', async () => {
    const a = await freshShop();
    const b = await freshShop();
    for (const shop of [a.shop, b.shop]) {
      await inTenant(db(), shop.botId, async (tx) =>
        postWalletEntry(tx, await lockWallet(tx), {
          amount: MAX_MONEY,
          kind: 'topup',
        }),
      );
    }
    await paidOrders(a.shop, a.customerId, Array(4).fill(MAX_MONEY));
    await paidOrders(b.shop, b.customerId, [...Array(5).fill(MAX_MONEY), 7_199_254_740_991]);

    const fleet = await t.app.platform.stats.fleetStats();
    expect(fleet.sales).toEqual({ count: 10, amounts: [{ currency: 'IRT', amount: MAX_SAFE }] });
    expect(fleet.wallets.balance).toBe(2 * MAX_MONEY);

    // two more units: each tenant's own figure stays exact, the fleet total would not
    await paidOrders(a.shop, a.customerId, [2]);
    expect((await t.app.platform.stats.tenantStats(a.shop.botId)).sales.amounts).toEqual([
      { currency: 'IRT', amount: 4 * MAX_MONEY + 2 },
    ]);
    await expect(t.app.platform.stats.fleetStats()).rejects.toThrow(/sales in IRT: 9007199254740993/);
  });

  it("reads a tenant's sales exactly up to 2^53 - 1, and refuses rather than rounds past it", async () => {
    const { shop, customerId } = await freshShop();
    await paidOrders(shop, customerId, [...Array(9).fill(MAX_MONEY), 7_199_254_740_991]);
    const exact = [{ currency: 'IRT', amount: MAX_SAFE }];
    expect((await t.app.platform.stats.tenantStats(shop.botId)).sales).toEqual({ count: 10, amounts: exact });
    const report = await shop.stats.summary('UTC');
    expect(report.paid.today).toEqual({ count: 10, amounts: exact });
    expect(report.paid.last30Days).toEqual({ count: 10, amounts: exact });

    await paidOrders(shop, customerId, [2]);
    await expect(t.app.platform.stats.tenantStats(shop.botId)).rejects.toThrow(RangeError);
    await expect(shop.stats.summary('UTC')).rejects.toThrow(/sales in IRT: 9007199254740993/);
  });

  it('leaves a confirmed payment the balance cannot take pending, crediting it once there is room', async () => {
    const { shop, customerId } = await freshShop();
    const card = await shop.cards.create({ cardNumber: '6037991234567893', holderName: 'Holder' });
    if (!card.ok) throw new Error(card.error.message);
    await inTenant(db(), shop.botId, (tx) =>
      postEntry(tx, { customerId, amount: MAX_MONEY - 20_000, kind: 'migration' }),
    );
    const submitted = await shop.cardPayments.submit({
      customerId,
      amount: 50_000,
      cardId: card.value.id,
      receipt: { text: 'paid' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    const payment = submitted.payment;
    const admin = { telegramId: 2000, name: 'Admin' };

    const refused = shop.cardPayments.approve(payment.id, admin);
    await expect(refused).rejects.toThrow(MoneyLimitError);
    await expect(refused).rejects.toThrow(/can take 20000/);
    // the approval rolled back whole: still pending, nothing credited, the card not counted
    expect(await shop.cardPayments.get(payment.id)).toMatchObject({ status: 'pending', transactionId: null });
    expect(await shop.ledger.balance(customerId)).toBe(MAX_MONEY - 20_000);
    expect(await shop.ledger.entries(customerId)).toHaveLength(1);
    expect(await shop.cards.get(card.value.id)).toMatchObject({ successCount: 0 });

    await shop.ledger.debit({ customerId, amount: 30_000, kind: 'purchase' });
    expect(await shop.cardPayments.approve(payment.id, admin)).toMatchObject({
      status: 'approved',
      balance: MAX_MONEY,
    });
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });
});

describe.each(BACKENDS)('a verified Zarinpal payment the balance cannot take on %s', (backend) => {
  const MERCHANT = '1a2b3c4d-1111-4222-8333-444455556666';
  const MINUTE = 60_000;
  let t: TestApp;
  let sim: ZarinpalSim;
  let now = new Date('2026-03-01T10:00:00Z');
  const clock: Clock = { now: () => now };

  beforeAll(async () => {
    sim = await startZarinpalSim({ merchants: [MERCHANT] });
    t = await createTestApp(backend, {
      clock,
      zarinpal: {
        gateways: createZarinpalGateways({
          baseUrl: sim.baseUrl,
          sandboxBaseUrl: sim.baseUrl,
          timeoutMs: 300,
          retries: 1,
          retryBaseMs: 5,
        }),
        callbackBaseUrl: 'https://shop.example',
        reconcileAfterMs: 3 * MINUTE,
        expireAfterMs: 60 * MINUTE,
      },
    });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  it('stays pending without holding up the others, and is credited once the balance has room', async () => {
    const botId = (await createTenant(t.app, 'Gateway')).tenant.id;
    const updated = await t.app.platform.tenants.update(botId, { zarinpalMerchantId: MERCHANT });
    if (!updated.ok) throw new Error('merchant');
    const shop = t.app.forTenant(botId);
    const register = async () =>
      (await shop.customers.register({ telegramId: nextTelegramId++, firstName: 'C' }, 'en')).customer.id;
    const full = await register();
    const other = await register();
    await inTenant(t.database.handle.db, botId, (tx) =>
      postEntry(tx, { customerId: full, amount: MAX_MONEY - 10_000, kind: 'migration' }),
    );
    const pay = async (customerId: CustomerId) => {
      const started = await shop.zarinpal.start({
        customerId,
        amount: 50_000,
        orderId: null,
        description: 'x',
      });
      if (started.status !== 'created') throw new Error(started.status);
      sim.pay(started.payment.authority!, { outcome: 'OK' });
      return started.payment;
    };
    // the stuck one is due first: it must not keep the other from being credited
    const stuck = await pay(full);
    now = new Date(now.getTime() + MINUTE);
    const fine = await pay(other);

    now = new Date(now.getTime() + 4 * MINUTE);
    expect(await shop.zarinpal.reconcile()).toMatchObject({ checked: 2, credited: 1 });
    expect(await shop.ledger.balance(other)).toBe(50_000);
    expect(await shop.zarinpal.get(fine.id)).toMatchObject({ status: 'paid' });
    const waiting = await shop.zarinpal.get(stuck.id);
    expect(waiting).toMatchObject({ status: 'pending', transactionId: null, checkCount: 1 });
    expect(waiting!.nextCheckAt!.getTime()).toBeGreaterThan(now.getTime());
    expect(await shop.ledger.balance(full)).toBe(MAX_MONEY - 10_000);
    expect(await shop.ledger.entries(full)).toHaveLength(1);

    await shop.ledger.debit({ customerId: full, amount: 40_000, kind: 'purchase' });
    now = new Date(waiting!.nextCheckAt!.getTime() + 1);
    expect(await shop.zarinpal.reconcile()).toMatchObject({ credited: 1 });
    expect(await shop.zarinpal.get(stuck.id)).toMatchObject({ status: 'paid' });
    expect(await shop.ledger.balance(full)).toBe(MAX_MONEY);
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });
});
