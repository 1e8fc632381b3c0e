import { z } from 'zod';
import { defineJob } from '../define.js';

const signupId = z.number().int().positive();

/**
 * Creates the shop a paid (and, where the master asks for it, approved) reseller signup is for:
 * the tenant, its reseller subscription, the plan's included wallet credit and its switches, in
 * steps that each recognise their own earlier work, so a retry after a crash at any point makes one
 * shop and credits once. Enqueued in the master shop by the payment or the operator's approval.
 */
export const resellerStartShop = defineJob({
  name: 'reseller-start-shop',
  payload: z.object({ signupId }),
  dedupeKey: ({ signupId }) => `reseller-start:${signupId}`,
  maxAttempts: 50,
  handler: async ({ botId, payload, logger }, { app }) => {
    const outcome = await app.forTenant(botId).resellers.startShop(payload.signupId);
    logger.info({ signupId: payload.signupId, outcome: outcome.status }, 'reseller signup: start');
  },
});

/** The operators' card for a paid signup waiting for their approval, sent through the master bot. */
export const resellerSignupReview = defineJob({
  name: 'reseller-signup-review',
  payload: z.object({ signupId }),
  dedupeKey: ({ signupId }) => `reseller-review:${signupId}`,
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.resellerSignupReview(botId, payload.signupId, logger),
});

export const RESELLER_SIGNUP_EVENTS = ['awaiting_approval', 'started', 'rejected', 'failed'] as const;
export type ResellerSignupEvent = (typeof RESELLER_SIGNUP_EVENTS)[number];

/** The person who signed up hears what became of it (waiting for approval, running, refused). */
export const resellerSignupNotice = defineJob({
  name: 'reseller-signup-notice',
  payload: z.object({ signupId, event: z.enum(RESELLER_SIGNUP_EVENTS) }),
  dedupeKey: ({ signupId, event }) => `reseller-notice:${signupId}:${event}`,
  maxAttempts: 10,
  handler: ({ botId, payload }, { notices }) =>
    notices.resellerSignupNotice(botId, payload.signupId, payload.event),
});
