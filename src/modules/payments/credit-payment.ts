import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId, OrderId } from '../../shared/ids.js';
import { MoneyLimitError } from '../../shared/money.js';
import { type PostingResult, postEntry } from '../ledger/ledger-service.js';
import { type PayOutcome, payOrder } from '../orders/pay-order.js';

export interface PaymentCredit {
  readonly customerId: CustomerId;
  /** Positive, in the tenant's currency units. */
  readonly amount: number;
  /** Unique per payment (e.g. `c2c:<id>`, `zarinpal:<id>`, `stars:<charge id>`): money moves once. */
  readonly externalRef: string;
  readonly reason?: string;
  /** The admin who approved it, when a person did. */
  readonly createdBy?: number;
  /** The purchase this payment was made for: paid in the same transaction once the money is in. */
  readonly orderId?: OrderId | null;
}

export interface PaymentCreditResult {
  readonly posting: Exclude<PostingResult, { readonly status: 'over_limit' }>;
  /** Set when the payment was for an order: what became of it (paid, still short, already paid...). */
  readonly order?: PayOutcome;
}

/**
 * Credits a confirmed payment inside the caller's transaction (the one that marks the payment
 * paid), then completes the purchase it was made for. A duplicate reference credits nothing and
 * leaves the order alone; the caller's conditional status update is the first guard, this the second.
 *
 * A balance that cannot take the payment without passing MAX_MONEY throws `MoneyLimitError`: the
 * money was paid, so rather than mark the payment settled with nothing credited, the caller's whole
 * transaction rolls back and the payment stays as it was, to be credited once the balance has room.
 */
export async function creditPayment(
  tx: TenantTx,
  credit: PaymentCredit,
  now: Date,
): Promise<PaymentCreditResult> {
  const posting = await postEntry(tx, {
    customerId: credit.customerId,
    amount: credit.amount,
    kind: 'topup',
    reason: credit.reason,
    externalRef: credit.externalRef,
    createdBy: credit.createdBy,
  });
  if (posting.status === 'over_limit') throw new MoneyLimitError(posting.balance, credit.amount);
  if (posting.status !== 'posted' || credit.orderId == null) return { posting };
  return { posting, order: await payOrder(tx, credit.orderId, now) };
}
