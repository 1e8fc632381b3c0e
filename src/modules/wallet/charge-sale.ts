import { and, eq } from 'drizzle-orm';
import { botConfigurations, type OrderKind } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';

import { resellerSalesSuspension } from '../resellers/reseller-shop.js';
import { SETTINGS } from '../settings/registry.js';
import { admitSale, readWalletBilling } from './consumption-billing.js';
import { findWalletEntryByRef, lockWallet, postWalletEntry } from './wallet-posting.js';

/** Traffic is sold in GiB, as the panel counts it. */
export const BYTES_PER_GB = 1024 ** 3;

/** The reference of an order's sale entry: the same order is charged once. */
export const saleRef = (orderId: number): string => `order:${orderId}`;
export const refundRef = (orderId: number): string => `refund:order:${orderId}`;

export type ChargeSaleResult =
  | { status: 'charged'; amount: number; balance: number }
  | { status: 'free' }
  /** The shop is billed by consumption: the sale debits nothing, the wallet admitted it. */
  | { status: 'by_consumption'; balance: number }
  | { status: 'insufficient'; balance: number; missing: number };

export type RefundSaleResult =
  | { status: 'refunded'; amount: number; balance: number }
  | { status: 'not_charged' }
  /** The wallet was topped up since the sale and cannot take the amount back without passing MAX_MONEY. */
  | { status: 'over_limit'; balance: number; room: number };

const checkId = (name: string, value: number) => {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
};

/**
 * What an unlimited plan is charged as. Read inside the caller's transaction (the settings service
 * would open a transaction of its own); a stored value the registry no longer accepts reads as the
 * default, as everywhere else.
 */
async function unlimitedEquivalentGb(tx: TenantTx): Promise<number> {
  const definition = SETTINGS.wallet_unlimited_equivalent_gb;
  const [row] = await tx
    .select({ value: botConfigurations.value })
    .from(botConfigurations)
    .where(
      and(
        eq(botConfigurations.botId, tx.botId),
        eq(botConfigurations.configKey, 'wallet_unlimited_equivalent_gb'),
      ),
    );
  const parsed = definition.schema.safeParse(row?.value);
  return parsed.success ? parsed.data : definition.default;
}

/**
 * Billed per sale (the default), debits the tenant's wallet for one sale, inside the order's own
 * transaction: price = traffic × the tenant's wholesale price per GB (unlimited plans, trafficGb =
 * 0, at the configured equivalent). The bots row is locked first, so concurrent sales of a tenant
 * run one after another and the wallet never goes below zero.
 *
 * - `charged`: an entry `order:<id>` was posted, and the traffic added to traffic_sold_bytes. A
 *   second call for the same order answers the first result again without moving money.
 * - `free`: the price is 0 (no wholesale price set), or a day pack; nothing is written.
 * - `by_consumption`: the shop is billed by consumption and the wallet admits the sale
 *   (`admitSale`); nothing is written, the daily charge pays for the traffic used.
 * - `insufficient`: the wallet cannot cover it (billed by consumption: cannot admit it); nothing
 *   is written. The caller refuses the sale and alerts the tenant's admins (`saleRefusedAlert`).
 */
export async function chargeSale(
  tx: TenantTx,
  input: {
    orderId: number;
    trafficGb: number;
    /** The order's kind (default `purchase`): a day pack sells no traffic, billed per sale. */
    kind?: OrderKind;
  },
): Promise<ChargeSaleResult> {
  checkId('orderId', input.orderId);
  if (!Number.isSafeInteger(input.trafficGb) || input.trafficGb < 0)
    throw new RangeError('trafficGb must be a whole number of GB, 0 for unlimited');
  const kind = input.kind ?? 'purchase';
  // a reseller shop whose monthly fee went unpaid past the grace period sells nothing new
  // (src/modules/resellers/reseller-shop.ts): refused like a wallet that cannot cover the sale
  const suspended = await resellerSalesSuspension(tx);
  if (suspended) return { status: 'insufficient', ...suspended };
  // billed by consumption (src/modules/wallet/consumption-billing.ts): the daily charge pays for
  // the traffic; a sale only needs the wallet's admission (a new subscription a balance above zero,
  // a renewal or a pack one above minus the grace)
  const billing = await readWalletBilling(tx);
  if (billing.mode === 'consumption') return admitSale(tx, billing, kind);
  if (kind === 'day_pack') return { status: 'free' };
  const wallet = await lockWallet(tx);
  const ref = saleRef(input.orderId);
  const charged = await findWalletEntryByRef(tx, ref);
  if (charged) return { status: 'charged', amount: -charged.amount, balance: charged.balanceAfter };

  const unlimited = input.trafficGb === 0;
  const gb = unlimited ? await unlimitedEquivalentGb(tx) : input.trafficGb;
  const price = gb * wallet.wholesalePricePerGb;
  const bytes = gb * BYTES_PER_GB;
  if (!Number.isSafeInteger(price) || !Number.isSafeInteger(bytes))
    throw new RangeError(`a sale of ${gb} GB at ${wallet.wholesalePricePerGb} per GB is out of range`);
  if (price === 0) return { status: 'free' };

  const posted = await postWalletEntry(tx, wallet, {
    amount: -price,
    kind: 'sale',
    bytes,
    orderId: input.orderId,
    externalRef: ref,
    reason: unlimited ? `${gb} GB (unlimited plan)` : `${gb} GB`,
    soldBytesDelta: bytes,
  });
  if (posted.status === 'insufficient') return posted;
  // a debit only lowers the balance, and the reference was checked under the lock
  if (posted.status === 'over_limit') throw new Error(`sale of order ${input.orderId}: ${posted.status}`);
  return { status: 'charged', amount: -posted.entry.amount, balance: posted.entry.balanceAfter };
}

/**
 * Gives a charged sale back to the wallet (an order cancelled after it was paid), inside the
 * caller's transaction: a `refund` entry `refund:order:<id>` of the same amount, and the traffic
 * taken off traffic_sold_bytes. Refunding twice answers the first refund again.
 */
export async function refundSale(
  tx: TenantTx,
  input: { orderId: number; reason?: string | undefined; createdBy?: number | undefined },
): Promise<RefundSaleResult> {
  checkId('orderId', input.orderId);
  const wallet = await lockWallet(tx);
  const refunded = await findWalletEntryByRef(tx, refundRef(input.orderId));
  if (refunded) return { status: 'refunded', amount: refunded.amount, balance: refunded.balanceAfter };
  const sale = await findWalletEntryByRef(tx, saleRef(input.orderId));
  if (!sale) return { status: 'not_charged' };
  const posted = await postWalletEntry(tx, wallet, {
    amount: -sale.amount,
    kind: 'refund',
    bytes: sale.bytes,
    orderId: input.orderId,
    externalRef: refundRef(input.orderId),
    reason: input.reason ?? `refund of order ${input.orderId}`,
    createdBy: input.createdBy,
    soldBytesDelta: -sale.bytes,
  });
  if (posted.status === 'over_limit') return posted;
  // a credit is never insufficient, and the reference was checked under the lock
  if (posted.status !== 'posted') throw new Error(`refund of order ${input.orderId}: ${posted.status}`);
  return { status: 'refunded', amount: posted.entry.amount, balance: posted.balance };
}
