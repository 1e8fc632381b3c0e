import { randomBytes } from 'node:crypto';
import { and, asc, count as countRows, eq, gt, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import { bots, customers, type Language, zarinpalPayments } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { zarinpalNotice } from '../../jobs/definitions/zarinpal-notice.js';
import { zarinpalReconcile } from '../../jobs/definitions/zarinpal-reconcile.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import type { BotId, CustomerId, OrderId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { MoneyLimitError } from '../../shared/money.js';
import { isAwaitingOrder } from './awaiting-order.js';
import { creditPayment } from './credit-payment.js';
import {
  GatewayError,
  type GatewayVerifyResult,
  ZARINPAL_MAX_TOMAN,
  ZARINPAL_MIN_TOMAN,
  type ZarinpalGateways,
} from './zarinpal-gateway.js';
import { type ZarinpalProblem, zarinpalProblem } from './zarinpal-problems.js';

export type ZarinpalPayment = typeof zarinpalPayments.$inferSelect;

/** Sent to the customer in Telegram after a payment is settled (src/jobs/definitions/zarinpal-notice.ts). */

export interface ZarinpalSettings {
  readonly gateways: ZarinpalGateways;
  /** PUBLIC_BASE_URL: the customer's browser comes back to `${base}/pay/zarinpal/<payment>`. */
  readonly callbackBaseUrl: string | undefined;
  /** A pending payment is first asked about after this long (default 3 minutes). */
  readonly reconcileAfterMs?: number;
  /** A payment still unpaid after this long is given up (default 60 minutes). */
  readonly expireAfterMs?: number;
}

export interface ZarinpalDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Absent: Zarinpal is not set up in this deployment, every start is refused. */
  readonly settings: ZarinpalSettings | undefined;
}

export type StartOutcome =
  | { readonly status: 'created'; readonly payment: ZarinpalPayment; readonly payUrl: string }
  /** The same button pressed again while the first press is still asking the gateway. */
  | { readonly status: 'in_progress' }
  | {
      readonly status: 'unavailable';
      readonly reason: 'not_configured' | 'no_merchant' | 'currency';
    }
  | { readonly status: 'amount_out_of_range'; readonly min: number; readonly max: number }
  /** The purchase it was for is no longer waiting for money (paid, cancelled, or not this customer's). */
  | { readonly status: 'order_unavailable' }
  | { readonly status: 'no_customer' }
  | {
      readonly status: 'gateway_error';
      readonly code: number | string;
      readonly problem: ZarinpalProblem;
    };

/** What the browser callback page needs to speak to the customer. */
export interface CallbackContext {
  readonly payment: ZarinpalPayment;
  readonly language: Language;
  readonly botUsername: string | null;
  readonly currency: 'IRT' | 'USD' | 'RUB';
}

export type CallbackOutcome =
  | { readonly status: 'not_found' }
  /** The callback named a payment but not its authority: forged or garbled; nothing was asked. */
  | ({ readonly status: 'mismatch' } & CallbackContext)
  | ({ readonly status: 'paid'; readonly creditedNow: boolean } & CallbackContext)
  | ({ readonly status: 'failed'; readonly problem: ZarinpalProblem } & CallbackContext)
  /** Not paid (yet): cancelled at the bank, or a callback that came before the payment. */
  | ({ readonly status: 'not_paid' } & CallbackContext)
  /** The gateway could not say: reconciliation settles it later. */
  | ({ readonly status: 'pending' } & CallbackContext);

export interface ReconcileReport {
  checked: number;
  credited: number;
  failed: number;
  cancelled: number;
  swept: number;
  /** Payments still pending after this run: someone must look again later. */
  pending: number;
}

type Settled =
  | { readonly status: 'paid'; readonly payment: ZarinpalPayment; readonly creditedNow: boolean }
  | { readonly status: 'failed'; readonly payment: ZarinpalPayment; readonly code: number }
  | { readonly status: 'not_paid'; readonly payment: ZarinpalPayment }
  | { readonly status: 'pending'; readonly payment: ZarinpalPayment };

const PUBLIC_ID = /^[0-9a-f]{32}$/;
const MAX_CHECK_DELAY_MS = 30 * 60_000;
/** The unverified sweep looks for our payments this recent that are not settled as paid. */
const SWEEP_WINDOW_MS = 2 * 86_400_000;

