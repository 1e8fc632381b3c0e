/**
 * The unit rules of a remnabot HEAD source (fixture README §2), as the importer applies them. Every
 * `*_kopeks` column is an integer whose meaning depends on the column, the row's date and, for
 * transactions, its type: hundredths of a Toman (the "x100 scale") or whole Toman ("unit").
 */
export type Scale = 'x100' | 'unit';

/** remnabot's default BALANCE_TOMAN_CUTOFF_UTC: balances were zeroed and are whole Toman since. */
export const DEFAULT_TOMAN_CUTOFF = '2026-06-05T00:00:00Z';
/** Card-to-card receipts hold whole Toman from this moment (the fork's retrofit), x100 before. */
export const C2C_TOMAN_SINCE = new Date('2026-06-06T17:39:00Z');

/** Types the retrofit moved to whole Toman after the cutoff; purchases stayed on the x100 scale. */
export const BALANCE_SCALE_TYPES: ReadonlySet<string> = new Set([
  'deposit',
  'withdrawal',
  'refund',
  'failed_refund',
  'referral_reward',
  'poll_reward',
]);
export const CATALOGUE_SCALE_TYPES: ReadonlySet<string> = new Set(['subscription_payment', 'gift_payment']);
export const KNOWN_TRANSACTION_TYPES: ReadonlySet<string> = new Set([
  ...BALANCE_SCALE_TYPES,
  ...CATALOGUE_SCALE_TYPES,
]);

export function transactionScale(type: string, createdAt: Date, cutoff: Date): Scale {
  if (createdAt.getTime() < cutoff.getTime()) return 'x100';
  return BALANCE_SCALE_TYPES.has(type) ? 'unit' : 'x100';
}

export const receiptScale = (createdAt: Date): Scale =>
  createdAt.getTime() < C2C_TOMAN_SINCE.getTime() ? 'x100' : 'unit';

/** The amount in whole Toman, or undefined when an x100 amount is not a whole number of Toman. */
export function toToman(amount: number, scale: Scale): number | undefined {
  if (scale === 'unit') return amount;
  return amount % 100 === 0 ? amount / 100 : undefined;
}

/** A source language the shop has, else its default (`ua`, `zh` and NULL have no counterpart). */
export function mapLanguage<L extends string>(
  source: string | null,
  available: readonly L[],
  fallback: L,
): { language: L; chosen: boolean } {
  const match = available.find((language) => language === source);
  return match ? { language: match, chosen: true } : { language: fallback, chosen: false };
}

export const GIB = 1024 ** 3;

/** remnabot stores "unlimited" uses as 999999 (admins type 0). */
export const UNLIMITED_USES = 999_999;
