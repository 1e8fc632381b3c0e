import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import type { Translate } from '../../i18n.js';
import { editOrReply, isListedAdmin, parseTypedInteger } from '../panel-ui.js';

/** Every callback of the tenant admin menu starts with `adm:`; nothing else in the fleet uses it. */
export const PREFIX = 'adm';

/**
 * The tenant's own admins, in the tenant's own bot. The master bot has the operators' panel
 * instead, so nobody is a tenant admin there.
 */
export const isTenantAdmin = (ctx: BotContext): boolean => !ctx.shop.tenant.isMaster && isListedAdmin(ctx);

/** A plan being created step by step. */
export interface PlanDraft {
  name?: string;
  periodDays?: number;
  price?: number;
  trafficGb?: number;
}

/** A card being added step by step. */
export interface CardDraft {
  cardNumber?: string;
  holderName?: string;
}

/** A balance credit typed and waiting for the admin's confirmation. */
export interface PendingCredit {
  customerId: number;
  amount?: number;
  reason?: string;
  /** The confirmation message: its id makes the ledger reference, so confirming twice credits once. */
  confirmMessageId?: number;
}

/** What the admin menu keeps between updates (in `ctx.session.admin`, beside `awaiting`). */
export interface AdminState {
  planDraft?: PlanDraft;
  cardDraft?: CardDraft;
  credit?: PendingCredit;
}

export const adminState = (ctx: BotContext): AdminState => {
  const value = ctx.session.admin;
  return value && typeof value === 'object' ? (value as AdminState) : {};
};

export const setAdminState = (ctx: BotContext, state: AdminState): void => {
  ctx.session.admin = state;
};

/** `ctx.session.awaiting` values of the admin menu all start with `adm:`. */
export const isAdminAwaiting = (ctx: BotContext): boolean =>
  typeof ctx.session.awaiting === 'string' && ctx.session.awaiting.startsWith(`${PREFIX}:`);

/** Forgets what the admin was asked to type and any half-made plan, card or credit. */
export const clearInput = (ctx: BotContext): void => {
  if (isAdminAwaiting(ctx)) ctx.session.awaiting = undefined;
  delete ctx.session.admin;
};

/** A positive id from callback data or typed text. */
export const idOf = (text: string | undefined): number | undefined => {
  const id = Number(text);
  return text !== undefined && /^\d{1,15}$/.test(text) && Number.isSafeInteger(id) && id > 0 ? id : undefined;
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

export const homeButton = (t: Translate) => new InlineKeyboard().text(t('adm-btn-home'), `${PREFIX}:home`);

export const backKeyboard = (t: Translate, data: string) =>
  new InlineKeyboard().text(t('adm-btn-back'), data).text(t('adm-btn-home'), `${PREFIX}:home`);

export const cancelKeyboard = (t: Translate) =>
  new InlineKeyboard().text(t('adm-btn-cancel'), `${PREFIX}:cancel`);

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
 * is forgotten, and Back leads to the `section`'s list.
 */
export async function showNotFound(ctx: BotContext, key: string, section: string): Promise<void> {
  clearInput(ctx);
  await show(ctx, ctx.t(key), backKeyboard(ctx.t, `${PREFIX}:${section}`));
}

/** Asks the admin to type something; what they type next goes to the section named by `awaiting`. */
export async function ask(ctx: BotContext, awaiting: string, text: string): Promise<void> {
  ctx.session.awaiting = awaiting;
  await show(ctx, text, cancelKeyboard(ctx.t));
}

/** A reply while input is awaited (the next question, or why the last answer did not fit), with Cancel. */
export async function replyWithCancel(ctx: BotContext, text: string): Promise<void> {
  await ctx.reply(text, { reply_markup: cancelKeyboard(ctx.t) });
}
