import { and, asc, eq, inArray } from 'drizzle-orm';
import { customers, type LedgerKind } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { referralRewardNotice } from '../../jobs/definitions/referral-reward.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { CustomerId } from '../../shared/ids.js';
import { postEntry } from '../ledger/ledger-service.js';
import { commissionRef, invitedBonusRef, inviterBonusRef, type ReferralRole } from './referral-refs.js';
import { commissionOn, type ReferralTerms } from './referral-terms.js';

/** A payment an invited customer made, as `settlePayment` credited it. */
export interface PaidIn {
  readonly customerId: CustomerId;
  readonly amount: number;
  /** The payment's own ledger reference: the commission on it is named after it. */
  readonly paymentRef: string;
}

export interface Reward {
  readonly role: ReferralRole;
  readonly customerId: CustomerId;
  readonly amount: number;
  /** False when the reference was credited before (another run, another payment first): nothing moved now. */
  readonly postedNow: boolean;
}

export type RewardOutcome =
  /** The feature is off, or every reward is 0: nothing looked at. */
  | { readonly status: 'off' }
  /** The customer was invited by nobody (or is gone), or names themselves: nothing to pay. */
  | { readonly status: 'no_referrer' }
  /** The customer or the inviter is banned: a banned customer earns nothing and earns nobody anything. */
  | { readonly status: 'blocked' }
  | { readonly status: 'rewarded'; readonly rewards: readonly Reward[] };

const KIND: LedgerKind = 'referral_bonus';

/**
 * Pays what one payment of an invited customer earns, in one transaction:
 * - on a payment of at least `minTopUp`, the invited customer's first-top-up bonus and the inviter's
 *   bonus, each under a reference named after the invited customer, so each is paid once ever, for
 *   the first qualifying payment, however many payments settle at once;
 * - on every payment, the inviter's commission (`commissionPercent` of it, rounded down), under a
 *   reference named after the payment, so a payment settled, queued or run twice pays it once.
 * Each reward credited now queues its notice in the same transaction. Never for a self-referral
 * (the customer as their own inviter), never across tenants (the referrer is this tenant's
 * customer: the composite foreign key and the tenant-bound transaction both see to it).
 */
export async function rewardPayment(
  tenant: TenantDb,
  paid: PaidIn,
  terms: ReferralTerms,
): Promise<RewardOutcome> {
  return tenant.transaction(async (tx): Promise<RewardOutcome> => {
    const [invited] = await tx
      .select({ id: customers.id, referredBy: customers.referredBy })
      .from(customers)
      .where(and(eq(customers.botId, tx.botId), eq(customers.id, paid.customerId)));
    if (!invited || invited.referredBy === null || invited.referredBy === invited.id)
      return { status: 'no_referrer' };
    const inviterId = invited.referredBy as CustomerId;
    // both rows locked in id order: two rewards for the same pair never wait on each other crosswise
    const pair = await tx
      .select({ id: customers.id, isBlocked: customers.isBlocked })
      .from(customers)
      .where(and(eq(customers.botId, tx.botId), inArray(customers.id, [invited.id, inviterId])))
      .orderBy(asc(customers.id))
      .for('update');
    const inviter = pair.find((row) => row.id === inviterId);
    if (!inviter) return { status: 'no_referrer' };
    if (pair.some((row) => row.isBlocked)) return { status: 'blocked' };

    const wanted: { role: ReferralRole; customerId: CustomerId; amount: number; ref: string }[] = [];
    if (paid.amount >= terms.minTopUp) {
      wanted.push(
        {
          role: 'invited',
          customerId: paid.customerId,
          amount: terms.firstTopUpBonus,
          ref: invitedBonusRef(invited.id),
        },
        {
          role: 'inviter',
          customerId: inviterId,
          amount: terms.inviterBonus,
          ref: inviterBonusRef(invited.id),
        },
      );
    }
    wanted.push({
      role: 'commission',
      customerId: inviterId,
      amount: commissionOn(paid.amount, terms.commissionPercent),
      ref: commissionRef(paid.paymentRef),
    });
    const rewards: Reward[] = [];
    for (const each of wanted) {
      if (each.amount <= 0) continue;
      const reward = await credit(tx, each, paid);
      if (reward) rewards.push(reward);
    }
    return { status: 'rewarded', rewards };
  });
}

async function credit(
  tx: TenantTx,
  reward: { role: ReferralRole; customerId: CustomerId; amount: number; ref: string },
  paid: PaidIn,
): Promise<Reward | undefined> {
  const posting = await postEntry(tx, {
    customerId: reward.customerId,
    amount: reward.amount,
    kind: KIND,
    reason: `referral ${reward.role} for ${paid.paymentRef}`,
    externalRef: reward.ref,
  });
  switch (posting.status) {
    case 'posted':
      await enqueue(tx, referralRewardNotice, { entryId: posting.entry.id, invitedId: paid.customerId });
      return { role: reward.role, customerId: reward.customerId, amount: reward.amount, postedNow: true };
    case 'duplicate':
      return {
        role: reward.role,
        customerId: reward.customerId,
        amount: posting.entry.amount,
        postedNow: false,
      };
    // a balance at the ceiling cannot take a gift: the reward is skipped rather than the job retried forever
    case 'over_limit':
    case 'insufficient':
    case 'no_customer':
      return undefined;
    default: {
      const never: never = posting;
      throw new Error(`unhandled posting ${JSON.stringify(never)}`);
    }
  }
}
