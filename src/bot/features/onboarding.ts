import { InlineKeyboard } from 'grammy';
import type { Language } from '../../shared/language.js';
import { callbackData, onPress } from '../callback-data.js';
import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';
import { LANGUAGES } from '../i18n.js';
import { sendMainMenu } from './main-menu.js';
import { chooseLanguageButton, languageKeyboard } from './menu/language.js';
import { PROMO_START_PREFIX, redeemAndAnswer } from './menu/promo.js';

const MEMBER_STATUSES = new Set(['creator', 'administrator', 'member', 'restricted']);
const REFERRAL_PREFIX = 'ref_';
/** A start payload that can only be a referral code (not `promo_...`, nor any other prefix with `_`). */
const BARE_REFERRAL_CODE = /^[A-Za-z0-9]{4,32}$/;

const acceptRulesButton = callbackData('rules:accept');
/** "I have joined": the required channel is checked again. */
const checkChannelButton = callbackData('channel:check');

async function isChannelMember(ctx: BotContext, channel: number | string, userId: number): Promise<boolean> {
  try {
    const member = await ctx.api.getChatMember(channel, userId);
    return MEMBER_STATUSES.has(member.status) && !(member.status === 'restricted' && !member.is_member);
  } catch (error) {
    // A misconfigured channel (bot not an admin there) must not lock every customer out.
    ctx.logger.warn({ err: error, channel }, 'required channel check failed; letting the customer through');
    return true;
  }
}

/**
 * Asks for the next missing onboarding step (language, rules, channel). Returns true when the
 * customer is through and may use the menu.
 */
export async function continueOnboarding(ctx: BotContext): Promise<boolean> {
  const customer = ctx.customer;
  if (!customer || !ctx.from) return false;
  const settings = await ctx.shop.services.settings.getAll();
  const languages = LANGUAGES.filter((language) => settings.available_languages.includes(language));
  if (settings.language_selection_enabled && languages.length > 1 && !customer.hasChosenLanguage) {
    await ctx.reply(ctx.t('choose-language'), { reply_markup: languageKeyboard(languages) });
    return false;
  }
  if (!settings.skip_rules_acceptance && !customer.rulesAcceptedAt) {
    const rules = settings.rules_text || ctx.t('rules-default-text');
    await ctx.reply(`${ctx.t('rules-prompt')}\n\n${rules}`, {
      reply_markup: new InlineKeyboard().text(ctx.t('rules-accept'), acceptRulesButton.build()),
    });
    return false;
  }
  if (settings.required_channel_enabled && settings.required_channel_id !== null) {
    if (!(await isChannelMember(ctx, settings.required_channel_id, ctx.from.id))) {
      const keyboard = new InlineKeyboard();
      if (settings.required_channel_link)
        keyboard.url(ctx.t('channel-join'), settings.required_channel_link).row();
      keyboard.text(ctx.t('channel-check'), checkChannelButton.build());
      await ctx.reply(ctx.t('channel-required'), { reply_markup: keyboard });
      return false;
    }
  }
  return true;
}

/** Registers the sender as a customer of this tenant (or refreshes them) and sets the context up. */
async function register(ctx: BotContext): Promise<{ isNew: boolean }> {
  const from = ctx.from!;
  const services = ctx.shop.services;
  const settings = await services.settings.getAll();
  const fromTelegram = from.language_code?.slice(0, 2) as Language | undefined;
  const language =
    fromTelegram &&
    settings.available_languages.includes(fromTelegram) &&
    !settings.language_selection_enabled
      ? fromTelegram
      : settings.default_language;
  const { customer, isNew } = await services.customers.register(
    { telegramId: from.id, username: from.username, firstName: from.first_name, lastName: from.last_name },
    language,
  );
  ctx.customer = customer;
  ctx.language = customer.language;
  ctx.t = ctx.translator.forLanguage(customer.language);
  return { isNew };
}

/** /start, and any first message of someone who never pressed it. */
export async function start(ctx: BotContext, payload: string): Promise<void> {
  const { isNew } = await register(ctx);
  // `ref_<code>`, or a bare code: the invite links of a shop imported from a single-tenant
  // installation (`?start=refab12cd34`) keep working
  const code = payload.startsWith(REFERRAL_PREFIX)
    ? payload.slice(REFERRAL_PREFIX.length)
    : BARE_REFERRAL_CODE.test(payload)
      ? payload
      : undefined;
  if (code !== undefined && ctx.customer) {
    if (await ctx.shop.services.customers.setReferrer(ctx.customer.id, code)) {
      ctx.logger.info({ customerId: ctx.customer.id }, 'referral recorded');
    }
  }
  // a promo link (`promo_<CODE>`) is redeemed at once, whatever onboarding still asks
  if (payload.startsWith(PROMO_START_PREFIX) && ctx.customer)
    await redeemAndAnswer(ctx, payload.slice(PROMO_START_PREFIX.length));
  if (!(await continueOnboarding(ctx))) return;
  const name = ctx.from?.first_name ?? '';
  await sendMainMenu(ctx, ctx.t(isNew ? 'welcome' : 'welcome-back', { name }));
}

export function createOnboardingFeature() {
  const feature = new BotComposer<BotContext>();
  const privateChats = feature.chatType('private');

  privateChats.command('start', (ctx) => start(ctx, ctx.match.trim()));

  onPress(feature, chooseLanguageButton, async (ctx, { language }) => {
    if (!ctx.customer) await register(ctx);
    const available = await ctx.shop.services.settings.get('available_languages');
    if (!available.includes(language)) return ctx.answerCallbackQuery();
    await ctx.shop.services.customers.setLanguage(ctx.customer!.id, language);
    ctx.customer = { ...ctx.customer!, language, hasChosenLanguage: true };
    ctx.language = language;
    ctx.t = ctx.translator.forLanguage(language);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('language-changed')).catch(() => undefined);
    if (await continueOnboarding(ctx)) await sendMainMenu(ctx);
  });

  onPress(feature, acceptRulesButton, async (ctx) => {
    if (!ctx.customer) await register(ctx);
    await ctx.shop.services.customers.acceptRules(ctx.customer!.id);
    ctx.customer = { ...ctx.customer!, rulesAcceptedAt: new Date() };
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t('rules-accepted'));
    if (await continueOnboarding(ctx)) await sendMainMenu(ctx);
  });

  onPress(feature, checkChannelButton, async (ctx) => {
    if (!ctx.customer) await register(ctx);
    const settings = await ctx.shop.services.settings.getAll();
    if (
      settings.required_channel_enabled &&
      settings.required_channel_id !== null &&
      !(await isChannelMember(ctx, settings.required_channel_id, ctx.from.id))
    ) {
      await ctx.answerCallbackQuery({ text: ctx.t('channel-not-joined'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.deleteMessage().catch(() => undefined);
    if (await continueOnboarding(ctx)) await sendMainMenu(ctx);
  });

  return feature;
}
