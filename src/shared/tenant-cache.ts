/**
 * A per-tenant read cache. Entries are dropped when a change is announced (same process: at once;
 * other processes: by notification) and, as a safety net, after `maxAgeMs`.
 */
export interface TenantCache<T> {
  get(botId: number, load: () => Promise<T>): Promise<T>;
  invalidate(botId: number): void;
  clear(): void;
  /** Entries held now (expired ones are dropped as new ones come in). */
  readonly size: number;
}

/** Well above the tenants a process runs; only ids nobody asked about again are ever evicted. */
export const DEFAULT_MAX_ENTRIES = 10_000;

export function createTenantCache<T>(
  maxAgeMs: number,
  now: () => number = Date.now,
  maxEntries = DEFAULT_MAX_ENTRIES,
): TenantCache<T> {
  // In load order (an entry is re-inserted when loaded again), so the oldest come first: expired
  // entries are dropped from the front. Without this an id read once (a bot id that does not
  // exist, say) would stay forever, and a stream of made-up ids would grow the map without end.
  const entries = new Map<number, { value: Promise<T>; loadedAt: number }>();
  const evict = (at: number) => {
    for (const [botId, entry] of entries) {
      if (at - entry.loadedAt < maxAgeMs && entries.size < maxEntries) break;
      entries.delete(botId);
    }
  };
  return {
    get(botId, load) {
      const at = now();
      const entry = entries.get(botId);
      if (entry && at - entry.loadedAt < maxAgeMs) return entry.value;
      entries.delete(botId);
      evict(at);
      const loading = { value: load(), loadedAt: at };
      entries.set(botId, loading);
      // A failed load is not kept; an invalidation during the load has already removed it.
      loading.value.catch(() => {
        if (entries.get(botId) === loading) entries.delete(botId);
      });
      return loading.value;
    },
    invalidate(botId) {
      entries.delete(botId);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
