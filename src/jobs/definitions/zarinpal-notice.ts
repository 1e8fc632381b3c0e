import { z } from 'zod';
import { backToMenu } from '../../bot/features/keyboards.js';
import { formatMoney } from '../../bot/format.js';
import { ZARINPAL_NOTICE_JOB } from '../../modules/payments/zarinpal-payments.js';
import { zarinpalProblem } from '../../modules/payments/zarinpal-problems.js';
import { asCustomerId, asOrderId } from '../../shared/ids.js';
import { type CustomerNoticeDeps, noticeRecipient, runningBotApi } from '../customer-notice.js';
import { defineJob } from '../define.js';

/**
 * Tells the customer in Telegram how their Zarinpal payment ended (the browser page may never have
 * been seen): credited, with the bank reference and the balance, or refused for good.
 */
export const createZarinpalNoticeJob = (deps: CustomerNoticeDeps) =>
  defineJob({
    name: ZARINPAL_NOTICE_JOB,
    payload: z.object({ paymentId: z.number().int().positive() }),
    handler: async ({ botId, payload }) => {
      const api = runningBotApi(deps.fleet, botId);
      const services = deps.app.forTenant(botId);
      const payment = await services.zarinpal.get(payload.paymentId);
      if (!payment || (payment.status !== 'paid' && payment.status !== 'failed')) return;
      const customerId = asCustomerId(payment.customerId);
      const [recipient, balance] = await Promise.all([
        noticeRecipient(deps, services, customerId),
        services.ledger.balance(customerId),
      ]);
      if (!recipient) return;
      const { customer, tenant, t } = recipient;
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
        reply_markup: backToMenu(t),
      });
    },
  });
