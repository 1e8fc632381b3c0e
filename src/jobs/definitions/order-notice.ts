import { InputFile } from 'grammy';
import { z } from 'zod';
import type { App } from '../../app.js';
import { viewContextFor } from '../../bot/features/shop/shop-context.js';
import { qrPng, subscriptionCard } from '../../bot/features/shop/view.js';
import type { Fleet } from '../../bot/fleet.js';
import type { Translator } from '../../bot/i18n.js';
import { ORDER_ACTIVE_NOTICE_JOB } from '../../modules/subscriptions/subscriptions-service.js';
import { asCustomerId, asOrderId } from '../../shared/ids.js';
import { defineJob, RetryLater } from '../define.js';

/** Sends the customer their subscription (card, link and QR) once an order is active. */
export const createOrderNoticeJob = (deps: { app: App; fleet: Fleet; translator: Translator }) =>
  defineJob({
    name: ORDER_ACTIVE_NOTICE_JOB,
    payload: z.object({ orderId: z.number().int().positive() }),
    handler: async ({ botId, payload }) => {
      const api = deps.fleet.api(botId);
      // the bot is starting, or runs in another process: try again shortly
      if (!api) throw new RetryLater('bot not running here', 5_000);
      const services = deps.app.forTenant(botId);
      const order = await services.orders.get(asOrderId(payload.orderId));
      if (!order) return;
      const [customer, subscription, tenant] = await Promise.all([
        services.customers.get(asCustomerId(order.customerId)),
        services.subscriptions.getForCustomer(asCustomerId(order.customerId)),
        deps.app.platform.tenants.get(botId),
      ]);
      if (!customer || !subscription || !tenant) return;
      const t = deps.translator.forLanguage(customer.language);
      const v = await viewContextFor(services, t, customer.language, tenant.currency);
      const heading = t(order.kind === 'renewal' ? 'subscription-renewed' : 'subscription-ready');
      const text = `${heading}\n\n${subscriptionCard(subscription, v)}`;
      const chatId = customer.telegramId;
      const menu = { inline_keyboard: [[{ text: t('back-to-menu'), callback_data: 'menu:home' }]] };
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
