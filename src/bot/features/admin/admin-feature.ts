import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.js';
import { answer, clearInput, idOf, isAdminAwaiting, isTenantAdmin, PREFIX, show } from './admin-ui.js';
import {
  finishCardCreation,
  receiveCardHolder,
  receiveCardNumber,
  setCardActive,
  showCard,
  showCards,
  startCardCreation,
} from './cards.js';
import {
  askCreditAmount,
  askCustomerSearch,
  confirmCredit,
  receiveCreditAmount,
  receiveCreditReason,
  receiveCustomerSearch,
  showCustomer,
} from './customers.js';
import {
  askPlanField,
  isPlanField,
  movePlan,
  receivePlanField,
  receivePlanStep,
  setPlanActive,
  showPlan,
  showPlans,
  startPlanCreation,
} from './plans.js';
import { countPendingReceipts, showReceipts } from './receipts.js';
import {
  askSetting,
  chooseSetting,
  receiveSetting,
  resetSetting,
  showSetting,
  showSettingGroup,
  showSettingGroups,
} from './settings.js';
import { showStats } from './stats.js';

const COMMANDS = ['admin'];

const homeKeyboard = (ctx: BotContext, pendingReceipts: number) =>
  new InlineKeyboard()
    .text(ctx.t('adm-btn-receipts', { count: pendingReceipts }), `${PREFIX}:receipts`)
    .row()
    .text(ctx.t('adm-btn-plans'), `${PREFIX}:plans`)
    .text(ctx.t('adm-btn-cards'), `${PREFIX}:cards`)
    .row()
    .text(ctx.t('adm-btn-customers'), `${PREFIX}:customers`)
    .text(ctx.t('adm-btn-stats'), `${PREFIX}:stats`)
    .row()
    .text(ctx.t('adm-btn-settings'), `${PREFIX}:settings`)
    .row()
    .text(ctx.t('back-to-menu'), 'menu:home');

