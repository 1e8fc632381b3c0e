import { Composer } from 'grammy';
import type { BotContext } from '../context.js';
import { LANGUAGES } from '../i18n.js';
import { backToMenu } from './keyboards.js';
import { continueOnboarding, languageKeyboard, sendMainMenu } from './onboarding.js';

/**
 * The main menu's sections that need nothing beyond the foundation. A section whose feature is
 * switched off refuses politely even when an old message still shows its button.
 */
export function createMenuSectionsFeature() {
  const feature = new Composer<BotContext>();

  // Every menu button first makes sure onboarding is complete.
  feature.callbackQuery(/^menu:/, async (ctx, next) => {
    if (!ctx.customer || !(await continueOnboarding(ctx))) {
      await ctx.answerCallbackQuery();
      if (!ctx.customer) await ctx.reply(ctx.t('menu-title'));
      return;
    }
    await next();
  });

  feature.callbackQuery('menu:home', async (ctx) => {
    await ctx.answerCallbackQuery();
    await sendMainMenu(ctx);
  });

  feature.callbackQuery('menu:support', async (ctx) => {
    await ctx.answerCallbackQuery();
    const services = ctx.shop.services;
    const [username, contactOn] = await Promise.all([
      services.settings.get('support_username'),
      services.flags.isEnabled('support_contact'),
    ]);
    const text = contactOn && username ? ctx.t('support-contact', { username }) : ctx.t('support-no-contact');
    await ctx.reply(text, { reply_markup: backToMenu(ctx.t) });
  });

  feature.callbackQuery('menu:referral', async (ctx) => {
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

  feature.callbackQuery('menu:language', async (ctx) => {
    await ctx.answerCallbackQuery();
    const available = await ctx.shop.services.settings.get('available_languages');
    await ctx.reply(ctx.t('choose-language'), {
      reply_markup: languageKeyboard(LANGUAGES.filter((language) => available.includes(language))),
    });
  });

  return feature;
}
