import { and, asc, count, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { bots, customers, zarinpalPayments } from '../../../db/schema.js';
import type { TenantTx } from '../../../db/tenant-tx.js';
import type { CustomerId, LedgerEntryId } from '../../../shared/ids.js';
import type { ZarinpalPayment } from './zarinpal-payment.js';

/** The queries of Zarinpal payments, each inside the caller's tenant transaction. */

export type NewZarinpalPayment = Omit<typeof zarinpalPayments.$inferInsert, 'botId'>;

/** A payment given up as unpaid that the gateway verifies was paid late: it is still credited. */
const OPEN = ['pending', 'cancelled'] as const;

const byId = (tx: TenantTx, id: number) =>
  and(eq(zarinpalPayments.botId, tx.botId), eq(zarinpalPayments.id, id));
const pendingById = (tx: TenantTx, id: number) => and(byId(tx, id), eq(zarinpalPayments.status, 'pending'));

export async function getZarinpalPayment(tx: TenantTx, id: number): Promise<ZarinpalPayment | undefined> {
  const [row] = await tx.select().from(zarinpalPayments).where(byId(tx, id));
  return row;
}

export async function getZarinpalPaymentByPublicId(
  tx: TenantTx,
  publicId: string,
): Promise<ZarinpalPayment | undefined> {
  const [row] = await tx
    .select()
    .from(zarinpalPayments)
    .where(and(eq(zarinpalPayments.botId, tx.botId), eq(zarinpalPayments.publicId, publicId)));
  return row;
}

/** The payment with what its callback page needs: the customer's language, the bot, the currency. */
export async function getZarinpalPaymentForCallback(tx: TenantTx, publicId: string) {
  const [row] = await tx
    .select({
      payment: zarinpalPayments,
      language: customers.language,
      username: bots.username,
      currency: bots.currency,
    })
    .from(zarinpalPayments)
    .innerJoin(
      customers,
      and(eq(customers.botId, zarinpalPayments.botId), eq(customers.id, zarinpalPayments.customerId)),
    )
    .innerJoin(bots, eq(bots.id, zarinpalPayments.botId))
    .where(and(eq(zarinpalPayments.botId, tx.botId), eq(zarinpalPayments.publicId, publicId)));
  return row;
}

export async function getZarinpalPaymentByIdempotencyKey(
  tx: TenantTx,
  idempotencyKey: string,
): Promise<ZarinpalPayment | undefined> {
  const [row] = await tx
    .select()
    .from(zarinpalPayments)
    .where(and(eq(zarinpalPayments.botId, tx.botId), eq(zarinpalPayments.idempotencyKey, idempotencyKey)));
  return row;
}

/** A customer's payments, newest first. */
export function findZarinpalPaymentsByCustomer(
  tx: TenantTx,
  customerId: CustomerId,
  limit: number,
): Promise<ZarinpalPayment[]> {
  return tx
    .select()
    .from(zarinpalPayments)
    .where(and(eq(zarinpalPayments.botId, tx.botId), eq(zarinpalPayments.customerId, customerId)))
    .orderBy(sql`${zarinpalPayments.id} desc`)
    .limit(limit);
}

/** Pending payments whose next check is due, the longest waiting first. */
export function findDueZarinpalPayments(tx: TenantTx, now: Date, limit: number): Promise<ZarinpalPayment[]> {
  return tx
    .select()
    .from(zarinpalPayments)
    .where(
      and(
        eq(zarinpalPayments.botId, tx.botId),
        eq(zarinpalPayments.status, 'pending'),
        lte(zarinpalPayments.nextCheckAt, now),
      ),
    )
    .orderBy(asc(zarinpalPayments.nextCheckAt))
    .limit(limit);
}

/** The terminals (merchant, sandbox) of payments since `since` that the gateway may list as unverified. */
export function findOpenTerminals(
  tx: TenantTx,
  since: Date,
): Promise<{ merchantId: string; sandbox: boolean }[]> {
  return tx
    .selectDistinct({ merchantId: zarinpalPayments.merchantId, sandbox: zarinpalPayments.sandbox })
    .from(zarinpalPayments)
    .where(
      and(
        eq(zarinpalPayments.botId, tx.botId),
        inArray(zarinpalPayments.status, OPEN),
        isNotNull(zarinpalPayments.authority),
        gt(zarinpalPayments.createdAt, since),
      ),
    );
}

/** Our open payments among these authorities (another tenant sharing the merchant id has its own, invisible here). */
export function findOpenByAuthorities(tx: TenantTx, authorities: string[]): Promise<ZarinpalPayment[]> {
  return tx
    .select()
    .from(zarinpalPayments)
    .where(
      and(
        eq(zarinpalPayments.botId, tx.botId),
        inArray(zarinpalPayments.authority, authorities),
        inArray(zarinpalPayments.status, OPEN),
      ),
    );
}

export async function countPendingZarinpalPayments(tx: TenantTx): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(zarinpalPayments)
    .where(and(eq(zarinpalPayments.botId, tx.botId), eq(zarinpalPayments.status, 'pending')));
  return row?.n ?? 0;
}

