import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { backToMenu } from '../keyboards.js';
import type { MenuSection } from '../section.js';

export const trialMenuButton = callbackData('menu:trial');

function createTrialFeature() {
  const feature = new BotComposer<BotContext>();
  onPress(feature, trialMenuButton, async (ctx) => {
    const services = ctx.shop.services;
    if (!ctx.customer || !(await services.flags.isEnabled('trial_subscription'))) {
      await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
      return;
    }
    const outcome = await services.orders.startTrial(ctx.customer.id);
    switch (outcome.status) {
      case 'started':
        await ctx.answerCallbackQuery();
        ctx.logger.info({ orderId: outcome.order.id }, 'trial started');
        await ctx.reply(ctx.t('trial-started', { days: outcome.order.periodDays }));
        return;
      case 'already_used':
        await ctx.answerCallbackQuery({ text: ctx.t('trial-already-used'), show_alert: true });
        return;
      case 'has_subscription':
        await ctx.answerCallbackQuery();
        await ctx.reply(ctx.t('trial-has-subscription'), { reply_markup: backToMenu(ctx.t) });
        return;
      case 'no_customer':
        await ctx.answerCallbackQuery();
        return;
      default: {
        const never: never = outcome;
        throw new Error(`unhandled trial outcome ${JSON.stringify(never)}`);
      }
    }
  });
  return feature;
}

/** A free trial, once per customer, while the tenant offers one. */
export const trialSection: MenuSection = {
  entry: 'trial',
  isShown: ({ flags }) => flags.trial_subscription.enabled,
  button: (t) => ({ text: t('menu-trial'), data: trialMenuButton.build() }),
  composer: createTrialFeature(),
};
