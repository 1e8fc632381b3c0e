import { and, desc, eq, or } from 'drizzle-orm';
import { botConfigurations, bots, type OrderKind, walletConsumptionCharges } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { type Clock, systemClock } from '../../shared/clock.js';
import { SETTINGS } from '../settings/registry.js';
import { GIB } from '../subscriptions/vpn-panel.js';
import { lockWallet, postWalletEntry } from './wallet-posting.js';

/**
 * Billing by consumption. The operator bills a shop either per sale (`chargeSale` debits each sale
 * its traffic, the default) or by consumption (setting `wallet_billing_mode`): then sales debit
 * nothing, and once a UTC day the traffic the shop's customers used (bots.traffic_consumed_bytes,
 * the sum of the panel's lifetime counters as the 15-minute sync stored them) is charged.
 *
 * - **The mark.** Each day's row of `wallet_consumption_charges` records the consumed bytes charged
 *   up to (`to_bytes`); the next day charges from there. The shop's first day billed by
 *   consumption opens the mark at what it consumed so far (that traffic was paid per sale).
 * - **Once a day.** The row's primary key is (shop, day) and the wallet entry's reference is
 *   `consumption:<day>`; the row, the entry and the balance are written in one transaction under
 *   the wallet's lock, so retries, two processes or a crash between steps charge a day once.
 * - **Rounding.** Money is whole currency units: a day charges floor(bytes × price per GB / GiB)
 *   units and moves the mark by the bytes those units pay for (rounded up to a whole byte); the
 *   rest, worth less than one unit, is carried to the next day. Nothing is lost or charged twice.
 * - **Debt.** The traffic was already used, so the charge is taken in full even when the wallet
 *   goes below zero (`mayGoNegative`); top-ups pay the debt first.
 * - **Selling while billed by consumption** (`admitSale`, from `chargeSale`): a new subscription
 *   (kind `purchase`, also a trial's activation) needs a balance above zero; renewals and packs
 *   sell while the balance is above minus the grace (`wallet_consumption_grace`, currency units,
 *   0 by default: then they stop at zero too). A refused sale is `insufficient`, like a per-sale
 *   wallet that cannot cover it (the customer's message and the admins' alert are the same).
 *   Trials are gifts and are not gated; subscriptions already sold keep working to their end.
 */

export type WalletBillingMode = 'per_sale' | 'consumption';

export interface WalletBilling {
  readonly mode: WalletBillingMode;
  /** Currency units the wallet may be below zero while renewals and packs still sell. */
  readonly grace: number;
}

export type ConsumptionCharge = typeof walletConsumptionCharges.$inferSelect;

export type ConsumptionChargeResult =
  /** Billed per sale and never billed by consumption: nothing to follow, nothing written. */
  | { readonly status: 'per_sale' }
  /** This day was already recorded (by a retry, another process, or earlier today). */
  | { readonly status: 'already'; readonly charge: ConsumptionCharge }
  /** Recorded now: `charge.kind` tells an opening, a charge (amount may be 0) or a per-sale day. */
  | { readonly status: 'recorded'; readonly charge: ConsumptionCharge; readonly balance: number };

/** The wallet entry of a day's charge: one per shop and day. */
export const consumptionRef = (day: string): string => `consumption:${day}`;

/** The UTC day of a moment, as the charge's row and reference name it (YYYY-MM-DD). */
export const utcDay = (moment: Date): string => moment.toISOString().slice(0, 10);

const BIG_GIB = BigInt(GIB);

/**
 * What `bytes` cost at `pricePerGb` in whole units, and the bytes those units pay for: amount =
 * floor(bytes × price / GiB), covered = ceil(amount × GiB / price) ≤ bytes. The rest (bytes −
 * covered) is worth less than one unit. Exact integer arithmetic, whatever the sizes.
 */
