import type { z } from 'zod';

/** Error codes the selling flow branches on; the panel has many more. */
export const REMNAWAVE_ERROR_CODES = {
  createUserFailed: 'A018',
  usernameTaken: 'A019',
  userNotFound: 'A025',
  alreadyDisabled: 'A029',
  alreadyEnabled: 'A030',
  usersNotFound: 'A062',
  userByParamsNotFound: 'A063',
  deviceExists: 'A098',
  deviceLimitReached: 'A099',
  deviceNotFound: 'A204',
} as const;

const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  REMNAWAVE_ERROR_CODES.userNotFound,
  REMNAWAVE_ERROR_CODES.usersNotFound,
  REMNAWAVE_ERROR_CODES.userByParamsNotFound,
]);

export interface RemnawaveErrorContext {
  /** Endpoint name from the endpoint table, e.g. `users.getById`. */
  endpoint: string;
  method: string;
  /** Request path without the base URL (the base URL may carry credentials in odd setups). */
  path: string;
  /** How many HTTP attempts were made before giving up. */
  attempts: number;
  /**
   * True when an earlier attempt of this same call ended without a definite answer (timeout, dropped
   * connection, 5xx), so the panel may already have applied the change. A conflict-style error after
   * such an attempt usually means "our first try worked".
   */
  afterAmbiguousAttempt: boolean;
}

export class RemnawaveError extends Error {
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  attempts: number;
  afterAmbiguousAttempt: boolean;

  constructor(message: string, ctx: RemnawaveErrorContext, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RemnawaveError';
    this.endpoint = ctx.endpoint;
    this.method = ctx.method;
    this.path = ctx.path;
    this.attempts = ctx.attempts;
    this.afterAmbiguousAttempt = ctx.afterAmbiguousAttempt;
  }
}

/** The panel (or a proxy in front of it) answered with a non-2xx status. */
export class RemnawaveApiError extends RemnawaveError {
  readonly status: number;
  /** `A0xx` for the panel's domain errors; null for validation, auth and proxy errors. */
  readonly errorCode: string | null;
  /** The `errors` list of a `{statusCode, message: 'Validation failed', errors}` body. */
  readonly validationErrors: readonly unknown[] | null;
  /** Parsed JSON body, or the first 2 KB of a non-JSON body (proxy error pages). */
  readonly body: unknown;
  /** Value of `Retry-After` in milliseconds when the response carried one. */
  readonly retryAfterMs: number | null;

  constructor(
    init: {
      status: number;
      errorCode: string | null;
      message: string;
      validationErrors: readonly unknown[] | null;
      body: unknown;
      retryAfterMs: number | null;
    },
    ctx: RemnawaveErrorContext,
  ) {
    const code = init.errorCode ? ` ${init.errorCode}` : '';
    super(`Remnawave ${ctx.method} ${ctx.path} failed: ${init.status}${code} ${init.message}`, ctx);
    this.name = 'RemnawaveApiError';
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.validationErrors = init.validationErrors;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** A 404 that names a missing user or resource (not a missing route). */
export class RemnawaveNotFoundError extends RemnawaveApiError {
  constructor(...args: ConstructorParameters<typeof RemnawaveApiError>) {
    super(...args);
    this.name = 'RemnawaveNotFoundError';
  }
}

/** No answer within the per-attempt timeout. The request may or may not have been applied. */
export class RemnawaveTimeoutError extends RemnawaveError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, ctx: RemnawaveErrorContext) {
    super(`Remnawave ${ctx.method} ${ctx.path} timed out after ${timeoutMs} ms`, ctx);
    this.name = 'RemnawaveTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The connection failed or was dropped with no HTTP response. A panel in production mode does this
 * when the forwarded headers are missing, so a persistent network error can be a config problem.
 */
export class RemnawaveNetworkError extends RemnawaveError {
  /** Low-level code such as ECONNREFUSED / ECONNRESET / UND_ERR_SOCKET when known. */
  readonly code: string | null;

  constructor(cause: unknown, ctx: RemnawaveErrorContext) {
    const code = lowLevelCode(cause);
    super(`Remnawave ${ctx.method} ${ctx.path} network error${code ? ` (${code})` : ''}`, ctx, { cause });
    this.name = 'RemnawaveNetworkError';
    this.code = code;
  }
}

/** The panel answered 2xx but the body did not match what we expect of it. */
export class RemnawaveResponseError extends RemnawaveError {
  readonly status: number;
  /** Zod issues (paths and messages only; zod v4 does not copy input values into issues). */
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(
    status: number,
    reason: string,
    issues: readonly z.core.$ZodIssue[],
    ctx: RemnawaveErrorContext,
  ) {
    super(`Remnawave ${ctx.method} ${ctx.path} returned an unexpected body: ${reason}`, ctx);
    this.name = 'RemnawaveResponseError';
    this.status = status;
    this.issues = issues;
  }
}

/** Our own input failed local validation; nothing was sent. */
export class RemnawaveInputError extends Error {
  readonly endpoint: string;
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(endpoint: string, issues: readonly z.core.$ZodIssue[]) {
    const first = issues[0];
    const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    super(`Invalid input for Remnawave ${endpoint}: ${where}${first?.message ?? 'invalid'}`);
    this.name = 'RemnawaveInputError';
    this.endpoint = endpoint;
    this.issues = issues;
  }
}

function lowLevelCode(err: unknown): string | null {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }).
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current instanceof Object; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

export function hasErrorCode(err: unknown, code: string): err is RemnawaveApiError {
  return err instanceof RemnawaveApiError && err.errorCode === code;
}

/** A063 / A025 / A062, or a bare 404 that is not the framework's "Cannot GET /route". */
export function isNotFound(err: unknown): err is RemnawaveApiError {
  if (err instanceof RemnawaveNotFoundError) return true;
  if (!(err instanceof RemnawaveApiError)) return false;
  return err.errorCode !== null && NOT_FOUND_CODES.has(err.errorCode);
}

/**
 * A204: the user has no device with that hwid. Also a 404, so it is a `RemnawaveNotFoundError` and
 * `isNotFound` holds too: ask this first where a missing device and a missing user differ.
 */
export function isDeviceNotFound(err: unknown): err is RemnawaveApiError {
  return hasErrorCode(err, REMNAWAVE_ERROR_CODES.deviceNotFound);
}

export function isUsernameTaken(err: unknown): err is RemnawaveApiError {
  return hasErrorCode(err, REMNAWAVE_ERROR_CODES.usernameTaken);
}

export function isAlreadyEnabled(err: unknown): err is RemnawaveApiError {
  return hasErrorCode(err, REMNAWAVE_ERROR_CODES.alreadyEnabled);
}

export function isAlreadyDisabled(err: unknown): err is RemnawaveApiError {
  return hasErrorCode(err, REMNAWAVE_ERROR_CODES.alreadyDisabled);
}

export function isValidationError(err: unknown): err is RemnawaveApiError {
  return err instanceof RemnawaveApiError && err.validationErrors !== null;
}

/**
 * True when the outcome of a mutation is unknown: it may have been applied. Callers of `createUser`
 * should reconcile by username after such an error instead of assuming failure.
 */
export function isOutcomeUnknown(err: unknown): boolean {
  if (err instanceof RemnawaveTimeoutError) return true;
  // A refused connection never reached the panel; any other network failure may have.
  if (err instanceof RemnawaveNetworkError) return err.code !== 'ECONNREFUSED';
  return err instanceof RemnawaveApiError && err.status >= 500 && err.errorCode === null;
}
