import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Hourly, per shop: a reseller shop's monthly fee is taken from its wallet when its period ends
 * (src/modules/resellers/reseller-shop.ts). The wallet entry `reseller-fee:<period end>` and the
 * period moved in the same transaction under the wallet lock make it once per period whatever
 * retries or processes; short of money, the admins are told once a day and, after the master's
 * grace period, the shop's sales are suspended until a fee is paid. Enqueued only for the shops
 * resellers opened: no other shop has a plan.
 */
export const resellerRenewal = defineJob({
  name: 'reseller-renewal',
  payload: z.object({}),
  schedule: { everyMs: 60 * 60_000, only: 'reseller-shops' },
  maxAttempts: 10,
  handler: async ({ botId, logger }, { app }) => {
    const outcome = await app.forTenant(botId).resellerShop.renew();
    if (outcome.status !== 'none' && outcome.status !== 'current')
      logger.info({ outcome }, 'reseller plan renewal');
  },
});

export const RESELLER_FEE_EVENTS = ['renewed', 'unpaid', 'suspended'] as const;
export type ResellerFeeEvent = (typeof RESELLER_FEE_EVENTS)[number];

/** The reseller shop's admins hear of their plan: renewed, unpaid (once a day), sales suspended. */
export const resellerFeeNotice = defineJob({
  name: 'reseller-fee-notice',
  payload: z.object({
    event: z.enum(RESELLER_FEE_EVENTS),
    /** The end of the period the fee is (or was) due for, ISO. */
    periodEnd: z.string().min(1).max(40),
    /** Days since it became due (unpaid notices: one a day). */
    day: z.number().int().min(0),
  }),
  dedupeKey: ({ event, periodEnd, day }) => `reseller-fee:${event}:${periodEnd}:${day}`,
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) => notices.resellerFeeNotice(botId, payload, logger),
});
