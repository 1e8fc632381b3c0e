import QRCode from 'qrcode';
import type { Currency, Language } from '../../../db/schema.js';
import type { Plan } from '../../../modules/plans/plans-service.js';
import type { Subscription } from '../../../modules/subscriptions/subscriptions-service.js';
import { daysLeft, formatDate, formatMoney, formatNumber, formatTraffic } from '../../format.js';
import type { Translate } from '../../i18n.js';

export interface ViewContext {
  readonly t: Translate;
  readonly language: Language;
  readonly currency: Currency;
  readonly timeZone: string;
  readonly now: Date;
}

export function planLabel(plan: Plan, v: ViewContext): string {
  return v.t('plan-button', { name: plan.name, price: formatMoney(plan.price, v.currency, v.language, v.t) });
}

export function planDetails(plan: Plan, v: ViewContext): string {
  return v.t('plan-details', {
    name: plan.name,
    price: formatMoney(plan.price, v.currency, v.language, v.t),
    days: formatNumber(plan.periodDays, v.language),
    traffic:
      plan.trafficGb === 0
        ? v.t('traffic-unlimited')
        : v.t('traffic-gb', { amount: formatNumber(plan.trafficGb, v.language) }),
    devices: plan.deviceLimit === 0 ? v.t('devices-unlimited') : formatNumber(plan.deviceLimit, v.language),
  });
}

const STATUS_KEYS = {
  pending: 'subscription-status-pending',
  active: 'subscription-status-active',
  expired: 'subscription-status-expired',
  limited: 'subscription-status-limited',
  disabled: 'subscription-status-disabled',
} as const;

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
    v.t('subscription-status', { status: v.t(STATUS_KEYS[status]) }),
    v.t('subscription-expiry', {
      date: formatDate(expiresAt, v.language, v.timeZone),
      days: formatNumber(daysLeft(expiresAt, v.now), v.language),
    }),
    v.t('subscription-traffic', {
      used: formatTraffic(subscription.usedTrafficBytes, v.language, v.t),
      limit:
        subscription.trafficLimitBytes === 0
          ? v.t('traffic-unlimited')
          : formatTraffic(subscription.trafficLimitBytes, v.language, v.t),
    }),
    v.t('subscription-devices', {
      limit:
        subscription.deviceLimit === 0
          ? v.t('devices-unlimited')
          : formatNumber(subscription.deviceLimit, v.language),
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
