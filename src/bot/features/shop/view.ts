import QRCode from 'qrcode';
import type { Plan } from '../../../modules/plans/plans-service.js';
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

export function planLabel(plan: Plan, v: ViewContext): string {
  return v.t('plan-button', { name: plan.name, price: formatMoney(plan.price, v.currency, v.language, v.t) });
}

export function planDetails(plan: Plan, v: ViewContext): string {
  return v.t('plan-details', {
    name: plan.name,
    price: formatMoney(plan.price, v.currency, v.language, v.t),
    days: formatNumber(plan.periodDays, v.language),
    traffic: planTrafficText(plan.trafficGb, v),
    devices: deviceLimitText(plan.deviceLimit, v),
  });
}

/** The "my subscription" card: status, expiry, days left, traffic, devices and the link. */
export function subscriptionCard(
  subscription: Subscription,
  v: ViewContext,
  extra: { onlineDevices?: number | undefined; live?: boolean; pendingOrders?: number } = {},
): string {
  const expiresAt = subscription.expiresAt ?? v.now;
  const expired = expiresAt <= v.now;
  const status = expired && subscription.status === 'active' ? 'expired' : subscription.status;
  const lines = [
    v.t(subscription.isTrial ? 'subscription-title-trial' : 'subscription-title'),
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
