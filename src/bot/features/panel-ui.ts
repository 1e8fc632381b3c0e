import { GrammyError, type InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.js';

/*
 * What the tenant admin menu (admin/) and the operators' panel (master/) share. Who may use them is
 * one check for both, `isAdmin` (is-admin.ts).
 */

const DIGITS: Record<string, string> = Object.fromEntries(
  [...'۰۱۲۳۴۵۶۷۸۹'].map((d, i) => [d, String(i)]).concat([...'٠١٢٣٤٥٦٧٨٩'].map((d, i) => [d, String(i)])),
);

/**
 * An integer typed by an admin: Persian and Arabic digits and thousands separators (, ٬ ’ ' _
 * spaces) are accepted, and a leading − or – reads as a minus. What is left must match `pattern`
 * (which says whether a minus is allowed, and how many digits); a decimal point never does: "1.5"
 * must not silently become 15.
 */
export function parseTypedInteger(text: string, pattern: RegExp): number | undefined {
  const normalised = [...text.trim()]
    .map((char) => DIGITS[char] ?? char)
    .join('')
    .replace(/[\s,٬’'_]/g, '')
    .replace(/^[−–]/, '-');
  if (!pattern.test(normalised)) return undefined;
  const value = Number(normalised);
  return Number.isSafeInteger(value) ? value : undefined;
}

const isNotModified = (error: unknown) =>
  error instanceof GrammyError && error.description.includes('message is not modified');

/**
 * Navigation edits the menu message in place; a typed answer or a message too old to edit gets a
 * new one (`notEditable` is logged then).
 */
export async function editOrReply(
  ctx: BotContext,
  text: string,
  keyboard: InlineKeyboard,
  notEditable: string,
): Promise<void> {
  if (ctx.callbackQuery?.message) {
    try {
      await ctx.editMessageText(text, { reply_markup: keyboard });
      return;
    } catch (error) {
      if (isNotModified(error)) return;
      ctx.logger.debug({ err: error }, notEditable);
    }
  }
  await ctx.reply(text, { reply_markup: keyboard });
}
