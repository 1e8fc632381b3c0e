import { randomInt } from 'node:crypto';
import { and, asc, count, desc, eq, lt, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import {
  cardToCardPayments,
  customers,
  type ReceiptAdminMessage,
  tenantPaymentCards,
} from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { cardPaymentDecided, cardReceiptForward } from '../../jobs/definitions/card-payments.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import type { Brand, CardId, CustomerId, OrderId } from '../../shared/ids.js';
import type { PayOutcome } from '../orders/pay-order.js';
import type { SettingsService } from '../settings/settings-service.js';
import { isAwaitingOrder } from './awaiting-order.js';
import { creditPayment } from './credit-payment.js';
import { MAX_PAYMENT_AMOUNT } from './top-up.js';

export type CardPaymentId = Brand<number, 'CardPaymentId'>;
export const asCardPaymentId = (value: number): CardPaymentId => value as CardPaymentId;

export type CardPayment = typeof cardToCardPayments.$inferSelect & { readonly id: CardPaymentId };
export type CardPaymentStatus = CardPayment['status'];

/** The ledger reference of a card payment: it can move money once. */
export const cardPaymentRef = (id: number): string => `c2c:${id}`;

const MAX_RECEIPT_TEXT = 2000;
const MAX_REASON = 500;
const MAX_NAME = 200;

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

/** Ten digits, not starting with 0: easy to read out to support, hard to guess. */
const newTrackingNumber = () => `${randomInt(1, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The columns a decision writes about its reviewer: a Telegram id, or the kind of API token. */
const reviewerColumns = (reviewer: Reviewer) => ({
  reviewedBy: 'api' in reviewer ? null : reviewer.telegramId,
  reviewedByApi: 'api' in reviewer ? reviewer.api : null,
  reviewerName: truncate(reviewer.name, MAX_NAME),
});

/**
 * Card-to-card payments of one tenant: the customer transfers to one of the tenant's cards and sends
 * a receipt; an admin approves (the balance is credited once, the waiting purchase completed) or
 * rejects it; unreviewed receipts expire. Every decision is a conditional update from `pending`,
 * so concurrent presses decide once; the ledger's unique reference is the second guard.
 */
export function createCardPaymentsService({ tenant, clock, settings }: CardPaymentsDeps) {
  const { botId } = tenant;
  const byId = (id: CardPaymentId) => and(eq(cardToCardPayments.botId, botId), eq(cardToCardPayments.id, id));
  const asPayment = (row: typeof cardToCardPayments.$inferSelect) => row as CardPayment;

  const select = async (tx: TenantTx, id: CardPaymentId) => {
    const [row] = await tx.select().from(cardToCardPayments).where(byId(id));
    return row ? asPayment(row) : undefined;
  };

  const decided = async (tx: TenantTx, id: CardPaymentId): Promise<DecisionOutcome> => {
    const current = await select(tx, id);
    return current ? { status: 'already', payment: current } : { status: 'not_found' };
  };

  /** `pressed`: the admin message the deciding press rewrites itself, which the job leaves alone. */
  const announce = (tx: TenantTx, id: number, pressed?: ReceiptAdminMessage | null) =>
    enqueue(tx, cardPaymentDecided, {
      paymentId: id,
      ...(pressed ? { pressed: { chatId: pressed.chatId, messageId: pressed.messageId } } : {}),
    });

  /** The card's success or failure, counted with the decision (what `weighted` rotation learns from). */
  const countOutcome = async (tx: TenantTx, cardId: number | null, outcome: 'success' | 'failure') => {
    if (cardId === null) return;
    await tx
      .update(tenantPaymentCards)
      .set(
        outcome === 'success'
          ? { successCount: sql`${tenantPaymentCards.successCount} + 1`, updatedAt: clock.now() }
          : { failureCount: sql`${tenantPaymentCards.failureCount} + 1`, updatedAt: clock.now() },
      )
      .where(and(eq(tenantPaymentCards.botId, botId), eq(tenantPaymentCards.id, cardId)));
  };

  const insert = (input: SubmitInput, text: string | null) =>
    tenant.transaction(async (tx): Promise<SubmitOutcome> => {
      const [customer] = await tx
        .select({ id: customers.id })
        .from(customers)
        .where(and(eq(customers.botId, botId), eq(customers.id, input.customerId)));
      if (!customer) return { status: 'no_customer' };
      if (input.sourceUpdateId !== undefined) {
        const [recorded] = await tx
          .select()
          .from(cardToCardPayments)
          .where(
            and(
              eq(cardToCardPayments.botId, botId),
              eq(cardToCardPayments.sourceUpdateId, input.sourceUpdateId),
            ),
          );
        if (recorded) return { status: 'submitted', payment: asPayment(recorded) };
      }
      // paid or cancelled meanwhile: the money still reaches the balance
      const orderId =
        input.orderId != null && (await isAwaitingOrder(tx, input.customerId, input.orderId))
          ? input.orderId
          : null;
      let cardId: number | null = null;
      if (input.cardId !== null) {
        const [card] = await tx
          .select({ id: tenantPaymentCards.id })
          .from(tenantPaymentCards)
          .where(and(eq(tenantPaymentCards.botId, botId), eq(tenantPaymentCards.id, input.cardId)));
        cardId = card?.id ?? null;
      }
      const file = input.receipt.file;
      let duplicateOf: number | null = null;
      let reusedElsewhere = false;
      if (file) {
        const [earlier] = await tx
          .select({ id: cardToCardPayments.id })
          .from(cardToCardPayments)
          .where(
            and(
              eq(cardToCardPayments.botId, botId),
              eq(cardToCardPayments.receiptFileUniqueId, file.fileUniqueId),
            ),
          )
          .orderBy(asc(cardToCardPayments.id))
          .limit(1);
        duplicateOf = earlier?.id ?? null;
        // a yes or no about other tenants, nothing more (migrations/0004_card_payments.sql)
        const seen = await tx.execute(sql`select receipt_seen_elsewhere(${file.fileUniqueId}) as seen`);
        reusedElsewhere = (seen as unknown as { rows: { seen: boolean }[] }).rows[0]?.seen === true;
      }
      const [row] = await tx
        .insert(cardToCardPayments)
        .values({
          botId,
          customerId: input.customerId,
          cardId,
          orderId,
          amount: input.amount,
          trackingNumber: newTrackingNumber(),
          receiptType: file && text ? 'both' : file ? 'image' : 'text',
          receiptText: text,
          receiptFileId: file?.fileId ?? null,
          receiptFileUniqueId: file?.fileUniqueId ?? null,
          receiptFileKind: file?.kind ?? null,
          duplicateOf,
          reusedElsewhere,
          sourceUpdateId: input.sourceUpdateId ?? null,
        })
        .returning();
      const payment = asPayment(row!);
      await enqueue(tx, cardReceiptForward, { paymentId: payment.id });
      return { status: 'submitted', payment };
    });

  return {
    /**
     * Records a receipt as a pending payment with a fresh tracking number and queues it for the
     * admins. A receipt image seen before (in this shop or another) is flagged, not refused: the
     * admins decide.
     */
    async submit(input: SubmitInput): Promise<SubmitOutcome> {
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > MAX_PAYMENT_AMOUNT) {
        return { status: 'invalid', reason: 'amount' };
      }
      const raw = input.receipt.text?.trim();
      const text = raw ? truncate(raw, MAX_RECEIPT_TEXT) : null;
      if (!text && !input.receipt.file) return { status: 'invalid', reason: 'receipt' };
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await insert(input, text);
        } catch (error) {
          // ten random digits collided with an earlier payment of this tenant: draw again
          if (attempt < 5 && isUniqueViolation(error, 'card_to_card_payments_bot_id_tracking_number_key'))
            continue;
          // the same update handled at once by two processes: the other recorded it, and it is found
          if (attempt < 5 && isUniqueViolation(error, 'card_to_card_payments_source_update')) continue;
          throw error;
        }
      }
    },

    async get(id: CardPaymentId): Promise<CardPayment | undefined> {
      return tenant.transaction((tx) => select(tx, id));
    },

    async getByTrackingNumber(trackingNumber: string): Promise<CardPayment | undefined> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .select()
          .from(cardToCardPayments)
          .where(
            and(eq(cardToCardPayments.botId, botId), eq(cardToCardPayments.trackingNumber, trackingNumber)),
          ),
      );
      return row ? asPayment(row) : undefined;
    },

    /** Receipts waiting for an admin, oldest first. */
    async findPending(limit = 50): Promise<CardPayment[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(cardToCardPayments)
          .where(and(eq(cardToCardPayments.botId, botId), eq(cardToCardPayments.status, 'pending')))
          .orderBy(asc(cardToCardPayments.createdAt), asc(cardToCardPayments.id))
          .limit(limit),
      );
      return rows.map(asPayment);
    },

    async findByCustomer(customerId: CustomerId, limit = 20): Promise<CardPayment[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(cardToCardPayments)
          .where(and(eq(cardToCardPayments.botId, botId), eq(cardToCardPayments.customerId, customerId)))
          .orderBy(desc(cardToCardPayments.id))
          .limit(limit),
      );
      return rows.map(asPayment);
    },

    /** How a customer's card payments ended so far, for the admins' details view. */
    async statsForCustomer(customerId: CustomerId): Promise<CardPaymentStats> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select({ status: cardToCardPayments.status, n: count() })
          .from(cardToCardPayments)
          .where(and(eq(cardToCardPayments.botId, botId), eq(cardToCardPayments.customerId, customerId)))
          .groupBy(cardToCardPayments.status),
      );
      const stats = { pending: 0, approved: 0, rejected: 0, expired: 0 };
      for (const row of rows) stats[row.status] = Number(row.n);
      return stats;
    },

    /**
     * Approves a pending payment: in one transaction the status flips (only from pending), the
     * customer is credited under the payment's unique reference, the waiting purchase is paid (which
     * queues its provisioning), the card's success is counted and the outcome is queued for the
     * customer and the admins. Any number of concurrent approvals credit once, whether they come
     * from admins in the bot or through the management API (both call this).
     */
    async approve(
      id: CardPaymentId,
      reviewer: Reviewer,
      pressed?: ReceiptAdminMessage | null,
    ): Promise<DecisionOutcome> {
      const now = clock.now();
      return tenant.transaction(async (tx): Promise<DecisionOutcome> => {
        const [flipped] = await tx
          .update(cardToCardPayments)
          .set({
            status: 'approved',
            ...reviewerColumns(reviewer),
            reviewedAt: now,
            updatedAt: now,
          })
          .where(and(byId(id), eq(cardToCardPayments.status, 'pending')))
          .returning();
        if (!flipped) return decided(tx, id);
        const credit = await creditPayment(
          tx,
          {
            customerId: flipped.customerId as CustomerId,
            amount: flipped.amount,
            externalRef: cardPaymentRef(flipped.id),
            reason: `card-to-card ${flipped.trackingNumber}`,
            ...('api' in reviewer ? {} : { createdBy: reviewer.telegramId }),
            orderId: flipped.orderId as OrderId | null,
          },
          now,
        );
        const posting = credit.posting;
        if (posting.status !== 'posted' && posting.status !== 'duplicate') {
          // a credit cannot be short of money; a missing customer would have taken the payment with it
          throw new Error(`card payment ${flipped.id} could not be credited: ${posting.status}`);
        }
        const [payment] = await tx
          .update(cardToCardPayments)
          .set({ transactionId: posting.entry.id })
          .where(byId(id))
          .returning();
        await countOutcome(tx, flipped.cardId, 'success');
        await announce(tx, flipped.id, pressed);
        const [customer] = await tx
          .select({ balance: customers.balance })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.id, flipped.customerId)));
        return {
          status: 'approved',
          payment: asPayment(payment!),
          balance: customer?.balance ?? posting.balance,
          order: credit.order,
        };
      });
    },

    /** Rejects a pending payment, with an optional reason the customer is shown; counts the card's failure. */
    async reject(
      id: CardPaymentId,
      reviewer: Reviewer,
      reason: string | null,
      pressed?: ReceiptAdminMessage | null,
    ): Promise<DecisionOutcome> {
      const now = clock.now();
      const cleaned = reason?.trim() ? truncate(reason.trim(), MAX_REASON) : null;
      return tenant.transaction(async (tx): Promise<DecisionOutcome> => {
        const [payment] = await tx
          .update(cardToCardPayments)
          .set({
            status: 'rejected',
            ...reviewerColumns(reviewer),
            reviewedAt: now,
            rejectReason: cleaned,
            updatedAt: now,
          })
          .where(and(byId(id), eq(cardToCardPayments.status, 'pending')))
          .returning();
        if (!payment) return decided(tx, id);
        await countOutcome(tx, payment.cardId, 'failure');
        await announce(tx, payment.id, pressed);
        return { status: 'rejected', payment: asPayment(payment) };
      });
    },

    /**
     * Expires the receipts still pending after the tenant's `receipt_expiry_hours`; each customer
     * is told (queued in the same transaction). The card's counts are left alone: nobody judged it.
     */
    async expireStale(): Promise<CardPayment[]> {
      const hours = await settings.get('receipt_expiry_hours');
      const now = clock.now();
      const cutoff = new Date(now.getTime() - hours * 3_600_000);
      return tenant.transaction(async (tx) => {
        const rows = await tx
          .update(cardToCardPayments)
          .set({ status: 'expired', reviewedAt: now, updatedAt: now })
          .where(
            and(
              eq(cardToCardPayments.botId, botId),
              eq(cardToCardPayments.status, 'pending'),
              lt(cardToCardPayments.createdAt, cutoff),
            ),
          )
          .returning();
        for (const row of rows) await announce(tx, row.id);
        return rows.map(asPayment);
      });
    },

    /**
     * Remembers one receipt message shown to the admins, so the decision can be written onto it.
     * Answers the payment's status as of that moment: the row lock orders this against a decision,
     * so when it says "decided" the outcome job may have missed this message and the caller
     * updates it itself.
     */
    async addAdminMessage(
      id: CardPaymentId,
      message: ReceiptAdminMessage,
    ): Promise<CardPaymentStatus | undefined> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .update(cardToCardPayments)
          .set({
            adminMessages: sql`${cardToCardPayments.adminMessages} || ${JSON.stringify([message])}::jsonb`,
          })
          .where(byId(id))
          .returning({ status: cardToCardPayments.status }),
      );
      return row?.status;
    },
  };
}

export type CardPaymentsService = ReturnType<typeof createCardPaymentsService>;
