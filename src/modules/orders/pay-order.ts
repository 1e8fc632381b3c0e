import { and, eq } from 'drizzle-orm';
import { bots, customers, orders, subscriptions } from '../../db/schema.js';
import { inSavepoint, type TenantTx } from '../../db/tenant-tx.js';
import { provisionOrder } from '../../jobs/definitions/provision-order.js';
import { saleRefusedAlert } from '../../jobs/definitions/sale-refused-alert.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { BotId, CustomerId, OrderId } from '../../shared/ids.js';
import { postEntry } from '../ledger/ledger-service.js';
import { GIB } from '../subscriptions/vpn-panel.js';
import { chargeSale } from '../wallet/charge-sale.js';

export type Order = typeof orders.$inferSelect & { readonly id: OrderId };

export type PayOutcome =
  | { readonly status: 'paid'; readonly order: Order }
  | { readonly status: 'already'; readonly order: Order }
  | {
      readonly status: 'insufficient';
      readonly order: Order;
      readonly balance: number;
      readonly missing: number;
    }
  /** The tenant's wholesale wallet cannot cover the traffic sold: nothing moved. */
  | {
      readonly status: 'wallet_insufficient';
      readonly order: Order;
      /** The tenant's wholesale wallet: what it holds and what this sale lacks. */
      readonly wallet: { readonly balance: number; readonly missing: number };
    }
  | { readonly status: 'not_found' };

/** Rolls the transaction back after a partial posting without turning a refusal into an error. */
class Refused extends Error {
  constructor(readonly outcome: PayOutcome) {
    super(outcome.status);
  }
}

/** The deterministic panel username of a tenant's customer: a retried create finds, not duplicates. */
export const panelUsername = (botId: BotId, customerId: CustomerId): string => `rf${botId}c${customerId}`;

const DAY_MS = 86_400_000;

/**
 * Pays a created order from the customer's balance inside the caller's transaction: the ledger
 * debit, the wallet charge, the subscription's new entitlement and the provisioning job commit
 * together or not at all. The order row is locked first, so double presses, concurrent payments
 * and a payment arriving twice pay once. Callers that credit money (payments) call it in the same
 * transaction as the credit, so a payment for a pending purchase completes it.
 */
export async function payOrder(tx: TenantTx, orderId: OrderId, now: Date): Promise<PayOutcome> {
  try {
    return await inSavepoint(tx, (inner) => payOrderSteps(inner, orderId, now));
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    if (error.outcome.status === 'wallet_insufficient') {
      // the sale rolled back, the alert stays: the tenant's admins hear of it, however it was paid
      const { order, wallet } = error.outcome;
      await enqueue(tx, saleRefusedAlert, {
        orderId: order.id,
        walletBalance: wallet.balance,
        walletMissing: wallet.missing,
      });
    }
    return error.outcome;
  }
}

async function payOrderSteps(tx: TenantTx, orderId: OrderId, now: Date): Promise<PayOutcome> {
  const [row] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.botId, tx.botId), eq(orders.id, orderId)))
    .for('update');
  if (!row) return { status: 'not_found' };
  const order = row as Order;
  if (order.status !== 'created') return { status: 'already', order };
  const customerId = order.customerId as CustomerId;

  let transactionId: number | null = null;
  if (order.price > 0) {
    const posted = await postEntry(tx, {
      customerId,
      amount: -order.price,
      kind: order.kind === 'renewal' ? 'renewal' : 'purchase',
      reason: order.planName ?? undefined,
      externalRef: `order:${order.id}`,
    });
    if (posted.status === 'insufficient') {
      return { status: 'insufficient', order, balance: posted.balance, missing: posted.missing };
    }
    if (posted.status === 'no_customer') return { status: 'not_found' };
    // a debit only lowers the balance: the ledger's maximum cannot refuse it
    if (posted.status === 'over_limit') throw new Error(`order ${order.id}: debit refused as over_limit`);
    transactionId = posted.entry.id;
  }
  if (order.kind !== 'trial') {
    // a trial is a gift, not a sale: the tenant's wallet pays for what it sells
    const charged = await chargeSale(tx, { orderId: order.id, trafficGb: order.trafficGb });
    if (charged.status === 'insufficient') {
      throw new Refused({
        status: 'wallet_insufficient',
        order,
        wallet: { balance: charged.balance, missing: charged.missing },
      });
    }
  }

  const [current] = await tx
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.botId, tx.botId), eq(subscriptions.customerId, customerId)))
    .for('update');
  // Absolute expiry, decided once: the later of now and the current expiry, plus the period.
  const base = current?.expiresAt && current.expiresAt > now ? current.expiresAt : now;
  const expiresAt = new Date(base.getTime() + order.periodDays * DAY_MS);
  const entitlement = {
    planId: order.planId,
    isTrial: order.kind === 'trial',
    expiresAt,
    trafficLimitBytes: order.trafficGb * GIB,
    deviceLimit: order.deviceLimit,
    updatedAt: now,
  };
  let subscriptionId: number;
  if (current) {
    await tx.update(subscriptions).set(entitlement).where(eq(subscriptions.id, current.id));
    subscriptionId = current.id;
  } else {
    const [created] = await tx
      .insert(subscriptions)
      .values({
        botId: tx.botId,
        customerId,
        panelUsername: panelUsername(tx.botId, customerId),
        ...entitlement,
      })
      .returning({ id: subscriptions.id });
    subscriptionId = created!.id;
  }
  const [paid] = await tx
    .update(orders)
    .set({
      status: 'paid',
      transactionId,
      subscriptionId,
      targetExpiresAt: expiresAt,
      paidAt: now,
      updatedAt: now,
    })
    .where(eq(orders.id, order.id))
    .returning();
  await enqueue(tx, provisionOrder, { orderId: order.id });
  return { status: 'paid', order: paid as Order };
}

/** The tenant's currency, from its own row (visible to a tenant-bound transaction). */
export async function tenantCurrency(tx: TenantTx) {
  const [row] = await tx.select({ currency: bots.currency }).from(bots).where(eq(bots.id, tx.botId));
  return row?.currency ?? 'IRT';
}

/** Locks the customer row: two orders of one customer are decided one after the other. */
export async function lockCustomer(tx: TenantTx, customerId: CustomerId) {
  const [row] = await tx
    .select({ id: customers.id, telegramId: customers.telegramId })
    .from(customers)
    .where(and(eq(customers.botId, tx.botId), eq(customers.id, customerId)))
    .for('update');
  return row;
}
