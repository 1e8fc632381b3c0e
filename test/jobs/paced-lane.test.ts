import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Notices } from '../../src/bot/notices/notices.js';
import { enqueueJob } from '../../src/db/job-queue.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import { defineJob } from '../../src/jobs/define.js';
import { createJobRunner } from '../../src/jobs/runner.js';
import type { BotId } from '../../src/shared/ids.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';
import { eventually } from '../support/fleet.js';

const noNotices = new Proxy({} as Notices, {
  get: (_, name) => {
    throw new Error(`no notices here (asked for ${String(name)})`);
  },
});

/**
 * The runner's `paced` lane (broadcast sends): its jobs run beside the general concurrency, up to
 * their own, so a shop's broadcasts neither wait for the other jobs nor hold them up.
 */
describe.each(BACKENDS)("the job runner's paced lane on %s", (backend) => {
  let t: TestApp;
  let shop: BotId;
  beforeAll(async () => {
    t = await createTestApp(backend);
    shop = (await createTenant(t.app, 'Lanes')).tenant.id;
  }, 60_000);
  afterAll(() => t.close());

  it('runs paced jobs up to their own concurrency while the general lane is full, and never more', async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = { general: 0, paced: 0, pacedPeak: 0, generalPeak: 0 };
    const done: string[] = [];
    const slow = defineJob({
      name: 'lane-general',
      payload: z.object({ n: z.number() }),
      handler: async ({ payload }) => {
        running.general += 1;
        running.generalPeak = Math.max(running.generalPeak, running.general);
        await released;
        running.general -= 1;
        done.push(`general ${payload.n}`);
      },
    });
    const paced = defineJob({
      name: 'lane-paced',
      lane: 'paced',
      payload: z.object({ n: z.number() }),
      handler: async ({ payload }) => {
        running.paced += 1;
        running.pacedPeak = Math.max(running.pacedPeak, running.paced);
        await new Promise((resolve) => setTimeout(resolve, 100));
        running.paced -= 1;
        done.push(`paced ${payload.n}`);
      },
    });
    const runner = createJobRunner({
      queue: t.app.platform.jobs,
      logger: createSilentLogger(),
      definitions: [slow, paced],
      jobDeps: { app: t.app, notices: noNotices },
      options: { concurrency: 1, pacedConcurrency: 3, pollIntervalMs: 20 },
    });
    const enqueue = (name: string, n: number) =>
      inTenant(t.database.handle.db, shop, (tx) => enqueueJob(tx, { name, payload: { n } }));
    await enqueue('lane-general', 1);
    await enqueue('lane-general', 2);
    await runner.start();
    try {
      await eventually(() => running.general === 1, 'the general lane is full', 5_000);
      for (let n = 1; n <= 9; n += 1) await enqueue('lane-paced', n);
      // all nine paced jobs run while the one general slot is held
      await eventually(
        () => done.filter((d) => d.startsWith('paced')).length === 9,
        'paced jobs ran',
        10_000,
      );
      expect(running.pacedPeak).toBe(3);
      expect(done.filter((d) => d.startsWith('general'))).toEqual([]);
      release();
      await runner.drain(10_000);
      expect(done.filter((d) => d.startsWith('general'))).toEqual(['general 1', 'general 2']);
      // the second general job waited for the first: paced slots are not general ones
      expect(running.generalPeak).toBe(1);
    } finally {
      release();
      await runner.stop();
    }
  });
});
