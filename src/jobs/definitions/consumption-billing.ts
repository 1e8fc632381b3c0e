import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Once a UTC day, per shop: a shop billed by consumption (setting `wallet_billing_mode`) is charged
 * the traffic its customers used since the previous charge (src/modules/wallet/consumption-billing.ts).
 * The day's row and wallet entry are unique, so a retry, a second process or a rerun after a crash
 * charges the day once. A shop billed per sale and never by consumption writes nothing.
 */
export const chargeConsumption = defineJob({
  name: 'charge-consumption',
  payload: z.object({}),
  schedule: { everyMs: 24 * 60 * 60_000 },
  maxAttempts: 10,
  handler: async ({ botId, logger }, { app }) => {
    const result = await app.forTenant(botId).walletBilling.chargeDay();
    if (result.status !== 'recorded') return;
    const { charge } = result;
    logger.info(
      {
        day: charge.day,
        kind: charge.kind,
        fromBytes: charge.fromBytes,
        toBytes: charge.toBytes,
        amount: charge.amount,
        balance: result.balance,
      },
      'consumption billing: day recorded',
    );
  },
});
