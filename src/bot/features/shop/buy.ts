import { InlineKeyboard } from 'grammy';
import { asPlanId, asSubscriptionId, type SubscriptionId } from '../../../shared/ids.js';
import { callbackData, id, onPress, optionalId } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatMoney, formatNumber } from '../../format.js';
import { backToMenu, menuHomeButton } from '../keyboards.js';
import type { MenuSection } from '../section.js';
import { answerOrderPress } from './payment-offer.js';
import { viewContext } from './shop-context.js';
import { renewSubscriptionButton } from './subscription-buttons.js';
import {
  displayStatus,
  orderLabel,
  planDetails,
  planLabel,
  promoPriceLines,
  SUBSCRIPTION_STATUS_KEYS,
} from './view.js';

export const buyMenuButton = callbackData('menu:buy');
/** The plans for a new subscription (no id) or the renewal of one. */
const newSubscriptionButton = callbackData('buy:new');
/** Sent before customers could own several subscriptions: renews their first. */
const legacyRenewButton = callbackData('sub:renew');
const target = { subscriptionId: optionalId(asSubscriptionId) };
const planButton = callbackData('plan', { planId: id(asPlanId), ...target });
const buyPlanButton = callbackData('buy', { planId: id(asPlanId), ...target });

/** The plans, for a new subscription (`subscriptionId` null) or the renewal of one. */
async function showPlans(ctx: BotContext, subscriptionId: SubscriptionId | null): Promise<void> {
  const plans = await ctx.shop.services.plans.findActive();
  if (plans.length === 0) {
    await ctx.reply(ctx.t('plans-none'), { reply_markup: backToMenu(ctx.t) });
    return;
  }
  const v = await viewContext(ctx);
  // the customer's prices: their group's, less a discount code they hold (as the purchase charges)
  const quotes = ctx.customer ? await ctx.shop.services.promo.quote(ctx.customer.id, plans) : undefined;
  const keyboard = new InlineKeyboard();
  for (const plan of plans)
    keyboard
      .text(
        planLabel(plan, v, quotes?.get(plan.id)?.price),
        planButton.build({ planId: asPlanId(plan.id), subscriptionId }),
      )
      .row();
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  const subscription =
    subscriptionId === null || !ctx.customer
      ? undefined
      : await ctx.shop.services.subscriptions.getOwned(ctx.customer.id, subscriptionId);
  const name =
    subscription && ctx.t('subscription-name', { number: formatNumber(subscription.ordinal, v.language) });
  const title = !subscription
    ? ctx.t('plans-title')
    : ctx.t(subscription.isTrial ? 'plans-title-activate' : 'plans-title-renew', { name: name ?? '' });
  await ctx.reply(title, { reply_markup: keyboard });
}

/**
 * "Buy": a customer without a subscription goes straight to the plans; one with subscriptions is
 * asked first whether to renew one of them or buy a new one (while under the shop's limit).
 */
async function startBuying(ctx: BotContext): Promise<void> {
  const customer = ctx.customer;
  if (!customer) return;
  const services = ctx.shop.services;
  const [subscriptions, limit] = await Promise.all([
    services.subscriptions.listForCustomer(customer.id),
    services.settings.get('max_subscriptions_per_customer'),
  ]);
  if (subscriptions.length === 0) {
    await showPlans(ctx, null);
    return;
  }
  const v = await viewContext(ctx);
  const keyboard = new InlineKeyboard();
  for (const subscription of subscriptions) {
    const name = ctx.t('subscription-name', { number: formatNumber(subscription.ordinal, v.language) });
    const status = ctx.t(SUBSCRIPTION_STATUS_KEYS[displayStatus(subscription, v.now)]);
    keyboard
      .text(
        ctx.t(subscription.isTrial ? 'buy-target-activate' : 'buy-target-renew', { name, status }),
        renewSubscriptionButton.build({ subscriptionId: asSubscriptionId(subscription.id) }),
      )
      .row();
  }
  if (subscriptions.length < limit)
    keyboard.text(ctx.t('buy-target-new'), newSubscriptionButton.build()).row();
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  await ctx.reply(ctx.t('buy-target-title'), { reply_markup: keyboard });
}

/**
 * Buying a plan: what for (renew one or a new one) → list → details with a confirm button →
 * purchase. The confirm message's id makes the idempotency key, so pressing it twice (or Telegram
 * delivering the press twice) buys once.
 */
function createBuyFeature() {
  const feature = new BotComposer<BotContext>();

  onPress(feature, buyMenuButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await startBuying(ctx);
  });
  onPress(feature, legacyRenewButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await startBuying(ctx);
  });
  onPress(feature, newSubscriptionButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showPlans(ctx, null);
  });
  onPress(feature, renewSubscriptionButton, async (ctx, { subscriptionId }) => {
    await ctx.answerCallbackQuery();
    await showPlans(ctx, subscriptionId);
  });

  onPress(feature, planButton, async (ctx, { planId, subscriptionId }) => {
    const plan = await ctx.shop.services.plans.get(planId);
    if (!plan?.isActive || !ctx.customer) {
      await ctx.answerCallbackQuery({ text: ctx.t('plan-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const v = await viewContext(ctx);
    const [balance, quotes] = await Promise.all([
      ctx.shop.services.ledger.balance(ctx.customer.id),
      ctx.shop.services.promo.quote(ctx.customer.id, [plan]),
    ]);
    const quote = quotes.get(plan.id);
    const price = quote?.price ?? plan.price;
    const text = [
      planDetails(plan, v, price),
      ...(quote ? promoPriceLines(quote, v) : []),
      '',
      ctx.t('balance-line', { balance: formatMoney(balance ?? 0, v.currency, v.language, ctx.t) }),
    ].join('\n');
    await ctx.reply(text, {
      reply_markup: new InlineKeyboard()
        .text(
          ctx.t('buy-confirm', { price: formatMoney(price, v.currency, v.language, ctx.t) }),
          buyPlanButton.build({ planId, subscriptionId }),
        )
        .row()
        .text(
          ctx.t('back'),
          subscriptionId === null ? buyMenuButton.build() : renewSubscriptionButton.build({ subscriptionId }),
        ),
    });
  });

  onPress(feature, buyPlanButton, async (ctx, { planId, subscriptionId }) => {
    const customer = ctx.customer;
    const message = ctx.callbackQuery.message;
    if (!customer || !message) {
      await ctx.answerCallbackQuery();
      return;
    }
    const outcome = await ctx.shop.services.orders.purchasePlan({
      customerId: customer.id,
      planId,
      ...(subscriptionId === null ? {} : { subscriptionId }),
      idempotencyKey: `buy:${message.chat.id}:${message.message_id}`,
    });
    const v = await viewContext(ctx);
    await answerOrderPress(ctx, outcome, {
      paidText: async (order) => {
        const paid = ctx.t('purchase-paid', {
          plan: orderLabel(order, v),
          price: formatMoney(order.price, v.currency, v.language, ctx.t),
        });
        // the discount a promo code gave, as the order records it
        if (order.discountAmount === 0) return paid;
        const discount = formatMoney(order.discountAmount, v.currency, v.language, ctx.t);
        return `${paid}\n${ctx.t('promo-order-discount', { discount })}`;
      },
      refusalText: (refusal) => {
        if (refusal.status === 'subscription_limit')
          return ctx.t('subscription-limit-reached', { limit: formatNumber(refusal.limit, v.language) });
        if (refusal.status === 'subscription_unavailable') return ctx.t('subscription-unavailable');
        return ctx.t('plan-unavailable');
      },
    });
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
