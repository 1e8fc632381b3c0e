import type { Api } from 'grammy';
import type { App, TenantServices } from '../../app.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import type { Subscription } from '../../modules/subscriptions/subscriptions-service.js';
import type { Tenant } from '../../modules/tenants/tenant-registry.js';
import { asCustomerId, asSubscriptionId, type BotId } from '../../shared/ids.js';
import type { Language } from '../../shared/language.js';
import type { Logger } from '../../shared/logger.js';
import { sendToAdmins } from '../admin-delivery.js';
import { formatDate, formatNumber } from '../format.js';
import type { Translator } from '../i18n.js';

/** What createNotices lends these notices: the app, the one translator and the running bots. */
export interface PanelNoticeDeps {
  readonly app: App;
  readonly translator: Translator;
  readonly runningBotApi: (botId: BotId) => Api;
}

interface LostSubscription {
  readonly subscription: Subscription;
  readonly customer: Customer | undefined;
}

const customerName = (customer: Customer | undefined): string =>
  customer ? [customer.firstName, customer.lastName].filter(Boolean).join(' ') || `#${customer.id}` : '–';

/**
 * The subscription an alert is about while it is still lost: one restored (or renewed) before its
 * alert went out needs no alert.
 */
async function stillLost(
  services: TenantServices,
  subscriptionId: number,
): Promise<LostSubscription | undefined> {
  const subscription = await services.subscriptions.get(asSubscriptionId(subscriptionId));
  if (!subscription || subscription.lostAt === null) return undefined;
  const customer = await services.customers.get(asCustomerId(subscription.customerId));
  return { subscription, customer };
}

/** The shop's expiry date for the alert, in the reader's language and the shop's time zone. */
async function expiryText(services: TenantServices, subscription: Subscription, language: Language) {
  const timeZone = await services.settings.get('timezone');
  return subscription.expiresAt ? formatDate(subscription.expiresAt, language, timeZone) : '–';
}

/**
 * Alerts about the panel's webhooks, sent through the bots: to a shop's admins (its admin chat, else
 * each admin) and to the operators (the master bot's admin chat, else each operator). Sent once: a
 * retry could repeat the alert to the chats that already have it, so a failure is logged.
 */
export function panelNoticeSenders({ app, translator, runningBotApi }: PanelNoticeDeps) {
  const deliverToAdmins = async (
    input: { api: Api; services: TenantServices; tenant: Tenant; logger: Logger },
    text: string,
  ) =>
    sendToAdmins({
      ...input,
      translator,
      send: async ({ chatId, threadId }) => {
        await input.api.sendMessage(
          chatId,
          text,
          threadId === undefined ? {} : { message_thread_id: threadId },
        );
      },
    }).catch((error: unknown) => input.logger.warn({ err: error }, 'could not alert every admin'));

  return {
    /** Tells the shop's admins that the panel deleted a customer's user, and how to restore it. */
    async panelUserLost(botId: BotId, subscriptionId: number, logger: Logger): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const [lost, tenant, language] = await Promise.all([
        stillLost(services, subscriptionId),
        app.platform.tenants.get(botId),
        services.settings.get('default_language'),
      ]);
      if (!lost || !tenant) return;
      const t = translator.forLanguage(language);
      const { subscription, customer } = lost;
      const number = formatNumber(subscription.ordinal, language);
      const text = t('panel-lost-admins', {
        customer: customerName(customer),
        telegramId: customer ? String(customer.telegramId) : '–',
        number,
        expires: await expiryText(services, subscription, language),
        button: t('adm-btn-reprovision', { number }),
        menu: t('adm-btn-home'),
        customers: t('adm-btn-customers'),
      });
      logger.warn({ subscriptionId }, 'panel user deleted on the panel: telling the shop admins');
      await deliverToAdmins({ api, services, tenant, logger }, text);
    },

    /** Tells the operators, through the master bot, that the panel deleted a shop's user. */
    async panelUserLostToOperators(botId: BotId, subscriptionId: number, logger: Logger): Promise<void> {
      const master = await app.platform.tenants.getMaster();
      if (!master?.isActive) {
        logger.warn({ subscriptionId }, 'panel user deleted; no master bot to tell the operators through');
        return;
      }
      const api = runningBotApi(master.id);
      const services = app.forTenant(botId);
      const masterServices = app.forTenant(master.id);
      const [lost, shop, language] = await Promise.all([
        stillLost(services, subscriptionId),
        app.platform.tenants.get(botId),
        masterServices.settings.get('default_language'),
      ]);
      if (!lost || !shop) return;
      const text = translator.t(language, 'panel-lost-operators', {
        username: lost.subscription.panelUsername,
        shop: shop.name,
        shopId: String(shop.id),
        expires: await expiryText(services, lost.subscription, language),
      });
      await deliverToAdmins({ api, services: masterServices, tenant: master, logger }, text);
    },
  };
}
