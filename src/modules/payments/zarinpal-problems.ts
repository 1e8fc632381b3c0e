/**
 * What a Zarinpal error code means for the customer. Operators read the gateway's own message in
 * the logs (src/integrations/zarinpal/errors.ts); customers get one of these, localized as
 * `zarinpal-problem-<problem>` (locales/<lang>/gateways.ftl).
 */
export type ZarinpalProblem =
  /** Transient: the gateway is overloaded or unreachable; the same thing works a bit later. */
  | 'busy'
  /** The shop's terminal is misconfigured, inactive or limited: another method, or support. */
  | 'shop'
  /** The amount is outside what the gateway accepts. */
  | 'amount'
  /** The customer did not complete the payment (cancelled at the bank, or never paid). */
  | 'unpaid'
  /** What was paid does not match our record: not accepted, the bank returns the money. */
  | 'mismatch'
  /** The payment is unknown to the gateway. */
  | 'invalid'
  /** A refund could not be made. */
  | 'refund';

/** Every code the gateway documents (see docs/zarinpal.md); test/modules/payments/zarinpal-payments.test.ts checks none is missing. */
export const ZARINPAL_PROBLEMS: Readonly<Record<number, ZarinpalProblem>> = {
  [-9]: 'shop',
  [-10]: 'shop',
  [-11]: 'shop',
  [-12]: 'busy',
  [-13]: 'shop',
  [-14]: 'shop',
  [-15]: 'shop',
  [-16]: 'shop',
  [-17]: 'shop',
  [-41]: 'amount',
  [-50]: 'mismatch',
  [-51]: 'unpaid',
  [-52]: 'busy',
  [-53]: 'mismatch',
  [-54]: 'invalid',
  [-55]: 'invalid',
  [-60]: 'refund',
  [-61]: 'refund',
  [-62]: 'refund',
  [-63]: 'refund',
};

/** Transport conditions (timeout, network, 5xx, garbled answer) are the gateway's trouble, not the shop's. */
export function zarinpalProblem(code: number | string, retryable: boolean): ZarinpalProblem {
  if (typeof code !== 'number') return 'busy';
  return ZARINPAL_PROBLEMS[code] ?? (retryable ? 'busy' : 'shop');
}

export const ZARINPAL_PROBLEM_KINDS: readonly ZarinpalProblem[] = [
  'busy',
  'shop',
  'amount',
  'unpaid',
  'mismatch',
  'invalid',
  'refund',
];
