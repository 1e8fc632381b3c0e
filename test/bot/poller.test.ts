import { describe, expect, it } from 'vitest';
import { startPoller, type UpdateSource } from '../../src/bot/poller.js';

/** A source that hands out the given batches, then long-polls (waits until aborted). */
function batches(...given: number[][]) {
  const limits: number[] = [];
  const source: UpdateSource<number> = (limit, signal) => {
    limits.push(limit);
    const next = given.shift();
    if (next) return Promise.resolve(next);
    return new Promise((_, reject) => {
      signal.addEventListener('abort', () => reject(new Error('poll aborted')), { once: true });
    });
  };
  return { source, limits };
}

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('poller', () => {
  it('handles a batch without waiting for one update before the next, at most `concurrency` at once', async () => {
    const { source, limits } = batches([1, 2, 3], [4]);
    const held = new Map<number, ReturnType<typeof gate>>();
    const started: number[] = [];
    const poller = startPoller({
      source,
      handle: async (update) => {
        started.push(update);
        const g = gate();
        held.set(update, g);
        await g.opened;
      },
      onError: () => {},
      concurrency: 2,
    });
    await until(() => started.length === 2);
    // full: the third waits for room
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual([1, 2]);
    held.get(1)!.open();
    await until(() => started.length === 3);
    // the next poll asks only for the room there is
    held.get(2)!.open();
    await until(() => started.length === 4);
    expect(limits[0]).toBe(2);
    expect(limits[1]).toBeLessThanOrEqual(2);
    for (const g of held.values()) g.open();
    await poller.stop();
    expect(poller.isRunning()).toBe(false);
  });

  it('gives a failed update to onError and goes on polling', async () => {
    const { source } = batches([1, 2], [3]);
    const handled: number[] = [];
    const errors: unknown[] = [];
    const poller = startPoller({
      source,
      handle: async (update) => {
        if (update === 2) throw new Error('handler failed');
        handled.push(update);
      },
      onError: (error) => {
        errors.push(error);
        throw new Error('the error handler failing too changes nothing');
      },
      concurrency: 10,
    });
    await until(() => handled.length === 2);
    expect(handled).toEqual([1, 3]);
    expect(errors.map((error) => (error as Error).message)).toEqual(['handler failed']);
    expect(poller.isRunning()).toBe(true);
    await poller.stop();
  });

  it('aborts the poll in flight on stop, and its task resolves', async () => {
    const { source, limits } = batches();
    const poller = startPoller({ source, handle: async () => {}, onError: () => {}, concurrency: 5 });
    await until(() => limits.length === 1);
    await poller.stop();
    await expect(poller.task).resolves.toBeUndefined();
    expect(limits).toHaveLength(1);
  });

  it('ends on an error from its source: the task rejects with it', async () => {
    const poller = startPoller<number>({
      source: () => Promise.reject(new Error('401: token revoked')),
      handle: async () => {},
      onError: () => {},
      concurrency: 5,
    });
    await expect(poller.task).rejects.toThrow('401: token revoked');
    expect(poller.isRunning()).toBe(false);
    await poller.stop();
  });
});
