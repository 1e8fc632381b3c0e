import { InlineKeyboard } from 'grammy';
import { defaultTextsFrom, type HelpPageKind } from '../../../modules/help/default-pages.js';
import { type HelpPage, type HelpService, pageText } from '../../../modules/help/help-service.js';
import { formatHelpPage, type HelpText } from '../../../modules/help/help-text.js';
import { callbackData, oneOf, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import type { Translator } from '../../i18n.js';
import { menuHomeButton } from '../keyboards.js';
import { editOrReply } from '../panel-ui.js';
import type { MenuSection } from '../section.js';

/** Which list a page was opened from: every page, or the connection guides only. */
const SCOPES = ['all', 'guides'] as const;
type Scope = (typeof SCOPES)[number];

const helpButton = callbackData('menu:help');
/**
 * The connection guides alone, as a new message: for any screen that wants a "How to connect"
 * button (a subscription's card, a "your subscription is ready" notice).
 */
export const helpGuidesButton = callbackData('menu:help:guides');
const backButton = callbackData('menu:help:back', { scope: oneOf(SCOPES) });
const pageButton = callbackData('menu:help:p', { key: token(/[a-z0-9-]{1,32}/), scope: oneOf(SCOPES) });

/** A default page's built-in text, from locales/<lang>/help.ftl. */
export const defaultHelpTexts = (translator: Translator) => defaultTextsFrom(translator.t);

export const helpPageIcon = (kind: HelpPageKind) => (kind === 'guide' ? '📱' : '❓');

/**
 * The texts of pages for the reader of this chat, in their language (or the shop's, for a page of
 * the shop's own without one); one read of the shop's language for a whole list.
 */
export async function readerTexts(ctx: BotContext): Promise<(page: HelpPage) => HelpText> {
  const shopLanguage = await ctx.shop.services.settings.get('default_language');
  const defaults = defaultHelpTexts(ctx.translator);
  return (page) => pageText(page, ctx.language, shopLanguage, defaults);
}

/** The text of one page for the reader of this chat. */
export const readerText = async (ctx: BotContext, page: HelpPage): Promise<HelpText> =>
  (await readerTexts(ctx))(page);

const pagesOf = (help: HelpService, scope: Scope) => help.findShown(scope === 'guides' ? 'guide' : undefined);

async function listScreen(
  ctx: BotContext,
  scope: Scope,
): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const pages = await pagesOf(ctx.shop.services.help, scope);
  const keyboard = new InlineKeyboard();
  const textOf = await readerTexts(ctx);
  for (const page of pages) {
    const { title } = textOf(page);
    keyboard.text(`${helpPageIcon(page.kind)} ${title}`, pageButton.build({ key: page.key, scope })).row();
  }
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  const title = ctx.t(scope === 'guides' ? 'help-guides-title' : 'help-title');
  return { text: pages.length === 0 ? ctx.t('help-empty') : title, keyboard };
}

/** Help is the shop's choice: switched off, an old button answers politely. */
async function refusedWhenOff(ctx: BotContext): Promise<boolean> {
  if (await ctx.shop.services.flags.isEnabled('help_pages')) return false;
  await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
  return true;
}

function helpButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  const openList = async (ctx: BotContext, scope: Scope, inPlace: boolean) => {
    if (await refusedWhenOff(ctx)) return;
    await ctx.answerCallbackQuery();
    const { text, keyboard } = await listScreen(ctx, scope);
    if (inPlace) await editOrReply(ctx, text, keyboard, 'help list not editable; sending a new one');
    else await ctx.reply(text, { reply_markup: keyboard });
  };
  onPress(buttons, helpButton, (ctx) => openList(ctx, 'all', false));
  onPress(buttons, helpGuidesButton, (ctx) => openList(ctx, 'guides', false));
  onPress(buttons, backButton, (ctx, { scope }) => openList(ctx, scope, true));
  onPress(buttons, pageButton, async (ctx, { key, scope }) => {
    if (await refusedWhenOff(ctx)) return;
    const page = await ctx.shop.services.help.getPage(key);
    const back = new InlineKeyboard()
      .text(ctx.t('help-btn-back'), backButton.build({ scope }))
      .text(ctx.t('back-to-menu'), menuHomeButton.build());
    // a page hidden (or deleted) since the list was shown is gone for customers too
    if (!page || page.isHidden) {
      await ctx.answerCallbackQuery({ text: ctx.t('help-page-missing'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    // plain text, as typed by the shop's admins: no parse mode, so nothing in it is markup
    const text = formatHelpPage(await readerText(ctx, page));
    await editOrReply(ctx, text, back, 'help page not editable; sending a new one');
  });
  return buttons;
}

/** The shop's FAQ and connection guides: a list of pages, each page's text with a way back. */
export const helpSection: MenuSection = {
  entry: 'help',
  isShown: ({ flags }) => flags.help_pages.enabled,
  button: (t) => ({ text: t('menu-help'), data: helpButton.build() }),
  composer: helpButtons(),
};
