import { type Api, InlineKeyboard } from 'grammy';
import type { App, TenantServices } from '../../app.js';
import { RetryLater } from '../../jobs/define.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import type { NoticeToSend } from '../../modules/lifecycle/lifecycle-service.js';
import { DAY_MS } from '../../modules/lifecycle/subscription-notices.js';
import { asSubscriptionId, type BotId, type CustomerId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { topUpMenuButton } from '../features/payments/topup.js';
import { buyMenuButton } from '../features/shop/buy.js';
import { openSubscriptionButton } from '../features/shop/subscription-buttons.js';
import { formatDate, formatNumber, formatTraffic } from '../format.js';
import type { Translate } from '../i18n.js';

/** What createNotices lends every notice: the running bot, who a notice is for, and delivery. */
export interface NoticeHelpers {
  readonly app: App;
  readonly runningBotApi: (botId: BotId) => Api;
  readonly recipient: (
    services: TenantServices,
    customerId: CustomerId,
  ) => Promise<{ readonly customer: Customer; readonly t: Translate } | undefined>;
  readonly deliver: (
    services: TenantServices,
    customer: Customer,
    send: () => Promise<unknown>,
  ) => Promise<void>;
}

interface Wording {
  readonly t: Translate;
  readonly customer: Customer;
  readonly timeZone: string;
}

/** "Your subscription" for a customer's only one; "Subscription 2" among several. */
const subscriptionName = (notice: NoticeToSend, t: Translate, customer: Customer): string =>
  notice.several
    ? t('subscription-name', {
        number: formatNumber(notice.subscription.ordinal, customer.language),
      })
    : t('lifecycle-subscription-only');

/**
 * Whole days as a person counts them: a warning sent a little before or after its moment still
 * says "3 days", and never "0 days" (under a day is "1 day").
 */
const wholeDays = (ms: number): number => Math.max(1, Math.round(ms / DAY_MS));

/** The notice's text in the customer's language: a trial's speaks of the trial ending. */
function noticeText(notice: NoticeToSend, { t, customer, timeZone }: Wording): string {
  const { subscription, kind, now } = notice;
  const trial = subscription.isTrial ? '-trial' : '';
  const expiresAt = subscription.expiresAt ?? now;
  const args = {
    name: subscriptionName(notice, t, customer),
    date: formatDate(expiresAt, customer.language, timeZone),
  };
  // `count` picks the plural form (en, ru), `days` is the number as the customer reads it
  const days = (ms: number) => ({
    count: wholeDays(ms),
    days: formatNumber(wholeDays(ms), customer.language),
  });
  switch (kind.type) {
    case 'expiry-warning':
      return t(`lifecycle-expiry-warning${trial}`, {
        ...args,
        ...days(expiresAt.getTime() - now.getTime()),
      });
    case 'autopay-short':
      return t('lifecycle-autopay-short', args);
    case 'expired':
      return t(`lifecycle-expired${trial}`, args);
    case 'come-back':
      return t(`lifecycle-come-back${trial}`, { ...args, ...days(now.getTime() - expiresAt.getTime()) });
    case 'traffic':
      return t(`lifecycle-traffic${trial}`, {
        ...args,
        percent: formatNumber(kind.percent, customer.language),
        used: formatTraffic(subscription.usedTrafficBytes, customer.language, t),
        limit: formatTraffic(subscription.trafficLimitBytes, customer.language, t),
      });
  }
}

/**
 * The one button under a notice: a trial's leads to buying; a paid subscription's opens its card,
 * where renewing comes first and extra traffic is offered (the label says which the notice is for).
 */
function noticeButton(notice: NoticeToSend, t: Translate): InlineKeyboard {
  if (notice.subscription.isTrial) return new InlineKeyboard().text(t('menu-buy'), buyMenuButton.build());
  if (notice.kind.type === 'autopay-short')
    return new InlineKeyboard().text(t('menu-topup'), topUpMenuButton.build());
  const label = notice.kind.type === 'traffic' ? 'lifecycle-button-traffic' : 'lifecycle-button-renew';
  return new InlineKeyboard().text(
    t(label),
    openSubscriptionButton.build({ subscriptionId: asSubscriptionId(notice.subscription.id) }),
  );
}

/** The subscription lifecycle notices, spread into createNotices. */
export function subscriptionNoticeSenders({ app, runningBotApi, recipient, deliver }: NoticeHelpers) {
  return {
    /**
     * Sends a claimed expiry or traffic notice, unless it stopped being true (renewed, traffic
     * reset, a nearer warning took over...) or the customer cannot or may not get it. A notice
     * whose moment has not quite come (its job ran early) waits for it.
     */
    async subscriptionNotice(botId: BotId, noticeId: number, logger: Logger): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const outcome = await services.lifecycle.noticeToSend(noticeId);
      if (!outcome) return;
      if (outcome.action === 'wait') throw new RetryLater('notice not due yet', outcome.delayMs);
      if (outcome.action === 'drop') {
        logger.debug({ noticeId, reason: outcome.reason }, 'subscription notice no longer applies');
        return;
      }
      const [to, timeZone] = await Promise.all([
        recipient(services, outcome.customerId),
        services.settings.get('timezone'),
      ]);
      if (!to) return;
      const { customer, t } = to;
      const text = noticeText(outcome, { t, customer, timeZone });
      await deliver(services, customer, () =>
        api.sendMessage(customer.telegramId, text, { reply_markup: noticeButton(outcome, t) }),
      );
    },
  };
}
