import type { PreCheckoutRefusal } from '../../../modules/payments/stars-payments.js';
import { onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatMoney, formatNumber } from '../../format.js';
import { backToMenu } from '../keyboards.js';
import { retireButtons } from '../shop/shop-context.js';
import { orderLabel } from '../shop/view.js';
import { payButton, paymentRequest } from './topup.js';

const REFUSALS: Record<PreCheckoutRefusal, string> = {
  unknown: 'stars-refused-unknown',
  already_paid: 'stars-refused-already-paid',
  price_changed: 'stars-refused-price-changed',
  order_unavailable: 'stars-refused-order-unavailable',
};

/**
 * Telegram Stars: `pay:stars:<amount>:<orderId or 0>` sends an invoice in XTR at the tenant's Stars
 * price; the pre-checkout query is answered at once after checking the invoice is still payable at
 * that price; `successful_payment` credits once per charge id. `/paysupport` is answered, as
 * Telegram requires of bots that sell.
 */
export function createStarsFeature() {
  const feature = new BotComposer<BotContext>();

  onPress(feature, payButton.with({ method: 'stars' }), async (ctx, pressed) => {
    const request = await paymentRequest(ctx, pressed);
    if (!request) return;
    const { customer, amount, orderId } = request;
    const outcome = await ctx.shop.services.stars.createInvoice({ customerId: customer.id, amount, orderId });
    if (outcome.status === 'too_large') {
      await ctx.answerCallbackQuery({
        text: ctx.t('stars-too-large', { max: formatNumber(outcome.maxStars, ctx.language) }),
        show_alert: true,
      });
      return;
    }
    if (outcome.status !== 'created') {
      await ctx.answerCallbackQuery({ text: ctx.t('topup-order-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await retireButtons(ctx);
    const payment = outcome.payment;
    const currency = ctx.shop.tenant.currency;
    const money = (value: number) => formatMoney(value, currency, ctx.language, ctx.t);
    const stars = formatNumber(payment.xtrAmount, ctx.language);
    await ctx.replyWithInvoice(
      ctx.t('stars-invoice-title'),
      ctx.t('stars-invoice-description', {
        amount: money(payment.creditAmount),
        stars,
        rate: formatNumber(payment.starsPerUnitPrice, ctx.language),
        per: money(1000),
      }),
      payment.payload,
      'XTR',
      [
        {
          label: ctx.t('stars-invoice-label', { amount: money(payment.creditAmount) }),
          amount: payment.xtrAmount,
        },
      ],
      { provider_token: '' },
    );
  });

  // Telegram waits at most 10 s for this answer: a few indexed reads, then the answer, nothing else.
  feature.on('pre_checkout_query', async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const services = ctx.shop.services;
    if (!(await services.flags.isEnabled('telegram_stars'))) {
      await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t('gateway-unavailable') });
      return;
    }
    const check = await services.stars.checkPreCheckout({
      payload: query.invoice_payload,
      telegramUserId: query.from.id,
      currency: query.currency,
      totalAmount: query.total_amount,
    });
    if (check.ok) {
      await ctx.answerPreCheckoutQuery(true);
      return;
    }
    ctx.logger.info({ reason: check.reason }, 'stars pre-checkout declined');
    await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t(REFUSALS[check.reason]) });
  });

  feature.on('message:successful_payment', async (ctx) => {
    const paid = ctx.message.successful_payment;
    if (paid.currency !== 'XTR') return;
    const services = ctx.shop.services;
    const currency = ctx.shop.tenant.currency;
    const money = (value: number) => formatMoney(value, currency, ctx.language, ctx.t);
    const stars = formatNumber(paid.total_amount, ctx.language);
    const outcome = await services.stars.confirm({
      payload: paid.invoice_payload,
      chargeId: paid.telegram_payment_charge_id,
      telegramUserId: ctx.from.id,
    });
    switch (outcome.status) {
      case 'credited': {
        const lines = [
          ctx.t('stars-paid', { stars, amount: money(outcome.payment.creditAmount) }),
          ctx.t('gateway-balance-now', { balance: money(outcome.balance) }),
        ];
        const order = outcome.order;
        if (order?.status === 'paid') {
          lines.push(ctx.t('gateway-order-completing', { plan: orderLabel(order.order, ctx) }));
        } else if (order?.status === 'insufficient') {
          lines.push(ctx.t('gateway-order-still-waiting'));
        } else if (order?.status === 'wallet_insufficient') {
          lines.push(ctx.t('wallet-sale-unavailable'));
        }
        await ctx.reply(lines.join('\n'), { reply_markup: backToMenu(ctx.t) });
        return;
      }
      case 'duplicate': {
        ctx.logger.info({ paymentId: outcome.payment.id }, 'stars payment seen again; credited once already');
        // This update handled a second time: the first handling credited the charge and was cut
        // short before it could say so. Say it now. (Another update with the same charge stays quiet.)
        if (ctx.attempt === 1) return;
        const customer = ctx.customer ? await services.customers.get(ctx.customer.id) : undefined;
        const lines = [ctx.t('stars-paid', { stars, amount: money(outcome.payment.creditAmount) })];
        if (customer) lines.push(ctx.t('gateway-balance-now', { balance: money(customer.balance) }));
        await ctx.reply(lines.join('\n'), { reply_markup: backToMenu(ctx.t) });
        return;
      }
      case 'unattributable':
        // Stars we cannot credit to an invoice go back to the customer rather than stay with the shop.
        try {
          await ctx.api.refundStarPayment(ctx.from.id, paid.telegram_payment_charge_id);
          await ctx.reply(ctx.t('stars-refunded', { stars }), { reply_markup: backToMenu(ctx.t) });
        } catch (error) {
          ctx.logger.error(
            { err: error, reason: outcome.reason },
            'could not refund an unattributable stars payment',
          );
          await ctx.reply(ctx.t('paysupport-no-contact'), { reply_markup: backToMenu(ctx.t) });
        }
        return;
      default: {
        const never: never = outcome;
        throw new Error(`unhandled stars outcome ${JSON.stringify(never)}`);
      }
    }
  });

  feature.command('paysupport', async (ctx) => {
    const services = ctx.shop.services;
    const [username, contactOn] = await Promise.all([
      services.settings.get('support_username'),
      services.flags.isEnabled('support_contact'),
    ]);
    const text =
      contactOn && username ? ctx.t('paysupport-contact', { username }) : ctx.t('paysupport-no-contact');
    await ctx.reply(text, { reply_markup: backToMenu(ctx.t) });
  });

  return feature;
}
