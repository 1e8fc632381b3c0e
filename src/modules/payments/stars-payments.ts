import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import { bots, customers, orders, starsPayments } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import type { CustomerId, LedgerEntryId, OrderId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { PayOutcome } from '../orders/pay-order.js';
import type { SettingsService } from '../settings/settings-service.js';
import { isAwaitingOrder } from './awaiting-order.js';
import { customerExists } from './customer-exists.js';
import { settlePayment } from './settle-payment.js';

export type StarsPayment = typeof starsPayments.$inferSelect;

/** Telegram's limit for one Stars invoice. */
export const MAX_STARS_PER_INVOICE = 10_000;
const PAYLOAD_PREFIX = 'rfst:';

/**
 * Stars for an amount: `stars_per_unit_price` is Stars per 1,000 currency units, and a fraction of
 * a Star is charged as a whole one (Stars are indivisible; the shop never undercharges).
 */
export function starsFor(amount: number, starsPerThousandUnits: number): number {
  return Math.ceil((amount * starsPerThousandUnits) / 1000);
}

export type InvoiceOutcome =
  | { readonly status: 'created'; readonly payment: StarsPayment }
  | { readonly status: 'too_large'; readonly maxStars: number }
  | { readonly status: 'invalid_amount' }
  | { readonly status: 'order_unavailable' }
  | { readonly status: 'no_customer' };

/** Why a pre-checkout is declined; each has a message for the customer. */
export type PreCheckoutRefusal = 'unknown' | 'already_paid' | 'price_changed' | 'order_unavailable';

export type PreCheckoutOutcome =
  | { readonly ok: true; readonly payment: StarsPayment }
  | { readonly ok: false; readonly reason: PreCheckoutRefusal };

export type ConfirmOutcome =
  | {
      readonly status: 'credited';
      readonly payment: StarsPayment;
      readonly balance: number;
      readonly order?: PayOutcome | undefined;
    }
  /** The same charge again (Telegram redelivered it, or two processes): credited once already. */
  | { readonly status: 'duplicate'; readonly payment: StarsPayment }
  /** A charge we cannot attribute (unknown payload, another customer's invoice, an invoice paid twice): refund it. */
  | { readonly status: 'unattributable'; readonly reason: 'unknown' | 'already_paid' };

export interface StarsDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
  readonly logger: Logger;
}

const byId = (tx: TenantTx, id: number) => and(eq(starsPayments.botId, tx.botId), eq(starsPayments.id, id));

async function getStarsPayment(tx: TenantTx, id: number): Promise<StarsPayment | undefined> {
  const [row] = await tx.select().from(starsPayments).where(byId(tx, id));
  return row;
}

/** Marks the invoice paid by this charge only while it is pending: the one winner among deliveries. */
async function markInvoicePaid(
  tx: TenantTx,
  id: number,
  chargeId: string,
  now: Date,
): Promise<StarsPayment | undefined> {
  const [row] = await tx
    .update(starsPayments)
    .set({ status: 'paid', telegramPaymentChargeId: chargeId, paidAt: now, updatedAt: now })
    .where(and(byId(tx, id), eq(starsPayments.status, 'pending')))
    .returning();
  return row;
}

/** Links the invoice to the ledger entry that credited it. */
async function setStarsPaymentTransaction(
  tx: TenantTx,
  id: number,
  entryId: LedgerEntryId,
): Promise<StarsPayment | undefined> {
  const [row] = await tx
    .update(starsPayments)
    .set({ transactionId: entryId })
    .where(byId(tx, id))
    .returning();
  return row;
}

/**
 * Telegram Stars payments of one tenant: an invoice in XTR per top-up, a pre-checkout check that
 * the invoice is still payable at its price, and one credit per `telegram_payment_charge_id`.
 */
