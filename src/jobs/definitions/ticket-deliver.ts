import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Takes one ticket event to the other side: a customer's message (or their close or reopen) to the
 * shop's admins, an admin's answer (or close or reopen) to the customer. Queued with the event, so
 * none is lost to a crash; a retry sends only to the chats that do not have it yet.
 */
export const ticketDeliver = defineJob({
  name: 'ticket-deliver',
  messagesCustomers: true,
  payload: z.object({ messageId: z.number().int().positive() }),
  dedupeKey: ({ messageId }) => `ticket-deliver:${messageId}`,
  handler: ({ botId, payload, logger }, { notices }) => notices.ticketEvent(botId, payload.messageId, logger),
});
