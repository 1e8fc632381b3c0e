import { InlineKeyboard } from 'grammy';
import { onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { isAdmin } from '../is-admin.js';
import { maintenanceMasterSection } from '../maintenance-master.js';
import { answersOf, answerTo, type SectionRows } from '../section.js';
import { addTenantSection } from './add-tenant.js';
import { broadcastSection, receiveOperatorBroadcastPhoto } from './broadcast.js';
import { fleetStatsSection } from './fleet-stats.js';
import {
  anyPanelButton,
  clearInput,
  type MasterDeps,
  type PanelSection,
  panelCancelButton,
  panelHomeButton,
  show,
} from './master-ui.js';
import { resellerPlansSection } from './reseller-plans.js';
import { tenantsSection } from './tenant-list.js';

export type { MasterDeps } from './master-ui.js';

/**
 * The panel's sections, in the rows its home screen shows their buttons. A new section is a file
 * exporting a `PanelSection` (its button, its composer, the answers to its questions) and a line
 * here.
 */
const SECTIONS: readonly (readonly PanelSection[])[] = [
  [addTenantSection],
  [tenantsSection, fleetStatsSection],
  [broadcastSection, maintenanceMasterSection],
  [resellerPlansSection],
];

const OPERATOR_COMMANDS = ['fleet', 'operator'];

async function homeKeyboard(ctx: BotContext, sections: SectionRows): Promise<InlineKeyboard> {
  const keyboard = new InlineKeyboard();
  for (const [index, row] of sections.entries()) {
    if (index > 0) keyboard.row();
    for (const section of row) {
      const button = await section.button(ctx);
      keyboard.text(button.text, button.data);
    }
  }
  return keyboard;
}

/**
 * The operators' panel inside the master bot: add tenants, list and open them (activate, suspend,
 * features, wholesale price, wallet top-up), fleet statistics.
 *
 * Only the master bot, and there only its admins (the operators), reach it. Everyone else who asks
 * for it gets a polite refusal; their other messages go on to the shop features, because the
 * master tenant is a shop too (a single-tenant installation's customers move into it). For an
 * operator the master bot is the panel: /start and plain messages open it.
 */
export function createMasterFeature(deps: MasterDeps): BotComposer<BotContext> {
  const sections: SectionRows = SECTIONS.map((row) => row.map((section) => section(deps)));
  const answers = answersOf(sections);
  const showHome = async (ctx: BotContext) =>
    show(ctx, ctx.t('master-home'), await homeKeyboard(ctx, sections));

  const feature = new BotComposer<BotContext>();
  const master = feature.filter((ctx) => ctx.shop.tenant.isMaster);

  const outsiders = master.filter((ctx) => !isAdmin(ctx));
  outsiders.command(OPERATOR_COMMANDS, (ctx) => ctx.reply(ctx.t('master-operators-only')));
  outsiders.callbackQuery(anyPanelButton.pattern, (ctx) =>
    ctx.answerCallbackQuery({ text: ctx.t('master-operators-only'), show_alert: true }),
  );

  // Private chats only: the panel shows API tokens and wallet figures.
  const operators = master.filter(isAdmin).chatType('private');

  operators.command(['start', ...OPERATOR_COMMANDS], async (ctx) => {
    clearInput(ctx);
    await showHome(ctx);
  });

  const buttons = operators.on('callback_query:data');
  onPress(buttons, panelHomeButton, async (ctx) => {
    clearInput(ctx);
    await ctx.answerCallbackQuery();
    await showHome(ctx);
  });
  onPress(buttons, panelCancelButton, async (ctx) => {
    clearInput(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t('master-cancelled') });
    await showHome(ctx);
  });
  for (const section of sections.flat()) buttons.use(section.composer);
  // an old panel button whose action no longer exists
  buttons.callbackQuery(anyPanelButton.pattern, (ctx) => ctx.answerCallbackQuery());

  // the operators' broadcast's photo (with its caption) while one is being composed
  operators.on('message:photo', receiveOperatorBroadcastPhoto);
  // What the operator was asked to type goes to the section that asked.
  operators.on('message:text', async (ctx, next) => {
    const awaiting = ctx.session.awaiting;
    const text = ctx.msg.text;
    const answer = awaiting && answerTo(answers, awaiting);
    if (answer) return answer(ctx, text);
    // other features' questions and commands are theirs
    if (awaiting || text.startsWith('/')) return next();
    await showHome(ctx);
  });

  return feature;
}
