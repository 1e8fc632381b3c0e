/**
 * Where a poller's updates come from: the next batch of at most `limit` updates (an empty one when
 * a long poll ends without any), given up when `signal` aborts.
 */
export type UpdateSource<U> = (limit: number, signal: AbortSignal) => Promise<U[]>;

export interface Poller {
  /** Stops asking for updates (the poll in flight is aborted); the updates being handled go on. */
  stop(): Promise<void>;
  isRunning(): boolean;
  /** Settles when polling ends: resolved after stop, rejected with what stopped it otherwise. */
  readonly task: Promise<void>;
}

/**
 * One bot's polling loop: a batch from `source`, its updates handed to `handle` without waiting for
 * one before the next (at most `concurrency` at once; the next poll asks for no more than there is
 * room for), then the next batch. What @grammyjs/runner's source, sink and runner do for one bot,
 * without an async generator and an AbortController per poll: an idle polled fleet does little
 * else than renew its long polls, 200 a second at 10,000 bots (docs/benchmarks.md).
 */
export function startPoller<U>(options: {
  readonly source: UpdateSource<U>;
  /** Handles one update; a failure goes to `onError` and polling goes on. */
  readonly handle: (update: U) => Promise<void>;
  readonly onError: (error: unknown) => Promise<void> | void;
  readonly concurrency: number;
}): Poller {
  const { source, handle, onError, concurrency } = options;
  const controller = new AbortController();
  const handling = new Set<Promise<void>>();
  let running = true;
  /** Resolves when one of the updates being handled is done: room for another. */
  let roomMade: (() => void) | undefined;

  const start = (update: U) => {
    const work = handle(update)
      .catch(async (error: unknown) => {
        try {
          await onError(error);
        } catch {
          // an error handler that fails has nothing left to tell
        }
      })
      .finally(() => {
        handling.delete(work);
        roomMade?.();
      });
    handling.add(work);
  };

  const task = (async () => {
    try {
      while (running) {
        const batch = await source(Math.max(1, concurrency - handling.size), controller.signal);
        for (const update of batch) {
          while (handling.size >= concurrency) {
            await new Promise<void>((resolve) => {
              roomMade = resolve;
            });
            roomMade = undefined;
          }
          start(update);
        }
      }
    } catch (error) {
      // aborted by stop: polling ended as asked
      if (!controller.signal.aborted) {
        running = false;
        throw error;
      }
    }
  })();

  return {
    stop() {
      running = false;
      controller.abort();
      return task.catch(() => undefined);
    },
    isRunning: () => running,
    task,
  };
}