export function createStarsPaymentsService({ tenant, clock, settings, logger }: StarsDeps) {
  const { botId } = tenant;
  const log = logger.child({ component: 'stars' });

  const findByPayload = async (payload: string) => {
    if (!payload.startsWith(PAYLOAD_PREFIX)) return undefined;
    const [row] = await tenant.transaction((tx) =>
      tx
        .select({ payment: starsPayments, telegramId: customers.telegramId })
        .from(starsPayments)
        .innerJoin(
          customers,
          and(eq(customers.botId, starsPayments.botId), eq(customers.id, starsPayments.customerId)),
        )
        .where(and(eq(starsPayments.botId, botId), eq(starsPayments.payload, payload))),
    );
    return row;
  };

  return {
    /** Records an invoice for `amount` (tenant currency) at the tenant's Stars price. */
    async createInvoice(input: {
      customerId: CustomerId;
      amount: number;
      orderId: OrderId | null;
    }): Promise<InvoiceOutcome> {
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0) return { status: 'invalid_amount' };
      const rate = await settings.get('stars_per_unit_price');
      const xtr = starsFor(input.amount, rate);
      if (xtr > MAX_STARS_PER_INVOICE) return { status: 'too_large', maxStars: MAX_STARS_PER_INVOICE };
      return tenant.transaction(async (tx): Promise<InvoiceOutcome> => {
        if (!(await customerExists(tx, input.customerId))) return { status: 'no_customer' };
        if (input.orderId !== null && !(await isAwaitingOrder(tx, input.customerId, input.orderId))) {
          return { status: 'order_unavailable' };
        }
        const [tenant] = await tx.select({ currency: bots.currency }).from(bots).where(eq(bots.id, botId));
        const now = clock.now();
        const [payment] = await tx
          .insert(starsPayments)
          .values({
            botId,
            customerId: input.customerId,
            orderId: input.orderId,
            payload: `${PAYLOAD_PREFIX}${randomBytes(18).toString('base64url')}`,
            xtrAmount: xtr,
            starsPerUnitPrice: rate,
            creditAmount: input.amount,
            currency: tenant?.currency ?? 'IRT',
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        return { status: 'created', payment: payment! };
      });
    },

    /**
     * Telegram asks whether to take the customer's Stars (answer within 10 s): only for our own
     * pending invoice of this customer, at its price, while the shop still charges that price and
     * the purchase it is for still waits.
     */
    async checkPreCheckout(input: {
      payload: string;
      telegramUserId: number;
      currency: string;
      totalAmount: number;
    }): Promise<PreCheckoutOutcome> {
      const found = await findByPayload(input.payload);
      if (!found || found.telegramId !== input.telegramUserId) return { ok: false, reason: 'unknown' };
      const payment = found.payment;
      if (payment.status !== 'pending') return { ok: false, reason: 'already_paid' };
      if (input.currency !== 'XTR' || input.totalAmount !== payment.xtrAmount) {
        return { ok: false, reason: 'price_changed' };
      }
      const rate = await settings.get('stars_per_unit_price');
      if (starsFor(payment.creditAmount, rate) !== payment.xtrAmount)
        return { ok: false, reason: 'price_changed' };
      if (payment.orderId !== null) {
        const [order] = await tenant.transaction((tx) =>
          tx
            .select({ status: orders.status })
            .from(orders)
            .where(and(eq(orders.botId, botId), eq(orders.id, payment.orderId!))),
        );
        if (order?.status !== 'created') return { ok: false, reason: 'order_unavailable' };
      }
      return { ok: true, payment };
    },

    /**
     * `successful_payment`: the Stars are ours. Settles the invoice through `settlePayment`: credits
     * its amount once per charge id (a conditional update, then the ledger's unique reference) and
     * completes the purchase it was for. A balance that cannot take it throws `MoneyLimitError` and
     * changes nothing, so the update is tried again later. No notice job: the bot answers the
     * customer itself.
     */
    async confirm(input: {
      payload: string;
      chargeId: string;
      telegramUserId: number;
    }): Promise<ConfirmOutcome> {
      const found = await findByPayload(input.payload);
      if (!found || found.telegramId !== input.telegramUserId) {
        log.error({ chargeId: input.chargeId }, 'stars payment for an invoice we do not know');
        return { status: 'unattributable', reason: 'unknown' };
      }
      try {
        return await tenant.transaction(async (tx): Promise<ConfirmOutcome> => {
          const now = clock.now();
          const settled = await settlePayment(tx, {
            claim: (tx) => markInvoicePaid(tx, found.payment.id, input.chargeId, now),
            credit: (won) => ({
              customerId: won.customerId as CustomerId,
              amount: won.creditAmount,
              externalRef: `stars:${input.chargeId}`,
              reason: `Telegram Stars ${won.xtrAmount} XTR`,
              orderId: won.orderId as OrderId | null,
            }),
            recordEntry: async (tx, won, entry) =>
              (await setStarsPaymentTransaction(tx, won.id, entry.id)) ?? won,
            now,
          });
          if (settled.status === 'not_claimed') {
            const current = await getStarsPayment(tx, found.payment.id);
            if (current?.telegramPaymentChargeId === input.chargeId)
              return { status: 'duplicate', payment: current };
            log.error(
              { paymentId: found.payment.id, chargeId: input.chargeId },
              'stars invoice paid a second time with another charge',
            );
            return { status: 'unattributable', reason: 'already_paid' };
          }
          log.info(
            { paymentId: settled.payment.id, stars: settled.payment.xtrAmount, order: settled.order?.status },
            'stars payment credited',
          );
          return {
            status: 'credited',
            payment: settled.payment,
            // after the purchase took its price, if it was for one
            balance: settled.balance,
            order: settled.order,
          };
        });
      } catch (error) {
        // the same charge recorded by a concurrent delivery in another process
        if (isUniqueViolation(error, 'stars_payments_bot_id_telegram_payment_charge_id_key')) {
          const again = await findByPayload(input.payload);
          if (again) return { status: 'duplicate', payment: again.payment };
        }
        throw error;
      }
    },

    /** A customer's invoices, newest last. */
    async findByCustomer(customerId: CustomerId): Promise<StarsPayment[]> {
      return tenant.transaction((tx) =>
        tx
          .select()
          .from(starsPayments)
          .where(and(eq(starsPayments.botId, botId), eq(starsPayments.customerId, customerId)))
          .orderBy(asc(starsPayments.id)),
      );
    },
  };
}

export type StarsPaymentsService = ReturnType<typeof createStarsPaymentsService>;
