import type { Api, InlineKeyboard } from 'grammy';
import type { App, TenantServices } from '../../app.js';
import type { Tenant } from '../../modules/tenants/tenant-registry.js';
import type { BotId } from '../../shared/ids.js';
import type { Language } from '../../shared/language.js';
import type { Logger } from '../../shared/logger.js';
import { sendToAdmins } from '../admin-delivery.js';
import { topUpContact, walletKeyboard } from '../features/admin/wallet.js';
import { formatMoney } from '../format.js';
import type { Translate, Translator } from '../i18n.js';

/** What createNotices lends these notices: the app, the one translator and the running bots. */
export interface WalletNoticeDeps {
  readonly app: App;
  readonly translator: Translator;
  readonly runningBotApi: (botId: BotId) => Api;
}

/**
 * How the shop's admins top up the wallet (the operator's contact) and the buttons that go with an
 * alert: the operator's chats, and the wallet screen in an admin's private chat (the admin menu
 * answers only there).
 */
export async function walletAlertExtras(
  services: TenantServices,
  tenant: Tenant,
  language: Language,
  t: Translate,
): Promise<{ howTo: string; keyboardFor: (chatId: number) => InlineKeyboard }> {
  const contact = await services.operatorContact();
  const { text } = topUpContact(t, contact, tenant.id, language);
  return {
    howTo: text,
    keyboardFor: (chatId) => {
      const { keyboard } = topUpContact(t, contact, tenant.id, language);
      if (chatId <= 0) return keyboard;
      const wallet = walletKeyboard(t).inline_keyboard[0] ?? [];
      return keyboard.row(...wallet);
    },
  };
}

/**
 * Alerts about the shop's wallet with the operator, sent through the shop's bot to its admins (the
 * admin chat, else each admin). Sent once: a retry could repeat it to the chats that already have it.
 */
export function walletNoticeSenders({ app, translator, runningBotApi }: WalletNoticeDeps) {
  return {
    /**
     * Warns the shop's admins that a debit took the wallet below their threshold. Dropped when the
     * wallet was topped up to the threshold again before it could go out: it is no longer true.
     */
    async walletLowBalance(
      botId: BotId,
      crossing: { entryId: number; balance: number; threshold: number },
      logger: Logger,
    ): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const [tenant, language, balance] = await Promise.all([
        app.platform.tenants.get(botId),
        services.settings.get('default_language'),
        services.wallet.balance(),
      ]);
      if (!tenant) return;
      if (balance >= crossing.threshold) {
        logger.info(
          { entryId: crossing.entryId },
          'wallet topped up before its low-balance warning went out',
        );
        return;
      }
      const t = translator.forLanguage(language);
      const money = (amount: number) => formatMoney(amount, tenant.currency, language, t);
      const extras = await walletAlertExtras(services, tenant, language, t);
      const text = `${t('wallet-admin-low-alert', {
        balance: money(balance),
        threshold: money(crossing.threshold),
      })}\n\n${extras.howTo}`;
      logger.info(
        { entryId: crossing.entryId, balance },
        'wallet below its low-balance warning: telling the admins',
      );
      await sendToAdmins({
        api,
        services,
        tenant,
        translator,
        logger,
        send: async ({ chatId, threadId }) => {
          await api.sendMessage(chatId, text, {
            reply_markup: extras.keyboardFor(chatId),
            ...(threadId === undefined ? {} : { message_thread_id: threadId }),
          });
        },
      }).catch((error: unknown) => logger.warn({ err: error }, 'could not warn every admin'));
    },
  };
}
