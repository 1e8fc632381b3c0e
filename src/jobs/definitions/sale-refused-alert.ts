import { z } from 'zod';
import { sendToAdmins } from '../../bot/admin-delivery.js';
import { SALE_REFUSED_ALERT_JOB } from '../../modules/orders/pay-order.js';
import { saleRefusedAlert } from '../../modules/wallet/sale-alert.js';
import { asOrderId } from '../../shared/ids.js';
import { type CustomerNoticeDeps, runningBotApi } from '../customer-notice.js';
import { defineJob } from '../define.js';

/**
 * Tells a tenant's admins (the admin chat when set, else each admin) that a sale was refused
 * because the shop's wholesale wallet cannot cover it: enqueued by the order payment itself, so it
 * goes out however the sale was attempted (button, approved receipt, gateway, API).
 */
export const createSaleRefusedAlertJob = (deps: CustomerNoticeDeps) =>
  defineJob({
    name: SALE_REFUSED_ALERT_JOB,
    payload: z.object({
      orderId: z.number().int().positive(),
      walletBalance: z.number().int(),
      walletMissing: z.number().int(),
    }),
    handler: async ({ botId, payload, logger }) => {
      const api = runningBotApi(deps.fleet, botId);
      const services = deps.app.forTenant(botId);
      const [order, tenant, language] = await Promise.all([
        services.orders.get(asOrderId(payload.orderId)),
        deps.app.platform.tenants.get(botId),
        services.settings.get('default_language'),
      ]);
      if (!tenant) return;
      const alert = saleRefusedAlert({
        orderId: payload.orderId,
        planName: order?.planName,
        balance: payload.walletBalance,
        missing: payload.walletMissing,
      });
      const text = deps.translator.t(language, alert.key, alert.args);
      logger.warn({ orderId: payload.orderId }, 'sale refused: the wallet cannot cover it');
      // an alert is sent once: a retry could repeat it to the admins who already have it
      await sendToAdmins({
        api,
        services,
        tenant,
        translator: deps.translator,
        logger,
        send: async ({ chatId }) => {
          await api.sendMessage(chatId, text);
        },
      }).catch((error: unknown) => logger.warn({ err: error }, 'could not alert every admin'));
    },
  });
