import { z } from 'zod';

/** Telegram's limits: a message holds 4096 characters, a photo's caption 1024. */
export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;
export const BUTTON_TEXT_MAX = 64;

const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

/**
 * What a broadcast says: a text, or a photo (a file id of this shop's bot, or an https URL) with the
 * text as caption, and an optional URL button.
 */
export const broadcastContent = z
  .object({
    text: z.string().trim().min(1, 'must not be empty').max(TEXT_MAX),
    photo: z.string().min(1).max(1024).optional(),
    button: z.object({ text: z.string().trim().min(1).max(BUTTON_TEXT_MAX), url: httpUrl }).optional(),
  })
  .refine((content) => content.photo === undefined || content.text.length <= CAPTION_MAX, {
    path: ['text'],
    message: `a photo's caption holds at most ${CAPTION_MAX} characters`,
  });
export type BroadcastContent = z.input<typeof broadcastContent>;

/** A button's URL as typed by an admin: an http(s) URL, else undefined. */
export const parseButtonUrl = (value: string): string | undefined => {
  const parsed = httpUrl.safeParse(value.trim());
  return parsed.success ? parsed.data : undefined;
};
