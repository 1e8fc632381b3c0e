import { GrammyError, InlineKeyboard, InputFile } from 'grammy';
import type { App, TenantServices } from '../../app.js';
import { RetryLater } from '../../jobs/define.js';
import { AUTOPAY_KEY_PREFIX } from '../../modules/autopay/autopay.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import { continuesSubscription, type Order } from '../../modules/orders/pay-order.js';
import { asCardPaymentId } from '../../modules/payments/card-to-card.js';
import { zarinpalProblem } from '../../modules/payments/zarinpal-problems.js';
import type { Subscription } from '../../modules/subscriptions/subscriptions-service.js';
import { saleRefusedAlert } from '../../modules/wallet/sale-alert.js';
import { asCustomerId, asOrderId, asSubscriptionId, type BotId, type CustomerId } from '../../shared/ids.js';
import type { Language } from '../../shared/language.js';
import type { Logger } from '../../shared/logger.js';
import { isBlockedByUser, isPermanentSendError, sendToAdmins } from '../admin-delivery.js';
import { backToMenu, menuHomeButton } from '../features/keyboards.js';
import { announceOutcome, sendReceiptToAdmins } from '../features/payments/receipt-delivery.js';
import { loadReceipt } from '../features/payments/receipt-view.js';
import { viewContextFor } from '../features/shop/shop-context.js';
import { openSubscriptionButton } from '../features/shop/subscription-buttons.js';
import {
  orderLabel,
  planTrafficText,
  qrPng,
  subscriptionCard,
  type ViewContext,
} from '../features/shop/view.js';
import type { Fleet } from '../fleet.js';
import { formatMoney, formatNumber } from '../format.js';
import type { Translator } from '../i18n.js';
import { backupNoticeSenders } from './backup-notices.js';
import { broadcastNoticeSenders } from './broadcast-notices.js';
import { moderationNoticeSenders } from './moderation-notices.js';
import { panelNoticeSenders } from './panel-notices.js';
import { referralNoticeSenders } from './referral-notices.js';
import { resellerNoticeSenders } from './reseller-notices.js';
import { subscriptionNoticeSenders } from './subscription-notices.js';
import { ticketNoticeSenders } from './ticket-notices.js';
import { walletAlertExtras, walletNoticeSenders } from './wallet-notices.js';

/** The wait Telegram asked for on a 429, in seconds; undefined for any other error. */
export const floodWaitSeconds = (error: unknown): number | undefined =>
  error instanceof GrammyError && error.error_code === 429 ? error.parameters.retry_after : undefined;

/** What an active order did to its subscription, as the first line of its notice. */
function orderHeading(order: Order, subscription: Subscription, v: ViewContext): string {
  switch (order.kind) {
    case 'renewal':
      return v.t(
        order.idempotencyKey?.startsWith(AUTOPAY_KEY_PREFIX)
          ? 'subscription-renewed-autopay'
          : 'subscription-renewed',
      );
    case 'purchase':
      // a paid plan on a subscription older than the order was on a trial: it is activated now
      return v.t(
        continuesSubscription(order, subscription) ? 'subscription-activated' : 'subscription-ready',
      );
    case 'trial':
      return v.t('subscription-ready');
    case 'traffic_pack':
      return v.t('traffic-pack-added', { traffic: planTrafficText(order.trafficGb, v) });
    case 'day_pack':
      return v.t('day-pack-added', { days: formatNumber(order.periodDays, v.language) });
    default: {
      const never: never = order.kind;
      throw new Error(`unknown order kind ${String(never)}`);
    }
  }
}

export interface NoticesDeps {
  readonly app: App;
  readonly fleet: Fleet;
  readonly translator: Translator;
}

/**
 * Every message the shop sends outside an update: to a customer (their subscription, how a payment
 * ended, a flood-wait apology) or to the shop's admins (a receipt to review, a refused sale). One
 * place for jobs, HTTP callbacks and bot handlers, with the one translator; each goes out through
 * the tenant's own running bot, or throws `RetryLater` while that bot runs in no process here.
 */
