import { InlineKeyboard } from 'grammy';
import type { Language } from '../../../shared/language.js';
import { callbackData, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { LANGUAGES } from '../../i18n.js';
import type { MenuSection } from '../section.js';

const LANGUAGE_NAMES: Record<Language, string> = { fa: 'فارسی 🇮🇷', en: 'English 🇬🇧', ru: 'Русский 🇷🇺' };

const languageMenuButton = callbackData('menu:language');

/** Chooses the language (onboarding answers it). */
export const chooseLanguageButton = callbackData('lang', {
  language: oneOf(['fa', 'en', 'ru'] as const satisfies readonly Language[]),
});

export const languageKeyboard = (languages: readonly Language[]) => {
  const keyboard = new InlineKeyboard();
  for (const language of languages)
    keyboard.text(LANGUAGE_NAMES[language], chooseLanguageButton.build({ language }));
  return keyboard;
};

function languageButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, languageMenuButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    const available = await ctx.shop.services.settings.get('available_languages');
    await ctx.reply(ctx.t('choose-language'), {
      reply_markup: languageKeyboard(LANGUAGES.filter((language) => available.includes(language))),
    });
  });
  return buttons;
}

/** Another language for the bot's messages, among those the shop offers. */
export const languageSection: MenuSection = {
  entry: 'language',
  isShown: ({ settings }) => settings.language_selection_enabled && settings.available_languages.length > 1,
  button: (t) => ({ text: t('menu-language'), data: languageMenuButton.build() }),
  composer: languageButtons(),
};
