import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ChangeBus } from '../../db/change-bus.js';
import { bots, walletTransactions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';

import { exactMoney } from '../../shared/money.js';
import { err, type Invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';
import { lockWallet, postWalletEntry, type WalletEntry, type WalletPostingResult } from './wallet-posting.js';

export type { WalletEntry } from './wallet-posting.js';

export interface WalletSummary {
  /** Integer units of the operator's currency. */
  readonly balance: number;
  readonly wholesalePricePerGb: number;
  readonly trafficSoldBytes: number;
  /** Synced from the panel (`syncTenantTraffic`). */
  readonly trafficConsumedBytes: number;
}

export interface TopUpInput {
  /** Positive, integer units of the operator's currency. */
  readonly amount: number;
  readonly reason?: string | undefined;
  /** Telegram id of the operator. */
  readonly createdBy?: number | null | undefined;
  /** A payment id, a Telegram message...: the same reference tops up once. */
  readonly externalRef?: string | undefined;
}

export interface AdjustInput {
  /** Signed: a correction either way; the wallet never goes below zero. */
  readonly amount: number;
  readonly reason: string;
  readonly createdBy?: number | null | undefined;
  readonly externalRef?: string | undefined;
}

export type WalletOperationResult =
  | WalletPostingResult
  | { readonly status: 'invalid'; readonly error: Invalid };

export const MAX_WALLET_AMOUNT = 1_000_000_000_000;
export const MAX_PRICE_PER_GB = 1_000_000_000;

const common = {
  reason: z.string().trim().min(1).max(500).optional(),
  createdBy: z.number().int().nullable().optional(),
  externalRef: z.string().min(1).max(200).optional(),
};
const topUpInput = z.object({
  amount: z.number().int('must be a whole number').positive().max(MAX_WALLET_AMOUNT),
  ...common,
});
const adjustInput = z.object({
  amount: z
    .number()
    .int('must be a whole number')
    .refine((value) => value !== 0, 'must not be zero')
    .refine((value) => Math.abs(value) <= MAX_WALLET_AMOUNT, 'is too large'),
  ...common,
  reason: z.string().trim().min(1, 'an adjustment needs a reason').max(500),
});
const pricePerGb = z.number().int('must be a whole number').min(0).max(MAX_PRICE_PER_GB);

export interface WalletServiceDeps {
  readonly tenant: TenantDb;
  readonly bus: ChangeBus;
}

/**
 * The tenant's wallet with the operator: it pays for the traffic the tenant sells (`chargeSale`).
 * Top-ups, adjustments and the wholesale price are the operator's; tenant admins only read it.
 */
export function createWalletService({ tenant, bus }: WalletServiceDeps) {
  const { botId } = tenant;
  const post = (
    input: {
      amount: number;
      reason?: string | undefined;
      createdBy?: number | null | undefined;
      externalRef?: string | undefined;
    },
    kind: 'topup' | 'adjustment',
  ): Promise<WalletPostingResult> =>
    tenant.transaction(async (tx) =>
      postWalletEntry(tx, await lockWallet(tx), {
        amount: input.amount,
        kind,
        reason: input.reason,
        createdBy: input.createdBy ?? undefined,
        externalRef: input.externalRef,
      }),
    );

  const summary = async (): Promise<WalletSummary> => {
    const [row] = await tenant.transaction((tx) =>
      tx
        .select({
          balance: bots.walletBalance,
          wholesalePricePerGb: bots.wholesalePricePerGb,
          trafficSoldBytes: bots.trafficSoldBytes,
          trafficConsumedBytes: bots.trafficConsumedBytes,
        })
        .from(bots)
        .where(eq(bots.id, botId)),
    );
    if (!row) throw new Error(`tenant ${botId} not found`);
    return row;
  };

  return {
    balance: async (): Promise<number> => (await summary()).balance,
    summary,
    /** Newest first; `beforeId` pages back. */
    async entries(page: { limit?: number; beforeId?: number } = {}): Promise<WalletEntry[]> {
      const limit = Math.min(Math.max(page.limit ?? 50, 1), 500);
      return tenant.transaction((tx) =>
        tx
          .select()
          .from(walletTransactions)
          .where(
            and(
              eq(walletTransactions.botId, botId),
              page.beforeId === undefined ? undefined : lt(walletTransactions.id, page.beforeId),
            ),
          )
          .orderBy(desc(walletTransactions.id))
          .limit(limit),
      );
    },
    /** The operator adds money to the tenant's wallet. */
    async topUp(input: TopUpInput): Promise<WalletOperationResult> {
      const parsed = parseInput(topUpInput, input);
      if (!parsed.ok) return { status: 'invalid', error: parsed.error };
      return post(parsed.value, 'topup');
    },
    /** The operator corrects the wallet either way, with a reason; never below zero. */
    async adjust(input: AdjustInput): Promise<WalletOperationResult> {
      const parsed = parseInput(adjustInput, input);
      if (!parsed.ok) return { status: 'invalid', error: parsed.error };
      return post(parsed.value, 'adjustment');
    },
    /** The operator's price per GB sold; 0 makes sales free for the tenant. */
    async setWholesalePrice(perGb: number): Promise<Result<number, Invalid>> {
      const parsed = parseInput(pricePerGb, perGb);
      if (!parsed.ok) return parsed;
      const updated = await tenant.transaction(async (tx) => {
        const rows = await tx
          .update(bots)
          .set({ wholesalePricePerGb: parsed.value, updatedAt: new Date() })
          .where(eq(bots.id, botId))
          .returning({ id: bots.id });
        // the tenant's row changed: running fleets and caches of it pick the new value up
        if (rows.length > 0) await bus.publish(tx, { kind: 'tenant', botId });
        return rows.length > 0;
      });
      return updated ? ok(parsed.value) : err({ code: 'invalid', message: `tenant ${botId} not found` });
    },
    /**
     * The stored balance against the sum of the entries (they agree unless something is wrong). The
     * sum is read exactly; one too large for a number throws rather than being rounded into agreement.
     */
    async audit(): Promise<{ balance: number; entriesSum: number; consistent: boolean }> {
      return tenant.transaction(async (tx) => {
        const [wallet] = await tx
          .select({ balance: bots.walletBalance })
          .from(bots)
          .where(eq(bots.id, botId));
        const [sum] = await tx
          .select({ total: sql<string>`coalesce(sum(${walletTransactions.amount}), 0)` })
          .from(walletTransactions)
          .where(eq(walletTransactions.botId, botId));
        const balance = wallet?.balance ?? 0;
        const entriesSum = exactMoney(sum?.total, `wallet entries of tenant ${botId}`);
        return { balance, entriesSum, consistent: balance === entriesSum };
      });
    },
  };
}

export type WalletService = ReturnType<typeof createWalletService>;
