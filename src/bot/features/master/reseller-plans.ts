import { InlineKeyboard } from 'grammy';
import type { Customer } from '../../../modules/customers/customers-service.js';
import { FEATURE_KEYS, type FeatureKey } from '../../../modules/feature-flags/features.js';
import type { ResellerPlan } from '../../../modules/resellers/reseller-plans.js';
import type { ResellerSignup } from '../../../modules/resellers/signups.js';
import { asCustomerId } from '../../../shared/ids.js';
import type { Language } from '../../../shared/language.js';
import { callbackData, integer, oneOf, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatId, formatMoney } from '../../format.js';
import {
  cancelKeyboard,
  clearInput,
  formatNumber,
  type PanelSection,
  panelHomeButton,
  parseWholeNumber,
  show,
} from './master-ui.js';
import { signupApproveButton, signupRejectButton } from './signup-buttons.js';

/*
 * The operators' reseller plans (what "Open my shop" sells in the master bot: a monthly fee, wallet
 * credit included, the switches a shop keeps, a customer cap) and the paid signups waiting for
 * their approval.
 */

const FIELDS = ['name', 'fee', 'credit', 'cap'] as const;
type Field = (typeof FIELDS)[number];

const plansButton = callbackData('fleet:rp:list');
const newPlanButton = callbackData('fleet:rp:new');
const planButton = callbackData('fleet:rp', { planId: integer() });
const featureButton = callbackData('fleet:rp', { planId: integer(), f: 'f', key: token(/[a-z_]{1,32}/) });
const editButton = callbackData('fleet:rp', { planId: integer(), e: 'e', field: oneOf(FIELDS) });
const activeButton = callbackData('fleet:rp', { planId: integer(), a: 'a' });
const signupsButton = callbackData('fleet:rsu:list');

const money = (ctx: BotContext, amount: number) =>
  formatMoney(amount, ctx.shop.tenant.currency, ctx.language, ctx.t);

function planCard(ctx: BotContext, plan: ResellerPlan): string {
  return ctx.t('reseller-op-plan-card', {
    name: plan.name,
    fee: money(ctx, plan.monthlyFee),
    credit: money(ctx, plan.includedCredit),
    cap:
      plan.customerCap === null ? ctx.t('reseller-cap-none') : formatNumber(ctx.language, plan.customerCap),
    active: plan.isActive ? 'yes' : 'no',
  });
}

async function showPlans(ctx: BotContext, prefix?: string): Promise<void> {
  const services = ctx.shop.services;
  const [plans, waiting, enabled] = await Promise.all([
    services.resellers.plans.list(),
    services.resellers.signups.list(['awaiting_approval'], 50),
    services.settings.get('reseller_signup_enabled'),
  ]);
  const keyboard = new InlineKeyboard();
  for (const plan of plans)
    keyboard.text(`${plan.isActive ? '' : '⏸ '}${plan.name}`, planButton.build({ planId: plan.id })).row();
  keyboard.text(ctx.t('reseller-op-btn-new'), newPlanButton.build()).row();
  keyboard
    .text(
      ctx.t('reseller-op-btn-waiting', { count: formatNumber(ctx.language, waiting.length) }),
      signupsButton.build(),
    )
    .row();
  keyboard.text(ctx.t('master-btn-home'), panelHomeButton.build());
  const text = ctx.t('reseller-op-plans', {
    count: formatNumber(ctx.language, plans.length),
    signup: enabled ? 'yes' : 'no',
  });
  await show(ctx, prefix ? `${prefix}\n\n${text}` : text, keyboard);
}

async function showPlan(ctx: BotContext, planId: number, prefix?: string): Promise<void> {
  const plan = await ctx.shop.services.resellers.plans.get(planId);
  if (!plan) return showPlans(ctx, ctx.t('reseller-plan-unavailable'));
  const keyboard = new InlineKeyboard();
  for (const field of FIELDS)
    keyboard.text(ctx.t('reseller-op-btn-edit', { field }), editButton.build({ planId, field }));
  keyboard.row();
  FEATURE_KEYS.forEach((key, index) => {
    const on = plan.featureKeys.includes(key);
    keyboard.text(
      `${on ? '✅' : '❌'} ${ctx.t('reseller-feature', { key })}`,
      featureButton.build({ planId, key }),
    );
    if (index % 2 === 1) keyboard.row();
  });
  keyboard
    .row()
    .text(
      ctx.t('reseller-op-btn-active', { active: plan.isActive ? 'yes' : 'no' }),
      activeButton.build({ planId }),
    )
    .row()
    .text(ctx.t('reseller-op-btn-plans'), plansButton.build());
  const text = `${planCard(ctx, plan)}\n\n${ctx.t('reseller-op-features-hint')}`;
  await show(ctx, prefix ? `${prefix}\n\n${text}` : text, keyboard);
}

