import { z } from 'zod';
import { defineJob } from '../define.js';

/** Tells the customer in Telegram how their Zarinpal payment ended: credited, or refused for good. */
export const zarinpalNotice = defineJob({
  name: 'zarinpal-notice',
  messagesCustomers: true,
  payload: z.object({ paymentId: z.number().int().positive() }),
  dedupeKey: ({ paymentId }) => `zarinpal-notice:${paymentId}`,
  handler: ({ botId, payload }, { notices }) => notices.zarinpalOutcome(botId, payload.paymentId),
});
