import { InlineKeyboard } from 'grammy';
import type { OrderId } from '../../../shared/ids.js';
import type { BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import { menuHomeButton } from '../keyboards.js';
import { payOrderButton } from '../payments/topup.js';

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