/**
 * A paid signup as the operators review it: who (their @username, else their name, else their
 * customer number), which bot, what was paid. Ids in the screen's digits (Persian in Persian): it
 * is built in an update (the waiting list) and outside one (the review notice), so it is told the
 * language rather than taking it from an update.
 */
export function signupCard(
  ctx: { readonly t: BotContext['t']; readonly language: Language },
  signup: ResellerSignup,
  customer: Pick<Customer, 'username' | 'firstName'> | undefined,
  amount: string,
): string {
  const who = customer?.username
    ? `@${customer.username}`
    : (customer?.firstName ?? `#${formatId(signup.customerId, ctx.language)}`);
  return ctx.t('reseller-op-signup', {
    id: formatId(signup.id, ctx.language),
    who,
    bot: `@${signup.botUsername}`,
    price: amount,
  });
}

async function showWaiting(ctx: BotContext): Promise<void> {
  const services = ctx.shop.services;
  const waiting = await services.resellers.signups.list(['awaiting_approval'], 10);
  const keyboard = new InlineKeyboard();
  const lines: string[] = [];
  for (const signup of waiting) {
    const customer = await services.customers.get(asCustomerId(signup.customerId));
    lines.push(signupCard(ctx, signup, customer, money(ctx, signup.price)));
    keyboard
      .text(
        ctx.t('reseller-op-btn-approve', { id: formatId(signup.id, ctx.language) }),
        signupApproveButton.build({ signupId: signup.id }),
      )
      .text(
        ctx.t('reseller-op-btn-reject', { id: formatId(signup.id, ctx.language) }),
        signupRejectButton.build({ signupId: signup.id }),
      )
      .row();
  }
  keyboard.text(ctx.t('reseller-op-btn-plans'), plansButton.build());
  const text = lines.length === 0 ? ctx.t('reseller-op-none-waiting') : lines.join('\n\n');
  await show(ctx, text, keyboard);
}

async function ask(ctx: BotContext, awaiting: AwaitingOf<'operator-reseller-plan'>): Promise<void> {
  ctx.session.awaiting = awaiting;
  await show(ctx, ctx.t('reseller-op-ask', { field: awaiting.field }), cancelKeyboard(ctx.t));
}

async function receive(ctx: BotContext, awaiting: AwaitingOf<'operator-reseller-plan'>, text: string) {
  const plans = ctx.shop.services.resellers.plans;
  const field: Field = awaiting.field;
  let value: string | number | null | undefined;
  if (field === 'name') value = text.trim().length > 0 && text.trim().length <= 64 ? text.trim() : undefined;
  else {
    const number = parseWholeNumber(text);
    value = field === 'cap' && number === 0 ? null : number;
  }
  if (value === undefined) {
    await ctx.reply(ctx.t('reseller-op-invalid', { field }), { reply_markup: cancelKeyboard(ctx.t) });
    return;
  }
  if (awaiting.planId !== null) {
    const patch =
      field === 'name'
        ? { name: value as string }
        : field === 'fee'
          ? { monthlyFee: value as number }
          : field === 'credit'
            ? { includedCredit: value as number }
            : { customerCap: value as number | null };
    const updated = await plans.update(awaiting.planId, patch);
    if (!updated.ok) {
      await ctx.reply(ctx.t('reseller-op-invalid', { field }), { reply_markup: cancelKeyboard(ctx.t) });
      return;
    }
    clearInput(ctx);
    await showPlan(ctx, awaiting.planId, ctx.t('reseller-op-saved'));
    return;
  }
  const draft = { ...awaiting.draft };
  if (field === 'name') draft.name = value as string;
  if (field === 'fee') draft.monthlyFee = value as number;
  if (field === 'credit') draft.includedCredit = value as number;
  const next = FIELDS[FIELDS.indexOf(field) + 1];
  if (next) {
    await ask(ctx, { kind: 'operator-reseller-plan', planId: null, field: next, draft });
    return;
  }
  const created = await plans.create({
    name: draft.name ?? '',
    monthlyFee: draft.monthlyFee ?? 0,
    includedCredit: draft.includedCredit ?? 0,
    customerCap: value as number | null,
  });
  clearInput(ctx);
  if (!created.ok) {
    await showPlans(ctx, ctx.t('reseller-op-invalid', { field }));
    return;
  }
  ctx.logger.info({ planId: created.value.id, operator: ctx.from?.id }, 'reseller plan created');
  await showPlan(ctx, created.value.id, ctx.t('reseller-op-created'));
}

