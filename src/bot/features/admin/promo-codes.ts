import { InlineKeyboard } from 'grammy';
import { asGroupId } from '../../../modules/groups/groups-service.js';
import {
  asPromoCodeId,
  isDiscount,
  PROMO_KINDS,
  type PromoCodeDetails,
  type PromoCodeId,
  type PromoInput,
  type PromoKind,
  parseCode,
} from '../../../modules/promo/promo-code.js';
import { asPlanId } from '../../../shared/ids.js';
import { MAX_MONEY } from '../../../shared/money.js';
import { callbackData, id, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatDate, formatNumber } from '../../format.js';
import type { Section } from '../section.js';
import {
  adminCancelButton,
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

const LIST_LIMIT = 20;
const DAY_MS = 86_400_000;

const promosButton = callbackData('adm:promos');
const newPromoButton = callbackData('adm:promo:new');
const kindButton = callbackData('adm:promo:kind', { kind: oneOf(PROMO_KINDS) });
const groupPickButton = callbackData('adm:promo:grp', { groupId: id(asGroupId) });
const promoButton = callbackData('adm:promo', { promoId: id(asPromoCodeId) });
const switchPromoButton = callbackData('adm:promo', { promoId: id(asPromoCodeId), to: oneOf(['on', 'off']) });
/** A discount code's conditions before it is made (the draft lives in the session's awaiting). */
const conditionsButton = callbackData('adm:promo:cond', { op: oneOf(['show', 'first', 'plans', 'create']) });
const conditionPlanButton = callbackData('adm:promo:cond:plan', { planId: id(asPlanId) });

type ValueKind = AwaitingOf<'admin-promo-value'>['promoKind'];
type Conditions = AwaitingOf<'admin-promo-conditions'>;

/** Two or more whole numbers typed on one line ("30 10", "۳۰، ۱۰"); undefined when any is not one. */
const parseNumbers = (text: string, count: number): number[] | undefined => {
  const parts = text
    .trim()
    .split(/[\s,،/]+/u)
    .filter((part) => part.length > 0);
  if (parts.length !== count) return undefined;
  const values = parts.map(parseWhole);
  return values.every((value) => value !== undefined) ? (values as number[]) : undefined;
};

/** What a code gives, in the admin's words ("20 %", "50,000 Toman", "7 days", ...). */
function valueText(ctx: BotContext, code: PromoCodeDetails, groupName?: string): string {
  const n = (value: number | null) => formatNumber(value ?? 0, ctx.language);
  switch (code.kind) {
    case 'percent':
      return ctx.t('adm-promo-value-percent', { percent: n(code.percent) });
    case 'fixed':
    case 'balance':
      return money(ctx, code.amount ?? 0);
    case 'days':
      return ctx.t('adm-promo-value-days', { days: n(code.days) });
    case 'trial':
      return ctx.t('adm-promo-value-trial', {
        days: n(code.days),
        traffic: code.trafficGb === null ? '–' : n(code.trafficGb),
      });
    case 'group':
      return groupName ?? String(code.groupId);
  }
}

const usesText = (ctx: BotContext, code: PromoCodeDetails) =>
  code.maxUses === null
    ? formatNumber(code.uses, ctx.language)
    : `${formatNumber(code.uses, ctx.language)}/${formatNumber(code.maxUses, ctx.language)}`;

async function showPromos(ctx: BotContext): Promise<void> {
  const page = await ctx.shop.services.promo.findPage({ limit: LIST_LIMIT, offset: 0 });
  const keyboard = new InlineKeyboard();
  for (const code of page.items)
    keyboard
      .text(
        ctx.t('adm-promo-button', {
          active: code.isActive ? 'yes' : 'no',
          code: code.code,
          kind: code.kind,
          uses: usesText(ctx, code),
        }),
        promoButton.build({ promoId: code.id }),
      )
      .row();
  keyboard.text(ctx.t('adm-btn-promo-new'), newPromoButton.build()).row();
  withHome(keyboard, ctx.t);
  const enabled = await ctx.shop.services.promo.isEnabled();
  const lines = [
    ctx.t(page.total === 0 ? 'adm-promos-empty' : 'adm-promos-title', {
      count: formatNumber(page.total, ctx.language),
    }),
  ];
  if (!enabled) lines.push('', ctx.t('adm-promos-switched-off'));
  await show(ctx, lines.join('\n'), keyboard);
}

const promoNotFound = (ctx: BotContext) => showNotFound(ctx, 'adm-promo-not-found', promosButton.build());

async function showPromo(ctx: BotContext, promoId: PromoCodeId, prefix?: string): Promise<void> {
  const services = ctx.shop.services;
  const code = await services.promo.get(promoId);
  if (!code) return promoNotFound(ctx);
  const [usage, timeZone, group, username] = await Promise.all([
    services.promo.usage(promoId),
    services.settings.get('timezone'),
    code.groupId === null ? undefined : services.groups.get(asGroupId(code.groupId)),
    Promise.resolve(ctx.me.username),
  ]);
  const date = (value: Date | null) => (value ? formatDate(value, ctx.language, timeZone) : '–');
  const text = ctx.t('adm-promo-card', {
    code: code.code,
    kind: code.kind,
    value: valueText(ctx, code, group?.name),
    uses: usesText(ctx, code),
    held: formatNumber(usage.reserved, ctx.language),
    perCustomer: formatNumber(code.perCustomer, ctx.language),
    from: date(code.validFrom),
    until: date(code.validUntil),
    active: code.isActive ? 'yes' : 'no',
    // Telegram's deep links carry letters, digits, _ and - only
    link: /^[A-Za-z0-9_-]+$/.test(code.code) ? `https://t.me/${username}?start=promo_${code.code}` : '–',
  });
  const conditions = isDiscount(code.kind) ? `\n${await conditionsText(ctx, code)}` : '';
  const keyboard = new InlineKeyboard()
    .text(
      ctx.t(code.isActive ? 'adm-btn-switch-off' : 'adm-btn-switch-on'),
      switchPromoButton.build({ promoId, to: code.isActive ? 'off' : 'on' }),
    )
    .row()
    .text(ctx.t('adm-btn-back'), promosButton.build());
  withHome(keyboard, ctx.t);
  await show(ctx, `${prefix ? `${prefix}\n\n` : ''}${text}${conditions}`, keyboard);
}

/** A discount's conditions in the admin's words: its plans (by name), first purchase only, minimum price. */
async function conditionsText(
  ctx: BotContext,
  code: {
    readonly planIds: readonly number[];
    readonly firstPurchaseOnly: boolean;
    readonly minPrice: number;
  },
): Promise<string> {
  let plans = ctx.t('adm-promo-plans-all');
  if (code.planIds.length > 0) {
    const names = new Map(
      (await ctx.shop.services.plans.findAll()).map((plan) => [plan.id as number, plan.name]),
    );
    plans = code.planIds
      .map((planId) => names.get(planId) ?? `#${formatNumber(planId, ctx.language)}`)
      .join('، ');
  }
  return ctx.t('adm-promo-conditions-lines', {
    plans,
    first: code.firstPurchaseOnly ? 'yes' : 'no',
    minPrice: code.minPrice === 0 ? ctx.t('adm-promo-min-none') : money(ctx, code.minPrice),
  });
}

/** The conditions screen of a discount being made; a number typed meanwhile is its minimum price. */
async function showConditions(ctx: BotContext, draft: Conditions): Promise<void> {
  ctx.session.awaiting = draft;
  const keyboard = new InlineKeyboard()
    .text(ctx.t('adm-btn-promo-plans'), conditionsButton.build({ op: 'plans' }))
    .row()
    .text(
      ctx.t('adm-btn-promo-first', { first: draft.firstPurchaseOnly ? 'yes' : 'no' }),
      conditionsButton.build({ op: 'first' }),
    )
    .row()
    .text(ctx.t('adm-btn-promo-create'), conditionsButton.build({ op: 'create' }))
    .row()
    .text(ctx.t('adm-btn-cancel'), adminCancelButton.build());
  await show(
    ctx,
    ctx.t('adm-promo-conditions', { code: draft.code, lines: await conditionsText(ctx, draft) }),
    keyboard,
  );
}

/** The shop's active plans to tick: none ticked means every plan. */
async function showConditionPlans(ctx: BotContext, draft: Conditions): Promise<void> {
  const plans = (await ctx.shop.services.plans.findAll()).filter((plan) => plan.isActive);
  const keyboard = new InlineKeyboard();
  for (const plan of plans)
    keyboard
      .text(
        ctx.t('adm-promo-plan-button', {
          on: draft.planIds.includes(plan.id) ? 'yes' : 'no',
          name: plan.name,
        }),
        conditionPlanButton.build({ planId: plan.id }),
      )
      .row();
  keyboard.text(ctx.t('adm-btn-back'), conditionsButton.build({ op: 'show' }));
  await show(ctx, ctx.t(plans.length === 0 ? 'adm-promo-no-plans' : 'adm-promo-pick-plans'), keyboard);
}

/** The draft of the discount being made, or undefined (cancelled, or another question began). */
const draftOf = (ctx: BotContext): Conditions | undefined => {
  const awaiting = ctx.session.awaiting;
  return awaiting?.kind === 'admin-promo-conditions' ? awaiting : undefined;
};

async function showKinds(ctx: BotContext): Promise<void> {
  const keyboard = new InlineKeyboard();
  PROMO_KINDS.forEach((kind, index) => {
    keyboard.text(ctx.t('adm-promo-kind', { kind }), kindButton.build({ kind }));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row().text(ctx.t('adm-btn-back'), promosButton.build());
  await show(ctx, ctx.t('adm-promo-pick-kind'), keyboard);
}

async function pickKind(ctx: BotContext, kind: PromoKind): Promise<void> {
  clearInput(ctx);
  if (kind !== 'group') {
    await ask(ctx, { kind: 'admin-promo-code', promoKind: kind }, ctx.t('adm-promo-ask-code'));
    return;
  }
  const groups = (await ctx.shop.services.groups.findAll()).filter((group) => group.isActive);
  if (groups.length === 0) return showNotFound(ctx, 'adm-promo-no-groups', promosButton.build());
  const keyboard = new InlineKeyboard();
  for (const group of groups) keyboard.text(group.name, groupPickButton.build({ groupId: group.id })).row();
  keyboard.text(ctx.t('adm-btn-back'), newPromoButton.build());
  await show(ctx, ctx.t('adm-promo-pick-group'), keyboard);
}

const limitsPrompt = (ctx: BotContext) => ctx.t('adm-promo-ask-limits');

async function receiveCode(ctx: BotContext, awaiting: AwaitingOf<'admin-promo-code'>, text: string) {
  const code = parseCode(text);
  if (code === undefined) return replyWithCancel(ctx, ctx.t('adm-promo-bad-code'));
  if (await ctx.shop.services.promo.findByCode(code))
    return replyWithCancel(ctx, ctx.t('adm-promo-code-taken', { code }));
  if (awaiting.promoKind === 'group') {
    ctx.session.awaiting = {
      kind: 'admin-promo-limits',
      code,
      promoKind: 'group',
      value: awaiting.groupId ?? 0,
    };
    return replyWithCancel(ctx, limitsPrompt(ctx));
  }
  ctx.session.awaiting = { kind: 'admin-promo-value', code, promoKind: awaiting.promoKind };
  await replyWithCancel(ctx, ctx.t('adm-promo-ask-value', { kind: awaiting.promoKind }));
}

/** The kind's value: percent 1-100, an amount, days 1-3650, or a trial's "days GB". */
function parseValue(kind: ValueKind, text: string): { value: number; trafficGb?: number } | undefined {
  if (kind === 'trial') {
    const [days, gb] = parseNumbers(text, 2) ?? [];
    if (days === undefined || gb === undefined || days < 1 || days > 3650 || gb > 100_000) return undefined;
    return { value: days, trafficGb: gb };
  }
  const value = parseWhole(text);
  if (value === undefined || value < 1) return undefined;
  if (kind === 'percent' && value > 100) return undefined;
  if (kind === 'days' && value > 3650) return undefined;
  if ((kind === 'fixed' || kind === 'balance') && value > MAX_MONEY) return undefined;
  return { value };
}

async function receiveValue(ctx: BotContext, awaiting: AwaitingOf<'admin-promo-value'>, text: string) {
  const parsed = parseValue(awaiting.promoKind, text);
  if (!parsed) return replyWithCancel(ctx, ctx.t('adm-promo-bad-value', { kind: awaiting.promoKind }));
  ctx.session.awaiting = {
    kind: 'admin-promo-limits',
    code: awaiting.code,
    promoKind: awaiting.promoKind,
    value: parsed.value,
    ...(parsed.trafficGb === undefined ? {} : { trafficGb: parsed.trafficGb }),
  };
  await replyWithCancel(ctx, limitsPrompt(ctx));
}

/** "uses days [per customer]": total uses (0 unlimited), days valid (0 no end), uses per customer (1). */
const parseLimits = (text: string) => {
  const [maxUses, days, perCustomer = 1] = parseNumbers(text, 3) ?? parseNumbers(text, 2) ?? [];
  if (maxUses === undefined || days === undefined) return undefined;
  if (maxUses > 1_000_000_000 || days > 3650 || perCustomer < 1 || perCustomer > 1000) return undefined;
  return { maxUses, days, perCustomer };
};

/** The limits typed: a discount goes on to its conditions, any other code is made at once. */
async function receiveLimits(ctx: BotContext, awaiting: AwaitingOf<'admin-promo-limits'>, text: string) {
  const limits = parseLimits(text);
  if (!limits) return replyWithCancel(ctx, ctx.t('adm-promo-bad-limits'));
  const { code, promoKind: kind, value } = awaiting;
  if (kind === 'percent' || kind === 'fixed')
    return showConditions(ctx, {
      kind: 'admin-promo-conditions',
      code,
      promoKind: kind,
      value,
      ...limits,
      planIds: [],
      firstPurchaseOnly: false,
      minPrice: 0,
    });
  await createCode(ctx, {
    code,
    kind,
    ...(kind === 'balance' ? { amount: value } : {}),
    ...(kind === 'days' || kind === 'trial' ? { days: value } : {}),
    ...(kind === 'trial' && awaiting.trafficGb !== undefined ? { trafficGb: awaiting.trafficGb } : {}),
    ...(kind === 'group' ? { groupId: value } : {}),
    ...limitsInput(limits),
  });
}

const limitsInput = (limits: { maxUses: number; days: number; perCustomer: number }) => ({
  maxUses: limits.maxUses === 0 ? null : limits.maxUses,
  validUntil: limits.days === 0 ? null : new Date(Date.now() + limits.days * DAY_MS),
  perCustomer: limits.perCustomer,
});

/** A minimum price typed on the conditions screen (0: none). */
async function receiveMinPrice(ctx: BotContext, draft: Conditions, text: string) {
  const minPrice = parseWhole(text);
  if (minPrice === undefined || minPrice > MAX_MONEY)
    return replyWithCancel(ctx, ctx.t('adm-promo-bad-min-price'));
  ctx.session.awaiting = { ...draft, minPrice };
  await ctx.reply(ctx.t('adm-promo-min-price-set'));
  await showConditions(ctx, { ...draft, minPrice });
}

async function createDiscount(ctx: BotContext, draft: Conditions) {
  await createCode(ctx, {
    code: draft.code,
    kind: draft.promoKind,
    ...(draft.promoKind === 'percent' ? { percent: draft.value } : { amount: draft.value }),
    ...limitsInput(draft),
    ...(draft.planIds.length > 0 ? { planIds: draft.planIds } : {}),
    firstPurchaseOnly: draft.firstPurchaseOnly,
    minPrice: draft.minPrice,
  });
}

async function createCode(ctx: BotContext, input: PromoInput) {
  const created = await ctx.shop.services.promo.create({
    ...input,
    ...(ctx.from ? { createdBy: ctx.from.id } : {}),
  });
  if (!created.ok) {
    ctx.logger.warn({ reason: created.error.message }, 'promo code not created');
    return replyWithCancel(
      ctx,
      created.error.code === 'conflict'
        ? ctx.t('adm-promo-code-taken', { code: input.code })
        : ctx.t('adm-promo-not-created'),
    );
  }
  clearInput(ctx);
  ctx.logger.info(
    { promoId: created.value.id, kind: input.kind, admin: ctx.from?.id },
    'promo code created by a tenant admin',
  );
  await ctx.reply(ctx.t('adm-promo-created', { code: created.value.code }));
  await showPromo(ctx, created.value.id);
}

function promoButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, promosButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showPromos(ctx);
  });
  onPress(buttons, newPromoButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showKinds(ctx);
  });
  onPress(buttons, kindButton, async (ctx, { kind }) => {
    await answer(ctx);
    await pickKind(ctx, kind);
  });
  onPress(buttons, groupPickButton, async (ctx, { groupId }) => {
    await answer(ctx);
    if (!(await ctx.shop.services.groups.get(groupId)))
      return showNotFound(ctx, 'adm-promo-no-groups', promosButton.build());
    await ask(ctx, { kind: 'admin-promo-code', promoKind: 'group', groupId }, ctx.t('adm-promo-ask-code'));
  });
  onPress(buttons, promoButton, async (ctx, { promoId }) => {
    clearInput(ctx);
    await answer(ctx);
    await showPromo(ctx, promoId);
  });
  onPress(buttons, conditionsButton, async (ctx, { op }) => {
    const draft = draftOf(ctx);
    if (!draft) {
      await answer(ctx);
      return showNotFound(ctx, 'adm-promo-draft-gone', newPromoButton.build());
    }
    if (op === 'create') {
      await answer(ctx);
      return createDiscount(ctx, draft);
    }
    await answer(ctx);
    if (op === 'plans') return showConditionPlans(ctx, draft);
    await showConditions(
      ctx,
      op === 'first' ? { ...draft, firstPurchaseOnly: !draft.firstPurchaseOnly } : draft,
    );
  });
  onPress(buttons, conditionPlanButton, async (ctx, { planId }) => {
    const draft = draftOf(ctx);
    await answer(ctx);
    if (!draft) return showNotFound(ctx, 'adm-promo-draft-gone', newPromoButton.build());
    const planIds = draft.planIds.includes(planId)
      ? draft.planIds.filter((other) => other !== planId)
      : [...draft.planIds, planId].slice(0, 100);
    ctx.session.awaiting = { ...draft, planIds };
    await showConditionPlans(ctx, { ...draft, planIds });
  });
  onPress(buttons, switchPromoButton, async (ctx, { promoId, to }) => {
    const promo = ctx.shop.services.promo;
    const changed = await (to === 'on' ? promo.enable(promoId) : promo.disable(promoId));
    if (!changed) {
      await answer(ctx);
      return promoNotFound(ctx);
    }
    ctx.logger.info({ promoId, to, admin: ctx.from?.id }, 'promo code switched by a tenant admin');
    await answer(ctx, { text: ctx.t(to === 'on' ? 'adm-promo-switched-on' : 'adm-promo-switched-off') });
    await showPromo(ctx, promoId);
  });
  return buttons;
}

/**
 * Promo codes: the latest codes with their uses, one code's card (what it gives, uses and held
 * discounts, validity, its /start link, on and off) and creating one: its kind (and group), then
 * the code, its value and its limits typed; a discount then its conditions (plans, first purchase
 * only, minimum price) before it is made.
 */
export const promoCodesSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-promos'), data: promosButton.build() }),
  composer: promoButtons(),
  onText: {
    'admin-promo-code': receiveCode,
    'admin-promo-value': receiveValue,
    'admin-promo-limits': receiveLimits,
    'admin-promo-conditions': receiveMinPrice,
  },
};
