import { z } from 'zod';
import { defineJob } from '../define.js';

/** Sends the customer their subscription (card, link and QR) once an order is active. */
export const orderActiveNotice = defineJob({
  name: 'notify-order-active',
  messagesCustomers: true,
  payload: z.object({ orderId: z.number().int().positive() }),
  dedupeKey: ({ orderId }) => `notice:${orderId}`,
  maxAttempts: 10,
  handler: ({ botId, payload }, { notices }) => notices.orderActive(botId, payload.orderId),
});
