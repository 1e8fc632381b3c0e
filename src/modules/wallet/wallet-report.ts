import { and, eq, gte, sql } from 'drizzle-orm';
import { type WalletKind, walletTransactions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import { exactMoney } from '../../shared/money.js';

/** One kind of wallet entry over a period: how many, their sum (signed) and the traffic they carry. */
export interface WalletKindTotal {
  readonly kind: WalletKind;
  readonly count: number;
  readonly amount: number;
  readonly bytes: number;
}

/**
 * What a shop's wallet did since a moment (the start of the month, in the shop's calendar): the
 * entries summed by kind. Read only, for the shop's admins (admin menu → Wallet).
 */
export function createWalletReport({ tenant }: { tenant: TenantDb }) {
  const { botId } = tenant;
  return {
    async totalsSince(since: Date): Promise<WalletKindTotal[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select({
            kind: walletTransactions.kind,
            count: sql<string>`count(*)`,
            amount: sql<string>`coalesce(sum(${walletTransactions.amount}), 0)`,
            bytes: sql<string>`coalesce(sum(${walletTransactions.bytes}), 0)`,
          })
          .from(walletTransactions)
          .where(and(eq(walletTransactions.botId, botId), gte(walletTransactions.createdAt, since)))
          .groupBy(walletTransactions.kind),
      );
      return rows.map((row) => ({
        kind: row.kind,
        count: Number(row.count),
        amount: exactMoney(row.amount, `wallet ${row.kind} entries of tenant ${botId}`),
        bytes: Number(row.bytes),
      }));
    },
  };
}

export type WalletReport = ReturnType<typeof createWalletReport>;
