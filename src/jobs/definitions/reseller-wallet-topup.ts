import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Credits a reseller shop's wallet with a top-up its admin paid the operator in the master bot
 * (src/modules/resellers/wallet-topups.ts), then takes any fee the shop owes so a suspension lifts
 * at once. Enqueued in the master shop with the payment; the wallet entry's reference makes it once.
 */
export const resellerWalletCredit = defineJob({
  name: 'reseller-wallet-credit',
  payload: z.object({ topUpId: z.number().int().positive() }),
  dedupeKey: ({ topUpId }) => `reseller-wallet:${topUpId}`,
  maxAttempts: 50,
  handler: async ({ botId, payload, logger }, { app, notices }) => {
    const outcome = await app.forTenant(botId).resellers.creditWalletTopUp(payload.topUpId);
    if (outcome.status !== 'credited') return;
    const renewal = await app.forTenant(outcome.shopId).resellerShop.renew();
    logger.info(
      { topUpId: payload.topUpId, shopId: outcome.shopId, renewal: renewal.status },
      'reseller wallet top-up credited',
    );
    if (outcome.creditedNow) await notices.resellerWalletCredited(botId, payload.topUpId, logger);
  },
});
