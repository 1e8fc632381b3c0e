import { and, asc, eq } from 'drizzle-orm';
import { type App, createApp } from '../../../src/app.js';
import { type DatabaseHandle, openDatabase } from '../../../src/db/database.js';
import { customers, jobs, subscriptionNotices, subscriptions } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { sendSubscriptionNotice } from '../../../src/jobs/definitions/subscription-notices.js';
import { panelUsername } from '../../../src/modules/subscriptions/panel-username.js';
import type { Subscription } from '../../../src/modules/subscriptions/subscriptions-service.js';
import type { Clock } from '../../../src/shared/clock.js';
import { createSecretBox } from '../../../src/shared/crypto.js';
import {
  asCustomerId,
  asSubscriptionId,
  type BotId,
  type CustomerId,
  type SubscriptionId,
} from '../../../src/shared/ids.js';
import type { Language } from '../../../src/shared/language.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { TEST_ENCRYPTION_KEY, type TestApp } from '../../support/database.js';

/*
 * Rows the lifecycle tests start from, written straight into the tenant's tables (a purchase or a
 * renewal is another module's business; these tests are about what the notices make of the rows).
 */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const GB = 1024 ** 3;

/** A clock the test moves: ten minutes into a whole UTC hour, well in the future. */
export function testClock(
  start = Date.UTC(2031, 2, 10, 8, 10),
): Clock & { set(at: Date): void; advance(ms: number): void } {
  let now = new Date(start);
  return {
    now: () => now,
    set: (at) => {
      now = at;
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

let nextTelegramId = 8_100_000_000;

export async function addCustomer(
  t: TestApp,
  botId: BotId,
  options: { language?: Language; telegramId?: number; banned?: boolean; unreachable?: boolean } = {},
): Promise<CustomerId> {
  const services = t.app.forTenant(botId);
  const { customer } = await services.customers.register(
    { telegramId: options.telegramId ?? nextTelegramId++, firstName: 'Customer' },
    options.language ?? 'en',
  );
  if (options.banned || options.unreachable) {
    await inTenant(t.database.handle.db, botId, (tx) =>
      tx
        .update(customers)
        .set({
          isBlocked: options.banned ?? false,
          unreachableSince: options.unreachable ? new Date() : null,
        })
        .where(and(eq(customers.botId, botId), eq(customers.id, customer.id))),
    );
  }
  return asCustomerId(customer.id);
}

export interface SubscriptionFixture {
  readonly expiresAt: Date;
  readonly createdAt?: Date;
  readonly status?: Subscription['status'];
  readonly isTrial?: boolean;
  readonly ordinal?: number;
  readonly trafficLimitBytes?: number;
  readonly usedTrafficBytes?: number;
  readonly trafficPeriodStartedAt?: Date;
  readonly panelUserId?: number;
}

export async function addSubscription(
  t: TestApp,
  botId: BotId,
  customerId: CustomerId,
  fixture: SubscriptionFixture,
): Promise<SubscriptionId> {
  const ordinal = fixture.ordinal ?? 1;
  const [row] = await inTenant(t.database.handle.db, botId, (tx) =>
    tx
      .insert(subscriptions)
      .values({
        botId,
        customerId,
        ordinal,
        isTrial: fixture.isTrial ?? false,
        status: fixture.status ?? 'active',
        panelUsername: panelUsername(botId, customerId, ordinal),
        panelUserId: fixture.panelUserId ?? null,
        expiresAt: fixture.expiresAt,
        createdAt: fixture.createdAt ?? new Date(fixture.expiresAt.getTime() - 30 * DAY),
        trafficLimitBytes: fixture.trafficLimitBytes ?? 50 * GB,
        usedTrafficBytes: fixture.usedTrafficBytes ?? 0,
        trafficPeriodStartedAt:
          fixture.trafficPeriodStartedAt ?? new Date(fixture.expiresAt.getTime() - 30 * DAY),
      })
      .returning({ id: subscriptions.id }),
  );
  return asSubscriptionId(row!.id);
}

/** Changes a subscription as a renewal, a traffic reset or a sync would. */
export async function updateSubscription(
  t: TestApp,
  botId: BotId,
  id: SubscriptionId,
  patch: Partial<Pick<Subscription, 'expiresAt' | 'usedTrafficBytes' | 'trafficPeriodStartedAt' | 'status'>>,
): Promise<void> {
  await inTenant(t.database.handle.db, botId, (tx) =>
    tx
      .update(subscriptions)
      .set(patch)
      .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, id))),
  );
}

/** The tenant's claimed notices, oldest first. */
export const noticesOf = (t: TestApp, botId: BotId) =>
  inTenant(t.database.handle.db, botId, (tx) =>
    tx
      .select()
      .from(subscriptionNotices)
      .where(eq(subscriptionNotices.botId, botId))
      .orderBy(asc(subscriptionNotices.id)),
  );

/** The tenant's send jobs, with their delay as the queue counts it (run_at less created_at). */
export const sendJobsOf = (t: TestApp, botId: BotId) =>
  inTenant(t.database.handle.db, botId, async (tx) => {
    const rows = await tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.botId, botId), eq(jobs.name, sendSubscriptionNotice.name)))
      .orderBy(asc(jobs.id));
    return rows.map((row) => ({
      ...row,
      noticeId: Number((row.payload as { noticeId: number }).noticeId),
      delayMs: row.runAt.getTime() - row.createdAt.getTime(),
    }));
  });

/**
 * Another process on the same database and the same clock: on PGlite (one connection) a second
 * app on the same handle, on PostgreSQL with its own pool.
 */
export async function anotherProcess(
  t: TestApp,
  clock: Clock,
): Promise<{ app: App; close(): Promise<void> }> {
  const logger = createSilentLogger();
  const own: DatabaseHandle | undefined =
    t.database.url === undefined
      ? undefined
      : await openDatabase({ url: t.database.url, appUrl: t.database.appUrl, logger, migrate: false });
  const app = createApp({
    database: own ?? t.database.handle,
    secrets: createSecretBox(TEST_ENCRYPTION_KEY),
    logger,
    clock,
  });
  await app.start();
  return {
    app,
    async close() {
      await app.stop();
      await own?.close();
    },
  };
}
