import { InlineKeyboard } from 'grammy';
import type { PurchaseOutcome } from '../../../modules/orders/orders-service.js';
import type { Order } from '../../../modules/orders/pay-order.js';
import type { OrderId } from '../../../shared/ids.js';
import type { BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import { backToMenu, menuHomeButton } from '../keyboards.js';
import { payOrderButton } from '../payments/topup.js';
import { retireButtons } from './shop-context.js';

/**
 * Tells the customer how much is missing for an order and offers to top up that amount. The
 * order waits: a payment credited for it completes the purchase.
 */
export async function sendPaymentOffer(
  ctx: BotContext,
  input: { orderId: OrderId; missing: number; balance: number },
): Promise<void> {
  const currency = ctx.shop.tenant.currency;
  const money = (amount: number) => formatMoney(amount, currency, ctx.language, ctx.t);
  const keyboard = new InlineKeyboard();
  const services = ctx.shop.services;
  const [card, zarinpal, stars] = await Promise.all([
    services.flags.isEnabled('card_to_card'),
    services.flags.isEnabled('zarinpal'),
    services.flags.isEnabled('telegram_stars'),
  ]);
  if (card || zarinpal || stars)
    keyboard.text(ctx.t('purchase-pay-missing'), payOrderButton.build({ orderId: input.orderId })).row();
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  await ctx.reply(
    ctx.t('purchase-insufficient', { balance: money(input.balance), missing: money(input.missing) }),
    { reply_markup: keyboard },
  );
}

/** An order refused before anything moved: what the customer is told in an alert. */
export type OrderRefusal = Exclude<
  PurchaseOutcome,
  { status: 'paid' | 'duplicate' | 'already' | 'insufficient' | 'wallet_insufficient' }
>;

/**
 * Answers the press that placed an order (a plan or a pack), the same way for every kind: paid
 * from the balance (`paidText` says what), already in progress, short of money (the payment
 * offer), not sellable by the shop's wallet, or refused (`refusalText`, as an alert).
 */
export async function answerOrderPress(
  ctx: BotContext,
  outcome: PurchaseOutcome,
  texts: { paidText: (order: Order) => Promise<string>; refusalText: (refusal: OrderRefusal) => string },
): Promise<void> {
  switch (outcome.status) {
    case 'paid':
      await ctx.answerCallbackQuery();
      await retireButtons(ctx);
      ctx.logger.info({ orderId: outcome.order.id, kind: outcome.order.kind }, 'order paid from balance');
      await ctx.reply(await texts.paidText(outcome.order), { reply_markup: backToMenu(ctx.t) });
      return;
    case 'duplicate':
    case 'already':
      await ctx.answerCallbackQuery({ text: ctx.t('purchase-in-progress') });
      return;
    case 'insufficient':
      await ctx.answerCallbackQuery();
      await retireButtons(ctx);
      await sendPaymentOffer(ctx, {
        orderId: outcome.order.id,
        missing: outcome.missing,
        balance: outcome.balance,
      });
      return;
    case 'wallet_insufficient':
      await ctx.answerCallbackQuery();
      await retireButtons(ctx);
      await ctx.reply(ctx.t('wallet-sale-unavailable'), { reply_markup: backToMenu(ctx.t) });
      return;
    default:
      await ctx.answerCallbackQuery({ text: texts.refusalText(outcome), show_alert: true });
  }
}
