import { and, eq } from 'drizzle-orm';
import { botConfigurations } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import { walletLowBalanceAlert } from '../../jobs/definitions/wallet-low-balance.js';
import { enqueue } from '../../jobs/enqueue.js';
import { SETTINGS } from '../settings/registry.js';

/**
 * The shop's low-balance threshold, read inside the caller's transaction (the settings service
 * would open one of its own, which deadlocks on PGlite); a stored value the registry no longer
 * accepts reads as the default, as everywhere else. 0 = no warning.
 */
async function lowBalanceThreshold(tx: TenantTx): Promise<number> {
  const definition = SETTINGS.wallet_low_balance_warning;
  const [row] = await tx
    .select({ value: botConfigurations.value })
    .from(botConfigurations)
    .where(
      and(
        eq(botConfigurations.botId, tx.botId),
        eq(botConfigurations.configKey, 'wallet_low_balance_warning'),
      ),
    );
  const parsed = definition.schema.safeParse(row?.value);
  return parsed.success ? parsed.data : definition.default;
}

/** Whether a debit from `before` to `after` crosses the threshold downwards. */
export const crossesBelow = (before: number, after: number, threshold: number): boolean =>
  threshold > 0 && before >= threshold && after < threshold;

/**
 * Called by `postWalletEntry` for every debit, under the wallet lock and in the debit's own
 * transaction: the one debit that takes the balance from at or above the shop's threshold to below
 * it enqueues the admins' warning, keyed by that entry. Postings of a tenant run one after another
 * under the lock, so each crossing has exactly one such debit; the next warning needs the balance to
 * rise to the threshold again (a top-up) and a debit to cross it once more. A debit rolled back
 * (a refused sale's savepoint) takes its warning with it.
 */
export async function warnOnLowBalance(
  tx: TenantTx,
  debit: { entryId: number; before: number; after: number },
): Promise<void> {
  if (debit.after >= debit.before) return;
  const threshold = await lowBalanceThreshold(tx);
  if (!crossesBelow(debit.before, debit.after, threshold)) return;
  await enqueue(tx, walletLowBalanceAlert, {
    entryId: debit.entryId,
    balance: debit.after,
    threshold,
  });
}
