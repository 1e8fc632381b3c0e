import type { z } from 'zod';
import type { Endpoint } from './endpoints.js';
import {
  RemnawaveApiError,
  RemnawaveError,
  type RemnawaveErrorContext,
  RemnawaveInputError,
  RemnawaveNetworkError,
  RemnawaveNotFoundError,
  RemnawaveResponseError,
  RemnawaveTimeoutError,
} from './errors.js';

/** The subset of a pino logger we use; pino loggers fit as they are. */
export interface RemnawaveLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}

export interface TransportOptions {
  baseUrl: string;
  apiToken: string;
  extraHeaders: Record<string, string>;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  logger: RemnawaveLogger | null;
  fetch: typeof fetch;
}

export interface CallOptions {
  /** Aborts the call (and any pending retry) with the signal's reason, not a Remnawave error. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number | undefined;
  /** Overrides the client's retry count for this call (ignored for calls that are not retry-safe). */
  retries?: number | undefined;
}

export type CallFn = <TInput, TRequest, TOutput>(
  endpoint: Endpoint<TInput, TRequest, TOutput>,
  input: NoInfer<TInput>,
  options?: CallOptions,
) => Promise<TOutput>;

interface RawResponse {
  status: number;
  text: string;
  headers: Headers;
}

const MAX_ERROR_BODY_CHARS = 2048;

export function createTransport(opts: TransportOptions): { call: CallFn } {
  const base = normaliseBaseUrl(opts.baseUrl);
  const { logger } = opts;

  const call: CallFn = async (endpoint, input, callOpts = {}) => {
    const parsed = endpoint.request.safeParse(input);
    if (!parsed.success) throw new RemnawaveInputError(endpoint.name, parsed.error.issues);
    const request = parsed.data;

    const path = endpoint.path(request);
    const query = endpoint.query?.(request);
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    const bodyText = endpoint.body ? JSON.stringify(endpoint.body(request)) : undefined;
    const headers = buildHeaders(opts, bodyText !== undefined);
    const timeoutMs = callOpts.timeoutMs ?? opts.timeoutMs;
    const maxAttempts = endpoint.retrySafe ? 1 + Math.max(0, callOpts.retries ?? opts.retries) : 1;

    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      const ctx: RemnawaveErrorContext = {
        endpoint: endpoint.name,
        method: endpoint.method,
        path,
        attempts: attempt,
        afterAmbiguousAttempt: ambiguous,
      };
      const started = Date.now();
      let error: RemnawaveError;
      try {
        const res = await attemptOnce(
          opts.fetch,
          `${base}${path}${search}`,
          { method: endpoint.method, headers, body: bodyText },
          timeoutMs,
          callOpts.signal,
          ctx,
        );
        logger?.debug(
          {
            endpoint: endpoint.name,
            method: endpoint.method,
            path,
            status: res.status,
            attempt,
            durationMs: Date.now() - started,
          },
          'remnawave call',
        );
        if (res.status >= 200 && res.status < 300) return parseSuccess(endpoint.response, res, ctx);
        error = apiErrorFrom(res, ctx);
      } catch (err) {
        if (!(err instanceof RemnawaveError)) throw err;
        error = err;
      }

      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
      if (isAmbiguous(error)) ambiguous = true;
      const delayMs = backoffDelay(attempt, error, opts.retryBaseMs, opts.retryMaxDelayMs);
      logger?.warn(
        { endpoint: endpoint.name, method: endpoint.method, path, attempt, delayMs, error: error.message },
        'remnawave call failed, retrying',
      );
      await sleep(delayMs, callOpts.signal);
    }
  };

  return { call };
}

function normaliseBaseUrl(baseUrl: string): string {
  // Throws early on a malformed URL: a config error should fail at startup, not on the first sale.
  const url = new URL(baseUrl);
  // String concatenation (not `new URL(path, base)`) keeps a path prefix such as `/panel`.
  return url.toString().replace(/\/+$/, '');
}

function buildHeaders(opts: TransportOptions, hasBody: boolean): Headers {
  const headers = new Headers({
    accept: 'application/json',
    // A panel in production mode drops requests without these: we talk to it as its reverse proxy would.
    'x-forwarded-for': '127.0.0.1',
    'x-forwarded-proto': 'https',
  });
  for (const [name, value] of Object.entries(opts.extraHeaders)) headers.set(name, value);
  if (hasBody) headers.set('content-type', 'application/json');
  // Set last so an extra header cannot replace the token by accident.
  headers.set('authorization', `Bearer ${opts.apiToken}`);
  return headers;
}

