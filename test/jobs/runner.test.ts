import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJobStore, enqueueJob } from '../../src/db/job-queue.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import { defineJob, PermanentJobError, RetryLater } from '../../src/jobs/define.js';
import { createJobRunner, type JobRunner } from '../../src/jobs/runner.js';
import type { BotId } from '../../src/shared/ids.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';
import { eventually } from '../support/fleet.js';

describe.each(BACKENDS)('job queue on %s', (backend) => {
  let t: TestApp;
  let shopA: BotId;
  let shopB: BotId;
  const seen: { botId: number; n: number; attempt: number }[] = [];
  const flaky = new Map<number, number>();
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
      name: 'broken',
      payload: z.object({}),
      handler: async () => {
        throw new PermanentJobError('bad data');
      },
    }),
  ];
  let runner: JobRunner;
  const enqueue = (botId: BotId, name: string, payload: Record<string, unknown>, extra = {}) =>
    inTenant(t.database.handle.db, botId, (tx) => enqueueJob(tx, botId, { name, payload, ...extra }));

  beforeAll(async () => {
    t = await createTestApp(backend);
    shopA = (await createTenant(t.app, 'A')).tenant.id;
    shopB = (await createTenant(t.app, 'B')).tenant.id;
    runner = createJobRunner({
      queue: t.app.platform.jobs,
      logger: createSilentLogger(),
      definitions,
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
    await expect(
      inTenant(t.database.handle.db, shopA, (tx) =>
        enqueueJob(tx, shopB, { name: 'record', payload: { n: 0 } }),
      ),
    ).rejects.toThrow();
  });

  it('enqueues a schedule once per active tenant and window', async () => {
    const store = createJobStore(t.database.handle.db);
    expect(await store.enqueueForActiveTenants('record-tick', 'tick:1')).toBe(2);
    expect(await store.enqueueForActiveTenants('record-tick', 'tick:1')).toBe(0);
  });
});
