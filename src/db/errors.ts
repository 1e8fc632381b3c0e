/** The PostgreSQL error behind a driver or ORM error (drizzle wraps it as the cause). */
function databaseError(error: unknown): { code?: string; constraint?: string } | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const candidate = current as Error & { code?: unknown; constraint?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        ...(typeof candidate.constraint === 'string' ? { constraint: candidate.constraint } : {}),
      };
    }
  }
  return undefined;
}

/** A unique constraint refused the write; with `constraint`, only that one. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const found = databaseError(error);
  return found?.code === '23505' && (constraint === undefined || found.constraint === constraint);
}

/** PostgreSQL error classes and codes that say "not now" rather than "never". */
const TRANSIENT_SQLSTATE = /^(08...|57P0[1-4]|53300|40001|40P01)$/;
/** Socket errors of a database that is down, restarting or unreachable. */
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** node-postgres and PGlite say these in words only. */
const TRANSIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end on the pool',
  'Client was closed and is not queryable',
  'Connection timeout',
  'PGlite is closed',
];

/**
 * The database could not do the work now (connection lost or refused, server shutting down or
 * restarting, too many connections, a serialisation conflict), as opposed to refusing it: the same
 * work may succeed later, so the caller should keep it for later rather than give up on it.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; depth += 1) {
    const candidate = current as Error & { code?: unknown };
    if (typeof candidate.code === 'string') {
      if (TRANSIENT_SQLSTATE.test(candidate.code) || TRANSIENT_NODE_CODES.has(candidate.code)) return true;
    }
    if (TRANSIENT_MESSAGES.some((text) => candidate.message.includes(text))) return true;
    if (current instanceof AggregateError && current.errors.some(isTransientDatabaseError)) return true;
    current = current.cause;
  }
  return false;
}
