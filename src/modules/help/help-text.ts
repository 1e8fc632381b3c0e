import { z } from 'zod';
import type { Language } from '../../shared/language.js';

/** A page's title (its button) and text in one language. */
export interface HelpText {
  readonly title: string;
  readonly body: string;
}

/**
 * A title is a button's text; title, an empty line and the text are one Telegram message, which
 * takes 4096 characters: 64 + 2 + 4000 always fits. Lengths are counted as Telegram counts them
 * (UTF-16 code units, what `String.length` gives), which is never less than the database's count of
 * characters, so the service refuses before the database would.
 */
export const HELP_TITLE_MAX = 64;
export const HELP_BODY_MAX = 4000;
export const TELEGRAM_TEXT_MAX = 4096;

// Control characters but tab and line feed: invisible, and some break a message
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are what it refuses
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F]/;

/** Line endings as Telegram sends them, and no spaces around the text. */
const normalise = (text: string) => text.replace(/\r\n?/g, '\n').trim();

/**
 * Pages are plain text: the bot sends them as they were typed, without a parse mode (like the
 * shop's rules), so nothing in them is markup and nothing needs escaping.
 */
export const helpTextSchema = z.object({
  title: z
    .string()
    .transform(normalise)
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(HELP_TITLE_MAX, `must be at most ${HELP_TITLE_MAX} characters`)
        .refine((text) => !text.includes('\n'), 'must be one line')
        .refine((text) => !CONTROL.test(text), 'must not contain control characters'),
    ),
  body: z
    .string()
    .transform(normalise)
    .pipe(
      z
        .string()
        .min(1, 'must not be empty')
        .max(HELP_BODY_MAX, `must be at most ${HELP_BODY_MAX} characters`)
        .refine((text) => !CONTROL.test(text), 'must not contain control characters'),
    ),
});
export type HelpTextInput = z.input<typeof helpTextSchema>;

/** What a customer reads: the title, an empty line, the text. */
export const formatHelpPage = (text: HelpText): string => `${text.title}\n\n${text.body}`;

/**
 * A page typed as one message: its first line is the title, the rest the text. Undefined when there
 * is no text after the title (the caller says how to type it).
 */
export function splitTypedPage(typed: string): HelpTextInput | undefined {
  const text = normalise(typed);
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  const body = text.slice(newline + 1).trim();
  if (body.length === 0) return undefined;
  return { title: text.slice(0, newline), body };
}

/** The languages to try for a page's text, best first: the reader's, the shop's, then the rest. */
export function languagePreference(reader: Language, shop: Language): Language[] {
  return [...new Set<Language>([reader, shop, 'fa', 'en', 'ru'])];
}