export function createNotices(deps: NoticesDeps) {
  const { app, fleet, translator } = deps;

  const runningBotApi = (botId: BotId) => {
    const api = fleet.api(botId);
    // the bot is starting, or runs in another process: try again shortly
    if (!api) throw new RetryLater('bot not running here', 5_000);
    return api;
  };

  /**
   * Who a notice is for, and their language; undefined when the customer or the tenant is gone, or
   * the customer blocked the bot (nothing is sent to them until they write to it again), or the
   * shop banned them (nothing is sent to them until unbanned).
   */
  const recipient = async (services: TenantServices, customerId: CustomerId) => {
    const [customer, tenant] = await Promise.all([
      services.customers.get(customerId),
      app.platform.tenants.get(services.botId),
    ]);
    if (!customer || !tenant || customer.unreachableSince || customer.isBlocked) return undefined;
    return { customer, tenant, t: translator.forLanguage(customer.language) };
  };

  /**
   * Sends to a customer; when Telegram answers that they blocked the bot, marks them unreachable
   * and gives up quietly (a retry would meet the same refusal), so later notices skip them.
   */
  const deliver = async (
    services: TenantServices,
    customer: Customer,
    send: () => Promise<unknown>,
  ): Promise<void> => {
    try {
      await send();
    } catch (error) {
      if (!isBlockedByUser(error)) throw error;
      await services.customers.markUnreachable(customer.id);
    }
  };

  /** The running bot, the tenant and the receipt a card-payment notice works on. */
  const receiptFor = async (botId: BotId, paymentId: number) => {
    const api = runningBotApi(botId);
    const services = app.forTenant(botId);
    const [receipt, tenant] = await Promise.all([
      loadReceipt(services, asCardPaymentId(paymentId)),
      app.platform.tenants.get(botId),
    ]);
    return { api, services, receipt, tenant };
  };

  return {
    ...subscriptionNoticeSenders({ app, runningBotApi, recipient, deliver }),
    ...panelNoticeSenders({ app, translator, runningBotApi }),
    ...broadcastNoticeSenders({ app, translator, runningBotApi, client: fleet.client }),
    ...ticketNoticeSenders({ app, translator, runningBotApi }),
    ...referralNoticeSenders({ app, runningBotApi, recipient, deliver }),
    ...moderationNoticeSenders({ app, translator, runningBotApi, deliver }),
    ...walletNoticeSenders({ app, translator, runningBotApi }),
    ...backupNoticeSenders({ app, translator, runningBotApi }),
    ...resellerNoticeSenders({ app, translator, runningBotApi, recipient, deliver }),
    /**
     * Sends the customer their subscription (card, link and QR) once an order is active, headed by
     * what the order did: a new subscription, a renewal, a trial made a paid one, extra traffic or days.
     */
    async orderActive(botId: BotId, orderId: number): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const order = await services.orders.get(asOrderId(orderId));
      if (!order || order.subscriptionId === null) return;
      const [to, subscription, all] = await Promise.all([
        recipient(services, asCustomerId(order.customerId)),
        services.subscriptions.get(asSubscriptionId(order.subscriptionId)),
        services.subscriptions.listForCustomer(asCustomerId(order.customerId)),
      ]);
      if (!to || !subscription) return;
      const { customer, tenant, t } = to;
      const v = await viewContextFor(services, t, customer.language, tenant.currency);
      const heading = orderHeading(order, subscription, v);
      const several = all.length > 1 ? { number: subscription.ordinal } : {};
      const text = `${heading}\n\n${subscriptionCard(subscription, v, several)}`;
      const chatId = customer.telegramId;
      const menu = new InlineKeyboard()
        .text(
          t('subscription-open'),
          openSubscriptionButton.build({ subscriptionId: asSubscriptionId(subscription.id) }),
        )
        .row()
        .text(t('back-to-menu'), menuHomeButton.build());
      const url = subscription.subscriptionUrl;
      await deliver(services, customer, async () => {
        if (url) {
          const qr = new InputFile(await qrPng(url), 'subscription-qr.png');
          await api.sendPhoto(chatId, qr, { caption: text, reply_markup: menu });
        } else {
          await api.sendMessage(chatId, text, { reply_markup: menu });
        }
      });
    },

    /**
     * Tells the customer how their Zarinpal payment ended (the browser page may never have been
     * seen): credited, with the bank reference and the balance, or refused for good.
     */
    async zarinpalOutcome(botId: BotId, paymentId: number): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const payment = await services.zarinpal.get(paymentId);
      if (!payment || (payment.status !== 'paid' && payment.status !== 'failed')) return;
      const customerId = asCustomerId(payment.customerId);
      const [to, balance] = await Promise.all([
        recipient(services, customerId),
        services.ledger.balance(customerId),
      ]);
      if (!to) return;
      const { customer, tenant, t } = to;
      const money = (amount: number) => formatMoney(amount, tenant.currency, customer.language, t);
      const lines: string[] = [];
      if (payment.status === 'paid') {
        lines.push(
          t('zarinpal-paid-notice', { amount: money(payment.amount), ref: payment.refId ?? '—' }),
          t('gateway-balance-now', { balance: money(balance ?? 0) }),
        );
        if (payment.orderId !== null) {
          const order = await services.orders.get(asOrderId(payment.orderId));
          if (order && order.status !== 'created' && order.status !== 'cancelled') {
            lines.push(
              t('gateway-order-completing', { plan: orderLabel(order, { t, language: customer.language }) }),
            );
          } else if (order?.status === 'created') {
            lines.push(t('gateway-order-still-waiting'));
          }
        }
      } else {
        const problem = zarinpalProblem(payment.failureCode ?? -51, false);
        lines.push(
          t('zarinpal-failed-notice', { amount: money(payment.amount) }),
          t(`zarinpal-problem-${problem}`),
        );
      }
      await deliver(services, customer, () =>
        api.sendMessage(customer.telegramId, lines.join('\n'), { reply_markup: backToMenu(t) }),
      );
    },

    /**
     * Tells a customer, once Telegram lets the bot write again, that their last step was not
     * answered and should be repeated. Still flood-limited: `RetryLater` exactly as long as
     * Telegram says; a chat that cannot be written to any more is logged and dropped.
     */
    async floodWaitOver(botId: BotId, chatId: number, language: Language, logger: Logger): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const customer = await services.customers.getByTelegramId(chatId);
      if (customer?.unreachableSince || customer?.isBlocked) return;
      try {
        await api.sendMessage(chatId, translator.forLanguage(language)('error-flood-wait'));
      } catch (error) {
        const wait = floodWaitSeconds(error);
        if (wait !== undefined) throw new RetryLater('still flood-limited', wait * 1000);
        if (!isPermanentSendError(error)) throw error;
        if (customer && isBlockedByUser(error)) await services.customers.markUnreachable(customer.id);
        logger.warn({ err: error, chatId }, 'could not send a flood-wait notice');
      }
    },

    /**
     * Tells the shop's admins (the admin chat when set, else each admin) that a sale was refused
     * because the wholesale wallet cannot cover it. Sent once: a retry could repeat it to the admins
     * who already have it.
     */
    async saleRefused(
      botId: BotId,
      refusal: { orderId: number; walletBalance: number; walletMissing: number },
      logger: Logger,
    ): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const [order, tenant, language] = await Promise.all([
        services.orders.get(asOrderId(refusal.orderId)),
        app.platform.tenants.get(botId),
        services.settings.get('default_language'),
      ]);
      if (!tenant) return;
      const alert = saleRefusedAlert({
        orderId: refusal.orderId,
        planName: order?.planName,
        balance: refusal.walletBalance,
        missing: refusal.walletMissing,
      });
      // with how to top up (the operator's contact) and, in private, the wallet screen's button
      const extras = await walletAlertExtras(services, tenant, language, translator.forLanguage(language));
      const money = (amount: number) =>
        formatMoney(amount, tenant.currency, language, translator.forLanguage(language));
      const args = {
        ...alert.args,
        balance: money(refusal.walletBalance),
        missing: money(refusal.walletMissing),
      };
      const text = `${translator.t(language, alert.key, args)}\n\n${extras.howTo}`;
      logger.warn({ orderId: refusal.orderId }, 'sale refused: the wallet cannot cover it');
      await sendToAdmins({
        api,
        services,
        tenant,
        translator,
        logger,
        send: async ({ chatId }) => {
          await api.sendMessage(chatId, text, { reply_markup: extras.keyboardFor(chatId) });
        },
      }).catch((error: unknown) => logger.warn({ err: error }, 'could not alert every admin'));
    },

    /** Shows a new card-to-card receipt to the shop's admins, unless it was decided first. */
    async receiptToReview(botId: BotId, paymentId: number, logger: Logger): Promise<void> {
      const { api, services, receipt, tenant } = await receiptFor(botId, paymentId);
      // decided or expired before it could be shown: the outcome notice has the last word
      if (!receipt || !tenant || receipt.payment.status !== 'pending') return;
      await sendReceiptToAdmins({ api, services, tenant, receipt, translator, logger });
    },

    /**
     * Tells the customer how their card payment ended and writes the outcome onto every admin
     * message but `pressed` (the one the deciding press already rewrote).
     */
    async receiptDecided(
      botId: BotId,
      paymentId: number,
      pressed: { chatId: number; messageId: number } | undefined,
      logger: Logger,
    ): Promise<void> {
      const { api, services, receipt, tenant } = await receiptFor(botId, paymentId);
      if (!receipt || !tenant || receipt.payment.status === 'pending') return;
      await announceOutcome({
        api,
        services,
        tenant,
        receipt,
        translator,
        logger,
        ...(pressed ? { pressed } : {}),
      });
    },
  };
}

export type Notices = ReturnType<typeof createNotices>;