export function priceConsumption(
  bytes: number,
  pricePerGb: number,
): { amount: number; coveredBytes: number } {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`bytes must be a whole number ≥ 0`);
  if (!Number.isSafeInteger(pricePerGb) || pricePerGb < 0)
    throw new RangeError(`price per GB must be a whole number ≥ 0`);
  if (bytes === 0 || pricePerGb === 0) return { amount: 0, coveredBytes: 0 };
  const price = BigInt(pricePerGb);
  const amount = (BigInt(bytes) * price) / BIG_GIB;
  const covered = (amount * BIG_GIB + price - 1n) / price;
  if (amount > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError(`${bytes} bytes at ${pricePerGb} per GB is out of range`);
  return { amount: Number(amount), coveredBytes: Number(covered) };
}

/**
 * The shop's billing settings, read inside the caller's transaction (the settings service would
 * open a transaction of its own, which deadlocks on PGlite). A stored value the registry no longer
 * accepts reads as the default, as everywhere else.
 */
export async function readWalletBilling(tx: TenantTx): Promise<WalletBilling> {
  const rows = await tx
    .select({ key: botConfigurations.configKey, value: botConfigurations.value })
    .from(botConfigurations)
    .where(
      and(
        eq(botConfigurations.botId, tx.botId),
        or(
          eq(botConfigurations.configKey, 'wallet_billing_mode'),
          eq(botConfigurations.configKey, 'wallet_consumption_grace'),
        ),
      ),
    );
  const stored = (key: string) => rows.find((row) => row.key === key)?.value;
  const mode = SETTINGS.wallet_billing_mode.schema.safeParse(stored('wallet_billing_mode'));
  const grace = SETTINGS.wallet_consumption_grace.schema.safeParse(stored('wallet_consumption_grace'));
  return {
    mode: mode.success ? mode.data : SETTINGS.wallet_billing_mode.default,
    grace: grace.success ? grace.data : SETTINGS.wallet_consumption_grace.default,
  };
}

export type AdmitSaleResult =
  | { readonly status: 'by_consumption'; readonly balance: number }
  /** `missing`: the least top-up that lets this sale through. */
  | { readonly status: 'insufficient'; readonly balance: number; readonly missing: number };

/**
 * Whether a shop billed by consumption may make this sale, inside the order's transaction (after
 * the customer's lock, like `chargeSale`): a new subscription (`purchase`) needs a balance above
 * zero, anything on an existing subscription (renewal, packs) a balance above minus the grace.
 * Nothing is written; the wallet is locked so the daily charge and the sale see one balance.
 */
export async function admitSale(
  tx: TenantTx,
  billing: WalletBilling,
  kind: OrderKind,
): Promise<AdmitSaleResult> {
  const { balance } = await lockWallet(tx);
  const floor = kind === 'purchase' ? 0 : -billing.grace;
  if (balance > floor) return { status: 'by_consumption', balance };
  return { status: 'insufficient', balance, missing: floor - balance + 1 };
}

/**
 * Records `day` for the shop inside the caller's transaction (the job's, or a test's): the wallet's
 * lock first, so two runners of a shop run one after the other and the second finds the day done.
 * Billed per sale after having been billed by consumption, the mark follows the consumption
 * without charging it; never billed by consumption, nothing is written.
 */
