import { InlineKeyboard } from 'grammy';
import { ZARINPAL_MIN_TOMAN } from '../../../modules/payments/zarinpal-gateway.js';
import { onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import { backToMenu, menuHomeButton } from '../keyboards.js';
import { retireButtons } from '../shop/shop-context.js';
import { payButton, paymentRequest } from './topup.js';

/**
 * Zarinpal, the customer's side: `pay:zp:<amount>:<orderId or 0>` creates a payment at the gateway
 * and sends its link as a URL button. What happens after the bank is the callback's and the
 * reconciliation's business (src/http/payments/zarinpal-callback.ts, the zarinpal-reconcile job);
 * the customer is told here when the money is in.
 */
export function createZarinpalFeature() {
  const feature = new BotComposer<BotContext>();

  onPress(feature, payButton.with({ method: 'zp' }), async (ctx, pressed) => {
    const message = ctx.callbackQuery.message;
    // the payment's idempotency key names the message the button sits on
    if (!message) {
      await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
      return;
    }
    const request = await paymentRequest(ctx, pressed);
    if (!request) return;
    const { customer, amount, orderId } = request;
    const services = ctx.shop.services;
    // the gateway may take a few seconds: the button stops spinning now
    await ctx.answerCallbackQuery({ text: ctx.t('zarinpal-preparing') });
    const currency = ctx.shop.tenant.currency;
    const money = (value: number) => formatMoney(value, currency, ctx.language, ctx.t);
    const outcome = await services.zarinpal.start({
      customerId: customer.id,
      amount,
      orderId,
      description: ctx.t('zarinpal-description', { amount: money(amount), shop: ctx.shop.tenant.name }),
      // the amount and order as the button carried them
      idempotencyKey: `zp:${message.chat.id}:${message.message_id}:${pressed.amount}:${pressed.order ?? 0}`,
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
            .text(ctx.t('back-to-menu'), menuHomeButton.build()),
        });
        return;
      }
      case 'in_progress':
        return;
      case 'unavailable':
        ctx.logger.warn({ reason: outcome.reason }, 'zarinpal is on but cannot be used');
        await ctx.reply(ctx.t('gateway-unavailable'), { reply_markup: backToMenu(ctx.t) });
        return;
      case 'amount_out_of_range':
        await ctx.reply(
          ctx.t('zarinpal-amount-out-of-range', { min: money(outcome.min), max: money(outcome.max) }),
          { reply_markup: backToMenu(ctx.t) },
        );
        return;
      case 'order_unavailable':
      case 'no_customer':
        await ctx.reply(ctx.t('topup-order-unavailable'), { reply_markup: backToMenu(ctx.t) });
        return;
      case 'gateway_error':
        await ctx.reply(ctx.t(`zarinpal-problem-${outcome.problem}`), {
          reply_markup: new InlineKeyboard()
            .text(ctx.t('zarinpal-retry'), payButton.build(pressed))
            .row()
            .text(ctx.t('back-to-menu'), menuHomeButton.build()),
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