/** Reseller plans and the signups waiting for approval, in the operators' panel. */
export const resellerPlansSection: PanelSection = () => {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, plansButton, async (ctx) => {
    clearInput(ctx);
    await ctx.answerCallbackQuery();
    await showPlans(ctx);
  });
  onPress(buttons, newPlanButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ask(ctx, { kind: 'operator-reseller-plan', planId: null, field: 'name', draft: {} });
  });
  onPress(buttons, planButton, async (ctx, { planId }) => {
    clearInput(ctx);
    await ctx.answerCallbackQuery();
    await showPlan(ctx, planId);
  });
  onPress(buttons, editButton, async (ctx, { planId, field }) => {
    await ctx.answerCallbackQuery();
    await ask(ctx, { kind: 'operator-reseller-plan', planId, field, draft: {} });
  });
  onPress(buttons, featureButton, async (ctx, { planId, key }) => {
    const plans = ctx.shop.services.resellers.plans;
    const plan = await plans.get(planId);
    if (!plan || !(FEATURE_KEYS as string[]).includes(key)) return ctx.answerCallbackQuery();
    const featureKeys = plan.featureKeys.includes(key as FeatureKey)
      ? plan.featureKeys.filter((k) => k !== key)
      : [...plan.featureKeys, key as FeatureKey];
    await plans.update(planId, { featureKeys });
    await ctx.answerCallbackQuery();
    await showPlan(ctx, planId);
  });
  onPress(buttons, activeButton, async (ctx, { planId }) => {
    const plans = ctx.shop.services.resellers.plans;
    const plan = await plans.get(planId);
    if (plan) await plans.update(planId, { isActive: !plan.isActive });
    await ctx.answerCallbackQuery();
    await showPlan(ctx, planId);
  });
  onPress(buttons, signupsButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showWaiting(ctx);
  });
  onPress(buttons, signupApproveButton, async (ctx, { signupId }) => {
    const outcome = await ctx.shop.services.resellers.signups.approve(signupId, ctx.from.id);
    await ctx.answerCallbackQuery({
      text: ctx.t(outcome.status === 'decided' ? 'reseller-op-approved' : 'reseller-op-already', {
        status: outcome.signup?.status ?? 'cancelled',
      }),
      show_alert: outcome.status !== 'decided',
    });
    if (outcome.status === 'decided')
      ctx.logger.info({ signupId, operator: ctx.from.id }, 'reseller signup approved');
    await ctx.editMessageReplyMarkup().catch(() => undefined);
  });
  onPress(buttons, signupRejectButton, async (ctx, { signupId }) => {
    const outcome = await ctx.shop.services.resellers.signups.reject(signupId, ctx.from.id);
    await ctx.answerCallbackQuery({
      text: ctx.t(outcome.status === 'decided' ? 'reseller-op-rejected' : 'reseller-op-already', {
        status: outcome.signup?.status ?? 'cancelled',
      }),
      show_alert: outcome.status !== 'decided',
    });
    if (outcome.status === 'decided')
      ctx.logger.info({ signupId, operator: ctx.from.id }, 'reseller signup rejected and refunded');
    await ctx.editMessageReplyMarkup().catch(() => undefined);
  });
  return {
    button: (ctx) => ({ text: ctx.t('reseller-op-btn'), data: plansButton.build() }),
    composer: buttons,
    onText: { 'operator-reseller-plan': (ctx, awaiting, text) => receive(ctx, awaiting, text) },
  };
};
