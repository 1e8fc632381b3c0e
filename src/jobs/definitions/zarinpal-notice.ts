import { z } from 'zod';
import type { App } from '../../app.js';
import type { Fleet } from '../../bot/fleet.js';
import { formatMoney } from '../../bot/format.js';
import type { Translator } from '../../bot/i18n.js';
import { ZARINPAL_NOTICE_JOB } from '../../modules/payments/zarinpal-payments.js';
import { zarinpalProblem } from '../../modules/payments/zarinpal-problems.js';
import { asCustomerId, asOrderId } from '../../shared/ids.js';
import { defineJob, RetryLater } from '../define.js';

/**
 * Tells the customer in Telegram how their Zarinpal payment ended (the browser page may never have
 * been seen): credited, with the bank reference and the balance, or refused for good.
 */
export const createZarinpalNoticeJob = (deps: { app: App; fleet: Fleet; translator: Translator }) =>
  defineJob({
    name: ZARINPAL_NOTICE_JOB,
    payload: z.object({ paymentId: z.number().int().positive() }),
    handler: async ({ botId, payload }) => {
      const api = deps.fleet.api(botId);
      // the bot is starting, or runs in another process: try again shortly
      if (!api) throw new RetryLater('bot not running here', 5_000);
      const services = deps.app.forTenant(botId);
      const payment = await services.zarinpal.get(payload.paymentId);
      if (!payment || (payment.status !== 'paid' && payment.status !== 'failed')) return;
      const customerId = asCustomerId(payment.customerId);
      const [customer, tenant, balance] = await Promise.all([
        services.customers.get(customerId),
        deps.app.platform.tenants.get(botId),
        services.ledger.balance(customerId),
      ]);
      if (!customer || !tenant) return;
      const t = deps.translator.forLanguage(customer.language);
      const money = (amount: number) => formatMoney(amount, tenant.currency, customer.language, t);
      const lines: string[] = [];
      if (payment.status === 'paid') {
        lines.push(
          t('zarinpal-paid-notice', { amount: money(payment.amount), ref: payment.refId ?? '—' }),
          t('gateway-balance-now', { balance: money(balance ?? 0) }),
        );
        if (payment.orderId !== null) {
          const order = await services.orders.get(asOrderId(payment.orderId));
          if (order && order.status !== 'created' && order.status !== 'cancelled') {
            lines.push(t('gateway-order-completing', { plan: order.planName ?? '' }));
          } else if (order?.status === 'created') {
            lines.push(t('gateway-order-still-waiting'));
          }
        }
      } else {
        const problem = zarinpalProblem(payment.failureCode ?? -51, false);
        lines.push(
          t('zarinpal-failed-notice', { amount: money(payment.amount) }),
          t(`zarinpal-problem-${problem}`),
        );
      }
      await api.sendMessage(customer.telegramId, lines.join('\n'), {
        reply_markup: { inline_keyboard: [[{ text: t('back-to-menu'), callback_data: 'menu:home' }]] },
      });
    },
  });
