import { z } from 'zod';
import { announceOutcome, sendReceiptToAdmins } from '../../bot/features/payments/receipt-delivery.js';
import { loadReceipt } from '../../bot/features/payments/receipt-view.js';
import {
  asCardPaymentId,
  CARD_PAYMENT_DECIDED_JOB,
  CARD_RECEIPT_FORWARD_JOB,
} from '../../modules/payments/card-to-card.js';
import type { BotId } from '../../shared/ids.js';
import { type CustomerNoticeDeps, runningBotApi } from '../customer-notice.js';
import { defineJob } from '../define.js';

type CardPaymentJobDeps = CustomerNoticeDeps;

const payload = z.object({
  paymentId: z.number().int().positive(),
  /** The admin message the deciding press already rewrote (absent: decided by the API or expiry). */
  pressed: z.object({ chatId: z.number().int(), messageId: z.number().int() }).optional(),
});

/** The running bot, the tenant and the receipt a card-payment job works on. */
async function loadForJob(deps: CardPaymentJobDeps, botId: BotId, paymentId: number) {
  const api = runningBotApi(deps.fleet, botId);
  const services = deps.app.forTenant(botId);
  const [receipt, tenant] = await Promise.all([
    loadReceipt(services, asCardPaymentId(paymentId)),
    deps.app.platform.tenants.get(botId),
  ]);
  return { api, services, receipt, tenant };
}

/** Shows a new receipt to the shop's admins (queued with the payment, so none is lost to a crash). */
export const createCardReceiptForwardJob = (deps: CardPaymentJobDeps) =>
  defineJob({
    name: CARD_RECEIPT_FORWARD_JOB,
    payload,
    handler: async ({ botId, payload, logger }) => {
      const { api, services, receipt, tenant } = await loadForJob(deps, botId, payload.paymentId);
      // decided or expired before it could be shown: the outcome job has the last word
      if (!receipt || !tenant || receipt.payment.status !== 'pending') return;
      await sendReceiptToAdmins({ api, services, tenant, receipt, translator: deps.translator, logger });
    },
  });

/** Tells the customer how their payment ended and writes the outcome onto every admin message. */
export const createCardPaymentDecidedJob = (deps: CardPaymentJobDeps) =>
  defineJob({
    name: CARD_PAYMENT_DECIDED_JOB,
    payload,
    handler: async ({ botId, payload, logger }) => {
      const { api, services, receipt, tenant } = await loadForJob(deps, botId, payload.paymentId);
      if (!receipt || !tenant || receipt.payment.status === 'pending') return;
      await announceOutcome({
        api,
        services,
        tenant,
        receipt,
        translator: deps.translator,
        logger,
        ...(payload.pressed ? { pressed: payload.pressed } : {}),
      });
    },
  });
