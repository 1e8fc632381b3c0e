import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * One notice per chat and flood window, however many updates of that chat failed during it: the key
 * names the minute the wait ends, so a later flood in the same chat gets a notice of its own.
 */
export const floodNoticeKey = (chatId: number, retryAfterSeconds: number, now = Date.now()): string =>
  `flood-notice:${chatId}:${Math.floor((now + retryAfterSeconds * 1000) / 60_000)}`;

/**
 * Tells a customer, once Telegram lets the bot write again, that their last step was not answered
 * and should be repeated. Enqueued by the error boundary, delayed by `retry_after` (key:
 * `floodNoticeKey`), instead of an apology sent into the chat Telegram had just asked us to leave
 * alone. The update itself is not handled again: it may have half-run (a payment step, a message
 * already sent) and only the customer knows whether the step still matters minutes later.
 */
export const floodWaitNotice = defineJob({
  name: 'flood-wait-notice',
  messagesCustomers: true,
  payload: z.object({ chatId: z.number().int(), language: z.enum(['fa', 'en', 'ru']) }),
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.floodWaitOver(botId, payload.chatId, payload.language, logger),
});
