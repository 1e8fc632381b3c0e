import { InlineKeyboard } from 'grammy';
import { asGroupId, type GroupDetails, type GroupId } from '../../../modules/groups/groups-service.js';
import { asCustomerId, asPlanId, type CustomerId, type PlanId } from '../../../shared/ids.js';
import { MAX_MONEY } from '../../../shared/money.js';
import { callbackData, id, integer, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import type { Section } from '../section.js';
import {
  answer,
  ask,
  backKeyboard,
  clearInput,
  money,
  parseWhole,
  replyWithCancel,
  show,
  showNotFound,
  withHome,
} from './admin-ui.js';

const MAX_NAME = 64;

const groupsButton = callbackData('adm:groups');
const newGroupButton = callbackData('adm:grp:new');
const groupButton = callbackData('adm:grp', { groupId: id(asGroupId) });
const switchGroupButton = callbackData('adm:grp', { groupId: id(asGroupId), to: oneOf(['on', 'off']) });
const deleteGroupButton = callbackData('adm:grp', { groupId: id(asGroupId), del: 'del' });
const percentButton = callbackData('adm:grp', { groupId: id(asGroupId), edit: 'pct' });
const pricesButton = callbackData('adm:grp', { groupId: id(asGroupId), edit: 'plans' });
const planPriceButton = callbackData('adm:grp', {
  groupId: id(asGroupId),
  plan: 'plan',
  planId: id(asPlanId),
});
/** The customer card's "Group" button, and the group picked for that customer (0: none). */
export const customerGroupButton = callbackData('adm:cgrp', { customerId: id(asCustomerId) });
const pickGroupButton = callbackData('adm:cgrp', { customerId: id(asCustomerId), groupId: integer() });
/** The customer card (customers.ts draws it under the same data). */
const customerCardButton = callbackData('adm:cust', { customerId: id(asCustomerId) });

const groupNotFound = (ctx: BotContext) => showNotFound(ctx, 'adm-group-not-found', groupsButton.build());

async function showGroups(ctx: BotContext): Promise<void> {
  const groups = await ctx.shop.services.groups.findAll();
  const keyboard = new InlineKeyboard();
  for (const group of groups)
    keyboard
      .text(
        ctx.t('adm-group-button', {
          active: group.isActive ? 'yes' : 'no',
          name: group.name,
          percent: formatNumber(group.discountPercent, ctx.language),
        }),
        groupButton.build({ groupId: asGroupId(group.id) }),
      )
      .row();
  keyboard.text(ctx.t('adm-btn-group-new'), newGroupButton.build()).row();
  withHome(keyboard, ctx.t);
  await show(ctx, ctx.t(groups.length === 0 ? 'adm-groups-empty' : 'adm-groups-title'), keyboard);
}

async function groupCard(ctx: BotContext, group: GroupDetails): Promise<string> {
  const plans = await ctx.shop.services.plans.findAll();
  const priceLines = group.prices.map((row) =>
    ctx.t('adm-group-price-line', {
      plan: plans.find((plan) => plan.id === row.planId)?.name ?? String(row.planId),
      price: money(ctx, row.price),
    }),
  );
  return ctx.t('adm-group-card', {
    name: group.name,
    percent: formatNumber(group.discountPercent, ctx.language),
    active: group.isActive ? 'yes' : 'no',
    members: formatNumber(group.members, ctx.language),
    prices: priceLines.length > 0 ? priceLines.join('\n') : ctx.t('adm-group-no-prices'),
  });
}

async function showGroup(ctx: BotContext, groupId: GroupId, prefix?: string): Promise<void> {
  const group = await ctx.shop.services.groups.get(groupId);
  if (!group) return groupNotFound(ctx);
  const keyboard = new InlineKeyboard()
    .text(ctx.t('adm-btn-group-percent'), percentButton.build({ groupId }))
    .text(ctx.t('adm-btn-group-prices'), pricesButton.build({ groupId }))
    .row()
    .text(
      ctx.t(group.isActive ? 'adm-btn-switch-off' : 'adm-btn-switch-on'),
      switchGroupButton.build({ groupId, to: group.isActive ? 'off' : 'on' }),
    )
    .text(ctx.t('adm-btn-group-delete'), deleteGroupButton.build({ groupId }))
    .row()
    .text(ctx.t('adm-btn-back'), groupsButton.build());
  withHome(keyboard, ctx.t);
  const card = await groupCard(ctx, group);
  await show(ctx, prefix ? `${prefix}\n\n${card}` : card, keyboard);
}

async function receiveGroupName(ctx: BotContext, _awaiting: AwaitingOf<'admin-group-new'>, text: string) {
  const name = text.trim();
  if (name.length === 0 || name.length > MAX_NAME) return replyWithCancel(ctx, ctx.t('adm-group-ask-name'));
  const created = await ctx.shop.services.groups.create({ name });
  if (!created.ok)
    return replyWithCancel(
      ctx,
      ctx.t(created.error.code === 'conflict' ? 'adm-group-name-taken' : 'adm-group-ask-name'),
    );
  clearInput(ctx);
  ctx.logger.info(
    { groupId: created.value.id, admin: ctx.from?.id },
    'customer group created by a tenant admin',
  );
  await ctx.reply(ctx.t('adm-group-created', { name }));
  await showGroup(ctx, created.value.id);
}

async function receiveGroupPercent(
  ctx: BotContext,
  { groupId }: AwaitingOf<'admin-group-percent'>,
  text: string,
) {
  const percent = parseWhole(text);
  if (percent === undefined || percent > 100) return replyWithCancel(ctx, ctx.t('adm-group-bad-percent'));
  const updated = await ctx.shop.services.groups.update(asGroupId(groupId), { discountPercent: percent });
  if (!updated.ok || !updated.value) return groupNotFound(ctx);
  clearInput(ctx);
  await showGroup(ctx, asGroupId(groupId), ctx.t('adm-group-saved'));
}

/** A plan's price in the group; "-" goes back to the group's percent for that plan. */
async function receiveGroupPrice(
  ctx: BotContext,
  { groupId, planId }: AwaitingOf<'admin-group-price'>,
  text: string,
) {
  const groups = ctx.shop.services.groups;
  if (text.trim() === '-') {
    await groups.clearPrice(asGroupId(groupId), planId);
    clearInput(ctx);
    return showGroup(ctx, asGroupId(groupId), ctx.t('adm-group-saved'));
  }
  const price = parseWhole(text);
  if (price === undefined || price > MAX_MONEY) return replyWithCancel(ctx, ctx.t('adm-group-bad-price'));
  const set = await groups.setPrice(asGroupId(groupId), planId, price);
  if (!set.ok) return replyWithCancel(ctx, ctx.t('adm-group-bad-price'));
  if (!set.value) return groupNotFound(ctx);
  clearInput(ctx);
  await showGroup(ctx, asGroupId(groupId), ctx.t('adm-group-saved'));
}

async function showPlanPrices(ctx: BotContext, groupId: GroupId): Promise<void> {
  const group = await ctx.shop.services.groups.get(groupId);
  if (!group) return groupNotFound(ctx);
  const plans = await ctx.shop.services.plans.findAll();
  const keyboard = new InlineKeyboard();
  for (const plan of plans) {
    const own = group.prices.find((row) => row.planId === plan.id);
    keyboard
      .text(
        ctx.t('adm-group-plan-button', {
          plan: plan.name,
          price: money(ctx, plan.price),
          own: own ? money(ctx, own.price) : '–',
        }),
        planPriceButton.build({ groupId, planId: asPlanId(plan.id) }),
      )
      .row();
  }
  keyboard.text(ctx.t('adm-btn-back'), groupButton.build({ groupId }));
  withHome(keyboard, ctx.t);
  await show(ctx, ctx.t(plans.length === 0 ? 'adm-group-no-plans' : 'adm-group-pick-plan'), keyboard);
}

async function askPlanPrice(ctx: BotContext, groupId: GroupId, planId: PlanId): Promise<void> {
  const plan = await ctx.shop.services.plans.get(planId);
  if (!plan || !(await ctx.shop.services.groups.get(groupId))) return groupNotFound(ctx);
  clearInput(ctx);
  await ask(
    ctx,
    { kind: 'admin-group-price', groupId, planId },
    ctx.t('adm-group-ask-price', { plan: plan.name, price: money(ctx, plan.price) }),
  );
}

/** The groups to put a customer in, and "no group". */
async function showCustomerGroups(ctx: BotContext, customerId: CustomerId): Promise<void> {
  const services = ctx.shop.services;
  const [customer, groups] = await Promise.all([
    services.customers.get(customerId),
    services.groups.findAll(),
  ]);
  if (!customer) return showNotFound(ctx, 'adm-customer-not-found', groupsButton.build());
  const current = groups.find((group) => group.id === customer.groupId);
  const keyboard = new InlineKeyboard();
  for (const group of groups)
    keyboard
      .text(
        `${group.id === customer.groupId ? '✅ ' : ''}${group.name}`,
        pickGroupButton.build({ customerId, groupId: group.id }),
      )
      .row();
  keyboard.text(ctx.t('adm-btn-customer-no-group'), pickGroupButton.build({ customerId, groupId: 0 })).row();
  keyboard.text(ctx.t('adm-btn-back'), customerCardButton.build({ customerId }));
  withHome(keyboard, ctx.t);
  await show(ctx, ctx.t('adm-customer-group-pick', { group: current?.name ?? '–' }), keyboard);
}

function groupsButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, groupsButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showGroups(ctx);
  });
  onPress(buttons, newGroupButton, async (ctx) => {
    await answer(ctx);
    clearInput(ctx);
    await ask(ctx, { kind: 'admin-group-new' }, ctx.t('adm-group-ask-name'));
  });
  onPress(buttons, groupButton, async (ctx, { groupId }) => {
    await answer(ctx);
    clearInput(ctx);
    await showGroup(ctx, groupId);
  });
  onPress(buttons, switchGroupButton, async (ctx, { groupId, to }) => {
    const updated = await ctx.shop.services.groups.update(groupId, { isActive: to === 'on' });
    await answer(ctx);
    if (!updated.ok || !updated.value) return groupNotFound(ctx);
    await showGroup(ctx, groupId);
  });
  onPress(buttons, deleteGroupButton, async (ctx, { groupId }) => {
    const removed = await ctx.shop.services.groups.remove(groupId);
    await answer(ctx);
    if (!removed) return groupNotFound(ctx);
    ctx.logger.info({ groupId, admin: ctx.from?.id, outcome: removed.status }, 'customer group removed');
    if (removed.status === 'deactivated') return showGroup(ctx, groupId, ctx.t('adm-group-kept'));
    await show(ctx, ctx.t('adm-group-deleted'), backKeyboard(ctx.t, groupsButton.build()));
  });
  onPress(buttons, percentButton, async (ctx, { groupId }) => {
    await answer(ctx);
    clearInput(ctx);
    const group = await ctx.shop.services.groups.get(groupId);
    if (!group) return groupNotFound(ctx);
    await ask(
      ctx,
      { kind: 'admin-group-percent', groupId },
      ctx.t('adm-group-ask-percent', { name: group.name }),
    );
  });
  onPress(buttons, pricesButton, async (ctx, { groupId }) => {
    await answer(ctx);
    clearInput(ctx);
    await showPlanPrices(ctx, groupId);
  });
  onPress(buttons, planPriceButton, async (ctx, { groupId, planId }) => {
    await answer(ctx);
    await askPlanPrice(ctx, groupId, planId);
  });
  onPress(buttons, customerGroupButton, async (ctx, { customerId }) => {
    await answer(ctx);
    clearInput(ctx);
    await showCustomerGroups(ctx, customerId);
  });
  onPress(buttons, pickGroupButton, async (ctx, { customerId, groupId }) => {
    const assigned = await ctx.shop.services.groups.assign(
      customerId,
      groupId === 0 ? null : asGroupId(groupId),
    );
    if (!assigned) {
      await answer(ctx);
      return showNotFound(ctx, 'adm-group-not-found', customerCardButton.build({ customerId }));
    }
    ctx.logger.info(
      { customerId, groupId, admin: ctx.from?.id },
      'customer put in a group by a tenant admin',
    );
    await answer(ctx, { text: ctx.t('adm-customer-group-set') });
    await showCustomerGroups(ctx, customerId);
  });
  return buttons;
}

/**
 * Customer groups (price lists): the list, a group's card (its discount percent, its own plan
 * prices, on and off, delete) and creating one by name; and, from a customer's card, the group the
 * customer is in.
 */
export const groupsSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-groups'), data: groupsButton.build() }),
  composer: groupsButtons(),
  onText: {
    'admin-group-new': receiveGroupName,
    'admin-group-percent': receiveGroupPercent,
    'admin-group-price': receiveGroupPrice,
  },
};
