/*
 * The ledger references of referral rewards. A reference moves money once per tenant (the ledger's
 * unique key and its advisory lock), so these names are what makes every reward happen at most once:
 * - the two first-top-up bonuses are named after the invited customer: once per invited customer,
 *   whichever of their payments (or however many concurrent ones) qualifies first;
 * - a commission is named after the payment's own reference (`c2c:12`, `zarinpal:34`,
 *   `stars:<charge id>`): once per payment, however often it is settled or its job runs.
 */

export type ReferralRole = 'invited' | 'inviter' | 'commission';

export const REFERRAL_REF_PREFIX = 'referral:';

/** The invited customer's own bonus on their first qualifying top-up. */
export const invitedBonusRef = (invitedId: number) => `${REFERRAL_REF_PREFIX}first:${invitedId}:invited`;

/** The inviter's bonus on the invited customer's first qualifying top-up. */
export const inviterBonusRef = (invitedId: number) => `${REFERRAL_REF_PREFIX}first:${invitedId}:inviter`;

/** The inviter's commission on one payment, by the payment's ledger reference. */
export const commissionRef = (paymentRef: string) => `${REFERRAL_REF_PREFIX}${paymentRef}:commission`;

/** Which reward a ledger reference names; undefined for any other reference. */
export function referralRoleOf(externalRef: string | null): ReferralRole | undefined {
  if (!externalRef?.startsWith(REFERRAL_REF_PREFIX)) return undefined;
  if (externalRef.endsWith(':commission')) return 'commission';
  if (externalRef.endsWith(':invited')) return 'invited';
  if (externalRef.endsWith(':inviter')) return 'inviter';
  return undefined;
}
