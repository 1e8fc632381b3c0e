import { z } from 'zod';
import { defineJob } from '../define.js';

/** The subscription whose panel user the panel deleted, and when we learnt it (one alert per loss). */
const lostPayload = z.object({
  subscriptionId: z.number().int().positive(),
  lostAt: z.iso.datetime(),
});

/**
 * Tells the shop's admins that the panel deleted one of their customers' users: what was paid for
 * is kept, and the customer's card offers to create it again. Enqueued with the mark, once per loss.
 */
export const panelUserLostAlert = defineJob({
  name: 'alert-panel-user-lost',
  payload: lostPayload,
  dedupeKey: ({ subscriptionId, lostAt }) => `panel-user-lost:${subscriptionId}:${lostAt}`,
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.panelUserLost(botId, payload.subscriptionId, logger),
});

/**
 * Tells the operators (the master bot's admin chat, else each operator) that the panel deleted a
 * user of a shop: the panel is theirs, and a deletion nobody in the shop made is worth a look. A job
 * of its own, so a retry of either alert never repeats the other.
 */
export const panelUserLostOperatorAlert = defineJob({
  name: 'alert-operators-panel-user-lost',
  payload: lostPayload,
  dedupeKey: ({ subscriptionId, lostAt }) => `panel-user-lost-operators:${subscriptionId}:${lostAt}`,
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.panelUserLostToOperators(botId, payload.subscriptionId, logger),
});
