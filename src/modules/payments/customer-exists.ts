import { and, eq } from 'drizzle-orm';
import { customers } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId } from '../../shared/ids.js';

/** Whether the customer a payment is started for is one of this tenant's. */
export async function customerExists(tx: TenantTx, customerId: CustomerId): Promise<boolean> {
  const [customer] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId)));
  return customer !== undefined;
}
