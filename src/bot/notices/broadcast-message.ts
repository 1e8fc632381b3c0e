import { type Api, InlineKeyboard, InputFile } from 'grammy';
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
  const photo = broadcast.photo;
  return {
    /** Sends it through grammY (previews, and uploads of another bot's photo). */
    send(api: Api, chatId: number, signal?: AbortSignal): Promise<unknown> {
      return photo
        ? api.sendPhoto(chatId, photo, { caption: broadcast.text, ...markup }, signal as ApiSignal)
        : api.sendMessage(chatId, broadcast.text, markup, signal as ApiSignal);
    },
    /**
     * The Bot API call that sends it to `chatId`, as JSON (for the lean client); undefined when the
     * photo is an upload, which only grammY's client sends.
     */
    request(chatId: number): { method: 'sendMessage' | 'sendPhoto'; params: object } | undefined {
      if (photo instanceof InputFile) return undefined;
      return photo
        ? { method: 'sendPhoto', params: { chat_id: chatId, photo, caption: broadcast.text, ...markup } }
        : { method: 'sendMessage', params: { chat_id: chatId, text: broadcast.text, ...markup } };
    },
  };
}
