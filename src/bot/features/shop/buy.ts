import { Composer, InlineKeyboard } from 'grammy';
import { asPlanId } from '../../../shared/ids.js';
import { callbackData, id, onPress } from '../../callback-data.js';
import type { BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import { backToMenu, menuHomeButton } from '../keyboards.js';
import type { MenuSection } from '../section.js';
import { sendPaymentOffer } from './payment-offer.js';
import { retireButtons, viewContext } from './shop-context.js';
import { planDetails, planLabel } from './view.js';

export const buyMenuButton = callbackData('menu:buy');
/** "Renew" on the subscription card: the plans, as "Buy" shows them. */
export const renewButton = callbackData('sub:renew');
const planButton = callbackData('plan', { planId: id(asPlanId) });
const buyPlanButton = callbackData('buy', { planId: id(asPlanId) });

async function showPlans(ctx: BotContext): Promise<void> {
  const plans = await ctx.shop.services.plans.findActive();
  if (plans.length === 0) {
    await ctx.reply(ctx.t('plans-none'), { reply_markup: backToMenu(ctx.t) });
    return;
  }
  const v = await viewContext(ctx);
  const keyboard = new InlineKeyboard();
  for (const plan of plans)
    keyboard.text(planLabel(plan, v), planButton.build({ planId: asPlanId(plan.id) })).row();
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  await ctx.reply(ctx.t('plans-title'), { reply_markup: keyboard });
}

/**
 * Buying a plan: list → details with a confirm button → purchase. The confirm message's id makes
 * the idempotency key, so pressing it twice (or Telegram delivering the press twice) buys once.
 */
function createBuyFeature() {
  const feature = new Composer<BotContext>();

  feature.callbackQuery([buyMenuButton.pattern, renewButton.pattern], async (ctx) => {
    await ctx.answerCallbackQuery();
    await showPlans(ctx);
  });

  onPress(feature, planButton, async (ctx, { planId }) => {
    const plan = await ctx.shop.services.plans.get(planId);
    if (!plan?.isActive || !ctx.customer) {
      await ctx.answerCallbackQuery({ text: ctx.t('plan-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const v = await viewContext(ctx);
    const balance = (await ctx.shop.services.ledger.balance(ctx.customer.id)) ?? 0;
    const text = [
      planDetails(plan, v),
      '',
      ctx.t('balance-line', { balance: formatMoney(balance, v.currency, v.language, ctx.t) }),
    ].join('\n');
    await ctx.reply(text, {
      reply_markup: new InlineKeyboard()
        .text(
          ctx.t('buy-confirm', { price: formatMoney(plan.price, v.currency, v.language, ctx.t) }),
          buyPlanButton.build({ planId }),
        )
        .row()
        .text(ctx.t('back'), buyMenuButton.build()),
    });
  });

  onPress(feature, buyPlanButton, async (ctx, { planId }) => {
    const customer = ctx.customer;
    const message = ctx.callbackQuery.message;
    if (!customer || !message) {
      await ctx.answerCallbackQuery();
      return;
    }
    const outcome = await ctx.shop.services.orders.purchasePlan({
      customerId: customer.id,
      planId,
      idempotencyKey: `buy:${message.chat.id}:${message.message_id}`,
    });
    const v = await viewContext(ctx);
    switch (outcome.status) {
      case 'paid':
        await ctx.answerCallbackQuery();
        await retireButtons(ctx);
        ctx.logger.info({ orderId: outcome.order.id, kind: outcome.order.kind }, 'order paid from balance');
        await ctx.reply(
          ctx.t('purchase-paid', {
            plan: outcome.order.planName ?? '',
            price: formatMoney(outcome.order.price, v.currency, v.language, ctx.t),
          }),
        );
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
      case 'plan_unavailable':
      case 'not_found':
      case 'no_customer':
        await ctx.answerCallbackQuery({ text: ctx.t('plan-unavailable'), show_alert: true });
        return;
      default: {
        const never: never = outcome;
        throw new Error(`unhandled purchase outcome ${JSON.stringify(never)}`);
      }
    }
  });

  return feature;
}

/** Buying a plan, always in the menu. */
export const buySection: MenuSection = {
  entry: 'buy',
  isShown: () => true,
  button: (t) => ({ text: t('menu-buy'), data: buyMenuButton.build() }),
  composer: createBuyFeature(),
};
