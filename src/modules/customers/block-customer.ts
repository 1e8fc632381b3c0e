import { and, asc, eq } from 'drizzle-orm';
import { cardToCardPayments, customers, orders } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import { customerModerationNotice } from '../../jobs/definitions/customer-moderation.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import type { CustomerId } from '../../shared/ids.js';
import { asCardPaymentId, type Reviewer } from '../payments/card-to-card/card-payment.js';
import { rejectPayment } from '../payments/card-to-card/reject-payment.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { Customer } from './customers-service.js';

export interface ModerationDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
}

/** Who bans: an admin in the bot, or a caller of the management API (as a receipt decision names them). */
export type Moderator = Reviewer;

export type BlockOutcome =
  | { readonly status: 'not_found' }
  | {
      /** `already_blocked`: banned before; the sweep of receipts and orders ran again all the same. */
      readonly status: 'blocked' | 'already_blocked';
      readonly customer: Customer;
      /** Pending card-to-card receipts rejected now. */
      readonly rejectedReceipts: number;
      /** Purchases still waiting for money, cancelled now. */
      readonly cancelledOrders: number;
    };

export type UnblockOutcome =
  | { readonly status: 'not_found' }
  | { readonly status: 'unblocked' | 'not_blocked'; readonly customer: Customer };

/**
 * Bans a customer of this shop: the flag flips (once: a conditional update) with the customer's one
 * notice queued in the same transaction; from then on the bot answers them with one short line at
 * most and sends them nothing (notices and jobs skip banned customers). Then, each in its own
 * transaction, every pending card-to-card receipt of theirs is rejected through the usual rejection
 * (the card counts a failure, the admins' copies show the outcome; the customer is not told again),
 * and their purchases still waiting for money are cancelled. Banning again repeats the sweep, so a
 * crash between the steps is mended by pressing again.
 */
export async function blockCustomer(
  deps: ModerationDeps,
  customerId: CustomerId,
  moderator: Moderator,
): Promise<BlockOutcome> {
  const { tenant } = deps;
  const flipped = await tenant.transaction(async (tx) => {
    const [row] = await tx
      .update(customers)
      .set({ isBlocked: true, updatedAt: deps.clock.now() })
      .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId), eq(customers.isBlocked, false)))
      .returning({ id: customers.id });
    if (row) await enqueue(tx, customerModerationNotice, { customerId, event: 'blocked' });
    return row !== undefined;
  });
  const pending = await tenant.transaction((tx) =>
    tx
      .select({ id: cardToCardPayments.id })
      .from(cardToCardPayments)
      .where(
        and(
          eq(cardToCardPayments.botId, tx.botId),
          eq(cardToCardPayments.customerId, customerId),
          eq(cardToCardPayments.status, 'pending'),
        ),
      )
      .orderBy(asc(cardToCardPayments.id)),
  );
  let rejectedReceipts = 0;
  for (const payment of pending) {
    const outcome = await rejectPayment(deps, asCardPaymentId(payment.id), moderator, null);
    if (outcome.status === 'rejected') rejectedReceipts += 1;
  }
  const cancelled = await tenant.transaction((tx) =>
    tx
      .update(orders)
      .set({ status: 'cancelled', updatedAt: deps.clock.now() })
      .where(and(eq(orders.botId, tx.botId), eq(orders.customerId, customerId), eq(orders.status, 'created')))
      .returning({ id: orders.id }),
  );
  const customer = await getCustomer(tenant, customerId);
  if (!customer) return { status: 'not_found' };
  return {
    status: flipped ? 'blocked' : 'already_blocked',
    customer,
    rejectedReceipts,
    cancelledOrders: cancelled.length,
  };
}

/** Lifts a ban: the flag flips back (once) and the customer is told, in the same transaction. */
export async function unblockCustomer(deps: ModerationDeps, customerId: CustomerId): Promise<UnblockOutcome> {
  const flipped = await deps.tenant.transaction(async (tx) => {
    const [row] = await tx
      .update(customers)
      .set({ isBlocked: false, updatedAt: deps.clock.now() })
      .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId), eq(customers.isBlocked, true)))
      .returning({ id: customers.id });
    if (row) await enqueue(tx, customerModerationNotice, { customerId, event: 'unblocked' });
    return row !== undefined;
  });
  const customer = await getCustomer(deps.tenant, customerId);
  if (!customer) return { status: 'not_found' };
  return { status: flipped ? 'unblocked' : 'not_blocked', customer };
}

async function getCustomer(tenant: TenantDb, customerId: CustomerId): Promise<Customer | undefined> {
  const [row] = await tenant.transaction((tx) =>
    tx
      .select()
      .from(customers)
      .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId))),
  );
  return row as Customer | undefined;
}
