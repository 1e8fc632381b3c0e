export type ZarinpalCurrency = 'IRT' | 'IRR';

/** 1 Toman = 10 Rial. */
const RIAL_PER_UNIT: Readonly<Record<ZarinpalCurrency, number>> = { IRR: 1, IRT: 10 };

export const ZARINPAL_MIN_AMOUNT_RIAL = 10_000;
/** 100,000,000 Toman. */
export const ZARINPAL_MAX_AMOUNT_RIAL = 1_000_000_000;

export function toRial(amount: number, currency: ZarinpalCurrency): number {
  return amount * RIAL_PER_UNIT[currency];
}

export function zarinpalAmountLimits(currency: ZarinpalCurrency): { min: number; max: number } {
  const unit = RIAL_PER_UNIT[currency];
  return { min: ZARINPAL_MIN_AMOUNT_RIAL / unit, max: ZARINPAL_MAX_AMOUNT_RIAL / unit };
}
