import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPlatformJob } from '../../src/jobs/define.js';
import { ALL_JOBS } from '../../src/jobs/index.js';

describe('the job list', () => {
  it('lists every definition in src/jobs/definitions/, each name once', async () => {
    const dir = new URL('../../src/jobs/definitions/', import.meta.url);
    const exported = new Set<unknown>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const module = (await import(new URL(file, dir).href)) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        if (value && typeof value === 'object' && 'handler' in value && 'name' in value) exported.add(value);
      }
    }
    expect(exported.size).toBeGreaterThan(0);
    expect(new Set(ALL_JOBS)).toEqual(exported);
    const names = ALL_JOBS.map((job) => job.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('prunes finished jobs once for the whole fleet every 10 minutes', () => {
    const prune = ALL_JOBS.find((job) => job.name === 'prune-jobs');
    expect(prune && isPlatformJob(prune) ? prune.everyMs : undefined).toBe(600_000);
  });

  it('narrows the schedules about subscriptions to shops that have some, and the reseller fee to reseller shops', () => {
    const narrowed = (only: string) =>
      ALL_JOBS.filter((job) => !isPlatformJob(job) && job.schedule?.only === only)
        .map((job) => job.name)
        .sort();
    expect(narrowed('with-subscriptions')).toEqual([
      'autopay-renewals',
      'plan-subscription-notices',
      'prune-subscription-notices',
      'sync-traffic',
    ]);
    expect(narrowed('reseller-shops')).toEqual(['reseller-renewal']);
  });

  it('forgets old update ids in one job for the whole fleet, not one per shop', () => {
    const prune = ALL_JOBS.find((job) => job.name === 'prune-updates');
    expect(prune && isPlatformJob(prune)).toBe(true);
  });

  it('narrows Zarinpal reconciliation to shops with Zarinpal on', () => {
    const reconcile = ALL_JOBS.find((job) => job.name === 'zarinpal-reconcile');
    expect(reconcile && !isPlatformJob(reconcile) ? reconcile.schedule : undefined).toEqual({
      everyMs: 60_000,
      feature: 'zarinpal',
    });
  });
});