async function attemptOnce(
  fetchImpl: typeof fetch,
  url: string,
  init: { method: string; headers: Headers; body: string | undefined },
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  ctx: RemnawaveErrorContext,
): Promise<RawResponse> {
  const timeoutSignal = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([timeoutSignal, callerSignal]) : timeoutSignal;
  try {
    const res = await fetchImpl(url, {
      method: init.method,
      headers: init.headers,
      signal,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    // The body read shares the signal, so a panel that sends headers then stalls still times out.
    const text = await res.text();
    return { status: res.status, text, headers: res.headers };
  } catch (err) {
    if (callerSignal?.aborted) throw callerSignal.reason;
    if (timeoutSignal.aborted) throw new RemnawaveTimeoutError(timeoutMs, ctx);
    throw new RemnawaveNetworkError(err, ctx);
  }
}

function parseSuccess<TOutput>(
  schema: z.ZodType<TOutput, unknown>,
  res: RawResponse,
  ctx: RemnawaveErrorContext,
): TOutput {
  let payload: unknown;
  if (res.text.trim() !== '') {
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw new RemnawaveResponseError(res.status, 'body is not JSON', [], ctx);
    }
    payload = isRecord(json) && 'response' in json ? json.response : json;
  }
  const result = schema.safeParse(payload);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
    throw new RemnawaveResponseError(
      res.status,
      `${where}${first?.message ?? 'invalid'}`,
      result.error.issues,
      ctx,
    );
  }
  return result.data;
}

function apiErrorFrom(res: RawResponse, ctx: RemnawaveErrorContext): RemnawaveApiError {
  let body: unknown = res.text.slice(0, MAX_ERROR_BODY_CHARS);
  try {
    body = JSON.parse(res.text);
  } catch {
    // Proxies answer with HTML or plain text; keep the (truncated) text.
  }
  const record = isRecord(body) ? body : {};
  const errorCode = typeof record.errorCode === 'string' ? record.errorCode : null;
  const rawMessage = record.message;
  const message =
    typeof rawMessage === 'string'
      ? rawMessage
      : Array.isArray(rawMessage)
        ? rawMessage.map(String).join('; ')
        : typeof body === 'string' && body.trim() !== ''
          ? body.trim().slice(0, 200)
          : httpReason(res.status);
  const validationErrors = Array.isArray(record.errors) ? (record.errors as unknown[]) : null;
  const init = {
    status: res.status,
    errorCode,
    message,
    validationErrors,
    body,
    retryAfterMs: parseRetryAfter(res.headers.get('retry-after')),
  };
  // The framework's own 404 ("Cannot GET /api/...") means a missing route, i.e. a panel version
  // mismatch; treating it as "user not found" would make reconciliation recreate users.
  const routeMissing = errorCode === null && /^Cannot [A-Z]+ \//.test(message);
  if (res.status === 404 && !routeMissing) return new RemnawaveNotFoundError(init, ctx);
  return new RemnawaveApiError(init, ctx);
}

function isRetryable(err: RemnawaveError): boolean {
  if (err instanceof RemnawaveTimeoutError || err instanceof RemnawaveNetworkError) return true;
  return err instanceof RemnawaveApiError && (err.status === 429 || err.status >= 500);
}

/** Whether the failed attempt might have been applied by the panel anyway. */
function isAmbiguous(err: RemnawaveError): boolean {
  if (err instanceof RemnawaveTimeoutError) return true;
  if (err instanceof RemnawaveNetworkError) return err.code !== 'ECONNREFUSED';
  return err instanceof RemnawaveApiError && err.status >= 500;
}

function backoffDelay(attempt: number, err: RemnawaveError, baseMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  // "Equal jitter": keeps a floor so retries do not collapse to zero, spreads the rest.
  const jittered = exponential / 2 + Math.random() * (exponential / 2);
  const retryAfter = err instanceof RemnawaveApiError ? (err.retryAfterMs ?? 0) : 0;
  return Math.round(Math.min(maxMs, Math.max(jittered, retryAfter)));
}

function parseRetryAfter(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function httpReason(status: number): string {
  if (status === 401) return 'Unauthorized';
  if (status === 403) return 'Forbidden';
  if (status === 429) return 'Too Many Requests';
  if (status >= 500) return 'Server error';
  return 'Request failed';
}
