/**
 * What Zarinpal payments need from the gateway, owned by the business code. The adapter over our
 * HTTP client (src/integrations/zarinpal/payment-gateway.ts) implements it.
 */
export type GatewayCurrency = 'IRT' | 'IRR';

export interface GatewayPaymentRequest {
  readonly merchantId: string;
  /** A positive integer in `currency`: stored as is and sent again, unchanged, to verify. */
  readonly amount: number;
  readonly currency: GatewayCurrency;
  readonly description: string;
  readonly callbackUrl: string;
  readonly orderId?: string | undefined;
}

export type GatewayVerifyResult =
  | {
      readonly kind: 'verified';
      /** The bank reference shown to the customer; the gateway may leave it out on "already verified". */
      readonly refId: string | null;
      /** Masked card number (6 digits, stars, 4 digits): the only form we ever keep. */
      readonly cardPan: string | null;
      readonly alreadyVerified: boolean;
    }
  /** Settled as not paid (or not payable with these values) for good: -50, -51, -53, -54, -55. */
  | { readonly kind: 'failed'; readonly code: number };

/**
 * A call that did not get a usable answer, or an error that says nothing about the payment.
 * `retryable`: the same call may succeed later without any change on our side.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    message: string,
    readonly code: number | string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ZarinpalGateway {
  /** Creates a payment; throws GatewayError (nothing to send the customer to). */
  requestPayment(input: GatewayPaymentRequest): Promise<{ readonly authority: string }>;
  /** Where the customer pays. */
  startPayUrl(authority: string): string;
  /** Only `failed` settles a payment as failed; a thrown GatewayError means "outcome unknown". */
  verifyPayment(input: {
    readonly merchantId: string;
    readonly amount: number;
    readonly authority: string;
  }): Promise<GatewayVerifyResult>;
  /** Paid but not yet verified payments of the merchant (the gateway's last 100). */
  unverified(merchantId: string): Promise<readonly { readonly authority: string; readonly amount: number }[]>;
}

/** Production and sandbox hosts: each tenant chooses with its sandbox switch. */
export interface ZarinpalGateways {
  forMode(sandbox: boolean): ZarinpalGateway;
}

/** Gateway limits, in Toman (1 Toman = 10 Rial): 10,000 Rial to 100,000,000 Toman. */
export const ZARINPAL_MIN_TOMAN = 1_000;
export const ZARINPAL_MAX_TOMAN = 100_000_000;
