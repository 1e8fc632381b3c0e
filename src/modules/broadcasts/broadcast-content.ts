import { z } from 'zod';

/** Telegram's limits: a message holds 4096 characters, a photo's caption 1024. */
export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;
export const BUTTON_TEXT_MAX = 64;

/** A button's link: an http(s) URL, or a tg:// link (a chat, a user, a sticker set), as Telegram takes. */
const buttonUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      if (url.protocol === 'tg:') return url.href.length > 'tg://'.length;
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be an http(s) or tg:// link');

/** A photo: a Telegram file id of this bot (letters, digits, `-` and `_`), or an http(s) URL Telegram downloads. */
const photoRef = z
  .string()
  .min(1)
  .max(1024)
  .refine((value) => {
    if (/^[A-Za-z0-9_-]+$/.test(value)) return true;
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'must be a Telegram file id or an http(s) URL of a picture');

/**
 * What a broadcast says: a text, or a photo (a file id of this shop's bot, or an http(s) URL) with
 * the text as caption (at most 1,024 characters, a text 4,096), and an optional link button.
 */
export const broadcastContent = z
  .object({
    text: z.string().trim().min(1, 'must not be empty').max(TEXT_MAX),
    photo: photoRef.optional(),
    button: z.object({ text: z.string().trim().min(1).max(BUTTON_TEXT_MAX), url: buttonUrl }).optional(),
  })
  .refine((content) => content.photo === undefined || content.text.length <= CAPTION_MAX, {
    path: ['text'],
    message: `a photo's caption holds at most ${CAPTION_MAX} characters`,
  });
export type BroadcastContent = z.input<typeof broadcastContent>;

/** A button's URL as typed by an admin: an http(s) or tg:// link, else undefined. */
export const parseButtonUrl = (value: string): string | undefined => {
  const parsed = buttonUrl.safeParse(value.trim());
  return parsed.success ? parsed.data : undefined;
};
