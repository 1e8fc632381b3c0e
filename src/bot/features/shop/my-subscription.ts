import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { BotContext } from '../../context.js';
import { viewContext } from './shop-context.js';
import { qrPng, subscriptionCard } from './view.js';

export function createMySubscriptionFeature() {
  const feature = new Composer<BotContext>();
  feature.callbackQuery('menu:subscription', async (ctx) => {
    await ctx.answerCallbackQuery();
    const customer = ctx.customer;
    if (!customer) return;
    const view = await ctx.shop.services.subscriptions.viewForCustomer(customer.id);
    if (!view) {
      const keyboard = new InlineKeyboard().text(ctx.t('menu-buy'), 'menu:buy');
      if (await ctx.shop.services.flags.isEnabled('trial_subscription')) {
        if (!(await ctx.shop.services.orders.hasUsedTrial(customer.id)))
          keyboard.text(ctx.t('menu-trial'), 'menu:trial');
      }
      keyboard.row().text(ctx.t('back-to-menu'), 'menu:home');
      await ctx.reply(ctx.t('subscription-none'), { reply_markup: keyboard });
      return;
    }
    const v = await viewContext(ctx);
    const text = subscriptionCard(view.subscription, v, view);
    const keyboard = new InlineKeyboard()
      .text(ctx.t('subscription-renew'), 'sub:renew')
      .row()
      .text(ctx.t('back-to-menu'), 'menu:home');
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
