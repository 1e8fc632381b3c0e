// reply_markup validation. Only inline keyboards become part of the Message object (Telegram does not
// echo reply keyboards back), but all four kinds are validated like the real API does.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { badRequest } from './api-error.js';
import { isRecord } from './params.js';
import { byteLength } from './util.js';

export interface ParsedMarkup {
  /** Undefined when the keyboard is absent or empty (an empty inline keyboard removes it). */
  inline: InlineKeyboardMarkup | undefined;
  /** reply keyboard / remove_keyboard / force_reply, kept for inspection by tests. */
  replyKeyboard: Record<string, unknown> | undefined;
}

const INLINE_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

export function parseReplyMarkup(value: unknown): ParsedMarkup | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
  }
  if (!isRecord(value)) throw badRequest("can't parse reply keyboard markup JSON object");
  if ('inline_keyboard' in value)
    return { inline: parseInlineKeyboard(value.inline_keyboard), replyKeyboard: undefined };
  if ('keyboard' in value) {
    validateReplyKeyboard(value.keyboard);
    return { inline: undefined, replyKeyboard: value };
  }
  if (value.remove_keyboard === true || value.force_reply === true)
    return { inline: undefined, replyKeyboard: value };
  throw badRequest("can't parse reply keyboard markup JSON object");
}

function parseInlineKeyboard(rows: unknown): InlineKeyboardMarkup | undefined {
  if (!Array.isArray(rows))
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array');
  const normalized: InlineKeyboardButton[][] = [];
  for (const row of rows) {
    if (!Array.isArray(row))
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    const buttons: InlineKeyboardButton[] = [];
    for (const button of row) buttons.push(parseInlineButton(button));
    if (buttons.length > 0) normalized.push(buttons);
  }
  return normalized.length === 0 ? undefined : { inline_keyboard: normalized };
}

function parseInlineButton(button: unknown): InlineKeyboardButton {
  if (!isRecord(button))
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  if (typeof button.text !== 'string') {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  if (button.text.trim() === '') throw badRequest('BUTTON_TEXT_INVALID');
  const actions = INLINE_ACTIONS.filter((key) => button[key] !== undefined && button[key] !== null);
  if (actions.length === 0) throw badRequest('text buttons are unallowed in the inline keyboard');
  const data = button.callback_data;
  if (data !== undefined && data !== null) {
    if (typeof data !== 'string' || data === '' || byteLength(data) > 64)
      throw badRequest('BUTTON_DATA_INVALID');
  }
  const url = button.url;
  if (url !== undefined && url !== null) {
    if (typeof url !== 'string' || !isAllowedUrl(url)) {
      throw badRequest(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
    }
  }
  // Canonical key order, so "not modified" comparisons do not depend on how the client ordered keys.
  const normalized: Record<string, unknown> = { text: button.text };
  for (const key of [...INLINE_ACTIONS, 'style', 'icon_custom_emoji_id']) {
    if (button[key] !== undefined && button[key] !== null) normalized[key] = button[key];
  }
  return normalized as unknown as InlineKeyboardButton;
}

function isAllowedUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return ['http:', 'https:', 'tg:', 'ton:'].includes(parsed.protocol);
  } catch {
    return false;
  }
}

function validateReplyKeyboard(rows: unknown): void {
  if (!Array.isArray(rows)) throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array');
  for (const row of rows) {
    if (!Array.isArray(row))
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    for (const button of row) {
      const text = typeof button === 'string' ? button : isRecord(button) ? button.text : undefined;
      if (typeof text !== 'string' || text === '') throw badRequest('BUTTON_TEXT_INVALID');
    }
  }
}

export const sameMarkup = (
  a: InlineKeyboardMarkup | undefined,
  b: InlineKeyboardMarkup | undefined,
): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
