export interface ZarinpalErrorInfo {
  message: string;
  /** True when the same call may succeed later without any change on our side. */
  retryable: boolean;
}

/**
 * Every error code the gateway documents, with our own English wording: the gateway's messages
 * are terse and misspelt, and these end up in operator alerts. The gateway's original message is
 * kept on the error as `gatewayMessage`.
 */
export const ZARINPAL_ERRORS: Readonly<Record<number, ZarinpalErrorInfo>> = {
  [-9]: { message: 'Validation error: the request parameters were rejected.', retryable: false },
  [-10]: {
    message: 'Invalid terminal: wrong merchant id, or this server IP is not allowed.',
    retryable: false,
  },
  [-11]: {
    message: 'The terminal is not active; the merchant must contact Zarinpal support.',
    retryable: false,
  },
  [-12]: { message: 'Too many attempts in a short time; try again later.', retryable: true },
  [-13]: { message: 'The terminal has reached its transaction limit.', retryable: false },
  [-14]: {
    message: 'The callback URL domain differs from the domain registered for the terminal.',
    retryable: false,
  },
  [-15]: {
    message: 'The terminal is suspended; the merchant must contact Zarinpal support.',
    retryable: false,
  },
  [-16]: { message: 'The merchant verification level is too low (below silver).', retryable: false },
  [-17]: { message: 'The merchant is restricted at the blue verification level.', retryable: false },
  [-41]: { message: 'The amount is over the maximum of 100,000,000 Toman.', retryable: false },
  [-50]: { message: 'The verify amount differs from the amount of the payment request.', retryable: false },
  [-51]: { message: 'The payment was not completed (unpaid, cancelled or failed).', retryable: false },
  [-52]: { message: 'Unexpected gateway error; try again later.', retryable: true },
  [-53]: { message: 'The authority belongs to another merchant.', retryable: false },
  [-54]: { message: 'Invalid authority.', retryable: false },
  [-55]: { message: 'Payment request not found.', retryable: false },
  [-60]: { message: 'The bank refused to reverse this payment.', retryable: false },
  [-61]: { message: 'Only a successful payment can be reversed.', retryable: false },
  [-62]: { message: 'Reverse needs the server IP to be registered for the terminal.', retryable: false },
  [-63]: { message: 'The 30-minute window to reverse this payment has passed.', retryable: false },
};

/**
 * Verify codes that settle a payment as failed for good. Any other error on verify (a merchant or
 * terminal problem, say) says nothing about the payment, which must then stay pending.
 */
export const ZARINPAL_VERIFY_FAILURE_CODES: ReadonlySet<number> = new Set([-50, -51, -53, -54, -55]);

/** Conditions that have no gateway code: the call never got a usable answer. */
export type ZarinpalTransportCode = 'TIMEOUT' | 'NETWORK' | 'HTTP' | 'BAD_RESPONSE';
export type ZarinpalErrorCode = number | ZarinpalTransportCode;
export type ZarinpalOperation = 'request' | 'verify' | 'inquiry' | 'unverified' | 'reverse';

export interface ZarinpalValidation {
  field: string;
  message: string;
}

export interface ZarinpalErrorInit {
  code: ZarinpalErrorCode;
  message: string;
  retryable: boolean;
  /** Null when no HTTP answer arrived or the error was raised before calling. */
  httpStatus: number | null;
  operation: ZarinpalOperation | null;
  gatewayMessage?: string | null;
  validations?: ZarinpalValidation[];
  cause?: unknown;
}

export class ZarinpalError extends Error {
  override readonly name: string = 'ZarinpalError';
  readonly code: ZarinpalErrorCode;
  readonly retryable: boolean;
  readonly httpStatus: number | null;
  readonly operation: ZarinpalOperation | null;
  readonly gatewayMessage: string | null;
  readonly validations: ZarinpalValidation[];

  constructor(init: ZarinpalErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.retryable = init.retryable;
    this.httpStatus = init.httpStatus;
    this.operation = init.operation;
    this.gatewayMessage = init.gatewayMessage ?? null;
    this.validations = init.validations ?? [];
  }
}

/**
 * A transient condition (-12, -52, 5xx, network error, timeout) that outlived the client's own
 * retries. For verify it means "outcome unknown": keep the payment pending and try again later.
 */
export class ZarinpalRetryableError extends ZarinpalError {
  override readonly name: string = 'ZarinpalRetryableError';
  /** How many HTTP attempts were made before giving up. */
  readonly attempts: number;

  constructor(init: Omit<ZarinpalErrorInit, 'retryable'> & { attempts: number }) {
    super({ ...init, retryable: true });
    this.attempts = init.attempts;
  }
}

export function describeZarinpalCode(code: number): ZarinpalErrorInfo {
  return ZARINPAL_ERRORS[code] ?? { message: `Unknown Zarinpal error code ${code}.`, retryable: false };
}
