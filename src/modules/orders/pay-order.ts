import { and, eq, max } from 'drizzle-orm';
import { bots, customers, type OrderKind, orders, subscriptions } from '../../db/schema.js';
import { inSavepoint, type TenantTx } from '../../db/tenant-tx.js';
import { provisionOrder } from '../../jobs/definitions/provision-order.js';
import { saleRefusedAlert } from '../../jobs/definitions/sale-refused-alert.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { CustomerId, OrderId } from '../../shared/ids.js';
import { postEntry } from '../ledger/ledger-service.js';
import { consumeHeldDiscount } from '../promo/plan-pricing.js';
import { panelUsername } from '../subscriptions/panel-username.js';
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

const DAY_MS = 86_400_000;

/**
 * Whether a plan order started a new period on a subscription that existed before it: a renewal,
 * or a paid plan on a trial (kind `purchase`, which activates it). Such an order gets a fresh
 * traffic quota and the customer is told "renewed" or "activated" rather than "ready".
 */
export const continuesSubscription = (
  order: Pick<Order, 'kind' | 'createdAt'>,
  subscription: { readonly createdAt: Date },
): boolean =>
  order.kind === 'renewal' || (order.kind === 'purchase' && subscription.createdAt < order.createdAt);

/** Extra traffic or days on top of an existing subscription, rather than a plan's period. */
export const isPackOrder = (kind: OrderKind): kind is 'traffic_pack' | 'day_pack' =>
  kind === 'traffic_pack' || kind === 'day_pack';

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
    // a trial is a gift, not a sale. Billed per sale the tenant's wallet pays for the traffic it
    // sells (a plan's, or a traffic pack's GB; days sell none); billed by consumption it admits the
    // sale or not, by its kind (a new subscription or more of an existing one)
    const charged = await chargeSale(tx, { orderId: order.id, trafficGb: order.trafficGb, kind: order.kind });
    if (charged.status === 'insufficient') {
      throw new Refused({
        status: 'wallet_insufficient',
        order,
        wallet: { balance: charged.balance, missing: charged.missing },
      });
    }
  }

  const entitled = await entitle(tx, order, now);
  if (!entitled) throw new Refused({ status: 'not_found' });
  const [paid] = await tx
    .update(orders)
    .set({
      status: 'paid',
      transactionId,
      subscriptionId: entitled.subscriptionId,
      targetExpiresAt: entitled.expiresAt,
      paidAt: now,
      updatedAt: now,
    })
    .where(eq(orders.id, order.id))
    .returning();
  // the discount code that priced it is spent now, with the payment
  await consumeHeldDiscount(tx, order, now);
  await enqueue(tx, provisionOrder, { orderId: order.id });
  return { status: 'paid', order: paid as Order };
}

/**
 * What the order entitles its subscription to, decided once, in absolute values (provisioning sends
 * them as they are, so a retry cannot add twice): a plan's period from the later of now and the
 * current expiry with a fresh traffic quota, a traffic pack's GB on top of the current limit, a day
 * pack's days on top of the expiry. A plan order without a subscription makes the customer's next
 * one. Undefined when a pack's subscription is gone.
 */
async function entitle(
  tx: TenantTx,
  order: Order,
  now: Date,
): Promise<{ subscriptionId: number; expiresAt: Date } | undefined> {
  const customerId = order.customerId as CustomerId;
  const [current] =
    order.subscriptionId === null
      ? []
      : await tx
          .select()
          .from(subscriptions)
          .where(
            and(
              eq(subscriptions.botId, tx.botId),
              eq(subscriptions.id, order.subscriptionId),
              eq(subscriptions.customerId, customerId),
            ),
          )
          .for('update');
  const extend = (days: number) => {
    const base = current?.expiresAt && current.expiresAt > now ? current.expiresAt : now;
    return new Date(base.getTime() + days * DAY_MS);
  };
  if (isPackOrder(order.kind)) {
    if (!current) return undefined;
    const change =
      order.kind === 'traffic_pack'
        ? {
            trafficLimitBytes: current.trafficLimitBytes + order.trafficGb * GIB,
            trafficPeriodStartedAt: now,
          }
        : { expiresAt: extend(order.periodDays) };
    await tx
      .update(subscriptions)
      .set({ ...change, updatedAt: now })
      .where(eq(subscriptions.id, current.id));
    return { subscriptionId: current.id, expiresAt: change.expiresAt ?? current.expiresAt ?? now };
  }
  const entitlement = {
    planId: order.planId,
    isTrial: order.kind === 'trial',
    expiresAt: extend(order.periodDays),
    trafficLimitBytes: order.trafficGb * GIB,
    deviceLimit: order.deviceLimit,
    trafficPeriodStartedAt: now,
    updatedAt: now,
  };
  if (current) {
    await tx.update(subscriptions).set(entitlement).where(eq(subscriptions.id, current.id));
    return { subscriptionId: current.id, expiresAt: entitlement.expiresAt };
  }
  // the customer row is locked (by the debit, or by the trial's caller): ordinals do not race
  const [last] = await tx
    .select({ ordinal: max(subscriptions.ordinal) })
    .from(subscriptions)
    .where(and(eq(subscriptions.botId, tx.botId), eq(subscriptions.customerId, customerId)));
  const ordinal = (last?.ordinal ?? 0) + 1;
  const [created] = await tx
    .insert(subscriptions)
    .values({
      botId: tx.botId,
      customerId,
      ordinal,
      panelUsername: panelUsername(tx.botId, customerId, ordinal),
      ...entitlement,
    })
    .returning({ id: subscriptions.id });
  return { subscriptionId: created!.id, expiresAt: entitlement.expiresAt };
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
