import { and, asc, count, desc, eq, lt, sql } from 'drizzle-orm';
import { cardToCardPayments, type ReceiptAdminMessage, tenantPaymentCards } from '../../../db/schema.js';
import type { TenantTx } from '../../../db/tenant-tx.js';
import type { CardId, CustomerId, LedgerEntryId } from '../../../shared/ids.js';
import {
  type CardPayment,
  type CardPaymentId,
  type CardPaymentStats,
  type CardPaymentStatus,
  type Reviewer,
  truncate,
} from './card-payment.js';

/** The queries of card-to-card payments, each inside the caller's tenant transaction. */

type Row = typeof cardToCardPayments.$inferSelect;
export type NewCardPayment = Omit<typeof cardToCardPayments.$inferInsert, 'botId'>;

const MAX_NAME = 200;

const asPayment = (row: Row) => row as CardPayment;
const byId = (tx: TenantTx, id: number) =>
  and(eq(cardToCardPayments.botId, tx.botId), eq(cardToCardPayments.id, id));
const pendingById = (tx: TenantTx, id: number) => and(byId(tx, id), eq(cardToCardPayments.status, 'pending'));

/** The columns a decision writes about its reviewer: a Telegram id, or the kind of API token. */
const reviewerColumns = (reviewer: Reviewer) => ({
  reviewedBy: 'api' in reviewer ? null : reviewer.telegramId,
  reviewedByApi: 'api' in reviewer ? reviewer.api : null,
  reviewerName: truncate(reviewer.name, MAX_NAME),
});

export async function getCardPayment(tx: TenantTx, id: CardPaymentId): Promise<CardPayment | undefined> {
  const [row] = await tx.select().from(cardToCardPayments).where(byId(tx, id));
  return row ? asPayment(row) : undefined;
}

export async function getCardPaymentByTrackingNumber(
  tx: TenantTx,
  trackingNumber: string,
): Promise<CardPayment | undefined> {
  const [row] = await tx
    .select()
    .from(cardToCardPayments)
    .where(
      and(eq(cardToCardPayments.botId, tx.botId), eq(cardToCardPayments.trackingNumber, trackingNumber)),
    );
  return row ? asPayment(row) : undefined;
}

/** The payment recorded from a Telegram update, when that update was handled before. */
export async function getCardPaymentBySourceUpdate(
  tx: TenantTx,
  sourceUpdateId: number,
): Promise<CardPayment | undefined> {
  const [row] = await tx
    .select()
    .from(cardToCardPayments)
    .where(
      and(eq(cardToCardPayments.botId, tx.botId), eq(cardToCardPayments.sourceUpdateId, sourceUpdateId)),
    );
  return row ? asPayment(row) : undefined;
}

/** Receipts waiting for an admin, oldest first. */
export async function findPendingCardPayments(tx: TenantTx, limit: number): Promise<CardPayment[]> {
  const rows = await tx
    .select()
    .from(cardToCardPayments)
    .where(and(eq(cardToCardPayments.botId, tx.botId), eq(cardToCardPayments.status, 'pending')))
    .orderBy(asc(cardToCardPayments.createdAt), asc(cardToCardPayments.id))
    .limit(limit);
  return rows.map(asPayment);
}

/** A customer's payments, newest first. */
export async function findCardPaymentsByCustomer(
  tx: TenantTx,
  customerId: CustomerId,
  limit: number,
): Promise<CardPayment[]> {
  const rows = await tx
    .select()
    .from(cardToCardPayments)
    .where(and(eq(cardToCardPayments.botId, tx.botId), eq(cardToCardPayments.customerId, customerId)))
    .orderBy(desc(cardToCardPayments.id))
    .limit(limit);
  return rows.map(asPayment);
}

export async function countCardPaymentsByStatus(
  tx: TenantTx,
  customerId: CustomerId,
): Promise<CardPaymentStats> {
  const rows = await tx
    .select({ status: cardToCardPayments.status, n: count() })
    .from(cardToCardPayments)
    .where(and(eq(cardToCardPayments.botId, tx.botId), eq(cardToCardPayments.customerId, customerId)))
    .groupBy(cardToCardPayments.status);
  const stats = { pending: 0, approved: 0, rejected: 0, expired: 0 };
  for (const row of rows) stats[row.status] = Number(row.n);
  return stats;
}

/** The first payment of this tenant whose receipt is the same image, if any. */
export async function findFirstPaymentWithImage(tx: TenantTx, fileUniqueId: string): Promise<number | null> {
  const [earlier] = await tx
    .select({ id: cardToCardPayments.id })
    .from(cardToCardPayments)
    .where(
      and(eq(cardToCardPayments.botId, tx.botId), eq(cardToCardPayments.receiptFileUniqueId, fileUniqueId)),
    )
    .orderBy(asc(cardToCardPayments.id))
    .limit(1);
  return earlier?.id ?? null;
}