/** `<tenant id>-<public id>`: the tenant is found from the path, the payment by its unguessable id. */
export const zarinpalCallbackPath = (botId: BotId, publicId: string) => `/pay/zarinpal/${botId}-${publicId}`;

export function parseZarinpalPaymentRef(value: string): { botId: number; publicId: string } | undefined {
  const match = /^(\d{1,15})-([0-9a-f]{32})$/.exec(value);
  if (!match?.[1] || !match[2]) return undefined;
  const botId = Number(match[1]);
  return Number.isSafeInteger(botId) && botId > 0 ? { botId, publicId: match[2] } : undefined;
}

/**
 * Zarinpal payments of one tenant. The browser callback is a hint: a payment is credited only after
 * the gateway verifies it with the amount and merchant we stored, once, through one conditional
 * update in the transaction that credits it. Payments whose callback never comes are settled by
 * `reconcile`, which a scheduled job runs.
 */
export function createZarinpalPaymentsService({ tenant, clock, logger, settings }: ZarinpalDeps) {
  const { botId } = tenant;
  const reconcileAfterMs = settings?.reconcileAfterMs ?? 3 * 60_000;
  const expireAfterMs = settings?.expireAfterMs ?? 60 * 60_000;
  const log = logger.child({ component: 'zarinpal' });

  const byId = (tx: TenantTx, id: number) =>
    tx
      .select()
      .from(zarinpalPayments)
      .where(and(eq(zarinpalPayments.botId, botId), eq(zarinpalPayments.id, id)))
      .then((rows) => rows[0]);

  const nextCheck = (checks: number) =>
    new Date(
      clock.now().getTime() + Math.min(MAX_CHECK_DELAY_MS, reconcileAfterMs * 2 ** Math.min(checks, 16)),
    );

  /** Asked once more without an answer: look again later, less and less often. */
  const recordCheck = async (payment: ZarinpalPayment) => {
    await tenant.transaction((tx) =>
      tx
        .update(zarinpalPayments)
        .set({
          checkCount: sql`${zarinpalPayments.checkCount} + 1`,
          nextCheckAt: nextCheck(payment.checkCount + 1),
          updatedAt: clock.now(),
        })
        .where(
          and(
            eq(zarinpalPayments.botId, botId),
            eq(zarinpalPayments.id, payment.id),
            eq(zarinpalPayments.status, 'pending'),
          ),
        ),
    );
  };

  /** Settles a payment the gateway verified: the one conditional update, the credit and the notice together. */
  const settlePaid = async (
    payment: ZarinpalPayment,
    verified: Extract<GatewayVerifyResult, { kind: 'verified' }>,
  ): Promise<Settled> => {
    try {
      return await settlePaidOnce(payment, verified);
    } catch (error) {
      if (error instanceof MoneyLimitError) {
        // the customer's balance cannot take it yet: nothing was written, so it stays pending and
        // the next check comes later, rather than first in line for every reconcile run
        log.error({ paymentId: payment.id, err: error.message }, 'verified zarinpal payment waits for room');
        await recordCheck(payment);
        return { status: 'pending', payment };
      }
      // ref_id is unique across the fleet; a gateway repeating one (sandboxes do) must not leave a
      // verified payment uncredited forever: credit it, without the reference
      if (!isUniqueViolation(error, 'zarinpal_payments_ref_id_key')) throw error;
      log.error(
        { paymentId: payment.id, refId: verified.refId },
        'zarinpal ref_id already used by another payment',
      );
      return settlePaidOnce(payment, { ...verified, refId: null });
    }
  };

  const settlePaidOnce = async (
    payment: ZarinpalPayment,
    verified: Extract<GatewayVerifyResult, { kind: 'verified' }>,
  ): Promise<Settled> =>
    tenant.transaction(async (tx): Promise<Settled> => {
      const now = clock.now();
      const [won] = await tx
        .update(zarinpalPayments)
        .set({
          status: 'paid',
          refId: verified.refId ?? payment.refId,
          cardPanMasked: verified.cardPan,
          failureCode: null,
          paidAt: now,
          nextCheckAt: null,
          updatedAt: now,
        })
        .where(
          and(
            eq(zarinpalPayments.botId, botId),
            eq(zarinpalPayments.id, payment.id),
            // a payment given up as unpaid that the gateway now verifies was paid late: credit it
            inArray(zarinpalPayments.status, ['pending', 'cancelled']),
          ),
        )
        .returning();
      if (!won) {
        const current = (await byId(tx, payment.id)) ?? payment;
        return current.status === 'paid'
          ? { status: 'paid', payment: current, creditedNow: false }
          : { status: 'failed', payment: current, code: current.failureCode ?? -51 };
      }
      const credit = await creditPayment(
        tx,
        {
          customerId: won.customerId as CustomerId,
          amount: won.amount,
          externalRef: `zarinpal:${won.id}`,
          reason: `Zarinpal ${won.refId ?? won.authority ?? ''}`.trim(),
          orderId: won.orderId as OrderId | null,
        },
        now,
      );
      let settled = won;
      if (credit.posting.status === 'posted' || credit.posting.status === 'duplicate') {
        const [updated] = await tx
          .update(zarinpalPayments)
          .set({ transactionId: credit.posting.entry.id })
          .where(and(eq(zarinpalPayments.botId, botId), eq(zarinpalPayments.id, won.id)))
          .returning();
        settled = updated ?? won;
      } else {
        // the customer row is gone (deleted): nothing to credit, and nothing to roll back
        log.error(
          { paymentId: won.id, posting: credit.posting.status },
          'verified payment could not be credited',
        );
      }
      await enqueue(tx, zarinpalNotice, { paymentId: won.id });
      log.info(
        { paymentId: won.id, refId: won.refId, order: credit.order?.status },
        'zarinpal payment verified and credited',
      );
      return { status: 'paid', payment: settled, creditedNow: credit.posting.status === 'posted' };
    });

  /** Settles a payment as failed (`failed`) or given up (`cancelled`), unless something settled it first. */
  const settleUnpaid = async (
    payment: ZarinpalPayment,
    status: 'failed' | 'cancelled',
    code: number,
  ): Promise<ZarinpalPayment> =>
    tenant.transaction(async (tx) => {
      const now = clock.now();
      const [row] = await tx
        .update(zarinpalPayments)
        .set({ status, failureCode: code, nextCheckAt: null, updatedAt: now })
        .where(
          and(
            eq(zarinpalPayments.botId, botId),
            eq(zarinpalPayments.id, payment.id),
            eq(zarinpalPayments.status, 'pending'),
          ),
        )
        .returning();
      if (row && status === 'failed') {
        await enqueue(tx, zarinpalNotice, { paymentId: row.id });
      }
      return row ?? (await byId(tx, payment.id)) ?? payment;
    });

  /** Verify with what we stored, never with anything the callback says; then settle. */
  const verifyAndSettle = async (payment: ZarinpalPayment): Promise<Settled> => {
    if (!settings || payment.authority === null) return { status: 'pending', payment };
    let result: GatewayVerifyResult;
    try {
      result = await settings.gateways.forMode(payment.sandbox).verifyPayment({
        merchantId: payment.merchantId,
        amount: payment.gatewayAmount,
        authority: payment.authority,
      });
    } catch (error) {
      // timeouts, -12/-52, 5xx, a merchant problem: the outcome is unknown, so it stays pending
      log.warn(
        {
          paymentId: payment.id,
          code: error instanceof GatewayError ? error.code : undefined,
          err: error instanceof Error ? error.message : String(error),
        },
        'zarinpal verify gave no answer; the payment stays pending',
      );
      await recordCheck(payment);
      return { status: 'pending', payment };
    }
    if (result.kind === 'verified') return settlePaid(payment, result);
    if (result.code === -51) {
      // Not paid. A callback may come before the customer has paid (forged, or a second tab), so
      // the payment stays open until it is old enough to be given up.
      if (clock.now().getTime() - payment.createdAt.getTime() >= expireAfterMs) {
        return { status: 'not_paid', payment: await settleUnpaid(payment, 'cancelled', -51) };
      }
      await recordCheck(payment);
      return { status: 'not_paid', payment };
    }
    log.warn({ paymentId: payment.id, code: result.code }, 'zarinpal verify refused the payment for good');
    const failed = await settleUnpaid(payment, 'failed', result.code);
    return failed.status === 'paid'
      ? { status: 'paid', payment: failed, creditedNow: false }
      : { status: 'failed', payment: failed, code: result.code };
  };

  return {
    /**
     * Creates a payment and asks the gateway for its authority; the customer pays at `payUrl`.
     * Amounts below the gateway's minimum are raised to it (the rest stays on the balance).
     */
    async start(input: {
      customerId: CustomerId;
      amount: number;
      orderId: OrderId | null;
      description: string;
      /** The button press: pressing it again finds the same payment. */
      idempotencyKey?: string;
    }): Promise<StartOutcome> {
      if (!settings?.callbackBaseUrl) return { status: 'unavailable', reason: 'not_configured' };
      const base = settings.callbackBaseUrl;
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > ZARINPAL_MAX_TOMAN) {
        return { status: 'amount_out_of_range', min: ZARINPAL_MIN_TOMAN, max: ZARINPAL_MAX_TOMAN };
      }
      const amount = Math.max(input.amount, ZARINPAL_MIN_TOMAN);

      const prepare = () =>
        tenant.transaction(
          async (tx): Promise<StartOutcome | { status: 'request'; payment: ZarinpalPayment }> => {
            const [tenant] = await tx
              .select({
                merchantId: bots.zarinpalMerchantId,
                sandbox: bots.zarinpalSandbox,
                currency: bots.currency,
              })
              .from(bots)
              .where(eq(bots.id, botId));
            // Zarinpal takes Rial or Toman only; other shops' amounts mean nothing to it
            if (tenant?.currency !== 'IRT') return { status: 'unavailable', reason: 'currency' };
            if (!tenant.merchantId) return { status: 'unavailable', reason: 'no_merchant' };
            const [customer] = await tx
              .select({ id: customers.id })
              .from(customers)
              .where(and(eq(customers.botId, botId), eq(customers.id, input.customerId)));
            if (!customer) return { status: 'no_customer' };
            if (input.idempotencyKey !== undefined) {
              const [existing] = await tx
                .select()
                .from(zarinpalPayments)
                .where(
                  and(
                    eq(zarinpalPayments.botId, botId),
                    eq(zarinpalPayments.idempotencyKey, input.idempotencyKey),
                  ),
                );
              if (existing) {
                if (existing.authority === null) return { status: 'in_progress' };
                return {
                  status: 'created',
                  payment: existing,
                  payUrl: settings.gateways.forMode(existing.sandbox).startPayUrl(existing.authority),
                };
              }
            }
            if (input.orderId !== null && !(await isAwaitingOrder(tx, input.customerId, input.orderId))) {
              return { status: 'order_unavailable' };
            }
            const publicId = randomBytes(16).toString('hex');
            const now = clock.now();
            const [payment] = await tx
              .insert(zarinpalPayments)
              .values({
                botId,
                customerId: input.customerId,
                orderId: input.orderId,
                amount,
                // Toman, said explicitly: without a currency the gateway reads Rial
                gatewayAmount: amount,
                currency: 'IRT',
                merchantId: tenant.merchantId,
                sandbox: tenant.sandbox,
                publicId,
                callbackUrl: `${base}${zarinpalCallbackPath(botId, publicId)}`,
                idempotencyKey: input.idempotencyKey ?? null,
                nextCheckAt: new Date(now.getTime() + reconcileAfterMs),
                createdAt: now,
                updatedAt: now,
              })
              .returning();
            // the first check runs even if the shop switches Zarinpal off (and its schedule) meanwhile
            await enqueue(
              tx,
              zarinpalReconcile,
              {},
              { delayMs: reconcileAfterMs, dedupeKey: `zarinpal-reconcile:payment:${payment!.id}` },
            );
            return { status: 'request', payment: payment! };
          },
        );

      let prepared: Awaited<ReturnType<typeof prepare>>;
      try {
        prepared = await prepare();
      } catch (error) {
        // the same press racing in another update: the first one asks the gateway
        if (isUniqueViolation(error, 'zarinpal_payments_bot_id_idempotency_key_key')) {
          return { status: 'in_progress' };
        }
        throw error;
      }
      if (prepared.status !== 'request') return prepared;
      const payment = prepared.payment;

      const gateway = settings.gateways.forMode(payment.sandbox);
      let authority: string;
      try {
        ({ authority } = await gateway.requestPayment({
          merchantId: payment.merchantId,
          amount: payment.gatewayAmount,
          currency: 'IRT',
          description: input.description,
          callbackUrl: payment.callbackUrl,
          orderId: payment.orderId === null ? undefined : String(payment.orderId),
        }));
      } catch (error) {
        const code = error instanceof GatewayError ? error.code : 'NETWORK';
        const retryable = error instanceof GatewayError ? error.retryable : true;
        log.warn(
          { paymentId: payment.id, code, err: error instanceof Error ? error.message : String(error) },
          'zarinpal payment request failed',
        );
        await tenant.transaction((tx) =>
          tx
            .update(zarinpalPayments)
            .set({
              status: 'failed',
              failureCode: typeof code === 'number' ? code : null,
              nextCheckAt: null,
              updatedAt: clock.now(),
            })
            .where(
              and(
                eq(zarinpalPayments.botId, botId),
                eq(zarinpalPayments.id, payment.id),
                eq(zarinpalPayments.status, 'pending'),
              ),
            ),
        );
        return { status: 'gateway_error', code, problem: zarinpalProblem(code, retryable) };
      }
      const [stored] = await tenant.transaction((tx) =>
        tx
          .update(zarinpalPayments)
          .set({ authority, updatedAt: clock.now() })
          .where(and(eq(zarinpalPayments.botId, botId), eq(zarinpalPayments.id, payment.id)))
          .returning(),
      );
      log.info({ paymentId: payment.id, amount: payment.amount }, 'zarinpal payment requested');
      return {
        status: 'created',
        payment: stored ?? { ...payment, authority },
        payUrl: gateway.startPayUrl(authority),
      };
    },

    /**
     * The customer's browser came back from the gateway. Its query (`Authority`, `Status`) is only
     * a hint: the authority must be the one we stored for this payment, and the gateway's verify
     * with our stored amount decides. Safe to call any number of times, concurrently.
     */
    async handleCallback(input: {
      publicId: string;
      authority: string | undefined;
    }): Promise<CallbackOutcome> {
      if (!PUBLIC_ID.test(input.publicId)) return { status: 'not_found' };
      const found = await tenant.transaction(async (tx) => {
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
          .where(and(eq(zarinpalPayments.botId, botId), eq(zarinpalPayments.publicId, input.publicId)));
        return row;
      });
      if (!found) return { status: 'not_found' };
      const context = (payment: ZarinpalPayment): CallbackContext => ({
        payment,
        language: found.language,
        botUsername: found.username,
        currency: found.currency,
      });
      const payment = found.payment;
      if (payment.authority === null || input.authority !== payment.authority) {
        log.warn({ paymentId: payment.id }, 'zarinpal callback with an authority that is not this payment’s');
        return { status: 'mismatch', ...context(payment) };
      }
      if (payment.status === 'paid') return { status: 'paid', creditedNow: false, ...context(payment) };
      if (payment.status === 'failed') {
        return {
          status: 'failed',
          problem: zarinpalProblem(payment.failureCode ?? -51, false),
          ...context(payment),
        };
      }
      const settled = await verifyAndSettle(payment);
      switch (settled.status) {
        case 'paid':
          return { status: 'paid', creditedNow: settled.creditedNow, ...context(settled.payment) };
        case 'failed':
          return {
            status: 'failed',
            problem: zarinpalProblem(settled.code, false),
            ...context(settled.payment),
          };
        case 'not_paid':
          return { status: 'not_paid', ...context(settled.payment) };
        case 'pending':
          return { status: 'pending', ...context(settled.payment) };
        default: {
          const never: never = settled;
          throw new Error(`unhandled settlement ${JSON.stringify(never)}`);
        }
      }
    },

    /**
     * Settles what the callbacks did not: pending payments due for a check are verified (a payment
     * unpaid for too long is given up), then the gateway's list of paid-but-unverified payments is
     * swept for ours. Each payment is credited once, whoever gets there first.
     */
    async reconcile(limit = 50): Promise<ReconcileReport> {
      const report: ReconcileReport = {
        checked: 0,
        credited: 0,
        failed: 0,
        cancelled: 0,
        swept: 0,
        pending: 0,
      };
      if (!settings) return report;
      const now = clock.now();
      const due = await tenant.transaction((tx) =>
        tx
          .select()
          .from(zarinpalPayments)
          .where(
            and(
              eq(zarinpalPayments.botId, botId),
              eq(zarinpalPayments.status, 'pending'),
              lte(zarinpalPayments.nextCheckAt, now),
            ),
          )
          .orderBy(asc(zarinpalPayments.nextCheckAt))
          .limit(limit),
      );
      const count = (settled: Settled) => {
        if (settled.status === 'paid' && settled.creditedNow) report.credited += 1;
        else if (settled.status === 'failed') report.failed += 1;
        else if (settled.status === 'not_paid' && settled.payment.status === 'cancelled')
          report.cancelled += 1;
      };
      const checked = new Set<number>();
      for (const payment of due) {
        report.checked += 1;
        checked.add(payment.id);
        if (payment.authority === null) {
          // the request never got an authority (its process died mid-way): nobody can pay it
          if (now.getTime() - payment.createdAt.getTime() >= expireAfterMs) {
            await settleUnpaid(payment, 'cancelled', -54);
            report.cancelled += 1;
          } else {
            await recordCheck(payment);
          }
          continue;
        }
        count(await verifyAndSettle(payment));
      }

      // The sweep asks the gateway only when this tenant has payments that could be on its list.
      const open = await tenant.transaction((tx) =>
        tx
          .selectDistinct({ merchantId: zarinpalPayments.merchantId, sandbox: zarinpalPayments.sandbox })
          .from(zarinpalPayments)
          .where(
            and(
              eq(zarinpalPayments.botId, botId),
              inArray(zarinpalPayments.status, ['pending', 'cancelled']),
              isNotNull(zarinpalPayments.authority),
              gt(zarinpalPayments.createdAt, new Date(now.getTime() - SWEEP_WINDOW_MS)),
            ),
          ),
      );
      for (const terminal of open) {
        let listed: readonly { authority: string; amount: number }[];
        try {
          listed = await settings.gateways.forMode(terminal.sandbox).unverified(terminal.merchantId);
        } catch (error) {
          log.warn(
            { err: error instanceof Error ? error.message : String(error) },
            'zarinpal unverified sweep failed',
          );
          continue;
        }
        const authorities = listed.map((entry) => entry.authority);
        if (authorities.length === 0) continue;
        // another tenant sharing the merchant id has its own rows, invisible here
        const ours = await tenant.transaction((tx) =>
          tx
            .select()
            .from(zarinpalPayments)
            .where(
              and(
                eq(zarinpalPayments.botId, botId),
                inArray(zarinpalPayments.authority, authorities),
                inArray(zarinpalPayments.status, ['pending', 'cancelled']),
              ),
            ),
        );
        for (const payment of ours) {
          if (checked.has(payment.id)) continue;
          checked.add(payment.id);
          report.swept += 1;
          // a payment given up as unpaid that the gateway lists as paid was paid late: verify credits it
          count(await verifyAndSettle(payment));
        }
      }
      const [still] = await tenant.transaction((tx) =>
        tx
          .select({ n: countRows() })
          .from(zarinpalPayments)
          .where(and(eq(zarinpalPayments.botId, botId), eq(zarinpalPayments.status, 'pending'))),
      );
      report.pending = still?.n ?? 0;
      if (report.checked + report.swept > 0) log.info(report, 'zarinpal reconciliation');
      return report;
    },

    async getByPublicId(publicId: string): Promise<ZarinpalPayment | undefined> {
      if (!PUBLIC_ID.test(publicId)) return undefined;
      const [row] = await tenant.transaction((tx) =>
        tx
          .select()
          .from(zarinpalPayments)
          .where(and(eq(zarinpalPayments.botId, botId), eq(zarinpalPayments.publicId, publicId))),
      );
      return row;
    },

    async get(id: number): Promise<ZarinpalPayment | undefined> {
      return tenant.transaction((tx) => byId(tx, id));
    },

    async findByCustomer(customerId: CustomerId, limit = 20): Promise<ZarinpalPayment[]> {
      return tenant.transaction((tx) =>
        tx
          .select()
          .from(zarinpalPayments)
          .where(and(eq(zarinpalPayments.botId, botId), eq(zarinpalPayments.customerId, customerId)))
          .orderBy(sql`${zarinpalPayments.id} desc`)
          .limit(limit),
      );
    },
  };
}

export type ZarinpalPaymentsService = ReturnType<typeof createZarinpalPaymentsService>;
