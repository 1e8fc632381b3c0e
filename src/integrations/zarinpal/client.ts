import type { z } from 'zod';
import {
  describeZarinpalCode,
  ZARINPAL_VERIFY_FAILURE_CODES,
  ZarinpalError,
  type ZarinpalOperation,
  ZarinpalRetryableError,
  type ZarinpalValidation,
} from './errors.js';
import { type ZarinpalCurrency, zarinpalAmountLimits } from './money.js';
import {
  errorEnvelopeSchema,
  inquiryDataSchema,
  isZarinpalAuthority,
  normalizeValidations,
  requestDataSchema,
  reverseDataSchema,
  successEnvelopeSchema,
  unverifiedDataSchema,
  verifyDataSchema,
  type ZarinpalInquiryStatus,
} from './schemas.js';

export interface ZarinpalClientOptions {
  /** `https://payment.zarinpal.com`, `https://sandbox.zarinpal.com`, or a simulator. */
  baseUrl: string;
  /** Per HTTP attempt, reading the body included. */
  timeoutMs?: number;
  /** Extra attempts after the first one, for conditions where another attempt is safe. */
  retries?: number;
  /** First backoff delay; it doubles on each retry, with jitter. */
  retryBaseMs?: number;
  fetch?: typeof fetch;
}

export interface ZarinpalRequestPaymentInput {
  merchantId: string;
  /** A positive integer in `currency`; store exactly this number and currency for verify. */
  amount: number;
  currency: ZarinpalCurrency;
  description: string;
  callbackUrl: string;
  metadata?: { mobile?: string | undefined; email?: string | undefined; orderId?: string | undefined };
}

export interface ZarinpalPaymentRequest {
  authority: string;
  feeType: string | null;
  fee: number | null;
}

export interface ZarinpalVerifyInput {
  merchantId: string;
  /** The very number sent in the payment request (same currency), never one from the callback. */
  amount: number;
  authority: string;
}

interface ZarinpalVerifiedDetails {
  kind: 'verified';
  /** Masked by the gateway (e.g. `502229******5995`); masked again here if it ever is not. */
  cardPan: string | null;
  cardHash: string | null;
  feeType: string | null;
  fee: number | null;
}

export type ZarinpalVerifyResult =
  | (ZarinpalVerifiedDetails & { alreadyVerified: false; refId: string })
  // The gateway normally repeats ref_id on 101, but that is not documented; a missing one must not
  // turn a verified payment into an error, so the caller decides what to do without it.
  | (ZarinpalVerifiedDetails & { alreadyVerified: true; refId: string | null })
  | { kind: 'failed'; code: number; message: string; gatewayMessage: string | null };

export interface ZarinpalUnverifiedPayment {
  authority: string;
  amount: number;
  callbackUrl: string;
  referer?: string;
  /** As the gateway formats it (`YYYY-MM-DD HH:mm:ss`). */
  date: string;
}

type RetryPolicy =
  /** The call has no side effect, or repeating it is harmless: retry any transient condition. */
  | 'idempotent'
  /** Retry only when the gateway told us it did nothing (an error answer) or never got the call. */
  | 'unless-maybe-done';

interface Failure {
  error: ZarinpalError;
  /** True when we know the gateway did not act on the call, so sending it again is harmless. */
  notActedOn: boolean;
}

type AttemptResult =
  | { ok: true; code: number; data: Record<string, unknown>; httpStatus: number }
  | { ok: false; failure: Failure };

type CallResult =
  | { ok: true; code: number; data: Record<string, unknown>; httpStatus: number; attempts: number }
  | { ok: false; error: ZarinpalError };

const API_PATH = '/pg/v4/payment/';
const ENDPOINT_FILE: Readonly<Record<ZarinpalOperation, string>> = {
  request: 'request.json',
  verify: 'verify.json',
  inquiry: 'inquiry.json',
  unverified: 'unVerified.json',
  reverse: 'reverse.json',
};

// Errors where the connection was never established: the gateway cannot have seen the call.
const NOT_CONNECTED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

