import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Tells a customer the shop banned or unbanned them: queued with the change, sent once, and only
 * while it is still true (a ban lifted before its notice went out is not announced).
 */
export const customerModerationNotice = defineJob({
  name: 'customer-moderation-notice',
  messagesCustomers: true,
  payload: z.object({
    customerId: z.number().int().positive(),
    event: z.enum(['blocked', 'unblocked']),
  }),
  maxAttempts: 10,
  handler: ({ botId, payload }, { notices }) =>
    notices.moderationNotice(botId, payload.customerId, payload.event),
});

/** A message an admin wrote to one customer (admin menu or REST API), delivered by the shop's bot. */
export const customerMessage = defineJob({
  name: 'customer-message',
  messagesCustomers: true,
  payload: z.object({
    customerId: z.number().int().positive(),
    text: z.string().min(1).max(4000),
  }),
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.adminMessage(botId, payload.customerId, payload.text, logger),
});
