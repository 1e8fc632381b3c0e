import { and, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { bots, type Currency, customers, orders, subscriptions } from '../../db/schema.js';
import type { PlatformDb } from '../../db/tenant-tx.js';
import { asBotId, type BotId } from '../../shared/ids.js';
import { exactMoney, sumMoney } from '../../shared/money.js';

/** Orders that were sold: paid, being provisioned or active. Trials are not sales. */
export const SOLD_STATUSES = ['paid', 'provisioning', 'active'] as const;

export interface SalesTotals {
  readonly count: number;
  /** One sum per currency the sales were made in (a tenant may have changed currency). */
  readonly amounts: readonly { readonly currency: Currency; readonly amount: number }[];
}

export interface TenantStats {
  readonly customers: number;
  readonly activeSubscriptions: number;
  readonly sales: SalesTotals;
}

export interface FleetStats {
  readonly tenants: {
    readonly total: number;
    readonly active: number;
    readonly suspended: number;
    readonly healthy: number;
    /** Token revoked or handler failing. */
    readonly unhealthy: number;
  };
  readonly customers: number;
  readonly activeSubscriptions: number;
  readonly sales: SalesTotals;
  readonly wallets: {
    readonly balance: number;
    readonly trafficSoldBytes: number;
    readonly trafficConsumedBytes: number;
  };
}

/**
 * Sums of money are added as bigint and handed out as numbers only when exact: a fleet's sales or
 * wallets summed across tenants can pass 2^53 even though each figure is bounded by MAX_MONEY, and a
 * report that refuses is better than one that is silently off.
 */
const addSales = (into: Map<Currency, bigint>, sales: SalesTotals) => {
  for (const { currency, amount } of sales.amounts)
    into.set(currency, (into.get(currency) ?? 0n) + BigInt(amount));
};
const toAmounts = (sums: Map<Currency, bigint>) =>
  [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ currency, amount: exactMoney(amount, `sales in ${currency}`) }));

/**
 * Operator reports across tenants. Tenant data (customers, subscriptions, orders) is behind
 * row-level security, which has no platform bypass on purpose, so the fleet figures are summed
 * from one short tenant-bound transaction per tenant, a few at a time. That costs a round trip per
 * tenant, which is fine for an operator's report; if fleets grow to many thousands of tenants a
 * periodically refreshed summary table is the next step, not a hole in the policies.
 */
export function createFleetStats({ db, concurrency = 8 }: { db: PlatformDb; concurrency?: number }) {
  const tenantStats = (botId: BotId): Promise<TenantStats> =>
    db.tenant(botId).transaction(async (tx) => {
      const [customerCount] = await tx
        .select({ n: count() })
        .from(customers)
        .where(eq(customers.botId, botId));
      const [activeCount] = await tx
        .select({ n: count() })
        .from(subscriptions)
        .where(and(eq(subscriptions.botId, botId), eq(subscriptions.status, 'active')));
      const sales = await tx
        .select({
          currency: orders.currency,
          n: count(),
          total: sql<string>`coalesce(sum(${orders.price}), 0)`,
        })
        .from(orders)
        .where(
          and(eq(orders.botId, botId), inArray(orders.status, [...SOLD_STATUSES]), ne(orders.kind, 'trial')),
        )
        .groupBy(orders.currency);
      return {
        customers: customerCount?.n ?? 0,
        activeSubscriptions: activeCount?.n ?? 0,
        sales: {
          count: sales.reduce((sum, row) => sum + row.n, 0),
          amounts: toAmounts(new Map(sales.map((row) => [row.currency, BigInt(row.total)]))),
        },
      };
    });

  return {
    tenantStats,
    async fleetStats(): Promise<FleetStats> {
      const rows = await db.transaction((tx) =>
        tx
          .select({
            id: bots.id,
            isActive: bots.isActive,
            health: bots.healthStatus,
            balance: bots.walletBalance,
            sold: bots.trafficSoldBytes,
            consumed: bots.trafficConsumedBytes,
          })
          .from(bots),
      );
      let customerTotal = 0;
      let activeTotal = 0;
      let salesCount = 0;
      const salesSums = new Map<Currency, bigint>();
      for (let index = 0; index < rows.length; index += concurrency) {
        const batch = await Promise.all(
          rows.slice(index, index + concurrency).map((row) => tenantStats(asBotId(row.id))),
        );
        for (const stats of batch) {
          customerTotal += stats.customers;
          activeTotal += stats.activeSubscriptions;
          salesCount += stats.sales.count;
          addSales(salesSums, stats.sales);
        }
      }
      const active = rows.filter((row) => row.isActive);
      return {
        tenants: {
          total: rows.length,
          active: active.length,
          suspended: rows.length - active.length,
          healthy: active.filter((row) => row.health === 'healthy').length,
          unhealthy: active.filter((row) => row.health === 'unauthorized' || row.health === 'failing').length,
        },
        customers: customerTotal,
        activeSubscriptions: activeTotal,
        sales: { count: salesCount, amounts: toAmounts(salesSums) },
        wallets: {
          balance: sumMoney(
            rows.map((row) => row.balance),
            'wallet balances of the fleet',
          ),
          trafficSoldBytes: rows.reduce((sum, row) => sum + row.sold, 0),
          trafficConsumedBytes: rows.reduce((sum, row) => sum + row.consumed, 0),
        },
      };
    },
  };
}

export type FleetStatsService = ReturnType<typeof createFleetStats>;
