import { and, eq } from 'drizzle-orm';
import { customerGroupPrices, customerGroups, customers } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId } from '../../shared/ids.js';

/** `percent` % of `amount`, rounded down, exact for any amount up to MAX_MONEY (no float product). */
export const percentOf = (amount: number, percent: number): number =>
  Number((BigInt(amount) * BigInt(percent)) / 100n);

/** The price a plan has for a customer: the group's own price, else its discount, else the plan's. */
export interface GroupPrice {
  readonly price: number;
  /** The active group that priced it; undefined when the customer is in none (or an inactive one). */
  readonly groupId: number | undefined;
}

/**
 * The plan's price for this customer, inside the caller's transaction: what the buy screens show
 * and what `purchasePlan` charges (autopay included), so the two never disagree. A switched-off
 * group prices like no group.
 */
export async function groupPriceFor(
  tx: TenantTx,
  customerId: CustomerId,
  plan: { readonly id: number; readonly price: number },
): Promise<GroupPrice> {
  const [row] = await tx
    .select({
      groupId: customerGroups.id,
      discountPercent: customerGroups.discountPercent,
      ownPrice: customerGroupPrices.price,
    })
    .from(customers)
    .innerJoin(
      customerGroups,
      and(
        eq(customerGroups.botId, customers.botId),
        eq(customerGroups.id, customers.groupId),
        eq(customerGroups.isActive, true),
      ),
    )
    .leftJoin(
      customerGroupPrices,
      and(
        eq(customerGroupPrices.botId, customerGroups.botId),
        eq(customerGroupPrices.groupId, customerGroups.id),
        eq(customerGroupPrices.planId, plan.id),
      ),
    )
    .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId)));
  if (!row) return { price: plan.price, groupId: undefined };
  if (row.ownPrice !== null) return { price: row.ownPrice, groupId: row.groupId };
  return { price: plan.price - percentOf(plan.price, row.discountPercent), groupId: row.groupId };
}
