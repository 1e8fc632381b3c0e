import { and, desc, eq, gt } from 'drizzle-orm';
import { resellerWalletTopups } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { resellerWalletCredit } from '../../jobs/definitions/reseller-wallet-topup.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import { asBotId, type BotId, type CustomerId } from '../../shared/ids.js';
import { MoneyLimitError } from '../../shared/money.js';
import { postEntry } from '../ledger/ledger-service.js';
import { lockWallet, postWalletEntry } from '../wallet/wallet-posting.js';
import { SIGNUP_PAYMENT_WINDOW_MS } from './signups.js';

export type ResellerWalletTopUp = typeof resellerWalletTopups.$inferSelect;

export const topUpPaymentRef = (topUpId: number) => `reseller-wallet:${topUpId}`;
export const topUpWalletRef = (masterId: number, topUpId: number) => `reseller-topup:${masterId}:${topUpId}`;

export type PayTopUpOutcome =
  | { readonly status: 'paid'; readonly topUp: ResellerWalletTopUp }
  | { readonly status: 'insufficient'; readonly topUp: ResellerWalletTopUp; readonly missing: number }
  | { readonly status: 'not_payable' };

/**
 * Takes a wallet top-up's amount from the admin's master-shop balance (`reseller-wallet:<id>`) in
 * the caller's transaction and queues the credit of the shop's wallet with it.
 */
export async function payTopUp(tx: TenantTx, topUpId: number, now: Date): Promise<PayTopUpOutcome> {
  const [topUp] = await tx
    .select()
    .from(resellerWalletTopups)
    .where(and(eq(resellerWalletTopups.botId, tx.botId), eq(resellerWalletTopups.id, topUpId)))
    .for('update');
  if (topUp?.status !== 'awaiting_payment') return { status: 'not_payable' };
  const posting = await postEntry(tx, {
    customerId: topUp.customerId as CustomerId,
    amount: -topUp.amount,
    kind: 'purchase',
    reason: `wallet of shop ${topUp.shopBotId}`,
    externalRef: topUpPaymentRef(topUp.id),
  });
  if (posting.status === 'insufficient') return { status: 'insufficient', topUp, missing: posting.missing };
  if (posting.status === 'over_limit') throw new MoneyLimitError(posting.balance, -topUp.amount);
  if (posting.status === 'no_customer') throw new Error(`top-up ${topUp.id}: customer gone`);
  const [paid] = await tx
    .update(resellerWalletTopups)
    .set({ status: 'paid', paidEntryId: posting.entry.id, paidAt: now, updatedAt: now })
    .where(and(eq(resellerWalletTopups.botId, tx.botId), eq(resellerWalletTopups.id, topUp.id)))
    .returning();
  await enqueue(tx, resellerWalletCredit, { topUpId: topUp.id });
  return { status: 'paid', topUp: paid! };
}

/** Called by `settlePayment` with the signups: the admin's newest waiting top-up, paid if covered. */
export async function payWaitingTopUp(
  tx: TenantTx,
  customerId: CustomerId,
  now: Date,
): Promise<PayTopUpOutcome | undefined> {
  const [waiting] = await tx
    .select({ id: resellerWalletTopups.id })
    .from(resellerWalletTopups)
    .where(
      and(
        eq(resellerWalletTopups.botId, tx.botId),
        eq(resellerWalletTopups.customerId, customerId),
        eq(resellerWalletTopups.status, 'awaiting_payment'),
        gt(resellerWalletTopups.createdAt, new Date(now.getTime() - SIGNUP_PAYMENT_WINDOW_MS)),
      ),
    )
    .orderBy(desc(resellerWalletTopups.id))
    .limit(1);
  return waiting ? payTopUp(tx, waiting.id, now) : undefined;
}

export type CreditTopUpOutcome =
  | { readonly status: 'credited'; readonly shopId: BotId; readonly creditedNow: boolean }
  | { readonly status: 'not_paid' };

export interface WalletTopUpDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly shopDb: (botId: BotId) => TenantDb;
}

/** The master shop's side of reseller wallet top-ups. */
export function createWalletTopUpService({ tenant, clock, shopDb }: WalletTopUpDeps) {
  const { botId } = tenant;
  const byId = (id: number) => and(eq(resellerWalletTopups.botId, botId), eq(resellerWalletTopups.id, id));
  return {
    /** A top-up the admin asked for, waiting for its money (their other waiting ones are dropped). */
    async request(customerId: CustomerId, shopId: BotId, amount: number): Promise<ResellerWalletTopUp> {
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError('a top-up is a positive amount');
      return tenant.transaction(async (tx) => {
        const now = clock.now();
        await tx
          .update(resellerWalletTopups)
          .set({ status: 'cancelled', updatedAt: now })
          .where(
            and(
              eq(resellerWalletTopups.botId, botId),
              eq(resellerWalletTopups.customerId, customerId),
              eq(resellerWalletTopups.status, 'awaiting_payment'),
            ),
          );
        const [row] = await tx
          .insert(resellerWalletTopups)
          .values({ botId, customerId, shopBotId: shopId, amount, createdAt: now, updatedAt: now })
          .returning();
        return row!;
      });
    },
    get: async (id: number) => {
      const [row] = await tenant.transaction((tx) => tx.select().from(resellerWalletTopups).where(byId(id)));
      return row;
    },
    /** "Pay from my balance" for a top-up of theirs. */
    pay: (customerId: CustomerId, topUpId: number): Promise<PayTopUpOutcome> =>
      tenant.transaction(async (tx) => {
        const [row] = await tx
          .select({ customerId: resellerWalletTopups.customerId })
          .from(resellerWalletTopups)
          .where(byId(topUpId));
        if (row?.customerId !== customerId) return { status: 'not_payable' as const };
        return payTopUp(tx, topUpId, clock.now());
      }),
    /**
     * Credits the shop's wallet with a paid top-up (`reseller-topup:<master>:<id>`: once, whatever
     * retries), then marks it credited.
     */
    async credit(topUpId: number): Promise<CreditTopUpOutcome> {
      const [topUp] = await tenant.transaction((tx) =>
        tx.select().from(resellerWalletTopups).where(byId(topUpId)),
      );
      if (!topUp || (topUp.status !== 'paid' && topUp.status !== 'credited')) return { status: 'not_paid' };
      const shopId = asBotId(topUp.shopBotId);
      const posted = await shopDb(shopId).transaction(async (tx) =>
        postWalletEntry(tx, await lockWallet(tx), {
          amount: topUp.amount,
          kind: 'topup',
          externalRef: topUpWalletRef(botId, topUp.id),
          reason: 'paid in the master bot',
        }),
      );
      if (posted.status === 'over_limit') throw new MoneyLimitError(posted.balance, topUp.amount);
      if (posted.status === 'insufficient') throw new Error('a credit cannot be insufficient');
      await tenant.transaction((tx) =>
        tx
          .update(resellerWalletTopups)
          .set({ status: 'credited', updatedAt: clock.now() })
          .where(and(byId(topUpId), eq(resellerWalletTopups.status, 'paid'))),
      );
      return { status: 'credited', shopId, creditedNow: posted.status === 'posted' };
    },
  };
}

export type WalletTopUpService = ReturnType<typeof createWalletTopUpService>;
