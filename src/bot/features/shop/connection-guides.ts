import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { helpGuidesButton } from '../menu/help.js';
import type { SubscriptionAction } from './subscription-action.js';

/**
 * "How to connect" on a subscription's card: the shop's connection guides (help pages), while the
 * `help_pages` switch is on. The help section of the main menu (menu/help.ts) answers the press.
 */
export const connectionGuidesAction: SubscriptionAction = {
  async button(ctx: BotContext) {
    if (!(await ctx.shop.services.flags.isEnabled('help_pages'))) return undefined;
    return { text: ctx.t('help-btn-guides'), data: helpGuidesButton.build() };
  },
  composer: new BotComposer<BotContext>(),
};
