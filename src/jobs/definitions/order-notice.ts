import { InputFile } from 'grammy';
import { z } from 'zod';
import { backToMenu } from '../../bot/features/keyboards.js';
import { viewContextFor } from '../../bot/features/shop/shop-context.js';
import { qrPng, subscriptionCard } from '../../bot/features/shop/view.js';
import { ORDER_ACTIVE_NOTICE_JOB } from '../../modules/subscriptions/subscriptions-service.js';
import { asCustomerId, asOrderId } from '../../shared/ids.js';
import { type CustomerNoticeDeps, noticeRecipient, runningBotApi } from '../customer-notice.js';
import { defineJob } from '../define.js';

/** Sends the customer their subscription (card, link and QR) once an order is active. */
export const createOrderNoticeJob = (deps: CustomerNoticeDeps) =>
  defineJob({
    name: ORDER_ACTIVE_NOTICE_JOB,
    payload: z.object({ orderId: z.number().int().positive() }),
    handler: async ({ botId, payload }) => {
      const api = runningBotApi(deps.fleet, botId);
      const services = deps.app.forTenant(botId);
      const order = await services.orders.get(asOrderId(payload.orderId));
      if (!order) return;
      const customerId = asCustomerId(order.customerId);
      const [recipient, subscription] = await Promise.all([
        noticeRecipient(deps, services, customerId),
        services.subscriptions.getForCustomer(customerId),
      ]);
      if (!recipient || !subscription) return;
      const { customer, tenant, t } = recipient;
      const v = await viewContextFor(services, t, customer.language, tenant.currency);
      const heading = t(order.kind === 'renewal' ? 'subscription-renewed' : 'subscription-ready');
      const text = `${heading}\n\n${subscriptionCard(subscription, v)}`;
      const chatId = customer.telegramId;
      const menu = backToMenu(t);
      if (subscription.subscriptionUrl) {
        await api.sendPhoto(
          chatId,
          new InputFile(await qrPng(subscription.subscriptionUrl), 'subscription-qr.png'),
          {
            caption: text,
            reply_markup: menu,
          },
        );
      } else {
        await api.sendMessage(chatId, text, { reply_markup: menu });
      }
    },
  });
