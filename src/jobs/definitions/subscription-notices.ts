import { z } from 'zod';
import { defineJob } from '../define.js';

/** The send job's dedupe key is this and the notice id (the planner writes it in SQL too). */
export const SUBSCRIPTION_NOTICE_DEDUPE_PREFIX = 'subscription-notice:';

/**
 * Sends one claimed lifecycle notice (expiry warning, expired, come back, traffic warning) to its
 * customer, unless it stopped being true since it was claimed (renewed, traffic reset...). Queued
 * once per claimed row, with the claim: by `claimSubscriptionNotice` or the planner's bulk claim.
 */
export const sendSubscriptionNotice = defineJob({
  name: 'send-subscription-notice',
  payload: z.object({ noticeId: z.number().int().positive() }),
  dedupeKey: ({ noticeId }) => `${SUBSCRIPTION_NOTICE_DEDUPE_PREFIX}${noticeId}`,
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.subscriptionNotice(botId, payload.noticeId, logger),
});

/**
 * Every hour, per shop: claims the lifecycle notices falling due before the end of the hour (and
 * those missed while no process ran) and queues each send at its moment, spread over the hour.
 */
export const planSubscriptionNotices = defineJob({
  name: 'plan-subscription-notices',
  payload: z.object({}),
  schedule: { everyMs: 60 * 60_000 },
  maxAttempts: 3,
  timeoutMs: 120_000,
  handler: async ({ botId, logger }, { app }) => {
    const planned = await app.forTenant(botId).lifecycle.planNotices();
    if (planned.total > 0) logger.info(planned, 'subscription notices planned');
  },
});
