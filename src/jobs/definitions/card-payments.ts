import { z } from 'zod';
import { defineJob } from '../define.js';

/** Shows a new receipt to the shop's admins (queued with the payment, so none is lost to a crash). */
export const cardReceiptForward = defineJob({
  name: 'card-receipt-forward',
  payload: z.object({ paymentId: z.number().int().positive() }),
  dedupeKey: ({ paymentId }) => `c2c-forward:${paymentId}`,
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.receiptToReview(botId, payload.paymentId, logger),
});

/** Tells the customer how their payment ended and writes the outcome onto every admin message. */
export const cardPaymentDecided = defineJob({
  name: 'card-payment-decided',
  messagesCustomers: true,
  payload: z.object({
    paymentId: z.number().int().positive(),
    /** The admin message the deciding press already rewrote (absent: decided by the API or expiry). */
    pressed: z.object({ chatId: z.number().int(), messageId: z.number().int() }).optional(),
  }),
  dedupeKey: ({ paymentId }) => `c2c-decided:${paymentId}`,
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.receiptDecided(botId, payload.paymentId, payload.pressed, logger),
});
