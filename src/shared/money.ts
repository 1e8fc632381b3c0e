import { AppError } from './errors.js';

/**
 * The most any stored money value may be, in the currency's smallest unit: a customer balance, a
 * tenant wallet, one ledger or wallet entry, a payment, a price. migrations/0010_money_bounds.sql
 * enforces it in the database as well.
 *
 * Money is read as JavaScript numbers, which are exact only up to 2^53 (about 9.007 × 10^15).
 * 10^15 is far beyond any shop (10^13 dollars in cents) and leaves room for a balance plus any one
 * amount, or the sum of a few maxima, to stay exact, so the check before a write is exact as well.
 */
/** A shop's currency: amounts are integers in its smallest unit (Toman, cents, kopecks). */
export type Currency = 'IRT' | 'USD' | 'RUB';

export const MAX_MONEY = 1_000_000_000_000_000;

/**
 * A money posting would take a balance above `MAX_MONEY`. Thrown only where the amount was already
 * paid (a confirmed payment), so the caller's transaction rolls back and the payment stays as it
 * was; services that take an amount from a person answer `over_limit` instead.
 */
export class MoneyLimitError extends AppError {
  constructor(
    readonly balance: number,
    readonly amount: number,
  ) {
    super(
      'money_limit',
      `a balance of ${balance} cannot take ${amount} more: the maximum is ${MAX_MONEY} (it can take ${Math.max(0, MAX_MONEY - balance)})`,
    );
  }
}

/**
 * A whole number SQL returned for money, usually a `sum()` (numeric, which the drivers hand over as
 * text so it stays exact), as a number. Refuses (RangeError naming `what`) a value a number cannot
 * hold exactly, rather than rounding it: a report that fails says so, a rounded one lies.
 */
export function exactMoney(value: string | number | bigint | null | undefined, what: string): number {
  if (value === null || value === undefined) return 0;
  let whole: bigint;
  try {
    whole = BigInt(value);
  } catch {
    throw new RangeError(`${what}: ${String(value)} is not a whole number`);
  }
  if (whole > BigInt(Number.MAX_SAFE_INTEGER) || whole < BigInt(Number.MIN_SAFE_INTEGER))
    throw new RangeError(`${what}: ${whole} is beyond the exact range of a number (2^53)`);
  return Number(whole);
}

/** Adds money figures exactly (as bigint) and returns a number, or refuses as `exactMoney` does. */
export function sumMoney(values: Iterable<number>, what: string): number {
  let total = 0n;
  for (const value of values) total += BigInt(value);
  return exactMoney(total, what);
}
