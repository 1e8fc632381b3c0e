import type { Language, zarinpalPayments } from '../../../db/schema.js';
import type { TenantDb } from '../../../db/tenant-tx.js';
import type { Clock } from '../../../shared/clock.js';
import type { BotId, CustomerId, OrderId } from '../../../shared/ids.js';
import type { Logger } from '../../../shared/logger.js';
import type { ZarinpalGateways } from '../zarinpal-gateway.js';
import type { ZarinpalProblem } from '../zarinpal-problems.js';

export type ZarinpalPayment = typeof zarinpalPayments.$inferSelect;

export interface ZarinpalSettings {
  readonly gateways: ZarinpalGateways;
  /** PUBLIC_BASE_URL: the customer's browser comes back to `${base}/pay/zarinpal/<payment>`. */
  readonly callbackBaseUrl: string | undefined;
  /** A pending payment is first asked about after this long (default 3 minutes). */
  readonly reconcileAfterMs?: number;
  /** A payment still unpaid after this long is given up (default 60 minutes). */
  readonly expireAfterMs?: number;
}

export interface ZarinpalDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Absent: Zarinpal is not set up in this deployment, every start is refused. */
  readonly settings: ZarinpalSettings | undefined;
}

/** What the use cases share: the service's deps with the defaults applied and the component's logger. */
export interface ZarinpalContext {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly log: Logger;
  readonly settings: ZarinpalSettings | undefined;
  readonly reconcileAfterMs: number;
  readonly expireAfterMs: number;
}

export const zarinpalContext = ({ tenant, clock, logger, settings }: ZarinpalDeps): ZarinpalContext => ({
  tenant,
  clock,
  log: logger.child({ component: 'zarinpal' }),
  settings,
  reconcileAfterMs: settings?.reconcileAfterMs ?? 3 * 60_000,
  expireAfterMs: settings?.expireAfterMs ?? 60 * 60_000,
});

export interface StartInput {
  customerId: CustomerId;
  amount: number;
  orderId: OrderId | null;
  description: string;
  /** The button press: pressing it again finds the same payment. */
  idempotencyKey?: string;
}

export type StartOutcome =
  | { readonly status: 'created'; readonly payment: ZarinpalPayment; readonly payUrl: string }
  /** The same button pressed again while the first press is still asking the gateway. */
  | { readonly status: 'in_progress' }
  | {
      readonly status: 'unavailable';
      readonly reason: 'not_configured' | 'no_merchant' | 'currency';
    }
  | { readonly status: 'amount_out_of_range'; readonly min: number; readonly max: number }
  /** The purchase it was for is no longer waiting for money (paid, cancelled, or not this customer's). */
  | { readonly status: 'order_unavailable' }
  | { readonly status: 'no_customer' }
  | {
      readonly status: 'gateway_error';
      readonly code: number | string;
      readonly problem: ZarinpalProblem;
    };

export interface CallbackInput {
  publicId: string;
  authority: string | undefined;
}

/** What the browser callback page needs to speak to the customer. */
export interface CallbackContext {
  readonly payment: ZarinpalPayment;
  readonly language: Language;
  readonly botUsername: string | null;
  readonly currency: 'IRT' | 'USD' | 'RUB';
}

export type CallbackOutcome =
  | { readonly status: 'not_found' }
  /** The callback named a payment but not its authority: forged or garbled; nothing was asked. */
  | ({ readonly status: 'mismatch' } & CallbackContext)
  | ({ readonly status: 'paid'; readonly creditedNow: boolean } & CallbackContext)
  | ({ readonly status: 'failed'; readonly problem: ZarinpalProblem } & CallbackContext)
  /** Not paid (yet): cancelled at the bank, or a callback that came before the payment. */
  | ({ readonly status: 'not_paid' } & CallbackContext)
  /** The gateway could not say: reconciliation settles it later. */
  | ({ readonly status: 'pending' } & CallbackContext);

export interface ReconcileReport {
  checked: number;
  credited: number;
  failed: number;
  cancelled: number;
  swept: number;
  /** Payments still pending after this run: someone must look again later. */
  pending: number;
}

/** Where one verification left a payment. */
export type Settled =
  | { readonly status: 'paid'; readonly payment: ZarinpalPayment; readonly creditedNow: boolean }
  | { readonly status: 'failed'; readonly payment: ZarinpalPayment; readonly code: number }
  | { readonly status: 'not_paid'; readonly payment: ZarinpalPayment }
  | { readonly status: 'pending'; readonly payment: ZarinpalPayment };

/** The ledger reference of a Zarinpal payment: it can move money once. */
export const zarinpalPaymentRef = (id: number): string => `zarinpal:${id}`;

/** Our unguessable payment id in the callback path: 32 lowercase hex digits. */
export const PUBLIC_ID = /^[0-9a-f]{32}$/;

/** `<tenant id>-<public id>`: the tenant is found from the path, the payment by its unguessable id. */
export const zarinpalCallbackPath = (botId: BotId, publicId: string) => `/pay/zarinpal/${botId}-${publicId}`;

export function parseZarinpalPaymentRef(value: string): { botId: number; publicId: string } | undefined {
  const match = /^(\d{1,15})-([0-9a-f]{32})$/.exec(value);
  if (!match?.[1] || !match[2]) return undefined;
  const botId = Number(match[1]);
  return Number.isSafeInteger(botId) && botId > 0 ? { botId, publicId: match[2] } : undefined;
}
