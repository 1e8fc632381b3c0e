/** A shop's referral rewards, as its `referral_*` settings say (each 0 = that reward is off). */
export interface ReferralTerms {
  /** Smallest payment that counts as the invited customer's first top-up for the two bonuses. */
  readonly minTopUp: number;
  /** Credited to the invited customer on that first top-up. */
  readonly firstTopUpBonus: number;
  /** Credited to the inviter on that first top-up. */
  readonly inviterBonus: number;
  /** Percent of every payment of the invited customer credited to the inviter, rounded down. */
  readonly commissionPercent: number;
}

/** Whether the terms reward anything at all. */
export const paysAnything = (terms: ReferralTerms): boolean =>
  terms.firstTopUpBonus > 0 || terms.inviterBonus > 0 || terms.commissionPercent > 0;

/**
 * The commission on `amount`, in whole currency units, rounded down. Computed in bigint: an amount
 * near MAX_MONEY times 100 is past the exact range of a number.
 */
export const commissionOn = (amount: number, percent: number): number =>
  amount <= 0 || percent <= 0 ? 0 : Number((BigInt(amount) * BigInt(percent)) / 100n);
