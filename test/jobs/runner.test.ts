import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Notices } from '../../src/bot/notices/notices.js';
import { createJobStore, enqueueJob, type JobQueue } from '../../src/db/job-queue.js';
import { inPlatform, inTenant } from '../../src/db/tenant-tx.js';
import { defineJob, definePlatformJob, PermanentJobError, RetryLater } from '../../src/jobs/define.js';
import { enqueue as enqueueThrough } from '../../src/jobs/enqueue.js';
import {
  createJobRunner,
  DEFAULT_LEASE_MS,
  type JobRunner,
  type JobRunnerOptions,
} from '../../src/jobs/runner.js';
import type { BotId } from '../../src/shared/ids.js';
import { createLogger, createSilentLogger } from '../../src/shared/logger.js';
import { addCustomer, addSubscription, DAY } from '../modules/lifecycle/lifecycle-fixtures.js';
import { BACKENDS, createTenant, createTestApp, fakeBotToken, type TestApp } from '../support/database.js';
import { rejection } from '../support/errors.js';
import { eventually } from '../support/fleet.js';

/**
 * The runner's link to the database, which a test can cut: as when its process is killed, frozen
 * or partitioned. Nothing it writes reaches the database until the link is restored.
 */
function severable(queue: JobQueue) {
  let cut = false;
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (cut) throw new Error('connection lost');
      return call(...args);
    };
  const store = Object.fromEntries(
    Object.entries(queue.store).map(([key, call]) => [
      key,
      guard(call as (...args: unknown[]) => Promise<unknown>),
    ]),
  ) as unknown as JobQueue['store'];
  return {
    queue: { ...queue, store },
    cut: () => {
      cut = true;
    },
    restore: () => {
      cut = false;
    },
  };
}

/** The runner tests' jobs send nothing: a notice asked for is a test bug. */
const noNotices = new Proxy({} as Notices, {
  get: (_, name) => {
    throw new Error(`no notices in the runner tests (asked for ${String(name)})`);
  },
});

