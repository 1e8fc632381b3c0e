import { and, eq } from 'drizzle-orm';
import { orders } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId } from '../../shared/ids.js';

/** Whether `orderId` is this customer's order still waiting for money: what a payment may be made for. */
export async function isAwaitingOrder(
  tx: TenantTx,
  customerId: CustomerId,
  orderId: number,
): Promise<boolean> {
  const [order] = await tx
    .select({ id: orders.id })
    .from(orders)
    .where(
      and(
        eq(orders.botId, tx.botId),
        eq(orders.id, orderId),
        eq(orders.customerId, customerId),
        eq(orders.status, 'created'),
      ),
    );
  return order !== undefined;
}
