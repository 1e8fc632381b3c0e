import { and, eq } from 'drizzle-orm';
import { customers } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { JobDefinition } from '../../jobs/define.js';
import { enqueue } from '../../jobs/enqueue.js';
import { publishPaymentCredited } from '../../shared/metric-events.js';
import type { LedgerEntry } from '../ledger/ledger-service.js';
import { type PayOutcome, payOrder } from '../orders/pay-order.js';
import { queueReferralReward } from '../referral/queue-referral-reward.js';
import { payWaitingResellerPurchase } from '../resellers/pay-waiting.js';
import { creditPayment, type PaymentCredit } from './credit-payment.js';

/**
 * How one kind of payment settles: what each method (card-to-card approval, Zarinpal verification,
 * Telegram Stars, later promo codes and referral rewards) tells `settlePayment` about its own row.
 * `P` is the payload of its notice job, checked against the job's definition.
 */
export interface Settlement<Row, P = never> {
  /**
   * The compare-and-set that makes this transaction the one that settles the payment: marks the
   * row settled only while it is still open (`... WHERE status = 'pending' RETURNING`) and answers
   * it; undefined when another transaction or decision got there first, or there is no such row.
   * A unique violation it raises (a reference the row must not share) aborts the transaction.
   */
  readonly claim: (tx: TenantTx) => Promise<Row | undefined>;
  /** What the claimed payment credits: customer, amount, its unique ledger reference, the order it was for. */
  readonly credit: (payment: Row) => PaymentCredit;
  /** Stores the ledger entry on the row (its `transaction_id`); answers the row as stored. */
  readonly recordEntry: (tx: TenantTx, payment: Row, entry: LedgerEntry) => Promise<Row>;
  /** The method's own changes that commit with the settlement, before the notice (a card's success count). */
  readonly bookkeeping?: (tx: TenantTx, payment: Row) => Promise<void>;
  /** The customer's notice, enqueued in the same transaction (its dedupe key makes it one per payment). */
  readonly notice?: { readonly job: JobDefinition<P>; readonly payload: (payment: Row) => P };
  /** When it settles: the waiting order's paid time and its subscription's new expiry count from it. */
  readonly now: Date;
}

export type SettleOutcome<Row> =
  /** The claim found nothing open: nothing was written. The method says why (already decided, a duplicate...). */
  | { readonly status: 'not_claimed' }
  | {
      readonly status: 'settled';
      /** The row as settled, with its ledger entry. */
      readonly payment: Row;
      readonly entry: LedgerEntry;
      /** False when the ledger already held the reference (the second guard): nothing moved now. */
      readonly creditedNow: boolean;
      /** The customer's balance after the credit and after the waiting purchase took its price. */
      readonly balance: number;
      /** Set when the payment was for an order and credited now: what became of the order. */
      readonly order: PayOutcome | undefined;
    };

/**
 * Settles a confirmed payment inside the caller's transaction, the one way money comes in:
 *
 * 1. `claim`: the conditional status change; only one transaction gets past it.
 * 2. the ledger credit under the payment's unique reference (`creditPayment` → `postEntry`); a
 *    balance that cannot take it throws `MoneyLimitError`, so the caller's transaction rolls back
 *    whole and the payment stays open (each method decides what then: a 409, a later check...).
 * 3. the waiting order is paid from the credited balance (`payOrder`, which queues provisioning),
 *    only when money moved now: a duplicate reference leaves the order alone.
 * 4. the ledger entry is recorded on the payment, the method's bookkeeping done and the customer's
 *    notice enqueued.
 *
 * Everything commits together or not at all, so a crash, a second delivery or a concurrent press
 * never pays twice nor loses a payment.
 */
export async function settlePayment<Row, P = never>(
  tx: TenantTx,
  settlement: Settlement<Row, P>,
): Promise<SettleOutcome<Row>> {
  const claimed = await settlement.claim(tx);
  if (claimed === undefined) return { status: 'not_claimed' };
  const credit = settlement.credit(claimed);
  const posting = await creditPayment(tx, credit);
  const order =
    posting.status === 'posted' && credit.orderId != null
      ? await payOrder(tx, credit.orderId, settlement.now)
      : undefined;
  // a reseller plan or a shop's wallet credit waiting for this money (the master shop) takes it now
  if (posting.status === 'posted' && credit.orderId == null && (credit.kind ?? 'topup') === 'topup')
    await payWaitingResellerPurchase(tx, credit.customerId, settlement.now);
  // money the customer paid in earns their inviter's rewards: queued with it, paid by a job
  if (posting.status === 'posted' && (credit.kind ?? 'topup') === 'topup')
    await queueReferralReward(tx, {
      customerId: credit.customerId,
      amount: credit.amount,
      paymentRef: credit.externalRef,
    });
  const payment = await settlement.recordEntry(tx, claimed, posting.entry);
  await settlement.bookkeeping?.(tx, payment);
  if (settlement.notice) await enqueue(tx, settlement.notice.job, settlement.notice.payload(payment));
  // counted for GET /metrics (before the commit: a rare rollback after this point still counts)
  if (posting.status === 'posted') publishPaymentCredited(credit.externalRef, credit.kind ?? 'topup');
  const [customer] = await tx
    .select({ balance: customers.balance })
    .from(customers)
    .where(and(eq(customers.botId, tx.botId), eq(customers.id, credit.customerId)));
  return {
    status: 'settled',
    payment,
    entry: posting.entry,
    creditedNow: posting.status === 'posted',
    balance: customer?.balance ?? posting.balance,
    order,
  };
}