/** The tenant's Zarinpal terminal and currency, from its own row. */
export async function getTenantTerminal(tx: TenantTx) {
  const [row] = await tx
    .select({
      merchantId: bots.zarinpalMerchantId,
      sandbox: bots.zarinpalSandbox,
      currency: bots.currency,
    })
    .from(bots)
    .where(eq(bots.id, tx.botId));
  return row;
}

export async function insertZarinpalPayment(
  tx: TenantTx,
  values: NewZarinpalPayment,
): Promise<ZarinpalPayment> {
  const [row] = await tx
    .insert(zarinpalPayments)
    .values({ ...values, botId: tx.botId })
    .returning();
  return row!;
}

export async function storeAuthority(
  tx: TenantTx,
  id: number,
  authority: string,
  now: Date,
): Promise<ZarinpalPayment | undefined> {
  const [row] = await tx
    .update(zarinpalPayments)
    .set({ authority, updatedAt: now })
    .where(byId(tx, id))
    .returning();
  return row;
}

/** The gateway refused to open the payment: failed while still pending. */
export async function markRequestFailed(
  tx: TenantTx,
  id: number,
  failureCode: number | null,
  now: Date,
): Promise<void> {
  await tx
    .update(zarinpalPayments)
    .set({ status: 'failed', failureCode, nextCheckAt: null, updatedAt: now })
    .where(pendingById(tx, id));
}

/** Asked once more without an answer: counts the check and sets the next one, while still pending. */
export async function recordCheck(tx: TenantTx, id: number, nextCheckAt: Date, now: Date): Promise<void> {
  await tx
    .update(zarinpalPayments)
    .set({ checkCount: sql`${zarinpalPayments.checkCount} + 1`, nextCheckAt, updatedAt: now })
    .where(pendingById(tx, id));
}

/**
 * Marks the payment paid only while it is open (pending, or cancelled and now verified as paid
 * late): the one winner among the callback, reconciliation and the sweep. A `refId` another
 * payment holds raises `zarinpal_payments_ref_id_key`.
 */
export async function markPaid(
  tx: TenantTx,
  id: number,
  paid: { readonly refId: string | null; readonly cardPanMasked: string | null },
  now: Date,
): Promise<ZarinpalPayment | undefined> {
  const [row] = await tx
    .update(zarinpalPayments)
    .set({
      status: 'paid',
      refId: paid.refId,
      cardPanMasked: paid.cardPanMasked,
      failureCode: null,
      paidAt: now,
      nextCheckAt: null,
      updatedAt: now,
    })
    .where(and(byId(tx, id), inArray(zarinpalPayments.status, OPEN)))
    .returning();
  return row;
}

/** Settles a pending payment as failed (`failed`) or given up (`cancelled`). */
export async function markUnpaid(
  tx: TenantTx,
  id: number,
  status: 'failed' | 'cancelled',
  code: number,
  now: Date,
): Promise<ZarinpalPayment | undefined> {
  const [row] = await tx
    .update(zarinpalPayments)
    .set({ status, failureCode: code, nextCheckAt: null, updatedAt: now })
    .where(pendingById(tx, id))
    .returning();
  return row;
}

/** Links the payment to the ledger entry that credited it. */
export async function setZarinpalPaymentTransaction(
  tx: TenantTx,
  id: number,
  entryId: LedgerEntryId,
): Promise<ZarinpalPayment | undefined> {
  const [row] = await tx
    .update(zarinpalPayments)
    .set({ transactionId: entryId })
    .where(byId(tx, id))
    .returning();
  return row;
}
