import type { BotContext } from '../../context.js';
import type { MenuSection, MenuSwitches } from '../section.js';

/** Telegram opens web apps over https only: a plain http address (a local demo) shows no button. */
const openableUrl = ({ flags, miniAppUrl }: MenuSwitches): string | undefined =>
  flags.mini_app.enabled && miniAppUrl?.startsWith('https://') ? miniAppUrl : undefined;

/** The shop's own Mini App, opened inside Telegram (a web app button: nothing for the bot to answer). */
export const miniAppSection: MenuSection = {
  entry: 'mini_app',
  isShown: (switches) => openableUrl(switches) !== undefined,
  button: (t, switches) => ({ text: t('menu-mini-app'), webApp: String(openableUrl(switches)) }),
};

/**
 * The chat's menu button (beside the message field): the shop's Mini App while the switch is on and
 * the address is https, Telegram's default (the commands) otherwise. Set per chat, in the customer's
 * language, when the main menu is shown; the session keeps what the chat was last given, so an
 * unchanged button (the default, for most shops) costs no request. A refusal is logged, never
 * fails the menu.
 */
export async function syncMenuButton(ctx: BotContext): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined || ctx.chat?.type !== 'private') return;
  const services = ctx.shop.services;
  const url = (await services.flags.isEnabled('mini_app')) ? services.miniApp.url() : undefined;
  const text = ctx.t('miniapp-menu-button');
  const wanted = url?.startsWith('https://') ? `${url}|${text}` : 'default';
  if (wanted === (ctx.session.menuButton ?? 'default')) return;
  try {
    await ctx.api.setChatMenuButton({
      chat_id: chatId,
      menu_button:
        url && wanted !== 'default' ? { type: 'web_app', text, web_app: { url } } : { type: 'default' },
    });
    ctx.session.menuButton = wanted === 'default' ? undefined : wanted;
  } catch (error) {
    ctx.logger.warn({ err: error }, 'could not set the chat menu button');
  }
}
