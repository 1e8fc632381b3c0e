import { and, count, eq } from 'drizzle-orm';
import { bots, customers, resellerSubscriptions } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { resellerFeeNotice } from '../../jobs/definitions/reseller-renewal.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import { asBotId, type BotId } from '../../shared/ids.js';
import { lockWallet, postWalletEntry } from '../wallet/wallet-posting.js';
import { RESELLER_PERIOD_MS } from './start-shop.js';

export type ResellerSubscription = typeof resellerSubscriptions.$inferSelect;

const DAY_MS = 24 * 60 * 60_000;
/** Periods one run may catch up on (a shop whose job did not run for months). */
const MAX_PERIODS_PER_RUN = 24;

export const feeRef = (periodEnd: Date) => `reseller-fee:${periodEnd.toISOString()}`;

/**
 * Whether this shop's sales are suspended for an unpaid reseller fee, read in the sale's own
 * transaction (`chargeSale`): a suspended shop sells nothing new; its customers' subscriptions keep
 * running until they expire. `missing` is what the wallet lacks for the fee.
 */
export async function resellerSalesSuspension(
  tx: TenantTx,
): Promise<{ readonly balance: number; readonly missing: number } | undefined> {
  const [row] = await tx
    .select({
      suspendedAt: resellerSubscriptions.salesSuspendedAt,
      fee: resellerSubscriptions.monthlyFee,
      balance: bots.walletBalance,
    })
    .from(resellerSubscriptions)
    .innerJoin(bots, eq(bots.id, resellerSubscriptions.botId))
    .where(eq(resellerSubscriptions.botId, tx.botId));
  if (!row?.suspendedAt) return undefined;
  return { balance: row.balance, missing: Math.max(1, row.fee - row.balance) };
}

export type RenewOutcome =
  | { readonly status: 'none' }
  /** The period has not ended. */
  | { readonly status: 'current'; readonly periodEnd: Date }
  | {
      readonly status: 'renewed';
      readonly periods: number;
      readonly periodEnd: Date;
      readonly resumed: boolean;
    }
  | {
      readonly status: 'unpaid';
      readonly periodEnd: Date;
      readonly unpaidSince: Date;
      readonly suspended: boolean;
      readonly missing: number;
    };

export interface ResellerShopDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  /** The master's grace period (setting reseller_grace_days of the master shop). */
  readonly graceDays: (masterId: BotId) => Promise<number>;
}

/** A reseller shop's side: its plan, the monthly fee from its wallet, suspension, its customer cap. */
export function createResellerShopService({ tenant, clock, graceDays }: ResellerShopDeps) {
  const { botId } = tenant;
  const get = async (): Promise<ResellerSubscription | undefined> => {
    const [row] = await tenant.transaction((tx) =>
      tx.select().from(resellerSubscriptions).where(eq(resellerSubscriptions.botId, botId)),
    );
    return row;
  };

  /**
   * Takes the fee of every period that has ended, oldest first, while the wallet covers it. All in
   * one transaction under the wallet lock, the period moving with its entry, so two runs at once
   * charge each period once (the second waits for the lock and finds the period moved). Short of
   * money: `unpaid_since` marks when it fell due, one notice a day, and after the grace period
   * sales are suspended; paying lifts the suspension at once.
   */
  async function renew(): Promise<RenewOutcome> {
    const current = await get();
    if (!current) return { status: 'none' };
    const now = clock.now();
    if (current.periodEnd > now) return { status: 'current', periodEnd: current.periodEnd };
    const grace = await graceDays(asBotId(current.masterBotId));
    return tenant.transaction(async (tx) => {
      let wallet = await lockWallet(tx);
      const [sub] = await tx
        .select()
        .from(resellerSubscriptions)
        .where(eq(resellerSubscriptions.botId, botId))
        .for('update');
      if (!sub) return { status: 'none' as const };
      let periodEnd = sub.periodEnd;
      let periods = 0;
      let missing = 0;
      while (periodEnd <= now && periods < MAX_PERIODS_PER_RUN) {
        if (sub.monthlyFee > 0) {
          const posted = await postWalletEntry(tx, wallet, {
            amount: -sub.monthlyFee,
            kind: 'adjustment',
            externalRef: feeRef(periodEnd),
            reason: sub.planName,
          });
          if (posted.status === 'insufficient') {
            missing = posted.missing;
            break;
          }
          if (posted.status === 'over_limit') throw new Error('a fee cannot pass MAX_MONEY');
          wallet = { ...wallet, balance: posted.balance };
        }
        periodEnd = new Date(periodEnd.getTime() + RESELLER_PERIOD_MS);
        periods += 1;
      }
      if (periodEnd > now) {
        const resumed = sub.salesSuspendedAt !== null;
        await tx
          .update(resellerSubscriptions)
          .set({ periodEnd, unpaidSince: null, salesSuspendedAt: null, updatedAt: now })
          .where(eq(resellerSubscriptions.botId, botId));
        await enqueue(tx, resellerFeeNotice, {
          event: 'renewed',
          periodEnd: periodEnd.toISOString(),
          day: 0,
        });
        return { status: 'renewed' as const, periods, periodEnd, resumed };
      }
      const unpaidSince = sub.unpaidSince ?? periodEnd;
      const days = Math.max(0, Math.floor((now.getTime() - unpaidSince.getTime()) / DAY_MS));
      const suspendNow =
        sub.salesSuspendedAt === null && now.getTime() - unpaidSince.getTime() >= grace * DAY_MS;
      await tx
        .update(resellerSubscriptions)
        .set({
          periodEnd,
          unpaidSince,
          ...(suspendNow ? { salesSuspendedAt: now } : {}),
          updatedAt: now,
        })
        .where(eq(resellerSubscriptions.botId, botId));
      await enqueue(tx, resellerFeeNotice, {
        event: suspendNow ? 'suspended' : 'unpaid',
        periodEnd: periodEnd.toISOString(),
        day: suspendNow ? 0 : days,
      });
      return {
        status: 'unpaid' as const,
        periodEnd,
        unpaidSince,
        suspended: suspendNow || sub.salesSuspendedAt !== null,
        missing,
      };
    });
  }

  return {
    get,
    renew,
    /**
     * Whether a new customer would pass the plan's cap (the customers already registered count).
     * Checked before registering someone new; concurrent first messages may pass it by a few.
     */
    async customerCapReached(): Promise<boolean> {
      return tenant.transaction(async (tx) => {
        const [sub] = await tx
          .select({ cap: resellerSubscriptions.customerCap })
          .from(resellerSubscriptions)
          .where(eq(resellerSubscriptions.botId, botId));
        if (!sub || sub.cap === null) return false;
        const [counted] = await tx
          .select({ total: count() })
          .from(customers)
          .where(and(eq(customers.botId, botId)));
        return (counted?.total ?? 0) >= sub.cap;
      });
    },
  };
}

export type ResellerShopService = ReturnType<typeof createResellerShopService>;
