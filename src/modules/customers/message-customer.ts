import { and, eq } from 'drizzle-orm';
import { customers } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import { customerMessage } from '../../jobs/definitions/customer-moderation.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { CustomerId } from '../../shared/ids.js';

/** Telegram's limit for a message is 4096 characters; the shop's heading takes some. */
export const MAX_MESSAGE_LENGTH = 4000;

export type MessageOutcome =
  | { readonly status: 'queued' }
  /** A message under this key was queued before: nothing was queued now. */
  | { readonly status: 'duplicate' }
  | { readonly status: 'invalid' }
  | { readonly status: 'not_found' };

/**
 * Queues an admin's message to one customer of this shop, delivered by the shop's bot (a 403 there
 * marks the customer unreachable). Sent even to a banned or unreachable customer: an admin writing
 * to one person means it. `key` (an API idempotency key, the admin's Telegram message) makes a
 * retried request queue it once.
 */
export async function messageCustomer(
  tenant: TenantDb,
  customerId: CustomerId,
  text: string,
  key?: string,
): Promise<MessageOutcome> {
  const body = text.trim();
  if (body.length === 0 || body.length > MAX_MESSAGE_LENGTH) return { status: 'invalid' };
  return tenant.transaction(async (tx): Promise<MessageOutcome> => {
    const [customer] = await tx
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId)));
    if (!customer) return { status: 'not_found' };
    const queued = await enqueue(
      tx,
      customerMessage,
      { customerId, text: body },
      key === undefined ? {} : { dedupeKey: `customer-message:${key}` },
    );
    return { status: queued ? 'queued' : 'duplicate' };
  });
}
