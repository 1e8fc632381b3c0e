import { describe, expect, it } from 'vitest';
import { forEachConcurrently } from '../../src/shared/concurrency.js';

/** A promise with its resolve and reject at hand. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachConcurrently', () => {
  it('keeps `width` items in flight, starting the next as soon as any one finishes', async () => {
    const gates = Array.from({ length: 6 }, deferred);
    const started: number[] = [];
    const done = forEachConcurrently([0, 1, 2, 3, 4, 5], 3, async (item) => {
      started.push(item);
      await gates[item]!.promise;
    });
    await tick();
    expect(started).toEqual([0, 1, 2]);
    // the second finishes first: the fourth starts while the first and third still run
    gates[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[3]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    for (const gate of gates) gate.resolve();
    await done;
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('runs every item once with a width larger than the list, and nothing for none', async () => {
    const seen: string[] = [];
    await forEachConcurrently(['a', 'b'], 32, async (item) => {
      seen.push(item);
    });
    expect(seen.sort()).toEqual(['a', 'b']);
    await forEachConcurrently([], 4, async () => {
      throw new Error('not called');
    });
  });

  it('takes no new item once stopped, and lets those in flight finish', async () => {
    let stopping = false;
    const finished: number[] = [];
    await forEachConcurrently(
      [0, 1, 2, 3, 4],
      2,
      async (item) => {
        if (item === 1) stopping = true;
        await tick();
        finished.push(item);
      },
      () => stopping,
    );
    expect(finished.sort()).toEqual([0, 1]);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      forEachConcurrently([0, 1, 2, 3], 1, async (item) => {
        started.push(item);
        if (item === 1) throw new Error('item 1 failed');
      }),
    ).rejects.toThrow('item 1 failed');
    expect(started).toEqual([0, 1]);
  });
});
