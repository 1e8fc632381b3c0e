import { InlineKeyboard } from 'grammy';
import { onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { isAdmin } from '../is-admin.js';
import { menuHomeButton } from '../keyboards.js';
import { maintenanceSection } from '../maintenance-admin.js';
import { answersOf, answerTo, type SectionRows } from '../section.js';
import {
  adminCancelButton,
  adminHomeButton,
  answer,
  anyAdminButton,
  clearInput,
  isAdminAwaiting,
  show,
} from './admin-ui.js';
import { broadcastSection, receiveBroadcastPhoto } from './broadcast.js';
import { cardsSection } from './cards.js';
import { customersSection } from './customers.js';
import { groupsSection } from './groups.js';
import { helpSection } from './help.js';
import { packsSection } from './packs.js';
import { plansSection } from './plans.js';
import { promoCodesSection } from './promo-codes.js';
import { receiptsSection } from './receipts.js';
import { settingsSection } from './settings.js';
import { statsSection } from './stats.js';
import { ticketsSection } from './tickets.js';
import { walletSection } from './wallet.js';

/**
 * The admin menu's sections, in the rows its home screen shows their buttons. A new section is a
 * file exporting a `Section` (its button, its composer, the answers to its questions) and a line
 * here.
 */
const SECTIONS: SectionRows = [
  [receiptsSection, ticketsSection],
  [plansSection, cardsSection],
  [packsSection, helpSection],
  [customersSection, statsSection],
  [promoCodesSection, groupsSection],
  [settingsSection, walletSection],
  [broadcastSection, maintenanceSection],
];

const ANSWERS = answersOf(SECTIONS);

const COMMANDS = ['admin'];

async function homeKeyboard(ctx: BotContext): Promise<InlineKeyboard> {
  const keyboard = new InlineKeyboard();
  for (const row of SECTIONS) {
    let shown = 0;
    for (const section of row) {
      if (section.isShown && !(await section.isShown(ctx))) continue;
      const button = await section.button(ctx);
      keyboard.text(button.text, button.data);
      shown += 1;
    }
    if (shown > 0) keyboard.row();
  }
  return keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
}

export async function showAdminHome(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  await show(ctx, ctx.t('adm-home', { shop: ctx.shop.tenant.name }), await homeKeyboard(ctx));
}

/**
 * The tenant admin menu inside each tenant bot: pending card-to-card receipts, plans, cards,
 * settings the tenant may change, customers (lookup and balance credit) and sales statistics.
 *
 * Only the tenant's admins reach it, and only in a private chat (it shows customers and money);
 * anyone else asking for it is refused without learning anything. Every id in callback data is
 * looked up through the tenant-bound services, so another shop's id finds nothing. The master bot
 * has the operators' panel instead.
 */
export function createAdminFeature(): BotComposer<BotContext> {
  const feature = new BotComposer<BotContext>();
  // the master bot's admins are the operators: their panel is /fleet
  feature
    .filter((ctx) => ctx.shop.tenant.isMaster)
    .command(COMMANDS, (ctx) => ctx.reply(ctx.t(isAdmin(ctx) ? 'adm-master-hint' : 'adm-admins-only')));
  const tenantBots = feature.filter((ctx) => !ctx.shop.tenant.isMaster);

  const outsiders = tenantBots.filter((ctx) => !isAdmin(ctx));
  outsiders.command(COMMANDS, (ctx) => ctx.reply(ctx.t('adm-admins-only')));
  outsiders.callbackQuery(anyAdminButton.pattern, (ctx) =>
    answer(ctx, { text: ctx.t('adm-admins-only'), show_alert: true }),
  );
  // someone who stopped being an admin halfway through typing something
  outsiders.on('message:text', async (ctx, next) => {
    if (isAdminAwaiting(ctx.session.awaiting)) clearInput(ctx);
    await next();
  });

  const admins = tenantBots.filter(isAdmin);
  admins.chatType(['group', 'supergroup']).command(COMMANDS, (ctx) => ctx.reply(ctx.t('adm-private-only')));
  admins
    .chatType(['group', 'supergroup', 'channel'])
    .callbackQuery(anyAdminButton.pattern, (ctx) =>
      answer(ctx, { text: ctx.t('adm-private-only'), show_alert: true }),
    );

  const menu = admins.chatType('private');
  menu.command(COMMANDS, showAdminHome);

  // Another button (the customer menu, a receipt...) abandons whatever the admin was typing.
  menu.on('callback_query:data', async (ctx, next) => {
    if (!anyAdminButton.has(ctx.callbackQuery.data) && isAdminAwaiting(ctx.session.awaiting)) clearInput(ctx);
    await next();
  });

  const buttons = menu.on('callback_query:data');
  onPress(buttons, adminHomeButton, async (ctx) => {
    await answer(ctx);
    await showAdminHome(ctx);
  });
  onPress(buttons, adminCancelButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx, { text: ctx.t('adm-cancelled') });
    await showAdminHome(ctx);
  });
  for (const section of SECTIONS.flat()) buttons.use(section.composer);
  // an old menu button whose action no longer exists
  buttons.callbackQuery(anyAdminButton.pattern, (ctx) => answer(ctx));

  // a broadcast's photo (with its caption) while one is being composed
  menu.on('message:photo', receiveBroadcastPhoto);
  // What the admin was asked to type goes to the section that asked.
  menu.on('message:text', async (ctx, next) => {
    const awaiting = ctx.session.awaiting;
    if (!isAdminAwaiting(awaiting)) return next();
    // a command instead of an answer: the question is dropped and the command goes on
    if (ctx.msg.text.startsWith('/')) {
      clearInput(ctx);
      return next();
    }
    const answer = answerTo(ANSWERS, awaiting);
    if (answer) return answer(ctx, ctx.msg.text);
    // a question this version no longer asks
    clearInput(ctx);
    await showAdminHome(ctx);
  });

  return feature;
}
