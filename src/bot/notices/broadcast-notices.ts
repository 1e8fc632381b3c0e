import { Api, GrammyError, HttpError, InlineKeyboard, InputFile } from 'grammy';
import type { App } from '../../app.js';
import type { Broadcast, BroadcastCounts } from '../../modules/broadcasts/broadcasts-service.js';
import type { BotId } from '../../shared/ids.js';
import type { Language } from '../../shared/language.js';
import type { Logger } from '../../shared/logger.js';
import type { BotApiClient } from '../bot-api-client.js';
import { broadcastCancelButton } from '../features/admin/broadcast.js';
import { formatNumber } from '../format.js';
import type { Translator } from '../i18n.js';
import { broadcastMessage } from './broadcast-message.js';

/** How one send ended, as the delivery job acts on it. */
export type BroadcastSendResult =
  | { readonly kind: 'sent' }
  /** 403: the customer blocked the bot (marked unreachable). */
  | { readonly kind: 'blocked' }
  /** 400 and the like: Telegram refused this message for this chat for good. */
  | { readonly kind: 'failed'; readonly error: string }
  /** 429: nothing of this bot goes out before `retryAfterMs`. */
  | { readonly kind: 'flood'; readonly retryAfterMs: number }
  /** 5xx: Telegram took nothing; try again later. */
  | { readonly kind: 'retry' }
  /** The request went out and no answer came (network, timeout): it may have been delivered. */
  | { readonly kind: 'unknown' }
  /** The bot cannot send at all now (401: token revoked). */
  | { readonly kind: 'stop'; readonly error: unknown };

/** A single send gives up after this long (its outcome is then unknown, never sent again). */
const SEND_TIMEOUT_MS = 15_000;

export function classifySendError(error: unknown): BroadcastSendResult {
  if (error instanceof GrammyError) {
    if (error.error_code === 429)
      return { kind: 'flood', retryAfterMs: (error.parameters.retry_after ?? 5) * 1000 };
    if (error.error_code === 403) return { kind: 'blocked' };
    if (error.error_code === 401) return { kind: 'stop', error };
    if (error.error_code >= 500) return { kind: 'retry' };
    return { kind: 'failed', error: error.description.slice(0, 300) };
  }
  if (error instanceof HttpError) return { kind: 'unknown' };
  return { kind: 'unknown' };
}

export const broadcastCountArgs = (counts: BroadcastCounts, total: number, language: Language) => ({
  total: formatNumber(total, language),
  sent: formatNumber(counts.sent, language),
  blocked: formatNumber(counts.blocked, language),
  failed: formatNumber(counts.failed, language),
  unknown: formatNumber(counts.unknown, language),
  cancelled: formatNumber(counts.cancelled, language),
  left: formatNumber(counts.pending + counts.sending, language),
});

/** What createNotices lends these: the app, the one translator, the running bots and the lean client. */
export interface BroadcastNoticeDeps {
  readonly app: App;
  readonly translator: Translator;
  readonly runningBotApi: (botId: BotId) => Api;
  readonly client: BotApiClient;
}

/**
 * The broadcast's sends and the admin's progress message. Sends go out with the bot's own token
 * through the fleet's lean client (src/bot/bot-api-client.ts: a fraction of grammY's client's CPU
 * per call, at thousands of sends a second), an upload of another bot's photo through an `Api`
 * without the fleet's auto-retry; neither retries: a 429 must reach the delivery job, which
 * pauses the bot's whole queue for retry_after instead of one request waiting inside another's
 * pace.
 */
