import { InlineKeyboard } from 'grammy';
import { type Plan, type PlanPatch, planPatch } from '../../../modules/plans/plans-service.js';
import { asPlanId, type PlanId } from '../../../shared/ids.js';
import { callbackData, id, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { type AwaitingOf, type BotContext, PLAN_FIELD_NAMES } from '../../context.js';
import { formatNumber } from '../../format.js';
import type { Section } from '../section.js';
import { deviceLimitText, planTrafficText } from '../shop/view.js';
import {
  answer,
  ask,
  clearInput,
  money,
  parseWhole,
  replyWithCancel,
  show,
  showNotFound,
  withHome,
} from './admin-ui.js';

type PlanField = (typeof PLAN_FIELD_NAMES)[number];

/** The fields an admin edits, by the short name callback data and prompts use. */
const PLAN_FIELDS = {
  name: 'name',
  days: 'periodDays',
  price: 'price',
  traffic: 'trafficGb',
  devices: 'deviceLimit',
} as const satisfies Record<PlanField, keyof PlanPatch>;

const plansButton = callbackData('adm:plans');
const newPlanButton = callbackData('adm:plan:new');
const planButton = callbackData('adm:plan', { planId: id(asPlanId) });
const switchPlanButton = callbackData('adm:plan', { planId: id(asPlanId), to: oneOf(['on', 'off']) });
const movePlanButton = callbackData('adm:plan', { planId: id(asPlanId), direction: oneOf(['up', 'down']) });
const editPlanButton = callbackData('adm:plan', {
  planId: id(asPlanId),
  edit: 'e',
  field: oneOf(PLAN_FIELD_NAMES),
});

/** Creation asks for the fields in this order. */
const CREATE_STEPS: readonly PlanField[] = ['name', 'days', 'price', 'traffic', 'devices'];

const PROMPTS: Record<PlanField, string> = {
  name: 'adm-plan-ask-name',
  days: 'adm-plan-ask-days',
  price: 'adm-plan-ask-price',
  traffic: 'adm-plan-ask-traffic',
  devices: 'adm-plan-ask-devices',
};
const INVALID: Record<PlanField, string> = {
  name: 'adm-plan-bad-name',
  days: 'adm-plan-bad-days',
  price: 'adm-plan-bad-price',
  traffic: 'adm-plan-bad-traffic',
  devices: 'adm-plan-bad-devices',
};

const prompt = (ctx: BotContext, field: PlanField) => ctx.t(PROMPTS[field]);

/**
 * The typed value of one field, checked by the plans module's own rules (so the menu and the
 * service never disagree on what a valid plan is); undefined when it does not fit.
 */
function parseField(field: PlanField, text: string): string | number | undefined {
  const value = field === 'name' ? text.trim() : parseWhole(text);
  if (value === undefined) return undefined;
  return planPatch.safeParse({ [PLAN_FIELDS[field]]: value }).success ? value : undefined;
}

/** A plan as the list and its card show it; `index` is its place in the customers' list. */
const planArgs = (ctx: BotContext, plan: Plan, index: number) => ({
  position: formatNumber(index + 1, ctx.language),
  name: plan.name,
  price: money(ctx, plan.price),
  days: formatNumber(plan.periodDays, ctx.language),
  traffic: planTrafficText(plan.trafficGb, ctx),
  devices: deviceLimitText(plan.deviceLimit, ctx),
  active: plan.isActive ? 'yes' : 'no',
});

async function showPlans(ctx: BotContext): Promise<void> {
  const plans = await ctx.shop.services.plans.findAll();
  const keyboard = new InlineKeyboard();
  for (const plan of plans)
    keyboard
      .text(`${plan.isActive ? '✅' : '⏸'} ${plan.name}`, planButton.build({ planId: asPlanId(plan.id) }))
      .row();
  withHome(keyboard.text(ctx.t('adm-btn-plan-new'), newPlanButton.build()).row(), ctx.t);
  const text =
    plans.length === 0
      ? ctx.t('adm-plans-empty')
      : `${ctx.t('adm-plans-title')}\n\n${plans.map((plan, index) => ctx.t('adm-plan-line', planArgs(ctx, plan, index))).join('\n\n')}`;
  await show(ctx, text, keyboard);
}

const planNotFound = (ctx: BotContext) => showNotFound(ctx, 'adm-plan-not-found', plansButton.build());

async function showPlan(ctx: BotContext, id: number): Promise<void> {
  const plans = await ctx.shop.services.plans.findAll();
  const index = plans.findIndex((plan) => plan.id === id);
  const plan = plans[index];
  if (!plan) return planNotFound(ctx);
  const planId = asPlanId(plan.id);
  const edit = (field: PlanField) => editPlanButton.build({ planId, field });
  const keyboard = new InlineKeyboard()
    .text(ctx.t('adm-btn-edit-name'), edit('name'))
    .text(ctx.t('adm-btn-edit-price'), edit('price'))
    .row()
    .text(ctx.t('adm-btn-edit-days'), edit('days'))
    .text(ctx.t('adm-btn-edit-traffic'), edit('traffic'))
    .text(ctx.t('adm-btn-edit-devices'), edit('devices'))
    .row();
  if (index > 0) keyboard.text(ctx.t('adm-btn-move-up'), movePlanButton.build({ planId, direction: 'up' }));
  if (index < plans.length - 1)
    keyboard.text(ctx.t('adm-btn-move-down'), movePlanButton.build({ planId, direction: 'down' }));
  keyboard
    .row()
    .text(
      ctx.t(plan.isActive ? 'adm-btn-switch-off' : 'adm-btn-switch-on'),
      switchPlanButton.build({ planId, to: plan.isActive ? 'off' : 'on' }),
    )
    .row()
    .text(ctx.t('adm-btn-back'), plansButton.build());
  withHome(keyboard, ctx.t);
  const text = ctx.t('adm-plan-card', {
    ...planArgs(ctx, plan, index),
    count: formatNumber(plans.length, ctx.language),
  });
  await show(ctx, text, keyboard);
}

async function setPlanActive(ctx: BotContext, id: number, active: boolean): Promise<void> {
  const plans = ctx.shop.services.plans;
  const plan = await (active ? plans.activate(asPlanId(id)) : plans.deactivate(asPlanId(id)));
  if (!plan) {
    await answer(ctx);
    return planNotFound(ctx);
  }
  ctx.logger.info({ planId: id, active, admin: ctx.from?.id }, 'plan switched by a tenant admin');
  await answer(ctx, { text: ctx.t(active ? 'adm-plan-switched-on' : 'adm-plan-switched-off') });
  await showPlan(ctx, id);
}

/**
 * Moves a plan one place up or down in the customers' list. Plans made without an order share sort
 * order 0, so swapping two numbers would not always move anything: the list is renumbered instead,
 * touching only the plans whose number changes.
 */
async function movePlan(ctx: BotContext, id: number, direction: 'up' | 'down'): Promise<void> {
  const service = ctx.shop.services.plans;
  const plans = await service.findAll();
  const index = plans.findIndex((plan) => plan.id === id);
  const target = direction === 'up' ? index - 1 : index + 1;
  const moving = plans[index];
  const other = plans[target];
  if (!moving) {
    await answer(ctx);
    return planNotFound(ctx);
  }
  if (!other) {
    await answer(ctx);
    return showPlan(ctx, id);
  }
  const ordered = [...plans];
  ordered[index] = other;
  ordered[target] = moving;
  for (const [position, plan] of ordered.entries()) {
    const sortOrder = (position + 1) * 10;
    if (plan.sortOrder !== sortOrder) await service.update(plan.id, { sortOrder });
  }
  await answer(ctx, { text: ctx.t('adm-plan-moved') });
  await showPlan(ctx, id);
}

async function askPlanField(ctx: BotContext, id: PlanId, field: PlanField): Promise<void> {
  const plan = await ctx.shop.services.plans.get(id);
  if (!plan) return planNotFound(ctx);
  clearInput(ctx);
  await ask(
    ctx,
    { kind: 'admin-plan-field', planId: id, field },
    `${ctx.t('adm-plan-editing', { name: plan.name })}\n\n${prompt(ctx, field)}`,
  );
}

async function receivePlanField(
  ctx: BotContext,
  { planId: id, field }: AwaitingOf<'admin-plan-field'>,
  text: string,
): Promise<void> {
  const value = parseField(field, text);
  if (value === undefined) return replyWithCancel(ctx, ctx.t(INVALID[field]));
  const result = await ctx.shop.services.plans.update(id, { [PLAN_FIELDS[field]]: value });
  if (!result.ok) return replyWithCancel(ctx, ctx.t(INVALID[field]));
  if (!result.value) return planNotFound(ctx);
  clearInput(ctx);
  ctx.logger.info({ planId: id, field, admin: ctx.from?.id }, 'plan edited by a tenant admin');
  await ctx.reply(ctx.t('adm-plan-saved'));
  await showPlan(ctx, id);
}

async function startPlanCreation(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  await ask(
    ctx,
    { kind: 'admin-plan-new', field: 'name', draft: {} },
    `${ctx.t('adm-plan-new-title')}\n\n${prompt(ctx, 'name')}`,
  );
}

/** One step of creating a plan: store the typed field, ask for the next, create after the last. */
async function receivePlanStep(
  ctx: BotContext,
  { field, draft }: AwaitingOf<'admin-plan-new'>,
  text: string,
): Promise<void> {
  const value = parseField(field, text);
  if (value === undefined) return replyWithCancel(ctx, ctx.t(INVALID[field]));
  const next = CREATE_STEPS[CREATE_STEPS.indexOf(field) + 1];
  const updated = { ...draft, [PLAN_FIELDS[field]]: value };
  if (next) {
    ctx.session.awaiting = { kind: 'admin-plan-new', field: next, draft: updated };
    await replyWithCancel(ctx, prompt(ctx, next));
    return;
  }
  const { name, periodDays, price, trafficGb } = updated;
  const deviceLimit = value as number;
  if (name === undefined || periodDays === undefined || price === undefined || trafficGb === undefined) {
    return startPlanCreation(ctx);
  }
  const service = ctx.shop.services.plans;
  // a new plan goes to the end of the list
  const last = (await service.findAll()).at(-1);
  const created = await service.create({
    name,
    periodDays,
    price,
    trafficGb,
    deviceLimit,
    sortOrder: (last?.sortOrder ?? 0) + 10,
  });
  if (!created.ok)
    return replyWithCancel(ctx, ctx.t('adm-plan-not-created', { reason: created.error.message }));
  clearInput(ctx);
  ctx.logger.info({ planId: created.value.id, admin: ctx.from?.id }, 'plan created by a tenant admin');
  await ctx.reply(ctx.t('adm-plan-created', { name: created.value.name }));
  await showPlan(ctx, created.value.id);
}

function plansButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, plansButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showPlans(ctx);
  });
  onPress(buttons, newPlanButton, async (ctx) => {
    await answer(ctx);
    await startPlanCreation(ctx);
  });
  onPress(buttons, planButton, async (ctx, { planId }) => {
    await answer(ctx);
    clearInput(ctx);
    await showPlan(ctx, planId);
  });
  onPress(buttons, switchPlanButton, (ctx, { planId, to }) => setPlanActive(ctx, planId, to === 'on'));
  onPress(buttons, movePlanButton, (ctx, { planId, direction }) => movePlan(ctx, planId, direction));
  onPress(buttons, editPlanButton, async (ctx, { planId, field }) => {
    await answer(ctx);
    await askPlanField(ctx, planId, field);
  });
  return buttons;
}

/** Plans: the list, one plan's card (edit, reorder, switch on and off) and creating one step by step. */
export const plansSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-plans'), data: plansButton.build() }),
  composer: plansButtons(),
  onText: { 'admin-plan-new': receivePlanStep, 'admin-plan-field': receivePlanField },
};
