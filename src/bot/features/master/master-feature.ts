import { Composer } from 'grammy';
import type { BotContext } from '../../context.js';
import { askForToken, receiveToken } from './add-tenant.js';
import { showFleetStats, showTenantList } from './fleet-overview.js';
import {
  AWAITING_TOKEN,
  clearInput,
  isOperator,
  type MasterDeps,
  PREFIX,
  showHome,
  tenantIdOf,
} from './master-ui.js';
import {
  askForPrice,
  askForTopUp,
  confirmTopUp,
  receivePrice,
  receiveTopUp,
  setActive,
  showFeatures,
  showTenant,
  showWalletEntries,
  toggleFeature,
} from './tenant-card.js';

export type { MasterDeps } from './master-ui.js';

const OPERATOR_COMMANDS = ['fleet', 'operator'];

/**
 * The operators' panel inside the master bot: add tenants, list and open them (activate, suspend,
 * features, wholesale price, wallet top-up), fleet statistics.
 *
 * Only the master bot, and there only its admins (the operators), reach it. Everyone else who asks
 * for it gets a polite refusal; their other messages go on to the shop features, because the
 * master tenant is a shop too (a single-tenant installation's customers move into it). For an
 * operator the master bot is the panel: /start and plain messages open it.
 */
export function createMasterFeature(deps: MasterDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const master = feature.filter((ctx) => ctx.shop.tenant.isMaster);

  const outsiders = master.filter((ctx) => !isOperator(ctx));
  outsiders.command(OPERATOR_COMMANDS, (ctx) => ctx.reply(ctx.t('master-operators-only')));
  outsiders.callbackQuery(new RegExp(`^${PREFIX}:`), (ctx) =>
    ctx.answerCallbackQuery({ text: ctx.t('master-operators-only'), show_alert: true }),
  );

  // Private chats only: the panel shows API tokens and wallet figures.
  const operators = master.filter(isOperator).chatType('private');

  operators.command(['start', ...OPERATOR_COMMANDS], async (ctx) => {
    clearInput(ctx);
    await showHome(ctx);
  });

  const buttons = operators.on('callback_query:data');
  buttons.callbackQuery(`${PREFIX}:home`, async (ctx) => {
    clearInput(ctx);
    await ctx.answerCallbackQuery();
    await showHome(ctx);
  });
  buttons.callbackQuery(`${PREFIX}:cancel`, async (ctx) => {
    clearInput(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t('master-cancelled') });
    await showHome(ctx);
  });
  buttons.callbackQuery(`${PREFIX}:add`, async (ctx) => {
    await ctx.answerCallbackQuery();
    await askForToken(ctx);
  });
  buttons.callbackQuery(/^fleet:list:(\d{1,6})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showTenantList(ctx, deps, Number(ctx.match[1]));
  });
  buttons.callbackQuery(`${PREFIX}:stats`, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showFleetStats(ctx, deps);
  });
  buttons.callbackQuery(/^fleet:t:(\d{1,18})(?::([a-z]+)(?::([a-z0-9_]+))?)?$/, async (ctx) => {
    const id = tenantIdOf(ctx.match[1]);
    const action = ctx.match[2];
    const argument = ctx.match[3];
    if (id === undefined) return ctx.answerCallbackQuery();
    switch (action) {
      case undefined:
        await ctx.answerCallbackQuery();
        return showTenant(ctx, deps, id);
      case 'on':
      case 'off':
        return setActive(ctx, deps, id, action === 'on');
      case 'f':
        if (argument) return toggleFeature(ctx, deps, id, argument);
        await ctx.answerCallbackQuery();
        return showFeatures(ctx, deps, id);
      case 'price':
        await ctx.answerCallbackQuery();
        return askForPrice(ctx, deps, id);
      case 'topup':
        if (argument) return confirmTopUp(ctx, deps, id, argument);
        await ctx.answerCallbackQuery();
        return askForTopUp(ctx, deps, id);
      case 'w':
        await ctx.answerCallbackQuery();
        return showWalletEntries(ctx, deps, id);
      default:
        return ctx.answerCallbackQuery();
    }
  });
  // an old panel button whose action no longer exists
  buttons.callbackQuery(new RegExp(`^${PREFIX}:`), (ctx) => ctx.answerCallbackQuery());

  // What the operator was asked to type.
  operators.on('message:text', async (ctx, next) => {
    const awaiting = ctx.session.awaiting;
    const text = ctx.msg.text;
    if (awaiting === AWAITING_TOKEN) return receiveToken(ctx, deps, text);
    const price = /^fleet:price:(\d+)$/.exec(awaiting ?? '');
    const priceFor = tenantIdOf(price?.[1]);
    if (priceFor !== undefined) return receivePrice(ctx, deps, priceFor, text);
    const topUp = /^fleet:topup:(\d+)$/.exec(awaiting ?? '');
    const topUpFor = tenantIdOf(topUp?.[1]);
    if (topUpFor !== undefined) return receiveTopUp(ctx, deps, topUpFor, text);
    // other features' questions and commands are theirs
    if (awaiting || text.startsWith('/')) return next();
    await showHome(ctx);
  });

  return feature;
}