export function createZarinpalClient(opts: ZarinpalClientOptions) {
  const baseUrl = normalizeBaseUrl(opts.baseUrl);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const retries = opts.retries ?? 2;
  const retryBaseMs = opts.retryBaseMs ?? 250;
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  if (!Number.isInteger(retries) || retries < 0)
    throw new TypeError('retries must be a non-negative integer');
  if (!(timeoutMs > 0)) throw new TypeError('timeoutMs must be positive');

  async function attempt(operation: ZarinpalOperation, payload: object, successCodes: readonly number[]) {
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${baseUrl}${API_PATH}${ENDPOINT_FILE[operation]}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return transportFailure(operation, err, null);
    }
    try {
      text = await response.text();
    } catch (err) {
      return transportFailure(operation, err, response.status);
    }
    return interpretResponse(operation, response.status, text, successCodes);
  }

  async function call(
    operation: ZarinpalOperation,
    payload: object,
    policy: RetryPolicy,
    successCodes: readonly number[] = [100],
  ): Promise<CallResult> {
    for (let attemptNo = 1; ; attemptNo++) {
      const result: AttemptResult = await attempt(operation, payload, successCodes);
      if (result.ok) return { ...result, attempts: attemptNo };
      const { error, notActedOn } = result.failure;
      const mayResend = error.retryable && (policy === 'idempotent' || notActedOn);
      if (!mayResend || attemptNo > retries) {
        if (!error.retryable) return { ok: false, error };
        throw new ZarinpalRetryableError({
          code: error.code,
          message: attemptNo > 1 ? `${error.message} (gave up after ${attemptNo} attempts)` : error.message,
          httpStatus: error.httpStatus,
          operation,
          gatewayMessage: error.gatewayMessage,
          validations: error.validations,
          cause: error.cause,
          attempts: attemptNo,
        });
      }
      await sleep(backoffMs(retryBaseMs, attemptNo));
    }
  }

  return {
    baseUrl,

    /**
     * Creates a payment and returns its authority. Not retried after a timeout or a dropped
     * connection: the gateway may have created an authority whose answer we lost. A second one
     * would be harmless (an authority nobody is sent to is simply abandoned), but the customer is
     * waiting and a fresh attempt is theirs to make, so the error is surfaced at once. It is
     * retried on -12, -52 and 5xx answers, where the gateway reports that it did nothing.
     */
    async requestPayment(input: ZarinpalRequestPaymentInput): Promise<ZarinpalPaymentRequest> {
      assertRequestInput(input);
      const metadata = compactMetadata(input.metadata);
      const payload = {
        merchant_id: input.merchantId,
        amount: input.amount,
        // Without it the gateway assumes Rial; sending it always keeps Toman prices from being
        // charged as a tenth of their value.
        currency: input.currency,
        description: input.description,
        callback_url: input.callbackUrl,
        ...(metadata ? { metadata } : {}),
      };
      const result = await call('request', payload, 'unless-maybe-done');
      if (!result.ok) throw result.error;
      const data = parseData('request', requestDataSchema, result);
      return { authority: data.authority, feeType: data.fee_type ?? null, fee: data.fee ?? null };
    },

    startPayUrl(authority: string): string {
      if (!isZarinpalAuthority(authority)) throw localError(null, -54, 'Invalid authority format.');
      return `${baseUrl}/pg/StartPay/${authority}`;
    },

    /**
     * Confirms a payment. Only a `failed` result settles it as failed; any thrown error (retryable
     * or not) means the outcome is unknown and the payment must stay pending.
     */
    async verifyPayment(input: ZarinpalVerifyInput): Promise<ZarinpalVerifyResult> {
      assertPositiveInteger('verify', input.amount);
      // The authority format is deliberately not checked here: if the gateway ever changed it, a
      // local check would turn real, paid payments into failures.
      assertNonEmpty('verify', 'authority', input.authority);
      const payload = { merchant_id: input.merchantId, amount: input.amount, authority: input.authority };
      const result = await call('verify', payload, 'idempotent', [100, 101]);
      if (!result.ok) {
        const { code } = result.error;
        if (typeof code === 'number' && ZARINPAL_VERIFY_FAILURE_CODES.has(code)) {
          return {
            kind: 'failed',
            code,
            message: describeZarinpalCode(code).message,
            gatewayMessage: result.error.gatewayMessage,
          };
        }
        throw result.error;
      }
      const data = parseData('verify', verifyDataSchema, result);
      const details: ZarinpalVerifiedDetails = {
        kind: 'verified',
        cardPan: maskCardPan(data.card_pan ?? null),
        cardHash: data.card_hash ?? null,
        feeType: data.fee_type ?? null,
        fee: data.fee ?? null,
      };
      const refId = data.ref_id === null || data.ref_id === undefined ? null : String(data.ref_id);
      if (result.code === 101) return { ...details, alreadyVerified: true, refId };
      if (refId === null) {
        // Verified, but without the reference we settle on; verify again (it will say 101).
        throw new ZarinpalRetryableError({
          code: 'BAD_RESPONSE',
          message: 'Zarinpal verify answered 100 without ref_id.',
          httpStatus: result.httpStatus,
          operation: 'verify',
          attempts: result.attempts,
        });
      }
      return { ...details, alreadyVerified: false, refId };
    },

    /** Reconciliation only: a status is never a reason to credit anything without verify. */
    async inquiry(input: {
      merchantId: string;
      authority: string;
    }): Promise<{ status: ZarinpalInquiryStatus }> {
      assertNonEmpty('inquiry', 'authority', input.authority);
      const result = await call(
        'inquiry',
        { merchant_id: input.merchantId, authority: input.authority },
        'idempotent',
      );
      if (!result.ok) throw result.error;
      return { status: parseData('inquiry', inquiryDataSchema, result).status };
    },

    /** The last 100 paid-but-unverified payments of the merchant. */
    async unverified(input: { merchantId: string }): Promise<ZarinpalUnverifiedPayment[]> {
      const result = await call('unverified', { merchant_id: input.merchantId }, 'idempotent');
      if (!result.ok) throw result.error;
      const data = parseData('unverified', unverifiedDataSchema, result);
      return (data.authorities ?? []).map((a) => ({
        authority: a.authority,
        amount: a.amount,
        callbackUrl: a.callback_url,
        ...(a.referer ? { referer: a.referer } : {}),
        date: a.date,
      }));
    },

    /**
     * Refunds a payment within 30 minutes of payment. Like a payment request it is not retried
     * when the answer is lost: a second reverse of a reversed payment would only report -61 and
     * hide the real outcome; inquiry tells whether it happened.
     */
    async reverse(input: { merchantId: string; authority: string }): Promise<void> {
      assertNonEmpty('reverse', 'authority', input.authority);
      const result = await call(
        'reverse',
        { merchant_id: input.merchantId, authority: input.authority },
        'unless-maybe-done',
      );
      if (!result.ok) throw result.error;
      parseData('reverse', reverseDataSchema, result);
    },
  };
}

