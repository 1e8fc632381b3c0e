import { z } from 'zod';
import type { ConsumptionCharge } from '../../modules/wallet/consumption-billing.js';
import type { ApiContext, Router } from './route.js';
import { iso, timestamp } from './schemas.js';

export const consumptionChargeView = z.object({
  day: z.string().meta({ description: 'The UTC day charged, YYYY-MM-DD: one row a day at most' }),
  kind: z.enum(['opening', 'charge', 'per_sale']).meta({
    description:
      '`opening`: the first day billed by consumption, the mark starts at what was consumed so far; ' +
      '`charge`: the bytes since the previous mark charged (amount 0 when worth less than one unit); ' +
      '`per_sale`: billed per sale again, the mark follows the consumption without charging it',
  }),
  consumedBytes: z.number().int().meta({ description: 'The consumed traffic the sync had stored' }),
  fromBytes: z.number().int(),
  toBytes: z
    .number()
    .int()
    .meta({ description: 'Charged up to here; the rest (worth less than one unit) is carried' }),
  pricePerGb: z.number().int(),
  amount: z.number().int().meta({ description: 'Debited from the wallet, whole units of the currency' }),
  walletEntryId: z.number().int().nullable(),
  createdAt: timestamp,
});

const toView = (charge: ConsumptionCharge): z.infer<typeof consumptionChargeView> => ({
  day: charge.day,
  kind: charge.kind,
  consumedBytes: charge.consumedBytes,
  fromBytes: charge.fromBytes,
  toBytes: charge.toBytes,
  pricePerGb: charge.pricePerGb,
  amount: charge.amount,
  walletEntryId: charge.walletEntryId,
  createdAt: iso(charge.createdAt),
});

export const walletBillingView = z.object({
  mode: z.enum(['per_sale', 'consumption']).meta({ description: 'Setting `wallet_billing_mode`' }),
  grace: z.number().int().meta({ description: 'Setting `wallet_consumption_grace`, currency units' }),
  balance: z.number().int().meta({ description: 'May be below zero when billed by consumption' }),
  pricePerGb: z.number().int(),
  consumedBytes: z.number().int().meta({ description: 'Synced from the panel every 15 minutes' }),
  charges: z.array(consumptionChargeView).meta({ description: 'Newest day first' }),
});

/**
 * How a bot's wallet pays the operator, and its daily consumption charges (read only: the mode and
 * the grace are settings, `PUT /bots/{id}/config/wallet_billing_mode`, operator only).
 */
export function registerWalletBillingRoutes({ botRoute }: Router, _context: ApiContext) {
  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/wallet/consumption',
      tag: 'bots',
      summary: 'Billing mode and daily consumption charges of a bot',
      description:
        'Billed by consumption, the traffic consumed since the previous day is charged once a UTC day ' +
        'at the price per GB, in whole units (the rest is carried). A new subscription then sells ' +
        'while the balance is above zero, renewals and packs while it is above minus the grace. ' +
        '`?limit=` days (default 31, at most 366).',
      query: z.object({ limit: z.coerce.number().int().min(1).max(366).default(31) }),
      responses: { 200: { description: 'The billing and the charges', schema: walletBillingView } },
    },
    async ({ services, query }) => {
      const [billing, summary, charges] = await Promise.all([
        services.walletBilling.billing(),
        services.wallet.summary(),
        services.walletBilling.history(query.limit),
      ]);
      return {
        mode: billing.mode,
        grace: billing.grace,
        balance: summary.balance,
        pricePerGb: summary.wholesalePricePerGb,
        consumedBytes: summary.trafficConsumedBytes,
        charges: charges.map(toView),
      };
    },
  );
}
