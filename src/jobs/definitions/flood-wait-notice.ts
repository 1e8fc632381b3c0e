import { GrammyError } from 'grammy';
import { z } from 'zod';
import { isPermanentSendError } from '../../bot/admin-delivery.js';
import { type CustomerNoticeDeps, runningBotApi } from '../customer-notice.js';
import { defineJob, RetryLater } from '../define.js';

export const FLOOD_WAIT_NOTICE_JOB = 'flood-wait-notice';

/** The wait Telegram asked for on a 429, in seconds; undefined for any other error. */
export const floodWaitSeconds = (error: unknown): number | undefined =>
  error instanceof GrammyError && error.error_code === 429 ? error.parameters.retry_after : undefined;

/**
 * One notice per chat and flood window, however many updates of that chat failed during it: the key
 * names the minute the wait ends, so a later flood in the same chat gets a notice of its own.
 */
export const floodNoticeKey = (chatId: number, retryAfterSeconds: number, now = Date.now()): string =>
  `flood-notice:${chatId}:${Math.floor((now + retryAfterSeconds * 1000) / 60_000)}`;

/**
 * Tells a customer, once Telegram lets the bot write again, that their last step was not answered
 * and should be repeated. Enqueued by the error boundary, delayed by `retry_after`, instead of an
 * apology sent into the chat Telegram had just asked us to leave alone. The update itself is not
 * handled again: it may have half-run (a payment step, a message already sent) and only the
 * customer knows whether the step still matters minutes later.
 */
export const createFloodWaitNoticeJob = (deps: CustomerNoticeDeps) =>
  defineJob({
    name: FLOOD_WAIT_NOTICE_JOB,
    payload: z.object({
      chatId: z.number().int(),
      language: z.enum(['fa', 'en', 'ru']),
    }),
    handler: async ({ botId, payload, logger }) => {
      const api = runningBotApi(deps.fleet, botId);
      const t = deps.translator.forLanguage(payload.language);
      try {
        await api.sendMessage(payload.chatId, t('error-flood-wait'));
      } catch (error) {
        const wait = floodWaitSeconds(error);
        // still flood-limited: wait exactly as long as Telegram says, not the generic backoff
        if (wait !== undefined) throw new RetryLater('still flood-limited', wait * 1000);
        if (!isPermanentSendError(error)) throw error;
        logger.warn({ err: error, chatId: payload.chatId }, 'could not send a flood-wait notice');
      }
    },
  });
