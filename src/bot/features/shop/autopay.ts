import { asSubscriptionId } from '../../../shared/ids.js';
import { callbackData, id, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import { cardKeyboard } from './my-subscription.js';
import type { SubscriptionAction } from './subscription-action.js';

const autopayButton = callbackData('sub:autopay', {
  subscriptionId: id(asSubscriptionId),
  to: oneOf(['on', 'off']),
});

/**
 * Autopay on a subscription's card: one button showing whether it is on and switching it. Offered
 * for paid subscriptions (a trial has no plan to renew with) while the shop has autopay on.
 */
export const autopayAction: SubscriptionAction = {
  async button(ctx, subscription) {
    const services = ctx.shop.services;
    if (subscription.isTrial || subscription.planId === null) return undefined;
    if (!(await services.flags.isEnabled('autopay'))) return undefined;
    const on = services.autopay.isOn(subscription, await services.settings.get('autopay_default'));
    return {
      text: ctx.t(on ? 'autopay-button-on' : 'autopay-button-off'),
      data: autopayButton.build({ subscriptionId: asSubscriptionId(subscription.id), to: on ? 'off' : 'on' }),
    };
  },
  composer: (() => {
    const feature = new BotComposer<BotContext>();
    onPress(feature, autopayButton, async (ctx, { subscriptionId, to }) => {
      const services = ctx.shop.services;
      const customer = ctx.customer;
      if (!customer || !(await services.flags.isEnabled('autopay'))) {
        await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
        return;
      }
      if (!(await services.autopay.setForSubscription(customer.id, subscriptionId, to === 'on'))) {
        await ctx.answerCallbackQuery({ text: ctx.t('subscription-unavailable'), show_alert: true });
        return;
      }
      const hours = await services.settings.get('autopay_hours_before');
      await ctx.answerCallbackQuery({
        text: ctx.t(to === 'on' ? 'autopay-turned-on' : 'autopay-turned-off', {
          hours: formatNumber(hours, ctx.language),
        }),
        show_alert: true,
      });
      // the pressed card's button now says the new state
      const [subscription, all] = await Promise.all([
        services.subscriptions.getOwned(customer.id, subscriptionId),
        services.subscriptions.listForCustomer(customer.id),
      ]);
      if (subscription)
        await ctx
          .editMessageReplyMarkup({ reply_markup: await cardKeyboard(ctx, subscription, all.length > 1) })
          .catch(() => undefined);
    });
    return feature;
  })(),
};