/** A promise the test settles when it chooses: a handler that runs as long as the test wants. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe.each(BACKENDS)('job queue on %s', (backend) => {
  let t: TestApp;
  let shopA: BotId;
  let shopB: BotId;
  const seen: { botId: number; n: number; attempt: number }[] = [];
  const flaky = new Map<number, number>();
  const selfCompleting: number[] = [];
  /** The runner's own completion writes, by job id. */
  const runnerCompleted: number[] = [];
  const definitions = [
    defineJob({
      name: 'record',
      payload: z.object({ n: z.number() }),
      handler: async ({ botId, payload, attempt }) => {
        seen.push({ botId, n: payload.n, attempt });
      },
    }),
    defineJob({
      name: 'flaky',
      payload: z.object({ n: z.number(), failures: z.number() }),
      backoffMs: () => 10,
      handler: async ({ payload, attempt }) => {
        flaky.set(payload.n, attempt);
        if (attempt <= payload.failures) throw new Error(`failure ${attempt}`);
      },
    }),
    defineJob({
      name: 'later',
      payload: z.object({}),
      handler: async ({ attempt }) => {
        if (attempt === 1) throw new RetryLater('not yet', 50);
      },
    }),
    defineJob({
      name: 'completes-itself',
      payload: z.object({ rollBack: z.boolean() }),
      backoffMs: () => 10,
      handler: async ({ botId, payload, attempt, completeIn }) => {
        selfCompleting.push(attempt);
        if (payload.rollBack && attempt > 1) return;
        await inTenant(t.database.handle.db, botId, async (tx) => {
          await completeIn(tx);
          if (payload.rollBack) throw new Error('the run failed after its completion');
        });
      },
    }),
    defineJob({
      name: 'broken',
      payload: z.object({}),
      handler: async () => {
        throw new PermanentJobError('bad data');
      },
    }),
  ];
  let runner: JobRunner;
  const enqueue = (botId: BotId, name: string, payload: Record<string, unknown>, extra = {}) =>
    inTenant(t.database.handle.db, botId, (tx) => enqueueJob(tx, { name, payload, ...extra }));

  beforeAll(async () => {
    t = await createTestApp(backend);
    shopA = (await createTenant(t.app, 'A')).tenant.id;
    shopB = (await createTenant(t.app, 'B')).tenant.id;
    const queue = t.app.platform.jobs;
    runner = createJobRunner({
      queue: {
        ...queue,
        store: {
          ...queue.store,
          complete: (claim) => {
            runnerCompleted.push(claim.id);
            return queue.store.complete(claim);
          },
        },
      },
      logger: createSilentLogger(),
      definitions,
      jobDeps: { app: t.app, notices: noNotices },
      options: { pollIntervalMs: 50 },
    });
    await runner.start();
  }, 60_000);
  afterAll(async () => {
    await runner.stop();
    await t.close();
  });

  it('runs an enqueued job once, for its tenant', async () => {
    await enqueue(shopA, 'record', { n: 1 });
    await runner.drain();
    expect(seen.filter((s) => s.n === 1)).toEqual([{ botId: shopA, n: 1, attempt: 1 }]);
  });

  it('takes a dedupe key once per tenant', async () => {
    expect(await enqueue(shopA, 'record', { n: 2 }, { dedupeKey: 'k' })).toBe(true);
    expect(await enqueue(shopA, 'record', { n: 2 }, { dedupeKey: 'k' })).toBe(false);
    expect(await enqueue(shopB, 'record', { n: 2 }, { dedupeKey: 'k' })).toBe(true);
    await runner.drain();
    expect(
      seen
        .filter((s) => s.n === 2)
        .map((s) => s.botId)
        .sort(),
    ).toEqual([shopA, shopB].sort());
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    await enqueue(shopA, 'flaky', { n: 3, failures: 2 });
    await eventually(() => flaky.get(3) === 3, 'third attempt', 5000);
    await runner.drain();
    const counts = await runner.store.counts('flaky');
    expect(counts).toMatchObject({ done: 1, failed: 0, queued: 0 });
  });

  it('fails a job for good after its attempts, and at once on a permanent error', async () => {
    await enqueue(shopA, 'flaky', { n: 4, failures: 99 }, { maxAttempts: 3 });
    await enqueue(shopA, 'broken', {});
    await eventually(async () => (await runner.store.counts()).failed === 2, 'two failed', 5000);
    expect(flaky.get(4)).toBe(3);
  });

  it('honours RetryLater delays', async () => {
    const before = Date.now();
    await enqueue(shopA, 'later', {});
    await eventually(async () => (await runner.store.counts('later')).done === 1, 'later done', 5000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(45);
  });

  it("completes a job in the handler's own transaction, and only when that transaction commits", async () => {
    const jobId = async (dedupeKey: string) => {
      const result = await inPlatform(t.database.handle.db, (tx) =>
        tx.execute(sql`SELECT id, status, attempts FROM jobs WHERE dedupe_key = ${dedupeKey}`),
      );
      const row = (result as unknown as { rows: { id: unknown; status: string; attempts: number }[] })
        .rows[0];
      return { id: Number(row?.id), status: row?.status, attempts: Number(row?.attempts) };
    };
    await enqueue(shopA, 'completes-itself', { rollBack: false }, { dedupeKey: 'self-complete' });
    await runner.drain();
    const done = await jobId('self-complete');
    expect(done).toMatchObject({ status: 'done', attempts: 1 });
    // the handler's transaction completed it: the runner wrote nothing of its own
    expect(runnerCompleted).not.toContain(done.id);
    expect(selfCompleting).toEqual([1]);

    // rolled back with the run's failure: the job was not done, and ran again
    await enqueue(shopA, 'completes-itself', { rollBack: true }, { dedupeKey: 'self-complete-rolled-back' });
    await eventually(
      async () => (await jobId('self-complete-rolled-back')).status === 'done',
      'retried',
      5000,
    );
    expect(await jobId('self-complete-rolled-back')).toMatchObject({ attempts: 2 });
    expect(selfCompleting).toEqual([1, 1, 2]);
  });

  it('tells when the next delayed job is due, and nothing while no job is queued', async () => {
    await runner.drain();
    const store = createJobStore(t.database.handle.db);
    // an empty queue is not "due now": the runner would go round every few milliseconds idle
    expect(await store.msUntilNextDue()).toBeUndefined();
    await inTenant(t.database.handle.db, shopA, (tx) =>
      enqueueJob(tx, { name: 'record', payload: { n: 99 }, delayMs: 60_000, dedupeKey: 'next-due' }),
    );
    const ms = await store.msUntilNextDue();
    expect(ms).toBeGreaterThan(50_000);
    expect(ms).toBeLessThanOrEqual(60_000);
    await inPlatform(t.database.handle.db, (tx) =>
      tx.execute(sql`DELETE FROM jobs WHERE dedupe_key = 'next-due'`),
    );
  });

  it("tells when a running job's lease runs out: its worker may have died", async () => {
    await runner.stop();
    try {
      const store = createJobStore(t.database.handle.db);
      await enqueue(shopA, 'record', { n: 98 });
      const [claimed] = await store.claim(10, 20_000);
      expect(claimed?.name).toBe('record');
      const ms = await store.msUntilNextDue();
      expect(ms).toBeGreaterThan(10_000);
      expect(ms).toBeLessThanOrEqual(20_000);
      expect(await store.complete(claimed!)).toBe(true);
      expect(await store.msUntilNextDue()).toBeUndefined();
    } finally {
      await runner.start();
    }
  });

  it('takes a job again when its worker died holding the lease', async () => {
    await runner.stop();
    const store = createJobStore(t.database.handle.db);
    await enqueue(shopB, 'record', { n: 5 });
    const [claimed] = await store.claim(10, 1); // a 1 ms lease: the "worker" never finishes
    expect(claimed?.name).toBe('record');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await runner.start();
    await runner.drain();
    expect(seen.filter((s) => s.n === 5)).toEqual([{ botId: shopB, n: 5, attempt: 2 }]);
  });

  it('never hands one job to two runners', async () => {
    const second = createJobRunner({
      queue: t.app.platform.jobs,
      logger: createSilentLogger(),
      definitions,
      jobDeps: { app: t.app, notices: noNotices },
    });
    await second.start();
    for (let n = 100; n < 140; n++) await enqueue(n % 2 ? shopA : shopB, 'record', { n });
    await runner.drain();
    await second.drain();
    await second.stop();
    const runs = seen.filter((s) => s.n >= 100).map((s) => s.n);
    expect(runs.sort()).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i).sort());
  });

  it("keeps a tenant's jobs out of another tenant's sight", async () => {
    const visible = await inTenant(t.database.handle.db, shopA, (tx) =>
      tx.execute(sql`select distinct bot_id from jobs`),
    );
    expect((visible as unknown as { rows: { bot_id: unknown }[] }).rows.map((r) => Number(r.bot_id))).toEqual(
      [shopA],
    );
    // enqueueJob takes the tenant from the transaction; below it, the policy refuses a foreign row
    const foreign = await rejection(
      inTenant(t.database.handle.db, shopA, (tx) =>
        tx.execute(sql`insert into jobs (bot_id, name, payload) values (${shopB}, 'record', '{}')`),
      ),
    );
    expect(foreign).toMatch(/row-level security/);
  });

  it('enqueues a schedule once per active tenant and window', async () => {
    const store = createJobStore(t.database.handle.db);
    expect(await store.enqueueForActiveTenants('record-tick', 'tick:1')).toBe(2);
    expect(await store.enqueueForActiveTenants('record-tick', 'tick:1')).toBe(0);
  });

  it('enqueues a schedule narrowed to a feature only for tenants with it on, stored or by default', async () => {
    const store = createJobStore(t.database.handle.db);
    const scheduled = async (window: string, key: string, on: boolean) => {
      await store.enqueueForActiveTenants('record-narrow', window, { feature: { key, default: on } });
      const rows = await inPlatform(t.database.handle.db, (tx) =>
        tx.execute(sql`select bot_id from jobs where dedupe_key = ${window} order by bot_id`),
      );
      return (rows as unknown as { rows: { bot_id: unknown }[] }).rows.map((row) => Number(row.bot_id));
    };
    // zarinpal is off by default: only A, which switched it on, gets the job
    await t.app.forTenant(shopA).flags.set('zarinpal', true);
    expect(await scheduled('narrow:1', 'zarinpal', false)).toEqual([shopA]);
    // on by default: B switched it off
    await t.app.forTenant(shopB).flags.set('support_contact', false);
    expect(await scheduled('narrow:2', 'support_contact', true)).toEqual([shopA]);
    await t.app.forTenant(shopA).flags.set('zarinpal', false);
    expect(await scheduled('narrow:3', 'zarinpal', false)).toEqual([]);
  });

  it('enqueues a schedule narrowed to shops with subscriptions only for those, whatever their state', async () => {
    const store = createJobStore(t.database.handle.db);
    const scheduled = async (window: string) => {
      await store.enqueueForActiveTenants('record-narrow', window, { only: 'with-subscriptions' });
      const rows = await inPlatform(t.database.handle.db, (tx) =>
        tx.execute(sql`select bot_id from jobs where dedupe_key = ${window} order by bot_id`),
      );
      return (rows as unknown as { rows: { bot_id: unknown }[] }).rows.map((row) => Number(row.bot_id));
    };
    const before = await scheduled('subscribed:1');
    expect(before).not.toContain(shopB);
    // B's one subscription, long expired, still makes B a shop with subscriptions
    const customer = await addCustomer(t, shopB);
    await addSubscription(t, shopB, customer, {
      expiresAt: new Date(Date.now() - 90 * DAY),
      status: 'expired',
    });
    expect(await scheduled('subscribed:2')).toEqual([...before, shopB].sort((a, b) => a - b));
  });

  it('enqueues a schedule narrowed to reseller shops only for the shops resellers opened', async () => {
    const store = createJobStore(t.database.handle.db);
    const created = await t.app.platform.tenants.create({
      name: 'Opened by a reseller',
      token: fakeBotToken(),
      resellerSignupId: 9001,
    });
    if (!created.ok) throw new Error(created.error.message);
    await store.enqueueForActiveTenants('record-narrow', 'resellers:1', { only: 'reseller-shops' });
    const rows = await inPlatform(t.database.handle.db, (tx) =>
      tx.execute(sql`select bot_id from jobs where dedupe_key = 'resellers:1'`),
    );
    expect(
      (rows as unknown as { rows: { bot_id: unknown }[] }).rows.map((row) => Number(row.bot_id)),
    ).toEqual([created.value.tenant.id]);
  });

  it('enqueues a schedule narrowed to pending receipts only for shops with a receipt waiting, until it is decided', async () => {
    const store = createJobStore(t.database.handle.db);
    const scheduled = async (window: string) => {
      await store.enqueueForActiveTenants('record-narrow', window, { only: 'pending-receipts' });
      const rows = await inPlatform(t.database.handle.db, (tx) =>
        tx.execute(sql`select bot_id from jobs where dedupe_key = ${window}`),
      );
      return (rows as unknown as { rows: { bot_id: unknown }[] }).rows.map((row) => Number(row.bot_id));
    };
    const shop = t.app.forTenant(shopA);
    const card = await shop.cards.create({ cardNumber: '6037991234567893', holderName: 'Holder' });
    if (!card.ok) throw new Error('fixture');
    const { customer } = await shop.customers.register({ telegramId: 7_100_000_001 }, 'en');
    expect(await scheduled('receipts:1')).toEqual([]);
    const submitted = await shop.cardPayments.submit({
      customerId: customer.id,
      amount: 50_000,
      cardId: card.value.id,
      receipt: { text: 'paid' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    expect(await scheduled('receipts:2')).toEqual([shopA]);
    await shop.cardPayments.reject(submitted.payment.id, { telegramId: 2000, name: 'Admin' }, null);
    expect(await scheduled('receipts:3')).toEqual([]);
    // the function answers platform transactions only: inside a tenant's, not even its own shop
    const inShop = await inTenant(t.database.handle.db, shopA, (tx) =>
      tx.execute(sql`select count(*)::int as n from shops_with_pending_receipts()`),
    );
    expect((inShop as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(0);
  });

  it('enqueues through a definition: the payload is checked, the key comes from it, the tenant from the transaction', async () => {
    const keyed = defineJob({
      name: 'record',
      payload: z.object({ n: z.number().int() }),
      dedupeKey: ({ n }) => `record-keyed:${n}`,
      maxAttempts: 7,
      handler: async () => {},
    });
    const before = seen.length;
    expect(await inTenant(t.database.handle.db, shopB, (tx) => enqueueThrough(tx, keyed, { n: 41 }))).toBe(
      true,
    );
    expect(await t.app.forTenant(shopB).jobs.enqueue(keyed, { n: 41 })).toBe(false);
    await eventually(() => seen.length > before, 'the keyed job ran');
    expect(seen.slice(before)).toEqual([{ botId: shopB, n: 41, attempt: 1 }]);
    const [row] = (
      (await inPlatform(t.database.handle.db, (tx) =>
        tx.execute(sql`select bot_id, max_attempts from jobs where dedupe_key = 'record-keyed:41'`),
      )) as unknown as { rows: { bot_id: unknown; max_attempts: unknown }[] }
    ).rows;
    expect({ botId: Number(row?.bot_id), maxAttempts: Number(row?.max_attempts) }).toEqual({
      botId: shopB,
      maxAttempts: 7,
    });
    // a payload the schema refuses fails the producer, and nothing is enqueued
    const bad = await rejection(
      inTenant(t.database.handle.db, shopB, (tx) => enqueueThrough(tx, keyed, { n: 1.5 })),
    );
    expect(bad).toMatch(/expected int|integer/i);
  });

  it('runs a platform-wide job once per window for the whole fleet, however many runners', async () => {
    const runs: { runner: string; window: number }[] = [];
    const everyMs = 400;
    const platformJob = (runner: string) =>
      definePlatformJob({
        name: 'fleet-sweep',
        everyMs,
        handler: async ({ windowStart }) => {
          runs.push({ runner, window: windowStart.getTime() });
          if (runner === 'b') throw new Error('a failed sweep is logged; the next window runs again');
        },
      });
    const runners = ['a', 'b', 'c'].map((name) =>
      createJobRunner({
        queue: t.app.platform.jobs,
        logger: createSilentLogger(),
        definitions: [platformJob(name)],
        jobDeps: { app: t.app, notices: noNotices },
        options: { pollIntervalMs: 20 },
      }),
    );
    await Promise.all(runners.map((runner) => runner.start()));
    await eventually(() => new Set(runs.map((run) => run.window)).size >= 3, 'three windows', 5000);
    await Promise.all(runners.map((runner) => runner.stop()));
    const windows = runs.map((run) => run.window);
    // one run per window, no two runners in one window, no tenant job rows
    expect(new Set(windows).size).toBe(windows.length);
    expect(windows.every((window) => window % everyMs === 0)).toBe(true);
    expect((await t.app.platform.jobs.store.counts('fleet-sweep')).done).toBe(0);
  });

  it("wakes when a schedule's window opens, not at its next poll", async () => {
    const windows: number[] = [];
    const quiet = createJobRunner({
      queue: t.app.platform.jobs,
      logger: createSilentLogger(),
      definitions: [
        definePlatformJob({
          name: 'window-sweep',
          everyMs: 1100,
          handler: async ({ windowStart }) => {
            windows.push(windowStart.getTime());
          },
        }),
      ],
      jobDeps: { app: t.app, notices: noNotices },
      // no notification announces a window: without the wake-up, one window a minute
      options: { pollIntervalMs: 60_000 },
    });
    await quiet.start();
    try {
      await eventually(() => windows.length >= 3, 'three windows', 6000);
    } finally {
      await quiet.stop();
    }
    // one after the other, each as it opened
    expect(windows.slice(1).map((window, i) => window - windows[i]!)).toEqual(
      windows.slice(1).map(() => 1100),
    );
  });

  it('refuses two definitions with one name', () => {
    expect(() =>
      createJobRunner({
        queue: t.app.platform.jobs,
        logger: createSilentLogger(),
        definitions: [definitions[0]!, definitions[0]!],
        jobDeps: { app: t.app, notices: noNotices },
      }),
    ).toThrow(/two jobs are named "record"/);
  });

  describe('waking up', () => {
    /**
     * A runner that polls once a minute, whose claim the test can hold after it read the queue: the
     * loop is then busy, neither sleeping nor able to see what happens meanwhile.
     */
    const heldRunner = (options: { wakeForDelayedJobs?: boolean } = {}) => {
      const queue = t.app.platform.jobs;
      const claimed = gate();
      const release = gate();
      const notified = gate();
      let hold = true;
      const runner = createJobRunner({
        queue: {
          ...queue,
          onEnqueue: (listener) =>
            queue.onEnqueue(() => {
              notified.open();
              listener();
            }),
          store: {
            ...queue.store,
            claim: async (...args) => {
              const jobs = await queue.store.claim(...args);
              if (hold) {
                hold = false;
                claimed.open();
                await release.opened;
              }
              return jobs;
            },
          },
        },
        logger: createSilentLogger(),
        definitions,
        jobDeps: { app: t.app, notices: noNotices },
        options: { pollIntervalMs: 60_000, ...options },
      });
      return { runner, claimed: claimed.opened, notified: notified.opened, release: release.open };
    };

    beforeAll(async () => {
      // the shared runner, polling every 50 ms, would take the jobs these tests enqueue
      await runner.stop();
    });
    afterAll(async () => {
      await runner.start();
    });

    it('runs a job enqueued while it was claiming at once, not a poll interval later', async () => {
      // without the due-time look-ahead, only the enqueue's notification can bring the loop round
      const held = heldRunner({ wakeForDelayedJobs: false });
      await held.runner.start();
      try {
        await held.claimed;
        await enqueue(shopA, 'record', { n: 501 });
        await held.notified;
        held.release();
        await eventually(() => seen.some((s) => s.n === 501), 'the job enqueued during the claim ran');
      } finally {
        await held.runner.stop();
      }
    });

    it('looks at the queue once a poll interval while enqueues are heard, often while they are not', async () => {
      const looks = { heard: 0, unheard: 0 };
      const counting = (hearing: keyof typeof looks) => {
        const queue = t.app.platform.jobs;
        return createJobRunner({
          queue: {
            ...queue,
            isListening: () => hearing === 'heard',
            store: {
              ...queue.store,
              claim: (...args) => {
                looks[hearing] += 1;
                return queue.store.claim(...args);
              },
            },
          },
          logger: createSilentLogger(),
          definitions,
          jobDeps: { app: t.app, notices: noNotices },
          options: { pollIntervalMs: 60_000, unheardPollIntervalMs: 100, wakeForDelayedJobs: false },
        });
      };
      const runners = [counting('heard'), counting('unheard')];
      await Promise.all(runners.map((r) => r.start()));
      try {
        await eventually(() => looks.unheard >= 5, 'the unheard runner looked five times', 5000);
      } finally {
        await Promise.all(runners.map((r) => r.stop()));
      }
      // nothing was enqueued meanwhile: the runner that hears enqueues looked once, at its start
      expect(looks.heard).toBe(1);
    });

    it('stops at once when stopped while claiming, without sleeping a poll interval first', async () => {
      // nothing due soon either: only stop itself can end the loop's sleep
      const held = heldRunner({ wakeForDelayedJobs: false });
      await held.runner.start();
      await held.claimed;
      const stopping = held.runner.stop().then(() => 'stopped');
      held.release();
      const outcome = await Promise.race([
        stopping,
        new Promise((resolve) => setTimeout(resolve, 10_000, 'still asleep after 10 s')),
      ]);
      expect(outcome).toBe('stopped');
    });
  });

  describe('leases', () => {
    interface Run {
      readonly worker: string;
      readonly n: number;
      readonly attempt: number;
      readonly signal: AbortSignal;
    }
    const runs: Run[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const gateOf = (worker: string, n: number) => {
      const key = `${worker}:${n}`;
      let g = gates.get(key);
      if (!g) {
        g = gate();
        gates.set(key, g);
      }
      return g;
    };
    /** Each worker runs `long` under its own name and holds it until the test opens its gate. */
    const longJob = (worker: string) =>
      defineJob({
        name: 'long',
        payload: z.object({ n: z.number() }),
        handler: async ({ payload, attempt, signal }) => {
          runs.push({ worker, n: payload.n, attempt, signal });
          await gateOf(worker, payload.n).opened;
        },
      });
    const runsOf = (n: number) =>
      runs.filter((r) => r.n === n).map(({ worker, attempt }) => ({ worker, attempt }));
    const jobState = async (n: number) => {
      const result = await inPlatform(t.database.handle.db, (tx) =>
        tx.execute(sql`
          select status, attempts, locked_until > now() as leased from jobs
           where name = 'long' and payload->>'n' = ${String(n)}`),
      );
      const [row] = (
        result as unknown as { rows: { status: string; attempts: number; leased: boolean | null }[] }
      ).rows;
      return { status: row?.status, attempts: Number(row?.attempts), leased: row?.leased ?? null };
    };
    const worker = (
      name: string,
      queue: JobQueue,
      lease: { leaseMs: number; heartbeatMs: number } | undefined,
      logger = createSilentLogger(),
      options: JobRunnerOptions = {},
    ) =>
      createJobRunner({
        queue,
        logger,
        definitions: [longJob(name)],
        jobDeps: { app: t.app, notices: noNotices },
        options: { pollIntervalMs: 20, concurrency: 1, ...lease, ...options },
      });
    let started: JobRunner[] = [];
    const start = async (runner: JobRunner) => {
      started.push(runner);
      await runner.start();
      return runner;
    };
    const links: ReturnType<typeof severable>[] = [];
    const sever = () => {
      const link = severable(t.app.platform.jobs);
      links.push(link);
      return link;
    };

    beforeAll(async () => {
      // the shared runner does not know `long` and would fail it
      await runner.stop();
    });
    afterEach(async () => {
      // an idle worker of one test would claim the next test's job
      for (const g of gates.values()) g.open();
      for (const link of links) link.restore();
      await Promise.all(started.map((r) => r.stop()));
      started = [];
    });
    afterAll(async () => {
      await runner.start();
    });

    it('claims with a short lease by default, not the handler timeout', async () => {
      await enqueue(shopA, 'long', { n: 1 });
      await start(worker('default', t.app.platform.jobs, undefined));
      await eventually(() => runsOf(1).length === 1, 'running');
      const result = await inPlatform(t.database.handle.db, (tx) =>
        tx.execute(sql`
          select extract(epoch from locked_until - now()) * 1000 as ms from jobs
           where name = 'long' and payload->>'n' = '1'`),
      );
      const ms = Number((result as unknown as { rows: { ms: unknown }[] }).rows[0]?.ms);
      expect(DEFAULT_LEASE_MS).toBeLessThanOrEqual(20_000);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThanOrEqual(DEFAULT_LEASE_MS);
      gateOf('default', 1).open();
      await eventually(async () => (await jobState(1)).status === 'done', 'done');
    });

    it("takes a dead worker's job within the short lease, and runs it once more only", async () => {
      const lease = { leaseMs: 500, heartbeatMs: 100 };
      await enqueue(shopA, 'long', { n: 2 });
      const link = sever();
      await start(worker('dead', link.queue, lease));
      await eventually(() => runsOf(2).length === 1, 'first run started');
      link.cut(); // killed mid-run: no heartbeat, no completion, and stop() is never called
      // an heir that polls once a minute: its first look finds the job leased, and reads when the
      // lease runs out
      await start(
        worker('heir', t.app.platform.jobs, lease, createSilentLogger(), { pollIntervalMs: 60_000 }),
      );
      gateOf('heir', 2).open();
      // a generous bound: the lease is 0.5 s; the old one (120 s) would time this out
      await eventually(async () => (await jobState(2)).status === 'done', 'taken over and done', 5000);
      expect(runsOf(2)).toEqual([
        { worker: 'dead', attempt: 1 },
        { worker: 'heir', attempt: 2 },
      ]);
      expect(await jobState(2)).toMatchObject({ status: 'done', attempts: 2 });
    });

    it('keeps a job that runs longer than the lease while its worker is alive', async () => {
      const lease = { leaseMs: 600, heartbeatMs: 60 };
      await enqueue(shopA, 'long', { n: 3 });
      await start(worker('alive', t.app.platform.jobs, lease));
      await eventually(() => runsOf(3).length === 1, 'first run started');
      await start(worker('rival', t.app.platform.jobs, lease));
      // three leases go by while the rival polls every 20 ms
      const until = Date.now() + 3 * lease.leaseMs;
      await eventually(() => Date.now() >= until, 'three leases', 5000);
      expect(await jobState(3)).toEqual({ status: 'running', attempts: 1, leased: true });
      gateOf('alive', 3).open();
      await eventually(async () => (await jobState(3)).status === 'done', 'done');
      expect(runsOf(3)).toEqual([{ worker: 'alive', attempt: 1 }]);
      expect(runs.find((r) => r.n === 3)?.signal.aborted).toBe(false);
    });

    it('does not let a stalled worker extend or overwrite the job its successor took', async () => {
      const lease = { leaseMs: 600, heartbeatMs: 60 };
      const lines: string[] = [];
      const logger = createLogger({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
      await enqueue(shopA, 'long', { n: 4 });
      const link = sever();
      const stalled = await start(worker('stalled', link.queue, lease, logger));
      await eventually(() => runsOf(4).length === 1, 'first run started');
      link.cut(); // stalled: its heartbeats stop reaching the database
      await start(worker('successor', t.app.platform.jobs, lease));
      await eventually(() => runsOf(4).length === 2, 'successor took it', 5000);

      link.restore(); // back: its next heartbeat finds the job no longer its own
      const first = runs.find((r) => r.n === 4 && r.worker === 'stalled');
      await eventually(() => first?.signal.aborted === true, 'stalled run told', 5000);
      expect(lines.some((line) => line.includes('lost the lease'))).toBe(true);
      gateOf('stalled', 4).open(); // it finishes anyway and tries to record it
      await stalled.stop();
      expect(lines.some((line) => line.includes('leaving its state alone'))).toBe(true);
      expect(await jobState(4)).toEqual({ status: 'running', attempts: 2, leased: true });

      gateOf('successor', 4).open();
      await eventually(async () => (await jobState(4)).status === 'done', 'successor done');
      expect(runsOf(4)).toEqual([
        { worker: 'stalled', attempt: 1 },
        { worker: 'successor', attempt: 2 },
      ]);
    });

    it('refuses heartbeat, completion and failure writes from a claim that was taken over', async () => {
      const store = createJobStore(t.database.handle.db);
      await enqueue(shopB, 'long', { n: 5 });
      const isFive = (job: { name: string; payload: Record<string, unknown> }) =>
        job.name === 'long' && job.payload.n === 5;
      const stale = (await store.claim(10, 1)).find(isFive); // a 1 ms lease that runs out at once
      await new Promise((resolve) => setTimeout(resolve, 20));
      const current = (await store.claim(10, 60_000)).find(isFive);
      if (!stale || !current) throw new Error('job 5 was not claimed twice');
      expect(current).toMatchObject({ id: stale.id, attempts: stale.attempts + 1 });
      expect(await store.extend(stale, 60_000)).toBe(false);
      expect(await store.complete(stale)).toBe(false);
      expect(await store.fail(stale, 'stale', { final: true, delayMs: 0 })).toBe(false);
      expect(await jobState(5)).toEqual({ status: 'running', attempts: 2, leased: true });
      expect(await store.extend(current, 60_000)).toBe(true);
      expect(await store.complete(current)).toBe(true);
      expect(await jobState(5)).toEqual({ status: 'done', attempts: 2, leased: null });
    });
  });
});
