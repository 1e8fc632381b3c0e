import type { cardToCardPayments } from '../../../db/schema.js';
import type { TenantDb } from '../../../db/tenant-tx.js';
import type { Clock } from '../../../shared/clock.js';
import type { Brand, CardId, CustomerId, OrderId } from '../../../shared/ids.js';
import type { PayOutcome } from '../../orders/pay-order.js';
import type { SettingsService } from '../../settings/settings-service.js';

export type CardPaymentId = Brand<number, 'CardPaymentId'>;
export const asCardPaymentId = (value: number): CardPaymentId => value as CardPaymentId;

export type CardPayment = typeof cardToCardPayments.$inferSelect & { readonly id: CardPaymentId };
export type CardPaymentStatus = CardPayment['status'];

/** The ledger reference of a card payment: it can move money once. */
export const cardPaymentRef = (id: number): string => `c2c:${id}`;

export interface ReceiptFile {
  readonly kind: 'photo' | 'document';
  /** Valid only for this tenant's bot: used to show the receipt to its admins. */
  readonly fileId: string;
  /** The same for every bot: recognises an image sent before, here or in another shop. */
  readonly fileUniqueId: string;
}

export interface ReceiptInput {
  /** The message text, or the caption of the photo or document. */
  readonly text?: string | undefined;
  readonly file?: ReceiptFile | undefined;
}

export interface SubmitInput {
  readonly customerId: CustomerId;
  readonly amount: number;
  /** The card the customer was shown; null when it was deleted meanwhile. */
  readonly cardId: CardId | null;
  /** The purchase this payment is for; kept only while it still waits for money. */
  readonly orderId?: OrderId | null | undefined;
  readonly receipt: ReceiptInput;
  /**
   * The Telegram update that carried the receipt: the same update handled again (after a crash)
   * finds the payment it recorded the first time instead of filing a second one.
   */
  readonly sourceUpdateId?: number | undefined;
}

export type SubmitOutcome =
  | { readonly status: 'submitted'; readonly payment: CardPayment }
  | { readonly status: 'invalid'; readonly reason: 'amount' | 'receipt' }
  | { readonly status: 'no_customer' };

/** Who decides a payment: an admin pressing a button in the bot, or a caller of the management API. */
export type Reviewer =
  | {
      readonly telegramId: number;
      /** As Telegram shows the admin, for the decision line on the receipt. */
      readonly name: string;
    }
  | {
      /** Which API token decided: the operator's or the bot's own. No Telegram user is behind it. */
      readonly api: ApiReviewer;
      /** For the decision line on the receipt. */
      readonly name: string;
    };

export type ApiReviewer = 'operator' | 'tenant';

/** A decision through the management REST API, as the receipt's decision line names it. */
export const apiReviewer = (token: ApiReviewer): Reviewer => ({
  api: token,
  name: token === 'operator' ? 'API (operator token)' : 'API (shop token)',
});

export type DecisionOutcome =
  | {
      readonly status: 'approved';
      readonly payment: CardPayment;
      /** The customer's balance after the credit (and after the waiting purchase, when it was paid). */
      readonly balance: number;
      readonly order?: PayOutcome | undefined;
    }
  | { readonly status: 'rejected'; readonly payment: CardPayment }
  /** Decided (or expired) before: nothing changed. */
  | { readonly status: 'already'; readonly payment: CardPayment }
  | { readonly status: 'not_found' };

export interface CardPaymentStats {
  readonly pending: number;
  readonly approved: number;
  readonly rejected: number;
  readonly expired: number;
}

export interface CardPaymentsDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
}

export const truncate = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;
