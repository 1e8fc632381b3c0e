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
  messagesCustomers: true,
  payload: z.object({ noticeId: z.number().int().positive() }),
  dedupeKey: ({ noticeId }) => `${SUBSCRIPTION_NOTICE_DEDUPE_PREFIX}${noticeId}`,
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) =>
    notices.subscriptionNotice(botId, payload.noticeId, logger),
});

/**
 * Once a day (UTC), per shop: claims the expiry notices falling due before the day ends (and those
 * missed while no process ran) and queues each send at its time: its moment, or the
 * subscription's slot in the moment's hour, so a shop's notices spread over the day.
 */
export const planSubscriptionNotices = defineJob({
  name: 'plan-subscription-notices',
  payload: z.object({}),
  // the planner's window (PLANNING_WINDOW_MS in notice-planner.ts, which imports this file); notices
  // are about subscriptions: a shop without any has none to plan
  schedule: { everyMs: 24 * 60 * 60_000, only: 'with-subscriptions' },
  maxAttempts: 3,
  timeoutMs: 120_000,
  handler: async ({ botId, logger }, { app }) => {
    const planned = await app.forTenant(botId).lifecycle.planNotices();
    if (planned.total > 0) logger.info(planned, 'subscription notices planned');
  },
});

/**
 * Daily, per shop: forgets notice claims no planning or panel event can make again. A claim goes
 * with its subscription (ON DELETE CASCADE), so a shop without any has none to forget.
 */
export const pruneSubscriptionNotices = defineJob({
  name: 'prune-subscription-notices',
  payload: z.object({}),
  schedule: { everyMs: 24 * 60 * 60_000, only: 'with-subscriptions' },
  maxAttempts: 3,
  handler: async ({ botId, logger }, { app }) => {
    const pruned = await app.forTenant(botId).lifecycle.pruneNotices();
    if (pruned > 0) logger.debug({ pruned }, 'pruned subscription notice claims');
  },
});
