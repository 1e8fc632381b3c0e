import { z } from 'zod';
import { asCustomerId } from '../../shared/ids.js';
import { defineJob } from '../define.js';

/**
 * Pays the referral rewards of one settled payment of an invited customer: queued by
 * `settlePayment` in the transaction that credited the payment (so none is lost to a crash), run
 * once per payment reference. The rewards' own ledger references make a second run pay nothing.
 */
export const referralReward = defineJob({
  name: 'referral-reward',
  payload: z.object({
    customerId: z.number().int().positive(),
    amount: z.number().int().positive(),
    /** The payment's ledger reference (`c2c:12`, `zarinpal:34`, `stars:<charge id>`). */
    paymentRef: z.string().min(1).max(500),
  }),
  dedupeKey: ({ paymentRef }) => `referral:${paymentRef}`,
  handler: async ({ botId, payload, logger }, { app }) => {
    const outcome = await app.forTenant(botId).referral.rewardPayment({
      customerId: asCustomerId(payload.customerId),
      amount: payload.amount,
      paymentRef: payload.paymentRef,
    });
    logger.info({ paymentRef: payload.paymentRef, outcome: outcome.status }, 'referral rewards checked');
  },
});

/** Tells a customer about a referral reward credited to them (their own bonus, or as the inviter). */
export const referralRewardNotice = defineJob({
  name: 'referral-reward-notice',
  messagesCustomers: true,
  payload: z.object({
    entryId: z.number().int().positive(),
    /** The invited customer whose payment earned it. */
    invitedId: z.number().int().positive(),
  }),
  dedupeKey: ({ entryId }) => `referral-notice:${entryId}`,
  maxAttempts: 10,
  handler: ({ botId, payload }, { notices }) =>
    notices.referralReward(botId, payload.entryId, payload.invitedId),
});
