import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { jobs, orders } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { chargeSale, refundSale } from '../../../src/modules/wallet/charge-sale.js';
import { crossesBelow } from '../../../src/modules/wallet/low-balance.js';
import type { BotId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

let nextTelegramId = 7_300_000_000;

describe('crossesBelow', () => {
  it('is a debit from at or above the threshold to below it, and never with no threshold', () => {
    expect(crossesBelow(100, 99, 100)).toBe(true);
    expect(crossesBelow(150, 0, 100)).toBe(true);
    expect(crossesBelow(99, 50, 100)).toBe(false);
    expect(crossesBelow(150, 100, 100)).toBe(false);
    expect(crossesBelow(150, 0, 0)).toBe(false);
  });
});

describe.each(BACKENDS)('the low-balance warning on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const db = () => t.database.handle.db;

  /** A shop at 1,000 per GB with `balance` in its wallet and the warning at `threshold`. */
  async function freshShop(balance: number, threshold: number) {
    const id = (await createTenant(t.app)).tenant.id;
    const shop = t.app.forTenant(id);
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    expect((await shop.wallet.setWholesalePrice(1_000)).ok).toBe(true);
    if (balance > 0) expect((await shop.wallet.topUp({ amount: balance })).status).toBe('posted');
    if (threshold > 0)
      expect((await shop.settings.set('wallet_low_balance_warning', threshold, 'tenant')).ok).toBe(true);
    return { id, shop, customerId: customer.id };
  }

  const createOrder = (botId: BotId, customerId: number) =>
    inTenant(db(), botId, async (tx) => {
      const [row] = await tx
        .insert(orders)
        .values({
          botId,
          customerId,
          kind: 'purchase',
          price: 150_000,
          currency: 'IRT',
          periodDays: 30,
          trafficGb: 10,
          deviceLimit: 1,
        })
        .returning({ id: orders.id });
      return row!.id;
    });

  /** A sale of `gb` GB of a new order, charged to the wallet (1,000 per GB). */
  const sell = async (shop: { id: BotId; customerId: number }, gb: number) => {
    const orderId = await createOrder(shop.id, shop.customerId);
    return inTenant(db(), shop.id, (tx) => chargeSale(tx, { orderId, trafficGb: gb }));
  };

  const warnings = (shop: TenantServices) =>
    inTenant(db(), shop.botId, (tx) =>
      tx
        .select({ payload: jobs.payload, dedupeKey: jobs.dedupeKey })
        .from(jobs)
        .where(and(eq(jobs.botId, shop.botId), eq(jobs.name, 'alert-wallet-low-balance'))),
    );

  it('warns once per crossing: the debit that crosses, not the ones below, again after a top-up', async () => {
    const s = await freshShop(250_000, 100_000);
    expect(await sell(s, 100)).toMatchObject({ status: 'charged', balance: 150_000 });
    expect(await warnings(s.shop)).toEqual([]);
    // 150,000 → 50,000: crossed
    expect(await sell(s, 100)).toMatchObject({ status: 'charged', balance: 50_000 });
    const [first, ...none] = await warnings(s.shop);
    expect(none).toEqual([]);
    const [crossing] = await s.shop.wallet.entries({ limit: 1 });
    expect(first).toEqual({
      payload: { entryId: crossing!.id, balance: 50_000, threshold: 100_000 },
      dedupeKey: `wallet-low:${crossing!.id}`,
    });
    // still below: no second warning; a refused sale writes nothing
    expect(await sell(s, 10)).toMatchObject({ status: 'charged', balance: 40_000 });
    expect(await sell(s, 1_000)).toMatchObject({ status: 'insufficient' });
    expect(await warnings(s.shop)).toHaveLength(1);
    // a refund (a credit) is no crossing either
    const orderId = await createOrder(s.id, s.customerId);
    await inTenant(db(), s.id, (tx) => chargeSale(tx, { orderId, trafficGb: 5 }));
    await inTenant(db(), s.id, (tx) => refundSale(tx, { orderId }));
    expect(await warnings(s.shop)).toHaveLength(1);
    // topped up to the threshold again, then crossed again: a second warning
    expect((await s.shop.wallet.topUp({ amount: 200_000 })).status).toBe('posted');
    expect(await sell(s, 150)).toMatchObject({ status: 'charged', balance: 90_000 });
    expect(await warnings(s.shop)).toHaveLength(2);
    expect((await s.shop.wallet.audit()).consistent).toBe(true);
  });

  it('warns exactly once when 20 sales cross it at the same moment', async () => {
    const s = await freshShop(150_000, 100_000);
    const orderIds = await Promise.all(Array.from({ length: 20 }, () => createOrder(s.id, s.customerId)));
    const results = await Promise.all(
      orderIds.map((orderId) => inTenant(db(), s.id, (tx) => chargeSale(tx, { orderId, trafficGb: 5 }))),
    );
    expect(results.every((result) => result.status === 'charged')).toBe(true);
    expect(await s.shop.wallet.balance()).toBe(50_000);
    const [warning, ...more] = await warnings(s.shop);
    expect(more).toEqual([]);
    expect(warning?.payload).toMatchObject({ balance: 95_000, threshold: 100_000 });
  });

  it('never warns without a threshold, and a debit by the operator warns like a sale', async () => {
    const silent = await freshShop(150_000, 0);
    expect(await sell(silent, 140)).toMatchObject({ status: 'charged', balance: 10_000 });
    expect(await warnings(silent.shop)).toEqual([]);

    const adjusted = await freshShop(150_000, 100_000);
    expect((await adjusted.shop.wallet.adjust({ amount: -60_000, reason: 'correction' })).status).toBe(
      'posted',
    );
    expect(await warnings(adjusted.shop)).toHaveLength(1);
    // another shop's crossing is its own: the first shop has none
    expect(await warnings(silent.shop)).toEqual([]);
  });
});