export type ZarinpalClient = ReturnType<typeof createZarinpalClient>;

function interpretResponse(
  operation: ZarinpalOperation,
  httpStatus: number,
  text: string,
  successCodes: readonly number[],
): AttemptResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // The gateway's HTTP status is unreliable (errors come with 200 or 4xx): the body decides.
  const asError = errorEnvelopeSchema.safeParse(json);
  if (asError.success) {
    const { code, message, validations } = asError.data.errors;
    return gatewayFailure(operation, code, message ?? null, normalizeValidations(validations), httpStatus);
  }
  const asSuccess = successEnvelopeSchema.safeParse(json);
  if (asSuccess.success) {
    const { code } = asSuccess.data.data;
    if (successCodes.includes(code)) return { ok: true, code, data: asSuccess.data.data, httpStatus };
    if (code < 0) {
      return gatewayFailure(operation, code, asSuccess.data.data.message ?? null, [], httpStatus);
    }
  }
  // No usable body. A 5xx/429 is still an answer saying the call was not carried out.
  if (httpStatus >= 500 || httpStatus === 429) {
    return failure(
      new ZarinpalError({
        code: 'HTTP',
        message: `Zarinpal ${operation}: HTTP ${httpStatus} without a gateway answer.`,
        retryable: true,
        httpStatus,
        operation,
      }),
      true,
    );
  }
  const garbledSuccess = httpStatus >= 200 && httpStatus < 300;
  return failure(
    new ZarinpalError({
      code: garbledSuccess ? 'BAD_RESPONSE' : 'HTTP',
      message: `Zarinpal ${operation}: unexpected HTTP ${httpStatus} response.`,
      // A 2xx we cannot read may have been a truncated success; another 4xx would be the same.
      retryable: garbledSuccess,
      httpStatus,
      operation,
    }),
    false,
  );
}

function gatewayFailure(
  operation: ZarinpalOperation,
  code: number,
  gatewayMessage: string | null,
  validations: ZarinpalValidation[],
  httpStatus: number,
): AttemptResult {
  const info = describeZarinpalCode(code);
  const details =
    validations.length > 0 ? ` [${validations.map((v) => `${v.field}: ${v.message}`).join('; ')}]` : '';
  return failure(
    new ZarinpalError({
      code,
      message: `Zarinpal ${operation} error ${code}: ${info.message}${details}`,
      retryable: info.retryable,
      httpStatus,
      operation,
      gatewayMessage,
      validations,
    }),
    true,
  );
}

