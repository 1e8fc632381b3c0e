import { z } from 'zod';
import type { App } from '../../app.js';
import { announceOutcome, sendReceiptToAdmins } from '../../bot/features/payments/receipt-delivery.js';
import { loadReceipt } from '../../bot/features/payments/receipt-view.js';
import type { Fleet } from '../../bot/fleet.js';
import type { Translator } from '../../bot/i18n.js';
import {
  asCardPaymentId,
  CARD_PAYMENT_DECIDED_JOB,
  CARD_RECEIPT_FORWARD_JOB,
} from '../../modules/payments/card-to-card.js';
import { defineJob, RetryLater } from '../define.js';

interface CardPaymentJobDeps {
  readonly app: App;
  readonly fleet: Fleet;
  readonly translator: Translator;
}

const payload = z.object({ paymentId: z.number().int().positive() });

/** Shows a new receipt to the shop's admins (queued with the payment, so none is lost to a crash). */
export const createCardReceiptForwardJob = (deps: CardPaymentJobDeps) =>
  defineJob({
    name: CARD_RECEIPT_FORWARD_JOB,
    payload,
    handler: async ({ botId, payload, logger }) => {
      const api = deps.fleet.api(botId);
      // the bot is starting, or runs in another process: try again shortly
      if (!api) throw new RetryLater('bot not running here', 5_000);
      const services = deps.app.forTenant(botId);
      const [receipt, tenant] = await Promise.all([
        loadReceipt(services, asCardPaymentId(payload.paymentId)),
        deps.app.platform.tenants.get(botId),
      ]);
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
      const api = deps.fleet.api(botId);
      if (!api) throw new RetryLater('bot not running here', 5_000);
      const services = deps.app.forTenant(botId);
      const [receipt, tenant] = await Promise.all([
        loadReceipt(services, asCardPaymentId(payload.paymentId)),
        deps.app.platform.tenants.get(botId),
      ]);
      if (!receipt || !tenant || receipt.payment.status === 'pending') return;
      await announceOutcome({ api, services, tenant, receipt, translator: deps.translator, logger });
    },
  });
