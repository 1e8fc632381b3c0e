import { z } from 'zod';
import { defineJob } from '../define.js';

/**
 * Tells a tenant's admins that a sale was refused because the shop's wholesale wallet cannot cover
 * it: enqueued by the order payment itself, so it goes out however the sale was attempted (button,
 * approved receipt, gateway, API).
 */
export const saleRefusedAlert = defineJob({
  name: 'alert-sale-refused',
  payload: z.object({
    orderId: z.number().int().positive(),
    walletBalance: z.number().int(),
    walletMissing: z.number().int(),
  }),
  dedupeKey: ({ orderId }) => `sale-refused:${orderId}`,
  maxAttempts: 10,
  handler: ({ botId, payload, logger }, { notices }) => notices.saleRefused(botId, payload, logger),
});
