import QRCode from 'qrcode';
import type { Order } from '../../../modules/orders/pay-order.js';
import type { Plan } from '../../../modules/plans/plans-service.js';
import type { PlanQuote } from '../../../modules/promo/plan-pricing.js';
import type { Subscription } from '../../../modules/subscriptions/subscriptions-service.js';
import type { Language } from '../../../shared/language.js';
import type { Currency } from '../../../shared/money.js';
import { daysLeft, formatDate, formatMoney, formatNumber, formatTraffic } from '../../format.js';
import type { Translate } from '../../i18n.js';

export interface ViewContext {
  readonly t: Translate;
  readonly language: Language;
  readonly currency: Currency;
  readonly timeZone: string;
  readonly now: Date;
}

/** Enough of a view to put a number in words: the reader's translations and language. */
type Reader = Pick<ViewContext, 't' | 'language'>;

/** A plan's traffic in whole GB; 0 is unlimited. */
export const planTrafficText = (gb: number, r: Reader): string =>
  gb === 0 ? r.t('traffic-unlimited') : r.t('traffic-gb', { amount: formatNumber(gb, r.language) });

/** A plan's or a subscription's device limit; 0 is unlimited. */
export const deviceLimitText = (limit: number, r: Reader): string =>
  limit === 0 ? r.t('devices-unlimited') : formatNumber(limit, r.language);

/** A subscription's traffic limit in bytes; 0 is unlimited. */
export const trafficLimitText = (bytes: number, r: Reader): string =>
  bytes === 0 ? r.t('traffic-unlimited') : formatTraffic(bytes, r.language, r.t);

/** The words for a subscription's status, for customers and admins alike. */
export const SUBSCRIPTION_STATUS_KEYS = {
  pending: 'subscription-status-pending',
  active: 'subscription-status-active',
  expired: 'subscription-status-expired',
  limited: 'subscription-status-limited',
  disabled: 'subscription-status-disabled',
} as const;

/**
 * What an order bought, in the reader's words: the plan's name, or the pack ("10 GB of extra
 * traffic", "30 extra days") or the trial, which have no name of their own.
 */
export function orderLabel(
  order: Pick<Order, 'kind' | 'planName' | 'trafficGb' | 'periodDays'>,
  r: Reader,
): string {
  switch (order.kind) {
    case 'traffic_pack':
      return r.t('order-label-traffic-pack', { traffic: planTrafficText(order.trafficGb, r) });
    case 'day_pack':
      return r.t('order-label-day-pack', { days: formatNumber(order.periodDays, r.language) });
    case 'trial':
      return r.t('order-label-trial');
    default:
      return order.planName ?? '';
  }
}

/** A plan's button; `price` is the customer's (their group's, less a discount they hold). */
export function planLabel(plan: Plan, v: ViewContext, price = plan.price): string {
  return v.t('plan-button', { name: plan.name, price: formatMoney(price, v.currency, v.language, v.t) });
}

export function planDetails(plan: Plan, v: ViewContext, price = plan.price): string {
  return v.t('plan-details', {
    name: plan.name,
    price: formatMoney(price, v.currency, v.language, v.t),
    days: formatNumber(plan.periodDays, v.language),
    traffic: planTrafficText(plan.trafficGb, v),
    devices: deviceLimitText(plan.deviceLimit, v),
  });
}

/** The lines under a plan's details when the customer holds a discount code: applied, or why not. */
export function promoPriceLines(quote: PlanQuote, v: ViewContext): string[] {
  if (!quote.promo) return [];
  const money = (amount: number) => formatMoney(amount, v.currency, v.language, v.t);
  if ('refusal' in quote.promo)
    return [v.t('promo-not-applied', { code: quote.promo.code, reason: quote.promo.refusal })];
  return [
    v.t('promo-price-line', {
      code: quote.promo.code,
      listPrice: money(quote.listPrice),
      discount: money(quote.discount),
    }),
  ];
}

/** The status to show: an active subscription past its expiry is expired, whatever the last sync said. */
export function displayStatus(subscription: Subscription, now: Date): keyof typeof SUBSCRIPTION_STATUS_KEYS {
  const expired = (subscription.expiresAt ?? now) <= now;
  return expired && subscription.status === 'active' ? 'expired' : subscription.status;
}

/**
 * A subscription's card: status, expiry, days left, traffic, devices and the link. `number` names
 * it among several ("Subscription 2").
 */
export function subscriptionCard(
  subscription: Subscription,
  v: ViewContext,
  extra: { onlineDevices?: number | undefined; live?: boolean; pendingOrders?: number; number?: number } = {},
): string {
  const expiresAt = subscription.expiresAt ?? v.now;
  const status = displayStatus(subscription, v.now);
  const title = subscription.isTrial
    ? v.t('subscription-title-trial')
    : extra.number === undefined
      ? v.t('subscription-title')
      : v.t('subscription-title-numbered', { number: formatNumber(extra.number, v.language) });
  const lines = [
    title,
    v.t('subscription-status', { status: v.t(SUBSCRIPTION_STATUS_KEYS[status]) }),
    v.t('subscription-expiry', {
      date: formatDate(expiresAt, v.language, v.timeZone),
      days: formatNumber(daysLeft(expiresAt, v.now), v.language),
    }),
    v.t('subscription-traffic', {
      used: formatTraffic(subscription.usedTrafficBytes, v.language, v.t),
      limit: trafficLimitText(subscription.trafficLimitBytes, v),
    }),
    v.t('subscription-devices', {
      limit: deviceLimitText(subscription.deviceLimit, v),
      online: extra.onlineDevices === undefined ? '–' : formatNumber(extra.onlineDevices, v.language),
    }),
  ];
  if (subscription.subscriptionUrl)
    lines.push('', v.t('subscription-link', { url: subscription.subscriptionUrl }));
  if ((extra.pendingOrders ?? 0) > 0 || subscription.status === 'pending')
    lines.push('', v.t('subscription-activating'));
  if (extra.live === false && subscription.panelUserId !== null) lines.push('', v.t('subscription-stale'));
  return lines.join('\n');
}

/** The subscription link as a QR code image, made here: the link never leaves for a QR service. */
export function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', width: 512, margin: 2, errorCorrectionLevel: 'M' });
}
