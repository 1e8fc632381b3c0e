import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { customers, type LedgerKind, ledgerTransactions } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId, LedgerEntryId } from '../../shared/ids.js';
import { exactMoney, MAX_MONEY } from '../../shared/money.js';
import type { Invalid } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';

export type LedgerEntry = typeof ledgerTransactions.$inferSelect & { readonly id: LedgerEntryId };

export interface PostingInput {
  readonly customerId: CustomerId;
  /** Positive credits, negative debits; integer currency units. */
  readonly amount: number;
  readonly kind: LedgerKind;
  readonly reason?: string | undefined;
  /** A payment id, order id...: money moves at most once per reference and tenant. */
  readonly externalRef?: string | undefined;
  readonly createdBy?: number | undefined;
}

export type PostingResult =
  | { readonly status: 'posted'; readonly entry: LedgerEntry; readonly balance: number }
  | { readonly status: 'duplicate'; readonly entry: LedgerEntry; readonly balance: number }
  | { readonly status: 'insufficient'; readonly balance: number; readonly missing: number }
  /** The credit would take the balance above MAX_MONEY; `room` is the most it can still take. */
  | { readonly status: 'over_limit'; readonly balance: number; readonly room: number }
  | { readonly status: 'no_customer' };

const MAX_AMOUNT = 1_000_000_000_000;
const postingInput = z.object({
  customerId: z.number().int().positive(),
  amount: z
    .number()
    .int('must be a whole number')
    .refine((value) => value !== 0, 'must not be zero')
    .refine((value) => Math.abs(value) <= MAX_AMOUNT, 'is too large'),
  kind: z.string(),
  reason: z.string().max(500).optional(),
  externalRef: z.string().min(1).max(200).optional(),
  createdBy: z.number().int().optional(),
});

/**
 * Posts one entry inside the caller's transaction: the customer row is locked first, so two
 * postings for one customer run one after the other, and a reference is locked before it is
 * checked, so the same reference never moves money twice. Callers that pay for something post in the same transaction as the state change.
 */
export async function postEntry(tx: TenantTx, input: PostingInput): Promise<PostingResult> {
  // callers inside a transaction skip the service's validation: a fraction or NaN here is a bug
  if (!Number.isSafeInteger(input.amount) || input.amount === 0)
    throw new RangeError(`ledger amount must be a non-zero whole number, not ${input.amount}`);
  const [customer] = await tx
    .select({ balance: customers.balance })
    .from(customers)
    .where(and(eq(customers.botId, tx.botId), eq(customers.id, input.customerId)))
    .for('update');
  if (!customer) return { status: 'no_customer' };
  if (input.externalRef !== undefined) {
    // The customer lock does not cover the same reference posted for another customer at the same
    // moment: serialise on the reference itself, then the check below sees any committed twin.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${`${tx.botId}:${input.externalRef}`}, 0))`,
    );
    const [existing] = await tx
      .select()
      .from(ledgerTransactions)
      .where(
        and(eq(ledgerTransactions.botId, tx.botId), eq(ledgerTransactions.externalRef, input.externalRef)),
      );
    if (existing) return { status: 'duplicate', entry: existing as LedgerEntry, balance: customer.balance };
  }
  const balance = customer.balance + input.amount;
  if (balance < 0) return { status: 'insufficient', balance: customer.balance, missing: -balance };
  // exact: a stored balance (<= MAX_MONEY) plus a safe integer only rounds far above MAX_MONEY
  if (balance > MAX_MONEY)
    return { status: 'over_limit', balance: customer.balance, room: MAX_MONEY - customer.balance };
  await tx
    .update(customers)
    .set({ balance, updatedAt: new Date() })
    .where(and(eq(customers.botId, tx.botId), eq(customers.id, input.customerId)));
  const [entry] = await tx
    .insert(ledgerTransactions)
    .values({
      botId: tx.botId,
      customerId: input.customerId,
      amount: input.amount,
      balanceAfter: balance,
      kind: input.kind,
      reason: input.reason ?? null,
      externalRef: input.externalRef ?? null,
      createdBy: input.createdBy ?? null,
    })
    .returning();
  return { status: 'posted', entry: entry as LedgerEntry, balance };
}

export function createLedgerService({ tenant }: { tenant: TenantDb }) {
  const { botId } = tenant;
  const post = async (
    input: PostingInput,
  ): Promise<PostingResult | { status: 'invalid'; error: Invalid }> => {
    const parsed = parseInput(postingInput, input);
    if (!parsed.ok) return { status: 'invalid', error: parsed.error };
    return tenant.transaction((tx) => postEntry(tx, input));
  };

  return {
    /** Adds money to a customer balance (admin credit, top-up...). */
    credit: (input: PostingInput) =>
      input.amount > 0
        ? post(input)
        : Promise.resolve({
            status: 'invalid' as const,
            error: { code: 'invalid' as const, field: 'amount', message: 'amount: must be positive' },
          }),
    /** Takes money from a customer balance; refuses to go below zero. */
    debit: (input: PostingInput) =>
      input.amount > 0
        ? post({ ...input, amount: -input.amount })
        : Promise.resolve({
            status: 'invalid' as const,
            error: { code: 'invalid' as const, field: 'amount', message: 'amount: must be positive' },
          }),
    async balance(customerId: CustomerId): Promise<number | undefined> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .select({ balance: customers.balance })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.id, customerId))),
      );
      return row?.balance;
    },
    async entries(customerId: CustomerId, limit = 50): Promise<LedgerEntry[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(ledgerTransactions)
          .where(and(eq(ledgerTransactions.botId, botId), eq(ledgerTransactions.customerId, customerId)))
          .orderBy(desc(ledgerTransactions.id))
          .limit(limit),
      );
      return rows as LedgerEntry[];
    },
    /**
     * Customers whose stored balance differs from the sum of their entries (should be none). The
     * comparison is made in SQL on the exact numeric sum; a sum too large for a number throws.
     */
    async findImbalances(): Promise<{ customerId: CustomerId; balance: number; ledgerSum: number }[]> {
      const ledgerSum = sql<string>`coalesce(sum(${ledgerTransactions.amount}), 0)`;
      const rows = await tenant.transaction((tx) =>
        tx
          .select({ customerId: customers.id, balance: customers.balance, ledgerSum })
          .from(customers)
          .leftJoin(
            ledgerTransactions,
            and(
              eq(ledgerTransactions.botId, customers.botId),
              eq(ledgerTransactions.customerId, customers.id),
            ),
          )
          .where(eq(customers.botId, botId))
          .groupBy(customers.id, customers.balance)
          .having(sql`${customers.balance} <> ${ledgerSum}`),
      );
      return rows.map((row) => ({
        customerId: row.customerId as CustomerId,
        balance: row.balance,
        ledgerSum: exactMoney(row.ledgerSum, `ledger sum of customer ${row.customerId}`),
      }));
    },
  };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
