/**
 * Runs `work` on each of `items`, at most `width` at a time, starting the next item as soon as any
 * one finishes (not in lockstep batches, each waiting for its slowest). Stops taking items once
 * `stopped()` says so; resolves when the items taken are done, and rejects with the first error
 * `work` throws (the items in flight still finish; no new ones start). `work` that must not stop
 * the others catches its own errors.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<unknown>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && !stopped() && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, width), items.length) }, worker));
}