export async function showAdminHome(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  const pending = await countPendingReceipts(ctx);
  await show(ctx, ctx.t('adm-home', { shop: ctx.shop.tenant.name }), homeKeyboard(ctx, pending));
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
export function createAdminFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  // the master bot's admins are the operators: their panel is /fleet
  feature
    .filter((ctx) => ctx.shop.tenant.isMaster)
    .command(COMMANDS, (ctx) =>
      ctx.reply(
        ctx.t(
          ctx.from && ctx.shop.tenant.adminTelegramIds.includes(ctx.from.id)
            ? 'adm-master-hint'
            : 'adm-admins-only',
        ),
      ),
    );
  const tenantBots = feature.filter((ctx) => !ctx.shop.tenant.isMaster);

  const outsiders = tenantBots.filter((ctx) => !isTenantAdmin(ctx));
  outsiders.command(COMMANDS, (ctx) => ctx.reply(ctx.t('adm-admins-only')));
  outsiders.callbackQuery(new RegExp(`^${PREFIX}:`), (ctx) =>
    answer(ctx, { text: ctx.t('adm-admins-only'), show_alert: true }),
  );
  // someone who stopped being an admin halfway through typing something
  outsiders.on('message:text', async (ctx, next) => {
    if (isAdminAwaiting(ctx)) clearInput(ctx);
    await next();
  });

  const admins = tenantBots.filter(isTenantAdmin);
  admins.chatType(['group', 'supergroup']).command(COMMANDS, (ctx) => ctx.reply(ctx.t('adm-private-only')));
  admins
    .chatType(['group', 'supergroup', 'channel'])
    .callbackQuery(new RegExp(`^${PREFIX}:`), (ctx) =>
      answer(ctx, { text: ctx.t('adm-private-only'), show_alert: true }),
    );

  const menu = admins.chatType('private');
  menu.command(COMMANDS, showAdminHome);

  // Another button (the customer menu, a receipt...) abandons whatever the admin was typing.
  menu.on('callback_query:data', async (ctx, next) => {
    if (!ctx.callbackQuery.data.startsWith(`${PREFIX}:`) && isAdminAwaiting(ctx)) clearInput(ctx);
    await next();
  });

  const buttons = menu.on('callback_query:data');
  buttons.callbackQuery(`${PREFIX}:home`, async (ctx) => {
    await answer(ctx);
    await showAdminHome(ctx);
  });
  buttons.callbackQuery(`${PREFIX}:cancel`, async (ctx) => {
    clearInput(ctx);
    await answer(ctx, { text: ctx.t('adm-cancelled') });
    await showAdminHome(ctx);
  });

  // pending card-to-card receipts: Approve and Reject are the card-to-card feature's own buttons
  buttons.callbackQuery(`${PREFIX}:receipts`, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showReceipts(ctx);
  });

  // plans
  buttons.callbackQuery(`${PREFIX}:plans`, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showPlans(ctx);
  });
  buttons.callbackQuery(`${PREFIX}:plan:new`, async (ctx) => {
    await answer(ctx);
    await startPlanCreation(ctx);
  });
  buttons.callbackQuery(/^adm:plan:(\d{1,15})(?::(on|off|up|down|e:[a-z]+))?$/, async (ctx) => {
    const id = idOf(ctx.match[1]);
    const action = ctx.match[2];
    if (id === undefined) return answer(ctx);
    if (action === 'on' || action === 'off') return setPlanActive(ctx, id, action === 'on');
    if (action === 'up' || action === 'down') return movePlan(ctx, id, action);
    await answer(ctx);
    const field = action?.slice(2);
    if (field !== undefined && isPlanField(field)) return askPlanField(ctx, id, field);
    clearInput(ctx);
    return showPlan(ctx, id);
  });

  // cards
  buttons.callbackQuery(`${PREFIX}:cards`, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showCards(ctx);
  });
  buttons.callbackQuery(`${PREFIX}:card:new`, async (ctx) => {
    await answer(ctx);
    await startCardCreation(ctx);
  });
  buttons.callbackQuery(`${PREFIX}:card:new:skip`, async (ctx) => {
    await answer(ctx);
    if (ctx.session.awaiting !== `${PREFIX}:card:new:bank`) return showCards(ctx);
    await finishCardCreation(ctx, undefined);
  });
  buttons.callbackQuery(/^adm:card:(\d{1,15})(?::(on|off))?$/, async (ctx) => {
    const id = idOf(ctx.match[1]);
    const action = ctx.match[2];
    if (id === undefined) return answer(ctx);
    if (action) return setCardActive(ctx, id, action === 'on');
    clearInput(ctx);
    await answer(ctx);
    return showCard(ctx, id);
  });

  // settings
  buttons.callbackQuery(`${PREFIX}:settings`, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showSettingGroups(ctx);
  });
  buttons.callbackQuery(/^adm:set:g:([a-z_]{1,32})$/, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showSettingGroup(ctx, ctx.match[1]!);
  });
  buttons.callbackQuery(/^adm:set:([a-z_]{1,40})(?::(edit|reset|v:[A-Za-z0-9_]{1,20}))?$/, async (ctx) => {
    const key = ctx.match[1]!;
    const action = ctx.match[2];
    if (action === 'reset') return resetSetting(ctx, key);
    if (action?.startsWith('v:')) return chooseSetting(ctx, key, action.slice(2));
    await answer(ctx);
    if (action === 'edit') return askSetting(ctx, key);
    return showSetting(ctx, key);
  });

  // customers
  buttons.callbackQuery(`${PREFIX}:customers`, async (ctx) => {
    await answer(ctx);
    await askCustomerSearch(ctx);
  });
  buttons.callbackQuery(/^adm:cust:(\d{1,15})(?::(credit|credit:ok))?$/, async (ctx) => {
    const id = idOf(ctx.match[1]);
    const action = ctx.match[2];
    if (id === undefined) return answer(ctx);
    if (action === 'credit:ok') return confirmCredit(ctx, id);
    await answer(ctx);
    if (action === 'credit') return askCreditAmount(ctx, id);
    clearInput(ctx);
    return showCustomer(ctx, id);
  });

  // statistics
  buttons.callbackQuery(`${PREFIX}:stats`, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showStats(ctx);
  });

  // an old menu button whose action no longer exists
  buttons.callbackQuery(new RegExp(`^${PREFIX}:`), (ctx) => answer(ctx));

  // What the admin was asked to type.
  menu.on('message:text', async (ctx, next) => {
    if (!isAdminAwaiting(ctx)) return next();
    const text = ctx.msg.text;
    // a command instead of an answer: the question is dropped and the command goes on
    if (text.startsWith('/')) {
      clearInput(ctx);
      return next();
    }
    const awaiting = ctx.session.awaiting ?? '';
    const step = /^adm:plan:new:([a-z]+)$/.exec(awaiting)?.[1];
    if (step !== undefined && isPlanField(step)) return receivePlanStep(ctx, step, text);
    const edit = /^adm:plan:(\d+):([a-z]+)$/.exec(awaiting);
    const planId = idOf(edit?.[1]);
    if (planId !== undefined && edit?.[2] && isPlanField(edit[2]))
      return receivePlanField(ctx, planId, edit[2], text);
    if (awaiting === `${PREFIX}:card:new:number`) return receiveCardNumber(ctx, text);
    if (awaiting === `${PREFIX}:card:new:holder`) return receiveCardHolder(ctx, text);
    if (awaiting === `${PREFIX}:card:new:bank`) return finishCardCreation(ctx, text);
    const setting = /^adm:set:([a-z_]+)$/.exec(awaiting)?.[1];
    if (setting !== undefined) return receiveSetting(ctx, setting, text);
    if (awaiting === `${PREFIX}:cust:search`) return receiveCustomerSearch(ctx, text);
    const credit = /^adm:cust:(\d+):(amount|reason)$/.exec(awaiting);
    const customerId = idOf(credit?.[1]);
    if (customerId !== undefined && credit?.[2] === 'amount')
      return receiveCreditAmount(ctx, customerId, text);
    if (customerId !== undefined && credit?.[2] === 'reason')
      return receiveCreditReason(ctx, customerId, text);
    // a question this version no longer asks
    clearInput(ctx);
    await showAdminHome(ctx);
  });

  return feature;
}
