import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { callbackData, onPress } from '../../callback-data.js';
import type { BotContext } from '../../context.js';
import { menuHomeButton } from '../keyboards.js';
import type { MenuSection } from '../section.js';
import { buyMenuButton, renewButton } from './buy.js';
import { viewContext } from './shop-context.js';
import { trialMenuButton } from './trial.js';
import { qrPng, subscriptionCard } from './view.js';

const subscriptionMenuButton = callbackData('menu:subscription');

function createMySubscriptionFeature() {
  const feature = new Composer<BotContext>();
  onPress(feature, subscriptionMenuButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    const customer = ctx.customer;
    if (!customer) return;
    const view = await ctx.shop.services.subscriptions.viewForCustomer(customer.id);
    if (!view) {
      const keyboard = new InlineKeyboard().text(ctx.t('menu-buy'), buyMenuButton.build());
      if (await ctx.shop.services.flags.isEnabled('trial_subscription')) {
        if (!(await ctx.shop.services.orders.hasUsedTrial(customer.id)))
          keyboard.text(ctx.t('menu-trial'), trialMenuButton.build());
      }
      keyboard.row().text(ctx.t('back-to-menu'), menuHomeButton.build());
      await ctx.reply(ctx.t('subscription-none'), { reply_markup: keyboard });
      return;
    }
    const v = await viewContext(ctx);
    const text = subscriptionCard(view.subscription, v, view);
    const keyboard = new InlineKeyboard()
      .text(ctx.t('subscription-renew'), renewButton.build())
      .row()
      .text(ctx.t('back-to-menu'), menuHomeButton.build());
    const url = view.subscription.subscriptionUrl;
    if (url) {
      await ctx.replyWithPhoto(new InputFile(await qrPng(url), 'subscription-qr.png'), {
        caption: text,
        reply_markup: keyboard,
      });
    } else {
      await ctx.reply(text, { reply_markup: keyboard });
    }
  });
  return feature;
}

/** The customer's subscription: status, expiry, traffic, the link and its QR code; renew. */
export const subscriptionSection: MenuSection = {
  entry: 'subscription',
  isShown: () => true,
  button: (t) => ({ text: t('menu-subscription'), data: subscriptionMenuButton.build() }),
  composer: createMySubscriptionFeature(),
};
