/**
 * A per-tenant read cache. Entries are dropped when a change is announced (same process: at once;
 * other processes: by notification) and, as a safety net, after `maxAgeMs`.
 */
export interface TenantCache<T> {
  get(botId: number, load: () => Promise<T>): Promise<T>;
  invalidate(botId: number): void;
  clear(): void;
}

export function createTenantCache<T>(maxAgeMs: number, now: () => number = Date.now): TenantCache<T> {
  const entries = new Map<number, { value: Promise<T>; loadedAt: number }>();
  return {
    get(botId, load) {
      const entry = entries.get(botId);
      if (entry && now() - entry.loadedAt < maxAgeMs) return entry.value;
      const loading = { value: load(), loadedAt: now() };
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
  };
}
