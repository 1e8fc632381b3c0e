import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_JOBS } from '../../src/jobs/index.js';

describe('the job list', () => {
  it('lists every definition in src/jobs/definitions/, each name once', async () => {
    const dir = new URL('../../src/jobs/definitions/', import.meta.url);
    const exported = new Set<unknown>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const module = (await import(new URL(file, dir).href)) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        if (value && typeof value === 'object' && 'handler' in value && 'payload' in value)
          exported.add(value);
      }
    }
    expect(exported.size).toBeGreaterThan(0);
    expect(new Set(ALL_JOBS)).toEqual(exported);
    const names = ALL_JOBS.map((job) => job.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('narrows Zarinpal reconciliation to shops with Zarinpal on', () => {
    const reconcile = ALL_JOBS.find((job) => job.name === 'zarinpal-reconcile');
    expect(reconcile?.schedule).toEqual({ everyMs: 60_000, feature: 'zarinpal' });
  });
});
