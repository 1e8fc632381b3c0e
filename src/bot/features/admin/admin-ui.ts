import { InlineKeyboard } from 'grammy';
import { callbackData, callbackPrefix } from '../../callback-data.js';
import type { Awaiting, BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import type { Translate } from '../../i18n.js';
import { editOrReply, parseTypedInteger } from '../panel-ui.js';

/** Every callback of the tenant admin menu starts with `adm:`; nothing else in the fleet uses it. */
export const anyAdminButton = callbackPrefix('adm');
export const adminHomeButton = callbackData('adm:home');
export const adminCancelButton = callbackData('adm:cancel');

/** The admin menu's questions: their kinds all start with `admin-`. */
export type AdminAwaiting = Extract<Awaiting, { kind: `admin-${string}` }>;

export const isAdminAwaiting = (awaiting: Awaiting | undefined): awaiting is AdminAwaiting =>
  awaiting?.kind.startsWith('admin-') ?? false;

/** Forgets what the admin was asked to type (with any half-made plan or card) and a credit to confirm. */
export const clearInput = (ctx: BotContext): void => {
  if (isAdminAwaiting(ctx.session.awaiting)) ctx.session.awaiting = undefined;
  if (ctx.session.confirming?.kind === 'admin-credit') ctx.session.confirming = undefined;
};

/**
 * An integer typed by an admin: Persian and Arabic digits, thousands separators (, ٬ ' _ spaces)
 * and a leading minus (chat ids) are accepted. A decimal point is not: "1.5" must not become 15.
 */
export const parseInteger = (text: string): number | undefined => parseTypedInteger(text, /^-?\d{1,16}$/);

/** A whole, non-negative amount or count. */
export const parseWhole = (text: string): number | undefined => {
  const value = parseInteger(text);
  return value !== undefined && value >= 0 ? value : undefined;
};

export const money = (ctx: BotContext, amount: number): string =>
  formatMoney(amount, ctx.shop.tenant.currency, ctx.language, ctx.t);

/** Back to the admin menu's home screen, for the last row of a keyboard. */
export const withHome = (keyboard: InlineKeyboard, t: Translate): InlineKeyboard =>
  keyboard.text(t('adm-btn-home'), adminHomeButton.build());

/** Back (to `data`, the screen before) and Home. */
export const backKeyboard = (t: Translate, data: string) =>
  withHome(new InlineKeyboard().text(t('adm-btn-back'), data), t);

export const cancelKeyboard = (t: Translate) =>
  new InlineKeyboard().text(t('adm-btn-cancel'), adminCancelButton.build());

/**
 * Answers the button press (stops the spinner, shows a toast). Telegram refuses answers to presses
 * older than its timeout (e.g. queued while the bot was down); the press still does its work then,
 * so a failed answer is logged, not thrown.
 */
export async function answer(
  ctx: BotContext,
  options?: { text?: string; show_alert?: boolean },
): Promise<void> {
  try {
    await ctx.answerCallbackQuery(options);
  } catch (error) {
    ctx.logger.debug({ err: error }, 'callback query not answered');
  }
}

/** Telegram's limit for a message text. */
const TEXT_LIMIT = 4096;

/** A long list (many plans, a long setting) is cut rather than refused by Telegram. */
export const fitMessage = (text: string): string =>
  text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT - 1)}…` : text;

/**
 * Navigation edits the menu message in place; a typed answer or a message too old to edit gets a
 * new one.
 */
export async function show(ctx: BotContext, rawText: string, keyboard: InlineKeyboard): Promise<void> {
  await editOrReply(ctx, fitMessage(rawText), keyboard, 'admin menu message not editable; sending a new one');
}

/**
 * What a button or an answer is about is gone (an old message, another admin's change): any input
 * is forgotten, and Back leads to the section's list (`back`, that list's button data).
 */
export async function showNotFound(ctx: BotContext, key: string, back: string): Promise<void> {
  clearInput(ctx);
  await show(ctx, ctx.t(key), backKeyboard(ctx.t, back));
}

/** Asks the admin to type something; what they type next goes to the section that answers `awaiting`. */
export async function ask(ctx: BotContext, awaiting: AdminAwaiting, text: string): Promise<void> {
  ctx.session.awaiting = awaiting;
  await show(ctx, text, cancelKeyboard(ctx.t));
}

/** A reply while input is awaited (the next question, or why the last answer did not fit), with Cancel. */
export async function replyWithCancel(ctx: BotContext, text: string): Promise<void> {
  await ctx.reply(text, { reply_markup: cancelKeyboard(ctx.t) });
}