export async function chargeConsumptionDay(
  tx: TenantTx,
  input: { readonly day: string },
): Promise<ConsumptionChargeResult> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.day))
    throw new RangeError(`day must be YYYY-MM-DD, not ${input.day}`);
  const billing = await readWalletBilling(tx);
  const wallet = await lockWallet(tx);
  const byShop = eq(walletConsumptionCharges.botId, tx.botId);
  const [done] = await tx
    .select()
    .from(walletConsumptionCharges)
    .where(and(byShop, eq(walletConsumptionCharges.day, input.day)));
  if (done) return { status: 'already', charge: done };
  const [last] = await tx
    .select()
    .from(walletConsumptionCharges)
    .where(byShop)
    .orderBy(desc(walletConsumptionCharges.day))
    .limit(1);
  if (!last && billing.mode === 'per_sale') return { status: 'per_sale' };
  const [shop] = await tx
    .select({ consumed: bots.trafficConsumedBytes })
    .from(bots)
    .where(eq(bots.id, tx.botId));
  const consumed = shop?.consumed ?? 0;
  const row = {
    botId: tx.botId,
    day: input.day,
    consumedBytes: consumed,
    fromBytes: last?.toBytes ?? consumed,
    pricePerGb: wallet.wholesalePricePerGb,
  };

  const record = async (values: Omit<typeof walletConsumptionCharges.$inferInsert, keyof typeof row>) => {
    const [charge] = await tx
      .insert(walletConsumptionCharges)
      .values({ ...row, ...values })
      .returning();
    return charge!;
  };

  if (!last) {
    const charge = await record({ kind: 'opening', toBytes: consumed, amount: 0 });
    return { status: 'recorded', charge, balance: wallet.balance };
  }
  if (billing.mode === 'per_sale') {
    const charge = await record({ kind: 'per_sale', toBytes: consumed, amount: 0 });
    return { status: 'recorded', charge, balance: wallet.balance };
  }
  if (consumed <= last.toBytes) {
    // nothing new, or the total went back (a panel user made again counts from zero): the mark follows
    const charge = await record({ kind: 'charge', toBytes: consumed, amount: 0 });
    return { status: 'recorded', charge, balance: wallet.balance };
  }
  const { amount, coveredBytes } = priceConsumption(consumed - last.toBytes, wallet.wholesalePricePerGb);
  // free traffic (no price) moves the mark; less than one unit's worth is carried
  const toBytes = wallet.wholesalePricePerGb === 0 ? consumed : last.toBytes + coveredBytes;
  if (amount === 0) {
    const charge = await record({ kind: 'charge', toBytes, amount: 0 });
    return { status: 'recorded', charge, balance: wallet.balance };
  }
  const posted = await postWalletEntry(tx, wallet, {
    amount: -amount,
    kind: 'consumption',
    bytes: coveredBytes,
    externalRef: consumptionRef(input.day),
    reason: `traffic consumed: ${(coveredBytes / GIB).toFixed(2)} GB`,
    mayGoNegative: true,
  });
  // the day's row and its entry are written together, and the row was checked under the lock
  if (posted.status !== 'posted') throw new Error(`consumption charge of ${input.day}: ${posted.status}`);
  const charge = await record({ kind: 'charge', toBytes, amount, walletEntryId: posted.entry.id });
  return { status: 'recorded', charge, balance: posted.balance };
}

export interface ConsumptionBillingDeps {
  readonly tenant: TenantDb;
  readonly clock?: Clock;
}

/** `app.forTenant(id).walletBilling`: the daily charge (for the job) and its history. */
export function createConsumptionBillingService({ tenant, clock = systemClock }: ConsumptionBillingDeps) {
  return {
    /** Records today's (UTC) charge, or `day`'s: once, whoever calls it how often. */
    chargeDay: (day: string = utcDay(clock.now())): Promise<ConsumptionChargeResult> =>
      tenant.transaction((tx) => chargeConsumptionDay(tx, { day })),
    /** The shop's billing mode and grace, in one read. */
    billing: (): Promise<WalletBilling> => tenant.transaction((tx) => readWalletBilling(tx)),
    /** Newest day first. */
    history: (limit = 31): Promise<ConsumptionCharge[]> =>
      tenant.transaction((tx) =>
        tx
          .select()
          .from(walletConsumptionCharges)
          .where(eq(walletConsumptionCharges.botId, tx.botId))
          .orderBy(desc(walletConsumptionCharges.day))
          .limit(Math.min(Math.max(limit, 1), 366)),
      ),
  };
}
