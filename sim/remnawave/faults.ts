/**
 * What a fault does to a matching request. Faults model the proxy or network between the bot and
 * the panel, so they act before authentication; the two "commit" kinds let the panel do its work
 * and then lose the answer, the case that makes creates ambiguous.
 */
export type SimFaultAction =
  /** Answer with this status (5xx, 429, 403, ...) without touching state. */
  | { kind: 'status'; status: number; body?: unknown; retryAfterSeconds?: number }
  /** Never answer (until `close()`), or with `delayMs`, answer normally after that delay. */
  | { kind: 'hang'; delayMs?: number }
  /** Destroy the connection without an answer; state untouched. */
  | { kind: 'drop' }
  /**
   * Apply the request for real, then never answer, or with `delayMs`, answer (what it applied)
   * after that delay: a slow way back, during which the panel may change the user again.
   */
  | { kind: 'commit-then-hang'; delayMs?: number }
  /** Apply the request for real, then destroy the connection. */
  | { kind: 'commit-then-drop' };

export interface SimRequestMatch {
  /** HTTP method, case-insensitive; any when omitted. */
  method?: string | undefined;
  /**
   * Path without the query string. A string may use `:param` for one segment and `*` for anything,
   * e.g. `/api/users/:id/actions/*`; a RegExp is tested as is. Any path when omitted.
   */
  path?: string | RegExp | undefined;
}

export type SimFaultSpec = SimFaultAction &
  SimRequestMatch & {
    /** How many matching requests to affect; until cleared when omitted. */
    times?: number | undefined;
  };

export interface SimFaultHandle {
  /** Matching requests affected so far. */
  readonly hits: number;
  /** Affected requests left; Infinity when unbounded. */
  readonly remaining: number;
  clear(): void;
}

interface FaultEntry {
  action: SimFaultAction;
  method: string | null;
  path: RegExp | null;
  remaining: number;
  hits: number;
}

export function compilePathPattern(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const source = pattern
    .split(/(\*|:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

export function matchesRequest(match: SimRequestMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path !== undefined && !compilePathPattern(match.path).test(path)) return false;
  return true;
}

export function createFaultBook() {
  const entries: FaultEntry[] = [];

  function remove(entry: FaultEntry): void {
    const index = entries.indexOf(entry);
    if (index >= 0) entries.splice(index, 1);
  }

  return {
    add(spec: SimFaultSpec): SimFaultHandle {
      const { method, path, times, ...action } = spec;
      const entry: FaultEntry = {
        action: action as SimFaultAction,
        method: method ? method.toUpperCase() : null,
        path: path === undefined ? null : compilePathPattern(path),
        remaining: times ?? Number.POSITIVE_INFINITY,
        hits: 0,
      };
      entries.push(entry);
      return {
        get hits() {
          return entry.hits;
        },
        get remaining() {
          return entry.remaining;
        },
        clear: () => remove(entry),
      };
    },

    /** The first live fault matching the request, consuming one of its uses. */
    take(method: string, path: string): SimFaultAction | null {
      for (const entry of entries) {
        if (entry.method && entry.method !== method.toUpperCase()) continue;
        if (entry.path && !entry.path.test(path)) continue;
        entry.hits++;
        entry.remaining--;
        if (entry.remaining <= 0) remove(entry);
        return entry.action;
      }
      return null;
    },

    clear(): void {
      entries.length = 0;
    },
  };
}
