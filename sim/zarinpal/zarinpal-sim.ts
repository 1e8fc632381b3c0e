import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An in-process Zarinpal v4 gateway for tests and local demos. It keeps payments in memory,
 * speaks the real JSON shapes over real HTTP, and lets a test decide how the customer's visit to
 * StartPay ends and which faults the next calls meet. It is deliberately independent of our
 * client code so that a bug in the client cannot be mirrored here and hidden.
 */

export type SimOutcome = 'OK' | 'NOK';
export type SimEndpoint = 'request' | 'verify' | 'inquiry' | 'unverified' | 'reverse';
export type SimCurrency = 'IRR' | 'IRT';
export type SimPaymentStatus = 'created' | 'paid' | 'failed' | 'verified' | 'reversed';

export interface SimPayment {
  authority: string;
  merchantId: string;
  /** The number exactly as requested, in `currency`. */
  amount: number;
  currency: SimCurrency;
  /** False when the request omitted `currency` (the gateway then assumes Rial). */
  currencySent: boolean;
  amountRial: number;
  description: string;
  callbackUrl: string;
  metadata: Record<string, unknown>;
  status: SimPaymentStatus;
  feeType: 'Merchant';
  fee: number;
  createdAt: Date;
  paidAt: Date | null;
  verifiedAt: Date | null;
  reversedAt: Date | null;
  refId: number | null;
  cardPan: string | null;
  cardHash: string | null;
  referer: string | null;
  /** Verify calls by the owning merchant, whatever their answer. */
  verifyCount: number;
}

/** What a fault does to a matching API call. */
export type SimFaultAction =
  /** Answer with a gateway error envelope; `httpStatus` defaults to the sim's error status. */
  | { type: 'error'; code: number; httpStatus?: number; message?: string }
  /** Answer with a bare HTTP status and a non-JSON body, like a proxy in front of the gateway. */
  | { type: 'http'; status: number; body?: string }
  /** Wait, then handle the call normally. */
  | { type: 'delay'; ms: number }
  /** Never answer (until `close()`); nothing is processed. */
  | { type: 'hang' }
  /** Process the call (state changes happen) but never answer: the caller times out. */
  | { type: 'commit-then-timeout' }
  /** Destroy the connection without an answer: the caller sees a network error. */
  | { type: 'drop' };

export type SimFault = SimFaultAction & {
  /** Which endpoint the fault applies to; `'*'` (default) matches every API endpoint. */
  endpoint?: SimEndpoint | '*';
  /** How many matching calls it affects; omitted = until removed or `clearFaults()`. */
  times?: number;
};

export interface SimCall {
  endpoint: SimEndpoint;
  body: unknown;
  at: Date;
  /** The fault applied to this call, if any. */
  fault: SimFaultAction['type'] | null;
  /** HTTP status sent, or null when no answer was sent (hang, drop, commit-then-timeout). */
  httpStatus: number | null;
  /** `data.code` or `errors.code` of the answer, when one was sent. */
  code: number | null;
}

export interface ZarinpalSimOptions {
  port?: number;
  host?: string;
  /** Sandbox authorities start with `S`, production ones with `A`. */
  sandbox?: boolean;
  /** Valid merchant ids; by default any UUID is accepted, as the sandbox does. */
  merchants?: string[];
  /**
   * HTTP status used for gateway errors that no fault overrides. The real gateway answers errors
   * with 200 or with a 4xx, so the default mixes both: 422 for validation (-9), 200 otherwise.
   */
  errorHttpStatus?: number | ((code: number) => number);
  /** False simulates a terminal without a registered server IP: reverse answers -62. */
  reverseAllowed?: boolean;
}

export interface ZarinpalSim {
  baseUrl: string;
  close(): Promise<void>;
  /** How StartPay ends when nothing more specific was chosen (initially `'OK'`). */
  setDefaultOutcome(outcome: SimOutcome): void;
  setOutcome(authority: string, outcome: SimOutcome): void;
  /**
   * Does what the customer's visit to StartPay does (pay or cancel) and returns the callback URL
   * the browser would be sent to, without fetching it.
   */
  pay(authority: string, opts?: { outcome?: SimOutcome; referer?: string }): string;
  payments(): SimPayment[];
  getPayment(authority: string): SimPayment | undefined;
  /** Adds a fault; returns a function removing it. */
  addFault(fault: SimFault): () => void;
  clearFaults(): void;
  calls(endpoint?: SimEndpoint): SimCall[];
  /** Moves the sim's clock forward (for the 30-minute reverse window). */
  advanceTime(ms: number): void;
  now(): Date;
}