/** A yes or no about other tenants, nothing more (migrations/0004_card_payments.sql). */
export async function isReceiptSeenElsewhere(tx: TenantTx, fileUniqueId: string): Promise<boolean> {
  const seen = await tx.execute(sql`select receipt_seen_elsewhere(${fileUniqueId}) as seen`);
  return (seen as unknown as { rows: { seen: boolean }[] }).rows[0]?.seen === true;
}

/** The card's id while it exists (a card may be deleted between showing it and the receipt). */
export async function findCardId(tx: TenantTx, cardId: CardId): Promise<number | null> {
  const [card] = await tx
    .select({ id: tenantPaymentCards.id })
    .from(tenantPaymentCards)
    .where(and(eq(tenantPaymentCards.botId, tx.botId), eq(tenantPaymentCards.id, cardId)));
  return card?.id ?? null;
}

export async function insertCardPayment(tx: TenantTx, values: NewCardPayment): Promise<CardPayment> {
  const [row] = await tx
    .insert(cardToCardPayments)
    .values({ ...values, botId: tx.botId })
    .returning();
  return asPayment(row!);
}

/** Approves the payment only while it is pending: the one winner among concurrent decisions. */
export async function approvePendingCardPayment(
  tx: TenantTx,
  id: CardPaymentId,
  reviewer: Reviewer,
  now: Date,
): Promise<CardPayment | undefined> {
  const [row] = await tx
    .update(cardToCardPayments)
    .set({ status: 'approved', ...reviewerColumns(reviewer), reviewedAt: now, updatedAt: now })
    .where(pendingById(tx, id))
    .returning();
  return row ? asPayment(row) : undefined;
}

/** Rejects the payment only while it is pending, like the approval. */
export async function rejectPendingCardPayment(
  tx: TenantTx,
  id: CardPaymentId,
  reviewer: Reviewer,
  reason: string | null,
  now: Date,
): Promise<CardPayment | undefined> {
  const [row] = await tx
    .update(cardToCardPayments)
    .set({
      status: 'rejected',
      ...reviewerColumns(reviewer),
      reviewedAt: now,
      rejectReason: reason,
      updatedAt: now,
    })
    .where(pendingById(tx, id))
    .returning();
  return row ? asPayment(row) : undefined;
}

/** Expires the payments still pending that were sent before `cutoff`. */
export async function expirePendingCardPayments(
  tx: TenantTx,
  cutoff: Date,
  now: Date,
): Promise<CardPayment[]> {
  const rows = await tx
    .update(cardToCardPayments)
    .set({ status: 'expired', reviewedAt: now, updatedAt: now })
    .where(
      and(
        eq(cardToCardPayments.botId, tx.botId),
        eq(cardToCardPayments.status, 'pending'),
        lt(cardToCardPayments.createdAt, cutoff),
      ),
    )
    .returning();
  return rows.map(asPayment);
}

/** Links the payment to the ledger entry that credited it. */
export async function setCardPaymentTransaction(
  tx: TenantTx,
  id: CardPaymentId,
  entryId: LedgerEntryId,
): Promise<CardPayment | undefined> {
  const [row] = await tx
    .update(cardToCardPayments)
    .set({ transactionId: entryId })
    .where(byId(tx, id))
    .returning();
  return row ? asPayment(row) : undefined;
}

/** The card's success or failure, counted with the decision (what `weighted` rotation learns from). */
export async function countCardOutcome(
  tx: TenantTx,
  cardId: number | null,
  outcome: 'success' | 'failure',
  now: Date,
): Promise<void> {
  if (cardId === null) return;
  await tx
    .update(tenantPaymentCards)
    .set(
      outcome === 'success'
        ? { successCount: sql`${tenantPaymentCards.successCount} + 1`, updatedAt: now }
        : { failureCount: sql`${tenantPaymentCards.failureCount} + 1`, updatedAt: now },
    )
    .where(and(eq(tenantPaymentCards.botId, tx.botId), eq(tenantPaymentCards.id, cardId)));
}

/** Appends one admin message to the payment; answers its status as of that moment (the row lock orders it). */
export async function appendAdminMessage(
  tx: TenantTx,
  id: CardPaymentId,
  message: ReceiptAdminMessage,
): Promise<CardPaymentStatus | undefined> {
  const [row] = await tx
    .update(cardToCardPayments)
    .set({
      adminMessages: sql`${cardToCardPayments.adminMessages} || ${JSON.stringify([message])}::jsonb`,
    })
    .where(byId(tx, id))
    .returning({ status: cardToCardPayments.status });
  return row?.status;
}
