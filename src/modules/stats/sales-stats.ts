import { and, count, eq, gt, gte, inArray, ne, sql } from 'drizzle-orm';

import { type Currency, customers, orders, subscriptions } from '../../db/schema.js';

import type { TenantDb } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';

import { exactMoney } from '../../shared/money.js';
import { SOLD_STATUSES } from '../fleet-stats/fleet-stats.js';

const DAY_MS = 86_400_000;

export interface PaidOrders {
  readonly count: number;
  /** One sum per currency (a tenant may have changed currency), in that currency's units. */
  readonly amounts: readonly { readonly currency: Currency; readonly amount: number }[];
}

export interface SalesStats {
  readonly customers: { readonly total: number; readonly newToday: number };
  /** Paid plans (trials are not sales), by when they were paid. */
  readonly paid: {
    readonly today: PaidOrders;
    readonly last7Days: PaidOrders;
    readonly last30Days: PaidOrders;
  };
  /** Subscriptions active on the panel and not yet expired. */
  readonly activeSubscriptions: number;
}

/**
 * Midnight of `now`'s day in `timeZone`, as an instant. Uses the zone's offset at `now`; a day
 * that starts on a daylight-saving change is off by that hour, which a sales report can bear.
 */
export function startOfDay(now: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(now)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  const wallClock = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const offset = wallClock - Math.floor(now.getTime() / 1000) * 1000;
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day) - offset);
}

/** The tenant's sales report for its admins: customers, paid orders and active subscriptions. */
export function createSalesStats({ tenant, clock }: { tenant: TenantDb; clock: Clock }) {
  const { botId } = tenant;
  return {
    /** Figures as of now; "today" starts at midnight in `timeZone` (the tenant's setting). */
    summary(timeZone: string): Promise<SalesStats> {
      const now = clock.now();
      const today = startOfDay(now, timeZone);
      const week = new Date(today.getTime() - 6 * DAY_MS);
      const month = new Date(today.getTime() - 29 * DAY_MS);
      // raw fragments bind instants as ISO text: both drivers (pg, PGlite) take that the same way
      const since = (instant: Date) => sql`${instant.toISOString()}::timestamptz`;
      return tenant.transaction(async (tx) => {
        const [customerCounts] = await tx
          .select({
            total: count(),
            newToday: sql<number>`count(*) filter (where ${customers.createdAt} >= ${since(today)})::int`,
          })
          .from(customers)
          .where(eq(customers.botId, botId));
        const sold = await tx
          .select({
            currency: orders.currency,
            today: sql<number>`count(*) filter (where ${orders.paidAt} >= ${since(today)})::int`,
            todaySum: sql<string>`coalesce(sum(${orders.price}) filter (where ${orders.paidAt} >= ${since(today)}), 0)`,
            week: sql<number>`count(*) filter (where ${orders.paidAt} >= ${since(week)})::int`,
            weekSum: sql<string>`coalesce(sum(${orders.price}) filter (where ${orders.paidAt} >= ${since(week)}), 0)`,
            month: count(),
            monthSum: sql<string>`coalesce(sum(${orders.price}), 0)`,
          })
          .from(orders)
          .where(
            and(
              eq(orders.botId, botId),
              inArray(orders.status, [...SOLD_STATUSES]),
              ne(orders.kind, 'trial'),
              gte(orders.paidAt, month),
            ),
          )
          .groupBy(orders.currency)
          .orderBy(orders.currency);
        const [active] = await tx
          .select({ n: count() })
          .from(subscriptions)
          .where(
            and(
              eq(subscriptions.botId, botId),
              eq(subscriptions.status, 'active'),
              gt(subscriptions.expiresAt, now),
            ),
          );
        const paid = (
          countOf: (row: (typeof sold)[number]) => number,
          sumOf: (row: (typeof sold)[number]) => string,
        ) => ({
          count: sold.reduce((sum, row) => sum + Number(countOf(row)), 0),
          amounts: sold
            .filter((row) => Number(countOf(row)) > 0)
            // summed by SQL as an exact numeric: many large sales may pass 2^53, which must not round
            .map((row) => ({
              currency: row.currency,
              amount: exactMoney(sumOf(row), `sales in ${row.currency}`),
            })),
        });
        return {
          customers: { total: customerCounts?.total ?? 0, newToday: Number(customerCounts?.newToday ?? 0) },
          paid: {
            today: paid(
              (row) => row.today,
              (row) => row.todaySum,
            ),
            last7Days: paid(
              (row) => row.week,
              (row) => row.weekSum,
            ),
            last30Days: paid(
              (row) => row.month,
              (row) => row.monthSum,
            ),
          },
          activeSubscriptions: active?.n ?? 0,
        };
      });
    },
  };
}

export type SalesStatsService = ReturnType<typeof createSalesStats>;