export function broadcastNoticeSenders({ app, translator, runningBotApi, client }: BroadcastNoticeDeps) {
  const bareApis = new WeakMap<Api, Api>();
  const bareApi = (botId: BotId): Api => {
    const running = runningBotApi(botId);
    let bare = bareApis.get(running);
    if (!bare) {
      bare = new Api(running.token, running.options);
      bareApis.set(running, bare);
    }
    return bare;
  };

  /**
   * A photo another bot received (an operator's, through the master bot), fetched through that bot
   * once per process and kept for its broadcast's sends: a file id works only for its own bot.
   */
  const photos = new Map<string, Promise<Uint8Array>>();
  const foreignPhoto = (sourceBotId: number, fileId: string): Promise<Uint8Array> => {
    const key = `${sourceBotId}:${fileId}`;
    let bytes = photos.get(key);
    if (!bytes) {
      bytes = downloadFile(runningBotApi(sourceBotId as BotId), fileId);
      photos.set(key, bytes);
      // a failed fetch is tried again by the next send; a few photos at most are kept
      bytes.catch(() => photos.delete(key));
      if (photos.size > 8) photos.delete(photos.keys().next().value as string);
    }
    return bytes;
  };

  /** The admin's progress message, edited in place; a message that cannot be edited is left alone. */
  const editProgress = async (botId: BotId, id: number, final: boolean, logger: Logger) => {
    const services = app.forTenant(botId);
    const progress = await services.broadcasts.progress(id);
    if (!progress) return;
    const { broadcast, counts } = progress;
    const chatId = broadcast.progressChatId;
    const messageId = broadcast.progressMessageId;
    if (chatId === null || messageId === null) return;
    const language = broadcast.progressLanguage ?? 'fa';
    const t = translator.forLanguage(language);
    const args = broadcastCountArgs(counts, broadcast.total, language);
    const lines = final
      ? [
          t(broadcast.status === 'cancelled' ? 'broadcast-report-cancelled' : 'broadcast-report-done', args),
          ...(counts.unknown > 0 ? [t('broadcast-report-unknown', args)] : []),
          ...(counts.cancelled > 0 ? [t('broadcast-report-not-sent', args)] : []),
        ]
      : [t('broadcast-progress', args)];
    const keyboard = final
      ? undefined
      : new InlineKeyboard().text(
          t('broadcast-btn-cancel'),
          broadcastCancelButton.build({ broadcastId: id }),
        );
    const api = runningBotApi(botId);
    try {
      await api.editMessageText(
        chatId,
        messageId,
        lines.join('\n'),
        keyboard ? { reply_markup: keyboard } : {},
      );
    } catch (error) {
      if (final) {
        // the report matters more than where it lands: a new message when the old one is gone
        await api
          .sendMessage(chatId, lines.join('\n'))
          .catch((err: unknown) => logger.warn({ err }, 'could not send the broadcast report'));
      } else {
        logger.debug({ err: error }, 'broadcast progress not edited');
      }
    }
  };

  return {
    /** Sends a broadcast's message to one chat; throws RetryLater while the bot runs in no process here. */
    broadcastSender(botId: BotId) {
      const { token } = runningBotApi(botId);
      /** The message of the broadcast being sent, built once for all its recipients. */
      let current: { broadcast: Broadcast; message: ReturnType<typeof broadcastMessage> } | undefined;
      return {
        async send(broadcast: Broadcast, chatId: number, signal: AbortSignal): Promise<BroadcastSendResult> {
          if (broadcast.photo !== null && broadcast.photoBotId !== null && broadcast.photoBotId !== botId) {
            let photo: InputFile;
            try {
              photo = new InputFile(await foreignPhoto(broadcast.photoBotId, broadcast.photo), 'photo.jpg');
            } catch (error) {
              // nothing went out: the rows go back and this run is tried again later
              return { kind: 'stop', error };
            }
            return sendUpload(bareApi(botId), { ...broadcast, photo }, chatId, signal);
          }
          if (current?.broadcast !== broadcast) current = { broadcast, message: broadcastMessage(broadcast) };
          const request = current.message.request(chatId);
          if (!request) throw new Error('a broadcast without an upload is sent as JSON');
          try {
            await client.call(token, request.method, request.params, { signal, timeoutMs: SEND_TIMEOUT_MS });
            return { kind: 'sent' };
          } catch (error) {
            return classifySendError(error);
          }
        },
      };
    },

    /** Edits the admin's progress message (counts so far, Cancel). */
    broadcastProgress: (botId: BotId, id: number, logger: Logger) => editProgress(botId, id, false, logger),

    /** The final report (sent, blocked, failed) in place of the progress message. */
    broadcastReport: (botId: BotId, id: number, logger: Logger) => editProgress(botId, id, true, logger),
  };
}

/** Sends a broadcast whose photo is an upload, through grammY's client. */
async function sendUpload(
  api: Api,
  broadcast: Pick<Broadcast, 'text' | 'button'> & { readonly photo: InputFile },
  chatId: number,
  signal: AbortSignal,
): Promise<BroadcastSendResult> {
  try {
    await broadcastMessage(broadcast).send(
      api,
      chatId,
      AbortSignal.any([signal, AbortSignal.timeout(SEND_TIMEOUT_MS)]),
    );
    return { kind: 'sent' };
  } catch (error) {
    return classifySendError(error);
  }
}

/** A file's bytes through the bot that has it (getFile, then the Bot API's file download). */
async function downloadFile(api: Api, fileId: string): Promise<Uint8Array> {
  const file = await api.getFile(fileId);
  if (!file.file_path) throw new Error('Telegram gave no path for the file');
  const root = api.options?.apiRoot ?? 'https://api.telegram.org';
  const response = await fetch(`${root}/file/bot${api.token}/${file.file_path}`, {
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`file download failed: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
