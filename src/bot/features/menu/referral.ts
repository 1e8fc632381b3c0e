import { Composer } from 'grammy';
import { callbackData, onPress } from '../../callback-data.js';
import type { BotContext } from '../../context.js';
import { backToMenu } from '../keyboards.js';
import type { MenuSection } from '../section.js';

const referralButton = callbackData('menu:referral');

function referralButtons(): Composer<BotContext> {
  const buttons = new Composer<BotContext>();
  onPress(buttons, referralButton, async (ctx) => {
    const services = ctx.shop.services;
    if (!(await services.flags.isEnabled('referral_program'))) {
      await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const customer = ctx.customer!;
    const count = await services.customers.countReferred(customer.id);
    const link = `https://t.me/${ctx.me.username}?start=ref_${customer.referralCode}`;
    await ctx.reply(ctx.t('referral-info', { link, count }), { reply_markup: backToMenu(ctx.t) });
  });
  return buttons;
}

/** The customer's invitation link and how many joined through it. */
export const referralSection: MenuSection = {
  entry: 'referral',
  isShown: ({ flags }) => flags.referral_program.enabled,
  button: (t) => ({ text: t('menu-referral'), data: referralButton.build() }),
  composer: referralButtons(),
};
