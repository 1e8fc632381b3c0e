import { InlineKeyboard, InputFile } from 'grammy';
import type { Subscription } from '../../../modules/subscriptions/subscriptions-service.js';
import { asSubscriptionId, type SubscriptionId } from '../../../shared/ids.js';
import { onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { daysLeft, formatNumber } from '../../format.js';
import { menuHomeButton } from '../keyboards.js';
import type { MenuSection } from '../section.js';
import { buyMenuButton } from './buy.js';
import { viewContext } from './shop-context.js';
import { SUBSCRIPTION_ACTIONS } from './subscription-actions.js';
import {
  openSubscriptionButton,
  renewSubscriptionButton,
  subscriptionMenuButton,
} from './subscription-buttons.js';
import { trialMenuButton } from './trial.js';
import {
  displayStatus,
  qrPng,
  SUBSCRIPTION_STATUS_KEYS,
  subscriptionCard,
  type ViewContext,
} from './view.js';

export { openSubscriptionButton } from './subscription-buttons.js';

/** "Subscription 2 · ✅ Active · 12 days": a line of the list, and the buy flow's renew choices. */
export function subscriptionLabel(subscription: Subscription, v: ViewContext): string {
  const expiresAt = subscription.expiresAt ?? v.now;
  return v.t('subscription-list-item', {
    name: v.t('subscription-name', { number: formatNumber(subscription.ordinal, v.language) }),
    status: v.t(SUBSCRIPTION_STATUS_KEYS[displayStatus(subscription, v.now)]),
    days: formatNumber(daysLeft(expiresAt, v.now), v.language),
  });
}

/** The card's buttons: renew, then every action that applies to it, then the way back. */
export async function cardKeyboard(
  ctx: BotContext,
  subscription: Subscription,
  several: boolean,
): Promise<InlineKeyboard> {
  const keyboard = new InlineKeyboard().text(
    ctx.t('subscription-renew'),
    renewSubscriptionButton.build({ subscriptionId: asSubscriptionId(subscription.id) }),
  );
  for (const action of SUBSCRIPTION_ACTIONS) {
    const button = await action.button(ctx, subscription);
    if (button) keyboard.row().text(button.text, button.data);
  }
  if (several) keyboard.row().text(ctx.t('subscriptions-back'), subscriptionMenuButton.build());
  return keyboard.row().text(ctx.t('back-to-menu'), menuHomeButton.build());
}

/**
 * One subscription's card with fresh figures from the panel, its QR code, and the buttons of every
 * action that applies to it (renew first).
 */
export async function sendSubscriptionCard(ctx: BotContext, subscriptionId: SubscriptionId): Promise<void> {
  const customer = ctx.customer;
  if (!customer) return;
  const services = ctx.shop.services;
  const [view, all] = await Promise.all([
    services.subscriptions.viewForCustomer(customer.id, subscriptionId),
    services.subscriptions.listForCustomer(customer.id),
  ]);
  if (!view) {
    await ctx.reply(ctx.t('subscription-unavailable'));
    return;
  }
  const { subscription } = view;
  const v = await viewContext(ctx);
  const several = all.length > 1;
  const text = subscriptionCard(subscription, v, {
    ...view,
    ...(several ? { number: subscription.ordinal } : {}),
  });
  const keyboard = new InlineKeyboard().text(
    ctx.t('subscription-renew'),
    renewSubscriptionButton.build({ subscriptionId: asSubscriptionId(subscription.id) }),
  );
  for (const action of SUBSCRIPTION_ACTIONS) {
    const button = await action.button(ctx, subscription);
    if (button) keyboard.row().text(button.text, button.data);
  }
  if (several) keyboard.row().text(ctx.t('subscriptions-back'), subscriptionMenuButton.build());
  keyboard.row().text(ctx.t('back-to-menu'), menuHomeButton.build());
  const url = subscription.subscriptionUrl;
  if (url) {
    await ctx.replyWithPhoto(new InputFile(await qrPng(url), 'subscription-qr.png'), {
      caption: text,
      reply_markup: keyboard,
    });
  } else {
    await ctx.reply(text, { reply_markup: keyboard });
  }
}

/** None: buy or try; one: its card at once; several: a list to choose from. */
async function showSubscriptions(ctx: BotContext): Promise<void> {
  const customer = ctx.customer;
  if (!customer) return;
  const services = ctx.shop.services;
  const subscriptions = await services.subscriptions.listForCustomer(customer.id);
  const [only] = subscriptions;
  if (only && subscriptions.length === 1) {
    await sendSubscriptionCard(ctx, asSubscriptionId(only.id));
    return;
  }
  if (subscriptions.length === 0) {
    const keyboard = new InlineKeyboard().text(ctx.t('menu-buy'), buyMenuButton.build());
    if (
      (await services.flags.isEnabled('trial_subscription')) &&
      !(await services.orders.hasUsedTrial(customer.id))
    )
      keyboard.text(ctx.t('menu-trial'), trialMenuButton.build());
    keyboard.row().text(ctx.t('back-to-menu'), menuHomeButton.build());
    await ctx.reply(ctx.t('subscription-none'), { reply_markup: keyboard });
    return;
  }
  const v = await viewContext(ctx);
  const keyboard = new InlineKeyboard();
  for (const subscription of subscriptions)
    keyboard
      .text(
        subscriptionLabel(subscription, v),
        openSubscriptionButton.build({ subscriptionId: asSubscriptionId(subscription.id) }),
      )
      .row();
  keyboard.text(ctx.t('menu-buy'), buyMenuButton.build()).row();
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  await ctx.reply(ctx.t('subscriptions-title'), { reply_markup: keyboard });
}

function createMySubscriptionsFeature() {
  const feature = new BotComposer<BotContext>();
  onPress(feature, subscriptionMenuButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showSubscriptions(ctx);
  });
  onPress(feature, openSubscriptionButton, async (ctx, { subscriptionId }) => {
    await ctx.answerCallbackQuery();
    await sendSubscriptionCard(ctx, subscriptionId);
  });
  for (const action of SUBSCRIPTION_ACTIONS) feature.use(action.composer);
  return feature;
}

/**
 * The customer's subscriptions: each with its status, expiry, traffic, link and QR code, and what
 * can be done with it (renew, and the actions of SUBSCRIPTION_ACTIONS).
 */
export const subscriptionSection: MenuSection = {
  entry: 'subscription',
  isShown: () => true,
  button: (t) => ({ text: t('menu-subscription'), data: subscriptionMenuButton.build() }),
  composer: createMySubscriptionsFeature(),
};
