import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Warns a shop's admins that a debit took the wholesale wallet below the shop's threshold
 * (`wallet_low_balance_warning`): enqueued by the debit that crossed it, in its transaction, and
 * keyed by that wallet entry, so each crossing warns once however often the job is retried.
 */
export const walletLowBalanceAlert = defineJob({
  name: 'alert-wallet-low-balance',
  payload: z.object({
    entryId: z.number().int().positive(),
    // below zero for a shop billed by consumption (its daily charge may take the wallet into debt)
    balance: z.number().int(),
    threshold: z.number().int().positive(),
  }),
  dedupeKey: ({ entryId }) => `wallet-low:${entryId}`,
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) => notices.walletLowBalance(botId, payload, logger),
});
