import { and, desc, eq, gt, isNull, lte, max, or, sql } from 'drizzle-orm';
import {
  customerGroups,
  customers,
  orders,
  promoCodes,
  promoRedemptions,
  subscriptions,
} from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId, OrderId } from '../../shared/ids.js';
import { lockCustomer, payOrder, tenantCurrency } from '../orders/pay-order.js';
import { settlePayment } from '../payments/settle-payment.js';
import { findHeldDiscount } from './plan-pricing.js';
import { isDiscount, type PromoCode } from './promo-code.js';

/** What entering a code did, or why it did nothing. */
export type RedeemOutcome =
  /** A discount now held for the customer's next plan purchase (shown on the buy screens). */
  | {
      readonly status: 'discount_held';
      readonly code: string;
      readonly percent: number | null;
      readonly amount: number | null;
      readonly expiresAt: Date | null;
    }
  | { readonly status: 'credited'; readonly code: string; readonly amount: number; readonly balance: number }
  | { readonly status: 'days_added'; readonly code: string; readonly days: number; readonly orderId: OrderId }
  | {
      readonly status: 'trial_started';
      readonly code: string;
      readonly days: number;
      readonly orderId: OrderId;
    }
  | { readonly status: 'group_joined'; readonly code: string; readonly group: string }
  | { readonly status: RedeemRefusal; readonly code?: string };

export type RedeemRefusal =
  | 'unknown'
  | 'expired'
  | 'not_yet_valid'
  | 'used_up'
  | 'already_used'
  /** Another discount code is held for the next purchase (`code` names it). */
  | 'holding_other'
  /** Days need a subscription to add them to. */
  | 'no_subscription'
  /** A trial code for a customer who had a trial or has a subscription. */
  | 'trial_unavailable'
  | 'already_in_group'
  /** The credit would take the balance past the maximum; nothing happened. */
  | 'balance_full'
  /** The shop cannot give days or a trial now (its wholesale wallet refused); nothing happened. */
  | 'unavailable'
  | 'no_customer';

export interface RedeemContext {
  readonly now: Date;
  /** The shop's trial settings, read before the transaction (a settings read opens its own). */
  readonly trial: { readonly trafficGb: number; readonly devices: number };
}

class Refusal extends Error {
  constructor(readonly outcome: RedeemOutcome) {
    super(outcome.status);
  }
}

const refuse = (status: RedeemRefusal, code?: string): never => {
  throw new Refusal(code === undefined ? { status } : { status, code });
};

/** A refusal thrown inside the transaction rolls it back and becomes the outcome. */
export const refusalOf = (error: unknown): RedeemOutcome | undefined =>
  error instanceof Refusal ? error.outcome : undefined;

const HOUR_MS = 3_600_000;

/**
 * Redeems `code` (already normalised) for the customer inside the caller's transaction. At most
 * once per customer (or `per_customer` times) and never past the code's total, however many try at
 * once: the customer's row is locked first (one redemption of theirs at a time), the use is taken by
 * a conditional update of the code's counter (`uses < max_uses`, re-checked by PostgreSQL after
 * waiting for a concurrent one), and the unique `(code, customer, use_number)` key backs it up.
 * A refusal after a change throws `Refusal`, so the caller's transaction rolls back whole.
 */
