import type { ReceiptAdminMessage } from '../../db/schema.js';
import type { CustomerId } from '../../shared/ids.js';
import { approvePayment } from './card-to-card/approve-payment.js';
import type {
  CardPayment,
  CardPaymentId,
  CardPaymentStats,
  CardPaymentStatus,
  CardPaymentsDeps,
  DecisionOutcome,
  Reviewer,
  SubmitInput,
  SubmitOutcome,
} from './card-to-card/card-payment.js';
import {
  appendAdminMessage,
  countCardPaymentsByStatus,
  findCardPaymentsByCustomer,
  findPendingCardPayments,
  getCardPayment,
  getCardPaymentByTrackingNumber,
} from './card-to-card/card-payment-repository.js';
import { expireStaleReceipts } from './card-to-card/expire-stale-receipts.js';
import { rejectPayment } from './card-to-card/reject-payment.js';
import { submitReceipt } from './card-to-card/submit-receipt.js';

export type {
  ApiReviewer,
  CardPayment,
  CardPaymentId,
  CardPaymentStats,
  CardPaymentStatus,
  CardPaymentsDeps,
  DecisionOutcome,
  ReceiptFile,
  ReceiptInput,
  Reviewer,
  SubmitInput,
  SubmitOutcome,
} from './card-to-card/card-payment.js';
export { apiReviewer, asCardPaymentId, cardPaymentRef } from './card-to-card/card-payment.js';

/**
 * Card-to-card payments of one tenant: the customer transfers to one of the tenant's cards and sends
 * a receipt; an admin approves (the balance is credited once, the waiting purchase completed) or
 * rejects it; unreviewed receipts expire. Every decision is a conditional update from `pending`,
 * so concurrent presses decide once; the ledger's unique reference is the second guard. The use
 * cases live in ./card-to-card/, one file each; their queries in its repository.
 */
export function createCardPaymentsService(deps: CardPaymentsDeps) {
  const { tenant } = deps;
  return {
    /**
     * Records a receipt as a pending payment with a fresh tracking number and queues it for the
     * admins. A receipt image seen before (in this shop or another) is flagged, not refused: the
     * admins decide.
     */
    submit(input: SubmitInput): Promise<SubmitOutcome> {
      return submitReceipt(deps, input);
    },

    get(id: CardPaymentId): Promise<CardPayment | undefined> {
      return tenant.transaction((tx) => getCardPayment(tx, id));
    },

    getByTrackingNumber(trackingNumber: string): Promise<CardPayment | undefined> {
      return tenant.transaction((tx) => getCardPaymentByTrackingNumber(tx, trackingNumber));
    },

    /** Receipts waiting for an admin, oldest first. */
    findPending(limit = 50): Promise<CardPayment[]> {
      return tenant.transaction((tx) => findPendingCardPayments(tx, limit));
    },

    findByCustomer(customerId: CustomerId, limit = 20): Promise<CardPayment[]> {
      return tenant.transaction((tx) => findCardPaymentsByCustomer(tx, customerId, limit));
    },

    /** How a customer's card payments ended so far, for the admins' details view. */
    statsForCustomer(customerId: CustomerId): Promise<CardPaymentStats> {
      return tenant.transaction((tx) => countCardPaymentsByStatus(tx, customerId));
    },

    /**
     * Approves a pending payment through `settlePayment`: the status flips (only from pending), the
     * customer is credited once, the waiting purchase is paid, the card's success counted and the
     * outcome queued for the customer and the admins, in one transaction.
     */
    approve(
      id: CardPaymentId,
      reviewer: Reviewer,
      pressed?: ReceiptAdminMessage | null,
    ): Promise<DecisionOutcome> {
      return approvePayment(deps, id, reviewer, pressed);
    },

    /** Rejects a pending payment, with an optional reason the customer is shown; counts the card's failure. */
    reject(
      id: CardPaymentId,
      reviewer: Reviewer,
      reason: string | null,
      pressed?: ReceiptAdminMessage | null,
    ): Promise<DecisionOutcome> {
      return rejectPayment(deps, id, reviewer, reason, pressed);
    },

    /** Expires the receipts still pending after the tenant's `receipt_expiry_hours`; each customer is told. */
    expireStale(): Promise<CardPayment[]> {
      return expireStaleReceipts(deps);
    },

    /**
     * Remembers one receipt message shown to the admins, so the decision can be written onto it.
     * Answers the payment's status as of that moment: the row lock orders this against a decision,
     * so when it says "decided" the outcome job may have missed this message and the caller
     * updates it itself.
     */
    addAdminMessage(id: CardPaymentId, message: ReceiptAdminMessage): Promise<CardPaymentStatus | undefined> {
      return tenant.transaction((tx) => appendAdminMessage(tx, id, message));
    },
  };
}

export type CardPaymentsService = ReturnType<typeof createCardPaymentsService>;
