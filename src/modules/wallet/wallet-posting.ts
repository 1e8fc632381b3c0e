import { and, eq } from 'drizzle-orm';
import { bots, type WalletKind, walletTransactions } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';

import { MAX_MONEY } from '../../shared/money.js';
import { warnOnLowBalance } from './low-balance.js';

export type WalletEntry = typeof walletTransactions.$inferSelect;

/** The bots row's wallet columns, locked for the rest of the transaction. */
export interface LockedWallet {
  readonly balance: number;
  readonly wholesalePricePerGb: number;
  readonly trafficSoldBytes: number;
}

export interface WalletPostingInput {
  /** Positive credits, negative debits; integer units of the operator's currency. */
  readonly amount: number;
  readonly kind: WalletKind;
  readonly bytes?: number | undefined;
  readonly orderId?: number | undefined;
  readonly externalRef?: string | undefined;
  readonly reason?: string | undefined;
  readonly createdBy?: number | undefined;
  /** Added to bots.traffic_sold_bytes with the entry (negative for a refunded sale). */
  readonly soldBytesDelta?: number | undefined;
  /**
   * A debit that may end below zero: only the daily consumption charge (traffic already used), down
   * to -MAX_MONEY. Every other debit is refused (`insufficient`) rather than end below zero.
   */
  readonly mayGoNegative?: boolean | undefined;
}

export type WalletPostingResult =
  | { readonly status: 'posted'; readonly entry: WalletEntry; readonly balance: number }
  | { readonly status: 'duplicate'; readonly entry: WalletEntry; readonly balance: number }
  | { readonly status: 'insufficient'; readonly balance: number; readonly missing: number }
  /** The credit would take the wallet above MAX_MONEY; `room` is the most it can still take. */
  | { readonly status: 'over_limit'; readonly balance: number; readonly room: number };

/**
 * Locks the tenant's bots row (row-level security shows a tenant-bound transaction its own row
 * only). The wallet lock comes after the customer's (`postEntry`) in an order's transaction;
 * nothing locks them the other way round. Every wallet posting of a tenant takes this lock first, so postings run one after another
 * and each sees the entries committed before it.
 */
export async function lockWallet(tx: TenantTx): Promise<LockedWallet> {
  const [row] = await tx
    .select({
      balance: bots.walletBalance,
      wholesalePricePerGb: bots.wholesalePricePerGb,
      trafficSoldBytes: bots.trafficSoldBytes,
    })
    .from(bots)
    .where(eq(bots.id, tx.botId))
    // NO KEY UPDATE, not UPDATE: inserts into the tenant's other tables take KEY SHARE on this row
    // (their foreign key to bots) and must not wait for a sale to commit.
    .for('no key update');
  if (!row)
    throw new Error(`tenant ${tx.botId} not found (deleted, or the transaction is bound to another tenant)`);
  return row;
}

export async function findWalletEntryByRef(
  tx: TenantTx,
  externalRef: string,
): Promise<WalletEntry | undefined> {
  const [entry] = await tx
    .select()
    .from(walletTransactions)
    .where(and(eq(walletTransactions.botId, tx.botId), eq(walletTransactions.externalRef, externalRef)));
  return entry;
}

/**
 * Posts one wallet entry inside the caller's transaction, after `lockWallet`. A reference already
 * used answers `duplicate` with the first entry; a debit the balance cannot cover, or a credit that
 * would take it above MAX_MONEY, changes nothing.
 */
export async function postWalletEntry(
  tx: TenantTx,
  wallet: LockedWallet,
  input: WalletPostingInput,
): Promise<WalletPostingResult> {
  // callers inside a transaction skip the service's validation: a fraction or NaN here is a bug
  if (!Number.isSafeInteger(input.amount) || input.amount === 0)
    throw new RangeError(`wallet amount must be a non-zero whole number, not ${input.amount}`);
  if (input.externalRef !== undefined) {
    const existing = await findWalletEntryByRef(tx, input.externalRef);
    if (existing) return { status: 'duplicate', entry: existing, balance: wallet.balance };
  }
  const balance = wallet.balance + input.amount;
  // a credit to a wallet in debt (billed by consumption) is taken and leaves the rest of the debt
  if (balance < 0 && input.amount < 0 && !input.mayGoNegative)
    return { status: 'insufficient', balance: wallet.balance, missing: -balance };
  if (balance < -MAX_MONEY) throw new RangeError(`a wallet debit of ${-input.amount} passes -MAX_MONEY`);
  // exact: a stored balance (<= MAX_MONEY) plus a safe integer only rounds far above MAX_MONEY
  if (balance > MAX_MONEY)
    return { status: 'over_limit', balance: wallet.balance, room: MAX_MONEY - wallet.balance };
  await tx
    .update(bots)
    .set({
      walletBalance: balance,
      trafficSoldBytes: Math.max(0, wallet.trafficSoldBytes + (input.soldBytesDelta ?? 0)),
    })
    .where(eq(bots.id, tx.botId));
  const [entry] = await tx
    .insert(walletTransactions)
    .values({
      botId: tx.botId,
      amount: input.amount,
      balanceAfter: balance,
      kind: input.kind,
      bytes: input.bytes ?? 0,
      orderId: input.orderId ?? null,
      externalRef: input.externalRef ?? null,
      reason: input.reason ?? null,
      createdBy: input.createdBy ?? null,
    })
    .returning();
  // a debit that takes the wallet below the shop's threshold warns its admins, once per crossing
  if (input.amount < 0)
    await warnOnLowBalance(tx, { entryId: entry!.id, before: wallet.balance, after: balance });
  return { status: 'posted', entry: entry!, balance };
}