export async function redeemPromo(
  tx: TenantTx,
  customerId: CustomerId,
  code: string,
  context: RedeemContext,
): Promise<RedeemOutcome> {
  const { now } = context;
  if (!(await lockCustomer(tx, customerId))) return { status: 'no_customer' };
  const [found] = await tx
    .select()
    .from(promoCodes)
    .where(and(eq(promoCodes.botId, tx.botId), eq(promoCodes.code, code)));
  if (!found) return { status: 'unknown' };
  const promo = found as PromoCode;
  if (!promo.isActive || (promo.validUntil !== null && promo.validUntil <= now))
    return { status: 'expired', code };
  if (promo.validFrom !== null && promo.validFrom > now) return { status: 'not_yet_valid', code };

  // this customer's uses of the code (a lapsed hold gave its use back to them, not to the total)
  const [mine] = await tx
    .select({
      counted: sql<number>`count(*) FILTER (WHERE ${promoRedemptions.status} <> 'released')`.mapWith(Number),
      last: max(promoRedemptions.useNumber),
    })
    .from(promoRedemptions)
    .where(
      and(
        eq(promoRedemptions.botId, tx.botId),
        eq(promoRedemptions.promoCodeId, promo.id),
        eq(promoRedemptions.customerId, customerId),
      ),
    );
  if ((mine?.counted ?? 0) >= promo.perCustomer) return { status: 'already_used', code };

  // what the code needs before it takes a use
  let subscriptionId: number | undefined;
  if (isDiscount(promo.kind)) {
    const held = await findHeldDiscount(tx, customerId, now);
    if (held) return { status: 'holding_other', code: held.code.code };
    // a hold that lapsed (or whose code ended) makes room for this one; its use is not returned
    await tx
      .update(promoRedemptions)
      .set({ status: 'released' })
      .where(
        and(
          eq(promoRedemptions.botId, tx.botId),
          eq(promoRedemptions.customerId, customerId),
          eq(promoRedemptions.status, 'reserved'),
          sql`NOT EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.botId} = ${promoRedemptions.botId}
                AND ${orders.promoRedemptionId} = ${promoRedemptions.id} AND ${orders.status} = 'created')`,
        ),
      );
  } else if (promo.kind === 'days') {
    // the customer's subscription that runs longest (the one they would renew)
    const [target] = await tx
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.botId, tx.botId), eq(subscriptions.customerId, customerId)))
      .orderBy(sql`${subscriptions.expiresAt} DESC NULLS LAST`, desc(subscriptions.id))
      .limit(1);
    if (!target) return { status: 'no_subscription', code };
    subscriptionId = target.id;
  } else if (promo.kind === 'trial') {
    const [trialOrSubscription] = await tx
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(and(eq(subscriptions.botId, tx.botId), eq(subscriptions.customerId, customerId)))
      .limit(1);
    const [trial] = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.botId, tx.botId), eq(orders.customerId, customerId), eq(orders.kind, 'trial')))
      .limit(1);
    if (trialOrSubscription || trial) return { status: 'trial_unavailable', code };
  } else if (promo.kind === 'group') {
    const [customer] = await tx
      .select({ groupId: customers.groupId })
      .from(customers)
      .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId)));
    if (customer?.groupId === promo.groupId) return { status: 'already_in_group', code };
  }

  // the use: one conditional update, so the total is never passed under any concurrency
  const taken = await tx
    .update(promoCodes)
    .set({ uses: sql`${promoCodes.uses} + 1`, updatedAt: now })
    .where(
      and(
        eq(promoCodes.botId, tx.botId),
        eq(promoCodes.id, promo.id),
        eq(promoCodes.isActive, true),
        or(isNull(promoCodes.maxUses), sql`${promoCodes.uses} < ${promoCodes.maxUses}`),
        or(isNull(promoCodes.validFrom), lte(promoCodes.validFrom, now)),
        or(isNull(promoCodes.validUntil), gt(promoCodes.validUntil, now)),
      ),
    )
    .returning({ id: promoCodes.id });
  if (taken.length === 0) return { status: 'used_up', code };

  const useNumber = (mine?.last ?? 0) + 1;
  const holdUntil = isDiscount(promo.kind)
    ? promo.holdHours !== null
      ? new Date(now.getTime() + promo.holdHours * HOUR_MS)
      : null
    : null;
  const [redemption] = await tx
    .insert(promoRedemptions)
    .values({
      botId: tx.botId,
      promoCodeId: promo.id,
      customerId,
      useNumber,
      status: isDiscount(promo.kind) ? 'reserved' : 'used',
      expiresAt: holdUntil,
      usedAt: isDiscount(promo.kind) ? null : now,
    })
    .returning();
  const redemptionId = redemption!.id;

  switch (promo.kind) {
    case 'percent':
    case 'fixed':
      return {
        status: 'discount_held',
        code,
        percent: promo.percent,
        amount: promo.amount,
        expiresAt: holdUntil ?? promo.validUntil,
      };
    case 'balance': {
      const amount = promo.amount ?? 0;
      // the one way money comes in: the redemption row is the claim, `promo:<id>` the reference
      const settled = await settlePayment(tx, {
        claim: async () => redemption!,
        credit: () => ({
          customerId,
          amount,
          externalRef: `promo:${redemptionId}`,
          kind: 'promo',
          reason: code,
        }),
        recordEntry: async (_tx, row, entry) => {
          const [stored] = await tx
            .update(promoRedemptions)
            .set({ transactionId: entry.id })
            .where(and(eq(promoRedemptions.botId, tx.botId), eq(promoRedemptions.id, row.id)))
            .returning();
          return stored!;
        },
        now,
      });
      if (settled.status !== 'settled') throw new Error(`promo ${redemptionId}: credit not claimed`);
      return { status: 'credited', code, amount, balance: settled.balance };
    }
    case 'days':
    case 'trial': {
      const days = promo.days ?? 1;
      const trial = promo.kind === 'trial';
      const [target] =
        subscriptionId === undefined
          ? []
          : await tx
              .select({ deviceLimit: subscriptions.deviceLimit })
              .from(subscriptions)
              .where(and(eq(subscriptions.botId, tx.botId), eq(subscriptions.id, subscriptionId)));
      // the same path as a day pack or a trial: an order at price 0, paid at once (absolute
      // entitlement, provisioning job, notice)
      const [created] = await tx
        .insert(orders)
        .values({
          botId: tx.botId,
          customerId,
          kind: trial ? 'trial' : 'day_pack',
          subscriptionId: subscriptionId ?? null,
          price: 0,
          currency: await tenantCurrency(tx),
          periodDays: days,
          trafficGb: trial ? (promo.trafficGb ?? context.trial.trafficGb) : 0,
          deviceLimit: trial ? context.trial.devices : (target?.deviceLimit ?? 1),
          // the redemption names the order (promo_redemption_id is for a discount that priced one)
          promoCodeId: promo.id,
          idempotencyKey: `promo:${redemptionId}`,
        })
        .returning({ id: orders.id });
      const orderId = created!.id as OrderId;
      const paid = await payOrder(tx, orderId, now);
      // the shop's wholesale wallet may refuse the sale: nothing of the redemption stays
      if (paid.status === 'wallet_insufficient') refuse('unavailable', code);
      if (paid.status !== 'paid') throw new Error(`promo order ${orderId} not paid: ${paid.status}`);
      await tx
        .update(promoRedemptions)
        .set({ orderId })
        .where(and(eq(promoRedemptions.botId, tx.botId), eq(promoRedemptions.id, redemptionId)));
      return trial
        ? { status: 'trial_started', code, days, orderId }
        : { status: 'days_added', code, days, orderId };
    }
    case 'group': {
      const [group] = await tx
        .select({ name: customerGroups.name })
        .from(customerGroups)
        .where(and(eq(customerGroups.botId, tx.botId), eq(customerGroups.id, promo.groupId ?? 0)));
      if (!group) refuse('unknown');
      await tx
        .update(customers)
        .set({ groupId: promo.groupId, updatedAt: now })
        .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId)));
      return { status: 'group_joined', code, group: group!.name };
    }
  }
}

/** Whether the code did something (rather than being refused). */
export const isRedeemed = (
  outcome: RedeemOutcome,
): outcome is Exclude<RedeemOutcome, { status: RedeemRefusal }> =>
  ['discount_held', 'credited', 'days_added', 'trial_started', 'group_joined'].includes(outcome.status);
