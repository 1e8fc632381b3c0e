import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { bots, subscriptions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import { type Clock, systemClock } from '../../shared/clock.js';
import { forEachConcurrently } from '../../shared/concurrency.js';
import { asSubscriptionId, type SubscriptionId } from '../../shared/ids.js';

/** What the sync needs of the panel; `createRemnawaveClient` fits it as it is. */
export interface PanelUsageSource {
  getUserById(id: number): Promise<{ usedTrafficBytes: number; lifetimeUsedTrafficBytes: number }>;
}

export interface TrafficSyncDeps {
  readonly tenant: TenantDb;
  readonly panel: PanelUsageSource;
  readonly clock?: Clock;
  /** Whether an error means the panel no longer has the user (the panel adapter knows its errors). */
  readonly isMissing: (error: unknown) => boolean;
  /** Panel requests at once (default 8). */
  readonly concurrency?: number;
}

export interface TrafficSyncResult {
  /** Subscriptions with a panel user. */
  readonly subscriptions: number;
  readonly synced: number;
  /** Users the panel does not have: skipped, their last known usage kept. */
  readonly missing: number;
  /** Users the panel could not answer for (network, 5xx...): skipped this time. */
  readonly failed: number;
  /** At most a few of the failures, for the job's log. */
  readonly errors: readonly unknown[];
  /** The subscriptions whose used traffic changed (their traffic warnings may be due). */
  readonly changed: readonly SubscriptionId[];
  /** The tenant's traffic_consumed_bytes after the sync. */
  readonly consumedBytes: number;
}

const WRITE_BATCH = 200;

/**
 * Syncs one tenant's consumed traffic from the panel: each subscription with a panel user gets its
 * current used traffic, the panel's lifetime counter and `synced_at`; the tenant's
 * traffic_consumed_bytes becomes the sum of the lifetime counters. Panel calls happen outside any
 * transaction; the writes are short transactions of their own. A user missing on the panel is
 * skipped, not fatal; so is one the panel failed to answer for (counted in `failed`, so a job
 * can retry later).
 */
export async function syncTenantTraffic(deps: TrafficSyncDeps): Promise<TrafficSyncResult> {
  const { tenant, panel } = deps;
  const { botId } = tenant;
  const clock = deps.clock ?? systemClock;
  const { isMissing } = deps;

  const linked = await tenant.transaction((tx) =>
    tx
      .select({
        id: subscriptions.id,
        panelUserId: subscriptions.panelUserId,
        used: subscriptions.usedTrafficBytes,
      })
      .from(subscriptions)
      .where(and(eq(subscriptions.botId, botId), isNotNull(subscriptions.panelUserId)))
      .orderBy(subscriptions.id),
  );

  type Usage = { id: number; used: number; before: number; lifetime: number };
  const usages: Usage[] = [];
  const errors: unknown[] = [];
  let missing = 0;
  let failed = 0;
  await forEachConcurrently(linked, deps.concurrency ?? 8, async (subscription) => {
    try {
      const user = await panel.getUserById(subscription.panelUserId!);
      usages.push({
        id: subscription.id,
        used: Math.max(0, Math.trunc(user.usedTrafficBytes)),
        before: subscription.used,
        lifetime: Math.max(0, Math.trunc(user.lifetimeUsedTrafficBytes)),
      });
    } catch (error) {
      if (isMissing(error)) {
        missing += 1;
      } else {
        failed += 1;
        if (errors.length < 5) errors.push(error);
      }
    }
  });

  const syncedAt = clock.now();
  for (let start = 0; start < usages.length; start += WRITE_BATCH) {
    const batch = usages.slice(start, start + WRITE_BATCH);
    await tenant.transaction(async (tx) => {
      for (const usage of batch) {
        await tx
          .update(subscriptions)
          .set({ usedTrafficBytes: usage.used, lifetimeUsedTrafficBytes: usage.lifetime, syncedAt })
          .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, usage.id)));
      }
    });
  }

  // The total from what is stored, so users skipped this time count with their last known value.
  const consumedBytes = await tenant.transaction(async (tx) => {
    const [sum] = await tx
      .select({ total: sql<string>`coalesce(sum(${subscriptions.lifetimeUsedTrafficBytes}), 0)` })
      .from(subscriptions)
      .where(eq(subscriptions.botId, botId));
    const total = Number(sum?.total ?? 0);
    await tx.update(bots).set({ trafficConsumedBytes: total }).where(eq(bots.id, botId));
    return total;
  });

  return {
    subscriptions: linked.length,
    synced: usages.length,
    missing,
    failed,
    errors,
    changed: usages.filter((usage) => usage.used !== usage.before).map((usage) => asSubscriptionId(usage.id)),
    consumedBytes,
  };
}
