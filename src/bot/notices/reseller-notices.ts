import { type Api, InlineKeyboard } from 'grammy';
import type { App, TenantServices } from '../../app.js';
import type { ResellerFeeEvent } from '../../jobs/definitions/reseller-renewal.js';
import type { ResellerSignupEvent } from '../../jobs/definitions/reseller-signups.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import type { Tenant } from '../../modules/tenants/tenant-registry.js';
import { asCustomerId, type BotId, type CustomerId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { isPermanentSendError, sendToAdmins } from '../admin-delivery.js';
import { walletKeyboard } from '../features/admin/wallet.js';
import { backToMenu } from '../features/keyboards.js';
import { signupCard } from '../features/master/reseller-plans.js';
import {
  signupApproveButton,
  signupRejectButton,
  walletTopUpLink,
} from '../features/master/signup-buttons.js';
import { formatDate, formatId, formatMoney } from '../format.js';
import type { Translate, Translator } from '../i18n.js';

/** What createNotices lends these notices. */
export interface ResellerNoticeDeps {
  readonly app: App;
  readonly translator: Translator;
  readonly runningBotApi: (botId: BotId) => Api;
  readonly recipient: (
    services: TenantServices,
    customerId: CustomerId,
  ) => Promise<{ readonly customer: Customer; readonly tenant: Tenant; readonly t: Translate } | undefined>;
  readonly deliver: (
    services: TenantServices,
    customer: Customer,
    send: () => Promise<unknown>,
  ) => Promise<void>;
}

/** Who a customer notice goes to: the customer, their shop and their language's translate. */
type Recipient = NonNullable<Awaited<ReturnType<ResellerNoticeDeps['recipient']>>>;

/**
 * Resellers' notices: the operators' card for a signup to approve and the signer's outcome, sent by
 * the master bot; a reseller shop's admins hear of their plan's fee through their own bot.
 */
export function resellerNoticeSenders({
  app,
  translator,
  runningBotApi,
  recipient,
  deliver,
}: ResellerNoticeDeps) {
  /**
   * A message from the master bot to the customer a reseller row is about (their signup, their
   * wallet top-up): the row loaded, its customer still reachable, then the text and buttons
   * composed and delivered. Nothing is sent when either is gone.
   */
  const toRowCustomer = async <Row extends { readonly customerId: number }>(
    masterId: BotId,
    load: (services: TenantServices) => Promise<Row | undefined>,
    compose: (
      row: Row,
      to: Recipient,
      services: TenantServices,
    ) => Promise<{ readonly text: string; readonly keyboard: InlineKeyboard }>,
  ): Promise<void> => {
    const api = runningBotApi(masterId);
    const services = app.forTenant(masterId);
    const row = await load(services);
    if (!row) return;
    const to = await recipient(services, asCustomerId(row.customerId));
    if (!to) return;
    const { text, keyboard } = await compose(row, to, services);
    await deliver(services, to.customer, () =>
      api.sendMessage(to.customer.telegramId, text, { reply_markup: keyboard }),
    );
  };

  return {
    /** Each operator gets the paid signup with Approve and Reject, in a private chat (the panel's). */
    async resellerSignupReview(masterId: BotId, signupId: number, logger: Logger): Promise<void> {
      const api = runningBotApi(masterId);
      const services = app.forTenant(masterId);
      const [signup, tenant, language] = await Promise.all([
        services.resellers.signups.get(signupId),
        app.platform.tenants.get(masterId),
        services.settings.get('default_language'),
      ]);
      if (!signup || !tenant || signup.status !== 'awaiting_approval') return;
      const customer = await services.customers.get(asCustomerId(signup.customerId));
      const t = translator.forLanguage(language);
      const text = `${t('reseller-op-review-title')}\n\n${signupCard(
        { t, language },
        signup,
        customer,
        formatMoney(signup.price, tenant.currency, language, t),
      )}`;
      const id = formatId(signup.id, language);
      const keyboard = new InlineKeyboard()
        .text(t('reseller-op-btn-approve', { id }), signupApproveButton.build({ signupId }))
        .text(t('reseller-op-btn-reject', { id }), signupRejectButton.build({ signupId }));
      let retry: unknown;
      for (const chatId of tenant.adminTelegramIds) {
        try {
          await api.sendMessage(chatId, text, { reply_markup: keyboard });
        } catch (error) {
          if (!isPermanentSendError(error)) retry = error;
          else logger.warn({ err: error, chatId }, 'cannot reach an operator in private');
        }
      }
      if (retry) throw retry;
    },

    /** The person who signed up: waiting for approval, the shop running, or refused and refunded. */
    async resellerSignupNotice(masterId: BotId, signupId: number, event: ResellerSignupEvent): Promise<void> {
      await toRowCustomer(
        masterId,
        (services) => services.resellers.signups.get(signupId),
        async (signup, { customer, tenant, t }, services) => {
          const balance = (await services.ledger.balance(customer.id)) ?? 0;
          const text = t(`reseller-notice-${event}`, {
            bot: `@${signup.botUsername}`,
            price: formatMoney(signup.price, tenant.currency, customer.language, t),
            balance: formatMoney(balance, tenant.currency, customer.language, t),
          });
          const keyboard =
            event === 'started'
              ? new InlineKeyboard().url(t('reseller-btn-open-shop'), `https://t.me/${signup.botUsername}`)
              : backToMenu(t);
          return { text, keyboard };
        },
      );
    },

    /** The admin who paid for wallet credit in the master bot: it is in the shop's wallet now. */
    async resellerWalletCredited(masterId: BotId, topUpId: number, _logger: Logger): Promise<void> {
      await toRowCustomer(
        masterId,
        (services) => services.resellers.topUps.get(topUpId),
        async (topUp, { customer, tenant, t }) => {
          const shop = await app.platform.tenants.get(topUp.shopBotId as BotId);
          const text = t('reseller-notice-wallet-credited', {
            amount: formatMoney(topUp.amount, tenant.currency, customer.language, t),
            shop: shop?.name ?? '',
          });
          return { text, keyboard: backToMenu(t) };
        },
      );
    },

    /** A reseller shop's admins: the plan renewed, its fee unpaid (once a day), or sales suspended. */
    async resellerFeeNotice(
      shopId: BotId,
      payload: { event: ResellerFeeEvent; periodEnd: string; day: number },
      logger: Logger,
    ): Promise<void> {
      const api = runningBotApi(shopId);
      const services = app.forTenant(shopId);
      const [tenant, subscription, language, timeZone, balance, master] = await Promise.all([
        app.platform.tenants.get(shopId),
        services.resellerShop.get(),
        services.settings.get('default_language'),
        services.settings.get('timezone'),
        services.wallet.balance(),
        app.platform.tenants.getMaster(),
      ]);
      if (!tenant || !subscription) return;
      // a notice overtaken by a payment is no longer true
      if (payload.event !== 'renewed' && subscription.unpaidSince === null) return;
      const t = translator.forLanguage(language);
      const money = (amount: number) => formatMoney(amount, tenant.currency, language, t);
      const masterId = master?.id;
      const grace =
        masterId === undefined ? 0 : await app.forTenant(masterId).settings.get('reseller_grace_days');
      const dueSince = subscription.unpaidSince ?? subscription.periodEnd;
      const text = t(`reseller-fee-${payload.event}`, {
        plan: subscription.planName,
        fee: money(subscription.monthlyFee),
        balance: money(balance),
        next: formatDate(subscription.periodEnd, language, timeZone),
        suspendAt: formatDate(new Date(dueSince.getTime() + grace * 86_400_000), language, timeZone),
      });
      const link = master?.username ? walletTopUpLink(master.username, shopId) : undefined;
      logger.info({ event: payload.event }, 'reseller plan notice to the shop admins');
      await sendToAdmins({
        api,
        services,
        tenant,
        translator,
        logger,
        send: async ({ chatId, threadId }) => {
          const keyboard = new InlineKeyboard();
          if (link && payload.event !== 'renewed') keyboard.url(t('reseller-btn-topup'), link).row();
          if (chatId > 0) keyboard.row(...(walletKeyboard(t).inline_keyboard[0] ?? []));
          await api.sendMessage(chatId, text, {
            reply_markup: keyboard,
            ...(threadId === undefined ? {} : { message_thread_id: threadId }),
          });
        },
      });
    },
  };
}
