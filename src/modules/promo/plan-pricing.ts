import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { orders, promoCodePlans, promoCodes, promoRedemptions } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId } from '../../shared/ids.js';
import { groupPriceFor, percentOf } from '../groups/group-pricing.js';

/** Why the discount a customer holds does not price this plan. */
export type DiscountRefusal = 'not_for_plan' | 'min_price' | 'first_purchase';

/** A plan's price for one customer: the group's price, then the discount code they hold. */
export interface PlanQuote {
  /** The plan's price, or the customer group's price for it. */
  readonly listPrice: number;
  /** What the customer pays: the list price less the discount. */
  readonly price: number;
  readonly discount: number;
  /** The held discount code: applied (with its use), or why it does not apply to this plan. */
  readonly promo:
    | { readonly code: string; readonly promoCodeId: number; readonly redemptionId: number }
    | { readonly code: string; readonly refusal: DiscountRefusal }
    | undefined;
}

/**
 * The discount code the customer holds for their next purchase and can still use: reserved, not
 * lapsed, its code still on and valid, and not already pricing an order that waits for money
 * (that order has it; cancelled, the code is free again).
 */
export async function findHeldDiscount(tx: TenantTx, customerId: CustomerId, now: Date) {
  const [row] = await tx
    .select({ redemption: promoRedemptions, code: promoCodes })
    .from(promoRedemptions)
    .innerJoin(
      promoCodes,
      and(eq(promoCodes.botId, promoRedemptions.botId), eq(promoCodes.id, promoRedemptions.promoCodeId)),
    )
    .where(
      and(
        eq(promoRedemptions.botId, tx.botId),
        eq(promoRedemptions.customerId, customerId),
        eq(promoRedemptions.status, 'reserved'),
        or(isNull(promoRedemptions.expiresAt), gt(promoRedemptions.expiresAt, now)),
        eq(promoCodes.isActive, true),
        or(isNull(promoCodes.validUntil), gt(promoCodes.validUntil, now)),
        sql`NOT EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.botId} = ${promoRedemptions.botId}
              AND ${orders.promoRedemptionId} = ${promoRedemptions.id} AND ${orders.status} = 'created')`,
      ),
    );
  return row;
}

/** Whether the customer has paid for a plan before (a code for first purchases does not apply then). */
async function hasPaidPlan(tx: TenantTx, customerId: CustomerId): Promise<boolean> {
  const [row] = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.botId, tx.botId),
        eq(orders.customerId, customerId),
        inArray(orders.kind, ['purchase', 'renewal']),
        inArray(orders.status, ['paid', 'provisioning', 'active']),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/**
 * The price of `plan` for this customer inside the caller's transaction: the buy screens show it
 * and `purchasePlan` charges it (autopay included), from the same function. `promo: false` (the
 * `promo_codes` switch is off) prices with the group only.
 */
export async function quotePlan(
  tx: TenantTx,
  customerId: CustomerId,
  plan: { readonly id: number; readonly price: number },
  options: { readonly now: Date; readonly promo: boolean },
): Promise<PlanQuote> {
  const { price: listPrice } = await groupPriceFor(tx, customerId, plan);
  const none: PlanQuote = { listPrice, price: listPrice, discount: 0, promo: undefined };
  if (!options.promo) return none;
  const held = await findHeldDiscount(tx, customerId, options.now);
  if (!held) return none;
  const { code, redemption } = held;
  const refused = (refusal: DiscountRefusal): PlanQuote => ({ ...none, promo: { code: code.code, refusal } });
  const limited = await tx
    .select({ planId: promoCodePlans.planId })
    .from(promoCodePlans)
    .where(and(eq(promoCodePlans.botId, tx.botId), eq(promoCodePlans.promoCodeId, code.id)));
  if (limited.length > 0 && !limited.some((row) => row.planId === plan.id)) return refused('not_for_plan');
  if (listPrice < code.minPrice) return refused('min_price');
  if (code.firstPurchaseOnly && (await hasPaidPlan(tx, customerId))) return refused('first_purchase');
  const discount = Math.min(
    listPrice,
    code.kind === 'percent' ? percentOf(listPrice, code.percent ?? 0) : (code.amount ?? 0),
  );
  return {
    listPrice,
    price: listPrice - discount,
    discount,
    promo: { code: code.code, promoCodeId: code.id, redemptionId: redemption.id },
  };
}

/**
 * The held discount that priced `order` is used, in the transaction that pays the order: exactly
 * once, since only one waiting order can carry it (orders_one_waiting_per_redemption) and an order
 * is paid once.
 */
export async function consumeHeldDiscount(
  tx: TenantTx,
  order: { readonly id: number; readonly promoRedemptionId: number | null },
  now: Date,
): Promise<void> {
  if (order.promoRedemptionId === null) return;
  const used = await tx
    .update(promoRedemptions)
    .set({ status: 'used', orderId: order.id, usedAt: now })
    .where(
      and(
        eq(promoRedemptions.botId, tx.botId),
        eq(promoRedemptions.id, order.promoRedemptionId),
        eq(promoRedemptions.status, 'reserved'),
      ),
    )
    .returning({ id: promoRedemptions.id });
  // a hold is released only when no waiting order carries it, under the customer's lock, which the
  // paying transaction holds too: an order paid at a discount always finds its hold
  if (used.length === 0) throw new Error(`order ${order.id}: its promo redemption is no longer held`);
}
