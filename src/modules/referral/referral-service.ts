import { and, count, eq, sql } from 'drizzle-orm';
import { customers, ledgerTransactions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import type { CustomerId, LedgerEntryId } from '../../shared/ids.js';
import { exactMoney } from '../../shared/money.js';
import type { FeatureFlagsService } from '../feature-flags/feature-flags-service.js';
import type { LedgerEntry } from '../ledger/ledger-service.js';
import type { SettingsService } from '../settings/settings-service.js';
import { type ReferralRole, referralRoleOf } from './referral-refs.js';
import { paysAnything, type ReferralTerms } from './referral-terms.js';
import { type PaidIn, type RewardOutcome, rewardPayment } from './reward-payment.js';

/** What the "Invite friends" screen shows a customer. */
export interface ReferralSummary {
  /** Customers who joined through their link. */
  readonly invited: number;
  /** Of those, how many paid money in (a top-up or a purchase paid by card, Zarinpal or Stars). */
  readonly paying: number;
  /** The sum of their referral credits: bonuses and commissions, and their own first-top-up bonus. */
  readonly earned: number;
}

export interface ReferralReward {
  readonly entry: LedgerEntry;
  readonly role: ReferralRole;
}

/**
 * Referral rewards (feature `referral_program`, settings `referral_*`): what a payment of an
 * invited customer earns, and what a customer's invitations brought them.
 */
export function createReferralService(deps: {
  tenant: TenantDb;
  settings: SettingsService;
  flags: FeatureFlagsService;
}) {
  const { tenant, settings, flags } = deps;
  const { botId } = tenant;

  const terms = async (): Promise<ReferralTerms> => {
    const [minTopUp, firstTopUpBonus, inviterBonus, commissionPercent] = await Promise.all([
      settings.get('referral_min_topup'),
      settings.get('referral_first_topup_bonus'),
      settings.get('referral_inviter_bonus'),
      settings.get('referral_commission_percent'),
    ]);
    return { minTopUp, firstTopUpBonus, inviterBonus, commissionPercent };
  };

  return {
    /** The shop's rewards as its settings say now. */
    terms,

    /**
     * Pays the rewards one settled payment earns (the `referral-reward` job). The switch and the
     * settings are read first, outside the paying transaction (a nested read would wait on it).
     */
    async rewardPayment(paid: PaidIn): Promise<RewardOutcome> {
      if (!(await flags.isEnabled('referral_program'))) return { status: 'off' };
      const current = await terms();
      if (!paysAnything(current)) return { status: 'off' };
      return rewardPayment(tenant, paid, current);
    },

    /** How many joined through the customer's link, how many of them paid, and what it earned them. */
    async summary(customerId: CustomerId): Promise<ReferralSummary> {
      return tenant.transaction(async (tx) => {
        const paidIn = sql`exists (select 1 from ${ledgerTransactions} where ${ledgerTransactions.botId} = ${customers.botId} and ${ledgerTransactions.customerId} = ${customers.id} and ${ledgerTransactions.kind} = 'topup')`;
        const [joined] = await tx
          .select({
            invited: count(),
            paying: sql<number>`(count(*) filter (where ${paidIn}))::int`,
          })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.referredBy, customerId)));
        const [earned] = await tx
          .select({ sum: sql<string>`coalesce(sum(${ledgerTransactions.amount}), 0)` })
          .from(ledgerTransactions)
          .where(
            and(
              eq(ledgerTransactions.botId, botId),
              eq(ledgerTransactions.customerId, customerId),
              eq(ledgerTransactions.kind, 'referral_bonus'),
            ),
          );
        return {
          invited: joined?.invited ?? 0,
          paying: joined?.paying ?? 0,
          earned: exactMoney(earned?.sum ?? '0', `referral earnings of customer ${customerId}`),
        };
      });
    },

    /** A referral reward credited to a customer, by its ledger entry (for its notice). */
    async getReward(entryId: LedgerEntryId): Promise<ReferralReward | undefined> {
      const [entry] = await tenant.transaction((tx) =>
        tx
          .select()
          .from(ledgerTransactions)
          .where(and(eq(ledgerTransactions.botId, botId), eq(ledgerTransactions.id, entryId))),
      );
      const role = referralRoleOf(entry?.externalRef ?? null);
      if (entry?.kind !== 'referral_bonus' || !role) return undefined;
      return { entry: entry as LedgerEntry, role };
    },
  };
}

export type ReferralService = ReturnType<typeof createReferralService>;