const API_PREFIX = '/pg/v4/payment/';
const ENDPOINT_BY_FILE: Readonly<Record<string, SimEndpoint>> = {
  'request.json': 'request',
  'verify.json': 'verify',
  'inquiry.json': 'inquiry',
  'unverified.json': 'unverified',
  'reverse.json': 'reverse',
};

const MIN_AMOUNT_RIAL = 10_000;
const MAX_AMOUNT_RIAL = 1_000_000_000; // 100,000,000 Toman
const REVERSE_WINDOW_MS = 30 * 60_000;
const UNVERIFIED_LIMIT = 100;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUTHORITY_RE = /^[AS][0-9a-zA-Z]{35}$/;
const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

// English messages as the real gateway words them (spelling included), so the client is tested
// against what it will really read rather than against our own table.
const GATEWAY_MESSAGES: Readonly<Record<number, string>> = {
  [-9]: 'The input params invalid, validation error.',
  [-10]: 'Terminal is not valid, please check merchant_id or ip address.',
  [-11]: 'Terminal is not active, please contact our support team.',
  [-12]: 'To many attempts, please try again later.',
  [-13]: 'terminal limit reached.',
  [-14]: 'The callback URL domain does not match the registered terminal domain.',
  [-15]: 'Terminal user is suspend : (please contact our support team).',
  [-16]: 'Terminal user level is not valid : ( please contact our support team).',
  [-17]: 'Terminal user level is not valid : ( please contact our support team).',
  [-41]: 'Maximum amount is 100,000,000 tomans.',
  [-50]: 'Session is not valid, amounts values is not the same.',
  [-51]: 'Session is not valid, session is not active paid try.',
  [-52]: 'Oops!!, please contact our support team',
  [-53]: 'Session is not this merchant_id session',
  [-54]: 'Invalid authority.',
  [-55]: 'Manual payment request not found.',
  [-60]: 'Session can not be reversed with bank.',
  [-61]: 'Session is not in success status.',
  [-62]: 'Terminal ip limit most be active.',
  [-63]: 'Maximum time for reverse this session is expired.',
};

interface Reply {
  status: number;
  body: unknown;
}

type Validations = Array<Record<string, string>>;

interface ActiveFault {
  fault: SimFault;
  remaining: number;
}

