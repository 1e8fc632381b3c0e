import { Composer, InlineKeyboard } from 'grammy';
import { ZARINPAL_MIN_TOMAN } from '../../../modules/payments/zarinpal-gateway.js';
import { asOrderId, type OrderId } from '../../../shared/ids.js';
import type { BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import { retireButtons } from '../shop/shop-context.js';
import { completeCoveredOrder } from './topup.js';

const backToMenu = (ctx: BotContext) => new InlineKeyboard().text(ctx.t('back-to-menu'), 'menu:home');

/**
 * Zarinpal, the customer's side: `pay:zp:<amount>:<orderId or 0>` creates a payment at the gateway
 * and sends its link as a URL button. What happens after the bank is the callback's and the
 * reconciliation's business (src/http/payments/zarinpal-callback.ts, the zarinpal-reconcile job);
 * the customer is told here when the money is in.
 */
export function createZarinpalFeature() {
  const feature = new Composer<BotContext>();

  feature.callbackQuery(/^pay:zp:(\d{1,15}):(\d{1,15})$/, async (ctx) => {
    const customer = ctx.customer;
    const services = ctx.shop.services;
    const message = ctx.callbackQuery.message;
    if (!customer || !message || !(await services.flags.isEnabled('zarinpal'))) {
      await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
      return;
    }
    let amount = Number(ctx.match[1]);
    const orderNumber = Number(ctx.match[2]);
    let orderId: OrderId | null = null;
    if (orderNumber > 0) {
      orderId = asOrderId(orderNumber);
      // the missing amount as it is now: the balance may have changed since the offer
      const due = await services.topUp.dueForOrder(customer.id, orderId);
      if (due.status === 'not_payable') {
        await ctx.answerCallbackQuery({ text: ctx.t('topup-order-unavailable'), show_alert: true });
        return;
      }
      if (due.status === 'covered') {
        await ctx.answerCallbackQuery();
        await retireButtons(ctx);
        await completeCoveredOrder(ctx, orderId);
        return;
      }
      amount = due.missing;
    } else {
      const check = await services.topUp.checkAmount(amount);
      if (check.status !== 'ok') {
        await ctx.answerCallbackQuery({ text: ctx.t('topup-amount-unavailable'), show_alert: true });
        return;
      }
    }
    // the gateway may take a few seconds: the button stops spinning now
    await ctx.answerCallbackQuery({ text: ctx.t('zarinpal-preparing') });
    const currency = ctx.shop.tenant.currency;
    const money = (value: number) => formatMoney(value, currency, ctx.language, ctx.t);
    const outcome = await services.zarinpal.start({
      customerId: customer.id,
      amount,
      orderId,
      description: ctx.t('zarinpal-description', { amount: money(amount), shop: ctx.shop.tenant.name }),
      idempotencyKey: `zp:${message.chat.id}:${message.message_id}:${ctx.match[1]}:${ctx.match[2]}`,
    });
    switch (outcome.status) {
      case 'created': {
        await retireButtons(ctx);
        const paid = outcome.payment.amount;
        const lines = [ctx.t('zarinpal-pay-prompt', { amount: money(paid) })];
        if (paid > amount)
          lines.push(ctx.t('zarinpal-raised-to-minimum', { min: money(ZARINPAL_MIN_TOMAN) }));
        await ctx.reply(lines.join('\n\n'), {
          reply_markup: new InlineKeyboard()
            .url(ctx.t('zarinpal-pay-button', { amount: money(paid) }), outcome.payUrl)
            .row()
            .text(ctx.t('back-to-menu'), 'menu:home'),
        });
        return;
      }
      case 'in_progress':
        return;
      case 'unavailable':
        ctx.logger.warn({ reason: outcome.reason }, 'zarinpal is on but cannot be used');
        await ctx.reply(ctx.t('gateway-unavailable'), { reply_markup: backToMenu(ctx) });
        return;
      case 'amount_out_of_range':
        await ctx.reply(
          ctx.t('zarinpal-amount-out-of-range', { min: money(outcome.min), max: money(outcome.max) }),
          { reply_markup: backToMenu(ctx) },
        );
        return;
      case 'order_unavailable':
      case 'no_customer':
        await ctx.reply(ctx.t('topup-order-unavailable'), { reply_markup: backToMenu(ctx) });
        return;
      case 'gateway_error':
        await ctx.reply(ctx.t(`zarinpal-problem-${outcome.problem}`), {
          reply_markup: new InlineKeyboard()
            .text(ctx.t('zarinpal-retry'), ctx.callbackQuery.data)
            .row()
            .text(ctx.t('back-to-menu'), 'menu:home'),
        });
        return;
      default: {
        const never: never = outcome;
        throw new Error(`unhandled zarinpal outcome ${JSON.stringify(never)}`);
      }
    }
  });

  return feature;
}
