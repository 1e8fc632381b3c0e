import type { Api } from 'grammy';
import type { App, TenantServices } from '../../app.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import { asCustomerId, type BotId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Translator } from '../i18n.js';

/** What createNotices lends these notices: the app, the translator, the running bots and delivery. */
export interface ModerationNoticeDeps {
  readonly app: App;
  readonly translator: Translator;
  readonly runningBotApi: (botId: BotId) => Api;
  readonly deliver: (
    services: TenantServices,
    customer: Customer,
    send: () => Promise<unknown>,
  ) => Promise<void>;
}

/**
 * The messages of a ban and of an admin writing to one customer. Unlike every other customer
 * notice these reach a banned customer: the ban's notice is the last thing they get, and an admin's
 * own message is meant for them whatever their state.
 */
export function moderationNoticeSenders({ app, translator, runningBotApi, deliver }: ModerationNoticeDeps) {
  return {
    /** Tells a customer they were banned or unbanned, while that is still so (not if it was undone since). */
    async moderationNotice(botId: BotId, customerId: number, event: 'blocked' | 'unblocked'): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const customer = await services.customers.get(asCustomerId(customerId));
      if (!customer || customer.unreachableSince) return;
      if (customer.isBlocked !== (event === 'blocked')) return;
      const t = translator.forLanguage(customer.language);
      await deliver(services, customer, () =>
        api.sendMessage(
          customer.telegramId,
          t(event === 'blocked' ? 'mod-notice-blocked' : 'mod-notice-unblocked'),
        ),
      );
    },

    /** Delivers an admin's message to a customer; a 403 marks them unreachable. */
    async adminMessage(botId: BotId, customerId: number, text: string, logger: Logger): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const customer = await services.customers.get(asCustomerId(customerId));
      if (!customer) return;
      const t = translator.forLanguage(customer.language);
      await deliver(services, customer, () =>
        api.sendMessage(customer.telegramId, t('mod-message-from-shop', { text })),
      );
      logger.info({ customerId }, 'admin message delivered or customer unreachable');
    },
  };
}