export async function startZarinpalSim(opts: ZarinpalSimOptions = {}): Promise<ZarinpalSim> {
  const prefix = opts.sandbox ? 'S' : 'A';
  const merchants = opts.merchants ? new Set(opts.merchants.map((m) => m.toLowerCase())) : null;
  const reverseAllowed = opts.reverseAllowed ?? true;
  const store = new Map<string, SimPayment>();
  const outcomes = new Map<string, SimOutcome>();
  const callLog: SimCall[] = [];
  let faults: ActiveFault[] = [];
  let defaultOutcome: SimOutcome = 'OK';
  let clockOffsetMs = 0;
  let authorityCounter = 0;
  let nextRefId = 50_000_000 + randomInt(1_000_000);
  let closed = false;
  const pendingTimers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  const now = (): Date => new Date(Date.now() + clockOffsetMs);

  const errorStatus = (code: number): number => {
    const configured = opts.errorHttpStatus;
    if (typeof configured === 'number') return configured;
    if (typeof configured === 'function') return configured(code);
    return code === -9 ? 422 : 200;
  };

  const gatewayError = (
    code: number,
    validations: Validations = [],
    httpStatus?: number,
    message?: string,
  ) => ({
    status: httpStatus ?? errorStatus(code),
    body: {
      data: [],
      errors: {
        code,
        message: message ?? GATEWAY_MESSAGES[code] ?? 'Unknown error.',
        validations,
      },
    },
  });

  const ok = (data: Record<string, unknown>, code = 100, message = 'Success'): Reply => ({
    status: 200,
    body: { data: { code, message, ...data }, errors: [] },
  });

  const newAuthority = (): string => {
    authorityCounter += 1;
    const counter = authorityCounter.toString(36).padStart(25, '0');
    const bytes = randomBytes(10);
    let tail = '';
    for (const byte of bytes) tail += ALPHANUMERIC[byte % ALPHANUMERIC.length];
    return `${prefix}${counter}${tail}`;
  };

  const isKnownMerchant = (merchantId: string): boolean =>
    merchants === null ? UUID_RE.test(merchantId) : merchants.has(merchantId.toLowerCase());

  // --- field readers: they return the value or push a validation message, like the gateway's -9.

  const readString = (body: Record<string, unknown>, field: string, v: Validations, maxLength?: number) => {
    const value = body[field];
    if (typeof value !== 'string' || value.trim() === '') {
      v.push({ [field]: `The ${field} field is required.` });
      return null;
    }
    if (maxLength !== undefined && value.length > maxLength) {
      v.push({ [field]: `The ${field} may not be greater than ${maxLength} characters.` });
      return null;
    }
    return value;
  };

  const readMerchant = (body: Record<string, unknown>, v: Validations) => {
    const merchantId = readString(body, 'merchant_id', v);
    if (merchantId !== null && !UUID_RE.test(merchantId)) {
      v.push({ merchant_id: 'The merchant id must be 36 characters.' });
      return null;
    }
    return merchantId;
  };

  // The gateway (PHP behind it) accepts numeric strings as well as numbers.
  const readAmount = (body: Record<string, unknown>, v: Validations) => {
    const raw = body.amount;
    const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      v.push({ amount: 'The amount must be an integer.' });
      return null;
    }
    return value;
  };

  /** Common prologue of calls that name a payment: validation, merchant, ownership. */
  const findOwnPayment = (body: Record<string, unknown>, v: Validations): SimPayment | Reply => {
    const merchantId = readMerchant(body, v);
    const authority = readString(body, 'authority', v);
    if (v.length > 0 || merchantId === null || authority === null) return gatewayError(-9, v);
    if (!isKnownMerchant(merchantId)) return gatewayError(-10);
    // A malformed authority is "invalid" just like an unknown one, not a validation error.
    const payment = AUTHORITY_RE.test(authority) ? store.get(authority) : undefined;
    if (!payment) return gatewayError(-54);
    if (payment.merchantId.toLowerCase() !== merchantId.toLowerCase()) return gatewayError(-53);
    return payment;
  };

  const isReply = (value: SimPayment | Reply): value is Reply => 'body' in value && 'status' in value;

  const handleRequest = (body: Record<string, unknown>): Reply => {
    const v: Validations = [];
    const merchantId = readMerchant(body, v);
    const amount = readAmount(body, v);
    const description = readString(body, 'description', v, 500);
    const callbackUrl = readString(body, 'callback_url', v);
    if (callbackUrl !== null && !isHttpUrl(callbackUrl))
      v.push({ callback_url: 'The callback url format is invalid.' });
    let currency: SimCurrency = 'IRR';
    const currencySent = body.currency !== undefined && body.currency !== null;
    if (currencySent) {
      if (body.currency === 'IRR' || body.currency === 'IRT') currency = body.currency;
      else v.push({ currency: 'The selected currency is invalid.' });
    }
    const amountRial = amount === null ? null : currency === 'IRT' ? amount * 10 : amount;
    if (amountRial !== null && amountRial < MIN_AMOUNT_RIAL) {
      v.push({ amount: 'The amount must be at least 10000 Rial (1000 Toman).' });
    }
    const metadata = body.metadata;
    if (
      metadata !== undefined &&
      metadata !== null &&
      (typeof metadata !== 'object' || Array.isArray(metadata))
    ) {
      // An empty PHP array serialises as [], which the gateway tolerates.
      if (!(Array.isArray(metadata) && metadata.length === 0))
        v.push({ metadata: 'The metadata must be an object.' });
    }
    if (
      v.length > 0 ||
      merchantId === null ||
      amount === null ||
      amountRial === null ||
      description === null ||
      callbackUrl === null
    ) {
      return gatewayError(-9, v);
    }
    if (!isKnownMerchant(merchantId)) return gatewayError(-10);
    if (amountRial > MAX_AMOUNT_RIAL) return gatewayError(-41);

    const authority = newAuthority();
    const fee = Math.floor(amount / 100);
    store.set(authority, {
      authority,
      merchantId,
      amount,
      currency,
      currencySent,
      amountRial,
      description,
      callbackUrl,
      metadata: metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? { ...metadata } : {},
      status: 'created',
      feeType: 'Merchant',
      fee,
      createdAt: now(),
      paidAt: null,
      verifiedAt: null,
      reversedAt: null,
      refId: null,
      cardPan: null,
      cardHash: null,
      referer: null,
      verifyCount: 0,
    });
    return ok({ authority, fee_type: 'Merchant', fee });
  };

  const verifiedData = (p: SimPayment) => ({
    card_hash: p.cardHash,
    card_pan: p.cardPan,
    ref_id: p.refId,
    fee_type: p.feeType,
    fee: p.fee,
  });

  const handleVerify = (body: Record<string, unknown>): Reply => {
    const v: Validations = [];
    const amount = readAmount(body, v);
    const found = findOwnPayment(body, v);
    if (isReply(found)) return found;
    const payment = found;
    payment.verifyCount += 1;
    // A reversed payment's money went back to the customer: it must never be credited.
    if (payment.status === 'created' || payment.status === 'failed' || payment.status === 'reversed') {
      return gatewayError(-51);
    }
    // The amount is read in the currency of the request, so the very same number must be sent.
    if (amount !== payment.amount) return gatewayError(-50);
    if (payment.status === 'verified') return ok(verifiedData(payment), 101, 'Verified');
    payment.status = 'verified';
    payment.verifiedAt = now();
    return ok(verifiedData(payment), 100, 'Paid');
  };

  const handleInquiry = (body: Record<string, unknown>): Reply => {
    const found = findOwnPayment(body, []);
    if (isReply(found)) return found;
    const status = {
      created: 'IN_BANK',
      paid: 'PAID',
      failed: 'FAILED',
      verified: 'VERIFIED',
      reversed: 'REVERSED',
    }[found.status];
    return ok({ status });
  };

  const handleUnverified = (body: Record<string, unknown>): Reply => {
    const v: Validations = [];
    const merchantId = readMerchant(body, v);
    if (v.length > 0 || merchantId === null) return gatewayError(-9, v);
    if (!isKnownMerchant(merchantId)) return gatewayError(-10);
    const authorities = [...store.values()]
      .filter((p) => p.status === 'paid' && p.merchantId.toLowerCase() === merchantId.toLowerCase())
      .sort((a, b) => (b.paidAt?.getTime() ?? 0) - (a.paidAt?.getTime() ?? 0))
      .slice(0, UNVERIFIED_LIMIT)
      .map((p) => ({
        authority: p.authority,
        amount: p.amount,
        callback_url: p.callbackUrl,
        referer: p.referer,
        date: formatGatewayDate(p.paidAt ?? p.createdAt),
      }));
    return ok({ authorities });
  };

  const handleReverse = (body: Record<string, unknown>): Reply => {
    const found = findOwnPayment(body, []);
    if (isReply(found)) return found;
    const payment = found;
    if (!reverseAllowed) return gatewayError(-62);
    // Money was taken from the customer only once the payment is paid (verified or not).
    if ((payment.status !== 'paid' && payment.status !== 'verified') || payment.paidAt === null) {
      return gatewayError(-61);
    }
    if (now().getTime() - payment.paidAt.getTime() > REVERSE_WINDOW_MS) return gatewayError(-63);
    payment.status = 'reversed';
    payment.reversedAt = now();
    return ok({}, 100, 'Reversed');
  };

  const handlers: Record<SimEndpoint, (body: Record<string, unknown>) => Reply> = {
    request: handleRequest,
    verify: handleVerify,
    inquiry: handleInquiry,
    unverified: handleUnverified,
    reverse: handleReverse,
  };

  const resolveOutcome = (authority: string, explicit?: SimOutcome | null): SimOutcome =>
    explicit ?? outcomes.get(authority) ?? defaultOutcome;

  /** The customer's visit to StartPay: the first visit decides, later ones only repeat it. */
  const completeVisit = (payment: SimPayment, outcome: SimOutcome, referer: string | null): string => {
    if (payment.status === 'created') {
      if (outcome === 'OK') {
        payment.status = 'paid';
        payment.paidAt = now();
        payment.refId = nextRefId++;
        payment.cardPan = `502229******${String(randomInt(10_000)).padStart(4, '0')}`;
        payment.cardHash = createHash('sha256').update(payment.authority).digest('hex').toUpperCase();
      } else {
        payment.status = 'failed';
      }
      payment.referer = referer;
    }
    const status: SimOutcome = payment.status === 'paid' || payment.status === 'verified' ? 'OK' : 'NOK';
    const url = new URL(payment.callbackUrl);
    url.searchParams.set('Authority', payment.authority);
    url.searchParams.set('Status', status);
    return url.toString();
  };

  const takeFault = (endpoint: SimEndpoint): SimFaultAction | null => {
    const active = faults.find((f) => (f.fault.endpoint ?? '*') === '*' || f.fault.endpoint === endpoint);
    if (!active) return null;
    active.remaining -= 1;
    if (active.remaining <= 0) faults = faults.filter((f) => f !== active);
    return active.fault;
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          pendingTimers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      pendingTimers.add(entry);
    });

  const send = (res: ServerResponse, reply: Reply, call: SimCall): void => {
    call.httpStatus = reply.status;
    call.code = replyCode(reply.body);
    const json = JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  };

  const handleApi = async (
    endpoint: SimEndpoint,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    const raw = await readBody(req);
    let parsed: unknown = raw;
    let isJson = false;
    try {
      parsed = JSON.parse(raw);
      isJson = true;
    } catch {
      // Kept as text in the log; answered with -9 below.
    }
    const call: SimCall = { endpoint, body: parsed, at: now(), fault: null, httpStatus: null, code: null };
    callLog.push(call);

    const fault = takeFault(endpoint);
    call.fault = fault?.type ?? null;
    switch (fault?.type) {
      case 'hang':
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'error':
        send(res, gatewayError(fault.code, [], fault.httpStatus, fault.message), call);
        return;
      case 'http': {
        call.httpStatus = fault.status;
        const text = fault.body ?? `<html><body><h1>${fault.status}</h1></body></html>`;
        res.writeHead(fault.status, { 'content-type': 'text/html' });
        res.end(text);
        return;
      }
      case 'delay':
        await sleep(fault.ms);
        if (closed) return;
        break;
      default:
        break;
    }

    const body =
      isJson && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
    const reply = body
      ? handlers[endpoint](body as Record<string, unknown>)
      : gatewayError(-9, [{ body: 'The request body must be a JSON object.' }]);
    if (fault?.type === 'commit-then-timeout') {
      call.code = replyCode(reply.body);
      return;
    }
    send(res, reply, call);
  };

  const handleStartPay = (authority: string, url: URL, req: IncomingMessage, res: ServerResponse): void => {
    const payment = store.get(authority);
    if (!payment) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Invalid authority</body></html>');
      return;
    }
    const param = url.searchParams.get('outcome');
    const explicit = param === 'OK' || param === 'NOK' ? param : null;
    const referer = typeof req.headers.referer === 'string' ? req.headers.referer : null;
    const location = completeVisit(payment, resolveOutcome(authority, explicit), referer);
    res.writeHead(302, { location, 'content-length': 0 });
    res.end();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const path = url.pathname;
    const startPay = /^\/pg\/StartPay\/([^/]+)(?:\/ZarinGate)?\/?$/.exec(path);
    if (req.method === 'GET' && startPay?.[1]) {
      // Authorities are alphanumeric: anything needing decoding is simply unknown.
      handleStartPay(startPay[1], url, req, res);
      return;
    }
    const endpoint = path.startsWith(API_PREFIX)
      ? ENDPOINT_BY_FILE[path.slice(API_PREFIX.length).toLowerCase()]
      : undefined;
    if (req.method === 'POST' && endpoint) {
      handleApi(endpoint, req, res).catch(() => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('sim error');
        }
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Not Found' }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const baseUrl = `http://${host}:${address.port}`;

  const requirePayment = (authority: string): SimPayment => {
    const payment = store.get(authority);
    if (!payment) throw new Error(`zarinpal sim: unknown authority ${authority}`);
    return payment;
  };

  return {
    baseUrl,
    async close() {
      if (closed) return;
      closed = true;
      for (const entry of pendingTimers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      pendingTimers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging requests would otherwise keep close() waiting forever.
      server.closeAllConnections();
      await done;
    },
    setDefaultOutcome(outcome) {
      defaultOutcome = outcome;
    },
    setOutcome(authority, outcome) {
      outcomes.set(authority, outcome);
    },
    pay(authority, payOpts = {}) {
      const payment = requirePayment(authority);
      return completeVisit(payment, resolveOutcome(authority, payOpts.outcome), payOpts.referer ?? null);
    },
    payments: () => [...store.values()].map(clonePayment),
    getPayment(authority) {
      const payment = store.get(authority);
      return payment ? clonePayment(payment) : undefined;
    },
    addFault(fault) {
      const active: ActiveFault = { fault, remaining: fault.times ?? Number.POSITIVE_INFINITY };
      faults.push(active);
      return () => {
        faults = faults.filter((f) => f !== active);
      };
    },
    clearFaults() {
      faults = [];
    },
    calls: (endpoint) =>
      callLog.filter((c) => endpoint === undefined || c.endpoint === endpoint).map((c) => ({ ...c })),
    advanceTime(ms) {
      clockOffsetMs += ms;
    },
    now,
  };
}

function clonePayment(p: SimPayment): SimPayment {
  return { ...p, metadata: { ...p.metadata } };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function replyCode(body: unknown): number | null {
  if (body === null || typeof body !== 'object') return null;
  const { data, errors } = body as { data?: unknown; errors?: unknown };
  for (const part of [errors, data]) {
    if (part && typeof part === 'object' && 'code' in part && typeof part.code === 'number') return part.code;
  }
  return null;
}

/** `YYYY-MM-DD HH:mm:ss` in UTC; the real gateway's time zone for this field is not documented. */
function formatGatewayDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
