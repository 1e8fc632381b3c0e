import { InlineKeyboard } from 'grammy';
import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { menuHomeButton } from '../keyboards.js';
import type { MenuSection, MenuSwitches } from '../section.js';
import { ticketMenuRow } from '../tickets-customer.js';

const supportButton = callbackData('menu:support');

/**
 * What the support entry offers, by the shop's `support_mode`: `contact` the support username (with
 * the `support_contact` switch and a username set), `tickets` support tickets (with the
 * `support_tickets` switch), `both` whichever of the two is on.
 */
export function supportOffers({ flags, settings }: MenuSwitches): { contact: boolean; tickets: boolean } {
  const mode = settings.support_mode;
  return {
    contact: mode !== 'tickets' && flags.support_contact.enabled && settings.support_username !== null,
    tickets: mode !== 'contact' && flags.support_tickets.enabled,
  };
}

function supportButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, supportButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    const services = ctx.shop.services;
    const [flags, settings] = await Promise.all([services.flags.getAll(), services.settings.getAll()]);
    const offers = supportOffers({ flags, settings });
    const lines: string[] = [];
    if (offers.contact) lines.push(ctx.t('support-contact', { username: settings.support_username ?? '' }));
    if (offers.tickets) lines.push(ctx.t('ticket-intro'));
    if (lines.length === 0) lines.push(ctx.t('support-no-contact'));
    const keyboard = new InlineKeyboard();
    if (offers.tickets) ticketMenuRow(ctx, keyboard);
    keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
    await ctx.reply(lines.join('\n\n'), { reply_markup: keyboard });
  });
  return buttons;
}

/** Help: who to write to, and/or support tickets, as the shop chose. */
export const supportSection: MenuSection = {
  entry: 'support',
  // without a contact or tickets there is nothing behind the button
  isShown: (switches) => {
    if (!switches.settings.support_menu_enabled) return false;
    const offers = supportOffers(switches);
    return offers.contact || offers.tickets;
  },
  button: (t) => ({ text: t('menu-support'), data: supportButton.build() }),
  composer: supportButtons(),
};
