import { type Api, InlineKeyboard, type InputFile } from 'grammy';
import type { Broadcast } from '../../modules/broadcasts/broadcasts-service.js';

/** grammY's own AbortSignal type (from its fetch shim), which the platform's is at run time. */
type ApiSignal = Parameters<Api['sendMessage']>[3];

/**
 * The message as recipients see it: text, or photo with the text as caption, and the link button.
 * `photo` may be given as an upload (`InputFile`) where the stored file id is another bot's.
 */
export function broadcastMessage(
  broadcast: Pick<Broadcast, 'text' | 'button'> & { readonly photo: string | InputFile | null },
) {
  const markup = broadcast.button
    ? { reply_markup: new InlineKeyboard().url(broadcast.button.text, broadcast.button.url) }
    : {};
  return {
    send(api: Api, chatId: number, signal?: AbortSignal): Promise<unknown> {
      return broadcast.photo
        ? api.sendPhoto(chatId, broadcast.photo, { caption: broadcast.text, ...markup }, signal as ApiSignal)
        : api.sendMessage(chatId, broadcast.text, markup, signal as ApiSignal);
    },
  };
}