function transportFailure(
  operation: ZarinpalOperation,
  err: unknown,
  httpStatus: number | null,
): AttemptResult {
  if (isTimeout(err)) {
    return failure(
      new ZarinpalError({
        code: 'TIMEOUT',
        message: `Zarinpal ${operation}: no answer in time; the outcome is unknown.`,
        retryable: true,
        httpStatus,
        operation,
        cause: err,
      }),
      false,
    );
  }
  const netCode = errorCode(err);
  return failure(
    new ZarinpalError({
      code: 'NETWORK',
      message: `Zarinpal ${operation}: network error${netCode ? ` (${netCode})` : ''}.`,
      retryable: true,
      httpStatus,
      operation,
      cause: err,
    }),
    httpStatus === null && netCode !== null && NOT_CONNECTED_CODES.has(netCode),
  );
}

function failure(error: ZarinpalError, notActedOn: boolean): AttemptResult {
  return { ok: false, failure: { error, notActedOn } };
}

function parseData<S extends z.ZodType>(
  operation: ZarinpalOperation,
  schema: S,
  result: { data: Record<string, unknown>; httpStatus: number },
): z.output<S> {
  const parsed = schema.safeParse(result.data);
  if (parsed.success) return parsed.data;
  throw new ZarinpalError({
    code: 'BAD_RESPONSE',
    message: `Zarinpal ${operation}: success answer in an unexpected shape.`,
    retryable: false,
    httpStatus: result.httpStatus,
    operation,
    cause: parsed.error,
  });
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** Node's fetch wraps the socket error: `TypeError('fetch failed', { cause: { code } })`. */
function errorCode(err: unknown): string | null {
  for (let current: unknown = err, depth = 0; current && depth < 4; depth++) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string')
      return current.code;
    current = typeof current === 'object' && 'cause' in current ? current.cause : null;
  }
  return null;
}

function localError(
  operation: ZarinpalOperation | null,
  code: number,
  message: string,
  validations: ZarinpalValidation[] = [],
): ZarinpalError {
  return new ZarinpalError({
    code,
    message: `Zarinpal${operation ? ` ${operation}` : ''}: ${message}`,
    retryable: false,
    httpStatus: null,
    operation,
    validations,
  });
}

function assertPositiveInteger(operation: ZarinpalOperation, amount: number): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw localError(operation, -9, `amount must be a positive integer, got ${amount}.`, [
      { field: 'amount', message: 'must be a positive integer' },
    ]);
  }
}

function assertNonEmpty(operation: ZarinpalOperation, field: string, value: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw localError(operation, -9, `${field} is required.`, [{ field, message: 'required' }]);
  }
}

/** Checked before calling so that a price mistake never reaches the gateway or the customer. */
function assertRequestInput(input: ZarinpalRequestPaymentInput): void {
  if (input.currency !== 'IRT' && input.currency !== 'IRR') {
    throw localError('request', -9, 'currency must be IRT or IRR.', [
      { field: 'currency', message: 'invalid' },
    ]);
  }
  assertPositiveInteger('request', input.amount);
  const { min, max } = zarinpalAmountLimits(input.currency);
  if (input.amount < min) {
    throw localError('request', -9, `amount ${input.amount} ${input.currency} is below the minimum ${min}.`, [
      { field: 'amount', message: `must be at least ${min} ${input.currency}` },
    ]);
  }
  if (input.amount > max) {
    throw localError('request', -41, `amount ${input.amount} ${input.currency} is over the maximum ${max}.`);
  }
  assertNonEmpty('request', 'merchantId', input.merchantId);
  assertNonEmpty('request', 'description', input.description);
  if (input.description.length > 500) {
    throw localError('request', -9, 'description is longer than 500 characters.', [
      { field: 'description', message: 'at most 500 characters' },
    ]);
  }
  if (!isHttpUrl(input.callbackUrl)) {
    throw localError('request', -9, 'callbackUrl must be an http(s) URL.', [
      { field: 'callbackUrl', message: 'must be an http(s) URL' },
    ]);
  }
}

function compactMetadata(
  metadata: ZarinpalRequestPaymentInput['metadata'],
): { mobile?: string; email?: string; order_id?: string } | null {
  if (!metadata) return null;
  const out: { mobile?: string; email?: string; order_id?: string } = {};
  if (metadata.mobile) out.mobile = metadata.mobile;
  if (metadata.email) out.email = metadata.email;
  if (metadata.orderId) out.order_id = metadata.orderId;
  return Object.keys(out).length > 0 ? out : null;
}

/** Only a masked number may ever be stored or logged; this guards against an unmasked one. */
export function maskCardPan(pan: string | null): string | null {
  if (pan === null) return null;
  const digits = pan.replace(/\D/g, '');
  if (pan.includes('*') || digits.length < 12) return pan;
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function normalizeBaseUrl(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('baseUrl must be http(s)');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function backoffMs(baseMs: number, attemptNo: number): number {
  const ceiling = baseMs * 2 ** (attemptNo - 1);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
