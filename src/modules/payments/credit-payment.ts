import type { LedgerKind } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId, OrderId } from '../../shared/ids.js';
import { MoneyLimitError } from '../../shared/money.js';
import { type PostingResult, postEntry } from '../ledger/ledger-service.js';

/** The ledger kinds money coming in from outside the shop is posted as. */
export type CreditKind = Extract<LedgerKind, 'topup' | 'promo' | 'referral_bonus'>;

export interface PaymentCredit {
  readonly customerId: CustomerId;
  /** Positive, in the tenant's currency units. */
  readonly amount: number;
  /** Unique per payment (e.g. `c2c:<id>`, `zarinpal:<id>`, `stars:<charge id>`): money moves once. */
  readonly externalRef: string;
  /** Default `topup`: money the customer paid. */
  readonly kind?: CreditKind;
  readonly reason?: string;
  /** The admin who approved it, when a person did. */
  readonly createdBy?: number;
  /** The purchase this payment was made for: paid in the same transaction once the money is in. */
  readonly orderId?: OrderId | null;
}

/** `posted`: credited now; `duplicate`: the reference was credited before, nothing moved this time. */
export type PaymentCreditResult = Extract<PostingResult, { readonly status: 'posted' | 'duplicate' }>;

/**
 * Credits a confirmed payment inside the caller's transaction (the one that marks the payment
 * paid). A duplicate reference credits nothing; the caller's conditional status update is the
 * first guard, this the second.
 *
 * A balance that cannot take the payment without passing MAX_MONEY throws `MoneyLimitError`: the
 * money was paid, so rather than mark the payment settled with nothing credited, the caller's whole
 * transaction rolls back and the payment stays as it was, to be credited once the balance has room.
 */
export async function creditPayment(tx: TenantTx, credit: PaymentCredit): Promise<PaymentCreditResult> {
  const posting = await postEntry(tx, {
    customerId: credit.customerId,
    amount: credit.amount,
    kind: credit.kind ?? 'topup',
    reason: credit.reason,
    externalRef: credit.externalRef,
    createdBy: credit.createdBy,
  });
  if (posting.status === 'over_limit') throw new MoneyLimitError(posting.balance, credit.amount);
  if (posting.status === 'insufficient' || posting.status === 'no_customer') {
    // A credit cannot be short of money, and a payment row goes with its customer (ON DELETE
    // CASCADE) while the caller's claim holds it: this is a bug, not a state to settle into.
    throw new Error(`payment ${credit.externalRef} could not be credited: ${posting.status}`);
  }
  return posting;
}
