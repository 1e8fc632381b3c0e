import { describe, expect, it } from 'vitest';
import { createTenantCache } from '../../src/shared/tenant-cache.js';

describe('tenant cache', () => {
  it('loads once per bot until the entry expires', async () => {
    let now = 0;
    const cache = createTenantCache<string>(1000, () => now);
    let loads = 0;
    const load = async () => `value ${++loads}`;
    expect(await cache.get(1, load)).toBe('value 1');
    expect(await cache.get(1, load)).toBe('value 1');
    now = 1000;
    expect(await cache.get(1, load)).toBe('value 2');
  });

  it('drops expired entries of ids never asked about again, so made-up ids cannot grow it', async () => {
    let now = 0;
    const cache = createTenantCache<string>(1000, () => now);
    for (let id = 1; id <= 500; id++) await cache.get(id, async () => 'nothing here');
    expect(cache.size).toBe(500);
    now = 1500;
    for (let id = 10_001; id <= 10_500; id++) await cache.get(id, async () => 'nothing here');
    // the first 500 expired and went as the next ones came in
    expect(cache.size).toBe(500);
  });

  it('holds at most its maximum, evicting the oldest entries first', async () => {
    const cache = createTenantCache<number>(60_000, () => 0, 100);
    for (let id = 1; id <= 1000; id++) await cache.get(id, async () => id);
    expect(cache.size).toBe(100);
    let reloaded = 0;
    // the newest are still there, the oldest were evicted
    expect(await cache.get(1000, async () => ++reloaded)).toBe(1000);
    expect(await cache.get(1, async () => ++reloaded)).toBe(1);
    expect(reloaded).toBe(1);
  });

  it('keeps an entry read again in place of an older one', async () => {
    let now = 0;
    const cache = createTenantCache<string>(1000, () => now, 2);
    await cache.get(1, async () => 'one');
    now = 10;
    await cache.get(2, async () => 'two');
    now = 1005;
    // 1 expired and is loaded again: now the newest, so 2 is the one evicted for 3
    expect(await cache.get(1, async () => 'one again')).toBe('one again');
    await cache.get(3, async () => 'three');
    expect(cache.size).toBe(2);
    expect(await cache.get(1, async () => 'not reloaded')).toBe('one again');
  });
});
