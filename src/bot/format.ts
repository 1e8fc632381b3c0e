import type { Language } from '../shared/language.js';
import type { Currency } from '../shared/money.js';
import type { Translate } from './i18n.js';

const LOCALES: Record<Language, string> = { fa: 'fa-IR', en: 'en-US', ru: 'ru-RU' };
// fa dates use the Persian (Jalali) calendar, as customers in Iran read them
const DATE_LOCALES: Record<Language, string> = { fa: 'fa-IR-u-ca-persian', en: 'en-GB', ru: 'ru-RU' };

/** Amounts are integers in the currency's smallest unit: Toman for IRT, cents for USD, kopecks for RUB. */
export const MINOR_UNITS: Record<Currency, number> = { IRT: 1, USD: 100, RUB: 100 };

export function formatNumber(value: number, language: Language, fractionDigits = 0): string {
  return new Intl.NumberFormat(LOCALES[language], {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

/** An id (a Telegram user or chat, a shop): no grouping, Persian digits in Persian ("-۱۰۰۱۲۳"). */
export function formatId(value: number, language: Language): string {
  const text = String(value);
  return language === 'fa' ? text.replace(/[0-9]/g, (digit) => '۰۱۲۳۴۵۶۷۸۹'[Number(digit)]!) : text;
}

/** "۱۲۰٬۰۰۰ تومان", "120,000 Toman", "$4.99", "499,00 ₽". */
export function formatMoney(amount: number, currency: Currency, language: Language, t: Translate): string {
  const units = MINOR_UNITS[currency];
  const digits = units === 1 || amount % units === 0 ? 0 : 2;
  const value = formatNumber(amount / units, language, digits);
  return t(`money-${currency.toLowerCase()}`, { amount: value });
}

export function formatDate(date: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(DATE_LOCALES[language], { dateStyle: 'long', timeZone }).format(date);
}

/** Traffic in GB with one decimal ("12.5 GB"); 0 limit reads as unlimited. */
export function formatTraffic(bytes: number, language: Language, t: Translate): string {
  const gb = bytes / 1024 ** 3;
  return t('traffic-gb', { amount: formatNumber(gb, language, gb > 0 && gb < 10 ? 1 : 0) });
}

/** Whole days left, rounded up; 0 once expired. */
export function daysLeft(expiresAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now.getTime()) / 86_400_000));
}
