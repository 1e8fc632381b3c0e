import { Composer } from 'grammy';
import { callbackData, onPress } from '../../callback-data.js';
import type { BotContext } from '../../context.js';
import { backToMenu } from '../keyboards.js';
import type { MenuSection } from '../section.js';

const supportButton = callbackData('menu:support');

function supportButtons(): Composer<BotContext> {
  const buttons = new Composer<BotContext>();
  onPress(buttons, supportButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    const services = ctx.shop.services;
    const [username, contactOn] = await Promise.all([
      services.settings.get('support_username'),
      services.flags.isEnabled('support_contact'),
    ]);
    const text = contactOn && username ? ctx.t('support-contact', { username }) : ctx.t('support-no-contact');
    await ctx.reply(text, { reply_markup: backToMenu(ctx.t) });
  });
  return buttons;
}

/** Who to write to for help. */
export const supportSection: MenuSection = {
  entry: 'support',
  // the section shows the contact: without one there is nothing behind the button
  isShown: ({ flags, settings }) =>
    settings.support_menu_enabled && flags.support_contact.enabled && settings.support_username !== null,
  button: (t) => ({ text: t('menu-support'), data: supportButton.build() }),
  composer: supportButtons(),
};
