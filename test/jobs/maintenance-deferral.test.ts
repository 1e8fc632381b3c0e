import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Notices } from '../../src/bot/notices/notices.js';
import { enqueueJob } from '../../src/db/job-queue.js';
import { inPlatform, inTenant } from '../../src/db/tenant-tx.js';
import { defineJob } from '../../src/jobs/define.js';
import { ALL_JOBS } from '../../src/jobs/index.js';
import { createJobRunner, type JobRunner } from '../../src/jobs/runner.js';
import type { BotId } from '../../src/shared/ids.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';
import { eventually } from '../support/fleet.js';

/** The runner tests' jobs send nothing: a notice asked for is a test bug. */
const noNotices = new Proxy({} as Notices, {
  get: (_, name) => {
    throw new Error(`no notices in these tests (asked for ${String(name)})`);
  },
});

const rowsOf = <Row>(result: unknown): Row[] => (result as { rows: Row[] }).rows;

describe.each(BACKENDS)('jobs that message customers during maintenance, on %s', (backend) => {
  let t: TestApp;
  let shopA: BotId;
  let shopB: BotId;
  const sent: { botId: number; n: number; attempt: number }[] = [];
  const synced: { botId: number; n: number }[] = [];
  const definitions = [
    defineJob({
      name: 'notify-customer',
      payload: z.object({ n: z.number() }),
      messagesCustomers: true,
      handler: async ({ botId, payload, attempt }) => {
        sent.push({ botId, n: payload.n, attempt });
      },
    }),
    defineJob({
      name: 'sync-panel',
      payload: z.object({ n: z.number() }),
      handler: async ({ botId, payload }) => {
        synced.push({ botId, n: payload.n });
      },
    }),
  ];
  let runner: JobRunner;
  const enqueue = (botId: BotId, name: string, n: number, maxAttempts?: number) =>
    inTenant(t.database.handle.db, botId, (tx) =>
      enqueueJob(tx, { name, payload: { n }, ...(maxAttempts ? { maxAttempts } : {}) }),
    );
  const jobRow = async (n: number) => {
    const result = await inPlatform(t.database.handle.db, (tx) =>
      tx.execute(
        sql`select status, attempts, max_attempts from jobs where name = 'notify-customer' and payload->>'n' = ${String(n)}`,
      ),
    );
    return rowsOf<{ status: string; attempts: number; max_attempts: number }>(result)[0];
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    shopA = (await createTenant(t.app, 'A')).tenant.id;
    shopB = (await createTenant(t.app, 'B')).tenant.id;
    runner = createJobRunner({
      queue: t.app.platform.jobs,
      logger: createSilentLogger(),
      definitions,
      jobDeps: { app: t.app, notices: noNotices },
      options: { pollIntervalMs: 20, maintenanceRecheckMs: 40 },
    });
    await runner.start();
  }, 60_000);
  afterAll(async () => {
    await runner.stop();
    await t.close();
  });

  it("waits while the shop is in maintenance, without spending attempts, and runs once it ends; other shops' and other jobs run", async () => {
    await t.app.forTenant(shopA).maintenance.set(true);
    // one attempt only: were a deferral counted, the job would fail for good at its second look
    await enqueue(shopA, 'notify-customer', 1, 1);
    await enqueue(shopB, 'notify-customer', 2, 1);
    await enqueue(shopA, 'sync-panel', 3);
    await eventually(() => synced.some((s) => s.n === 3), 'the job that messages nobody ran', 5000);
    await eventually(() => sent.some((s) => s.n === 2), "the other shop's notice went out", 5000);
    // looked at again several times meanwhile (40 ms apart), never run, never failed
    await eventually(async () => ((await jobRow(1))?.attempts ?? 0) >= 4, 'deferred several times', 5000);
    expect(sent.filter((s) => s.n === 1)).toEqual([]);
    // between two looks it waits queued, with as many attempts left as it had (a look in progress
    // has counted its claim and not yet given it back)
    await eventually(async () => {
      const waiting = await jobRow(1);
      return waiting?.status === 'queued' && waiting.max_attempts - waiting.attempts === 1;
    }, 'queued with its one attempt left');

    await t.app.forTenant(shopA).maintenance.set(false);
    await eventually(() => sent.some((s) => s.n === 1), 'sent once maintenance ended', 5000);
    expect(sent.filter((s) => s.n === 1)).toHaveLength(1);
    // the handler has run; the runner marks the job done right after it returns
    await eventually(async () => (await jobRow(1))?.status === 'done', 'marked done');
    expect(await runner.store.counts('notify-customer')).toMatchObject({ failed: 0 });
  });

  it('holds every shop while the platform is in maintenance; jobs that message nobody keep running', async () => {
    await t.app.platform.maintenance.set(true);
    try {
      await enqueue(shopA, 'notify-customer', 11);
      await enqueue(shopB, 'notify-customer', 12);
      await enqueue(shopB, 'sync-panel', 13);
      await eventually(() => synced.some((s) => s.n === 13), 'the job that messages nobody ran', 5000);
      await eventually(async () => ((await jobRow(12))?.attempts ?? 0) >= 3, 'deferred', 5000);
      expect(sent.filter((s) => s.n >= 11)).toEqual([]);
    } finally {
      await t.app.platform.maintenance.set(false);
    }
    await eventually(() => sent.filter((s) => s.n >= 11).length === 2, 'both sent once it ended', 5000);
    expect(await runner.store.counts('notify-customer')).toMatchObject({ failed: 0 });
  });

  it("puts off a shop's other waiting notices in one go rather than claiming each", async () => {
    await t.app.forTenant(shopA).maintenance.set(true);
    for (let n = 100; n < 130; n++) await enqueue(shopA, 'notify-customer', n);
    // several periods of 40 ms (however many the machine's load allows): claimed and deferred one
    // by one, every job would be claimed every period (claims = 30 x the most any job had); put off
    // together, only the first batch of a period is (about 4 x the most)
    const figures = async () => {
      const result = await inPlatform(t.database.handle.db, (tx) =>
        tx.execute(
          sql`select coalesce(sum(attempts), 0)::int as claims, coalesce(max(attempts), 0)::int as most,
                     count(*)::int as n
                from jobs where name = 'notify-customer' and (payload->>'n')::int >= 100`,
        ),
      );
      return rowsOf<{ claims: number; most: number; n: number }>(result)[0]!;
    };
    await eventually(async () => (await figures()).most >= 5, 'looked at in several periods', 10_000);
    const { claims, most, n } = await figures();
    expect(n).toBe(30);
    expect(claims).toBeLessThan(10 * most);
    expect(sent.filter((s) => s.n >= 100)).toEqual([]);
    await t.app.forTenant(shopA).maintenance.set(false);
    await eventually(() => sent.filter((s) => s.n >= 100).length === 30, 'all sent once it ended', 5000);
    expect(await runner.store.counts('notify-customer')).toMatchObject({ failed: 0 });
  });

  it('marks the jobs that write to customers, and only those', () => {
    const marked = ALL_JOBS.filter((job) => 'messagesCustomers' in job && job.messagesCustomers)
      .map((job) => job.name)
      .sort();
    expect(marked).toEqual(
      [
        'broadcast-deliver',
        'card-payment-decided',
        'customer-message',
        'customer-moderation-notice',
        'flood-wait-notice',
        'notify-order-active',
        'referral-reward-notice',
        'send-subscription-notice',
        'ticket-deliver',
        'zarinpal-notice',
      ].sort(),
    );
  });
});
