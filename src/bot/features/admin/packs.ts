import { InlineKeyboard } from 'grammy';
import {
  PACK_AMOUNT_MAX,
  PACK_KINDS,
  type Pack,
  type PackKind,
  packPatch,
} from '../../../modules/packs/packs-service.js';
import { asPackId, type PackId } from '../../../shared/ids.js';
import { callbackData, id, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import type { Section } from '../section.js';
import { packAmountText } from '../shop/extra-traffic.js';
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

type PackField = AwaitingOf<'admin-pack-field'>['field'];

const packsButton = callbackData('adm:packs');
const newPackButton = callbackData('adm:pack:new', { kind: oneOf(PACK_KINDS) });
const packButton = callbackData('adm:pack', { packId: id(asPackId) });
const switchPackButton = callbackData('adm:pack', { packId: id(asPackId), to: oneOf(['on', 'off']) });
const movePackButton = callbackData('adm:pack', { packId: id(asPackId), direction: oneOf(['up', 'down']) });
const editPackButton = callbackData('adm:pack', {
  packId: id(asPackId),
  edit: 'e',
  field: oneOf(['amount', 'price']),
});

/** What the admin types, by field; the amount's words and bounds depend on the pack's kind. */
const prompt = (ctx: BotContext, kind: PackKind, field: PackField) =>
  field === 'amount'
    ? ctx.t('adm-pack-ask-amount', { kind, max: formatNumber(PACK_AMOUNT_MAX[kind], ctx.language) })
    : ctx.t('adm-pack-ask-price');
const refusal = (ctx: BotContext, kind: PackKind, field: PackField) =>
  field === 'amount'
    ? ctx.t('adm-pack-bad-amount', { kind, max: formatNumber(PACK_AMOUNT_MAX[kind], ctx.language) })
    : ctx.t('adm-pack-bad-price');

/**
 * The typed value of one field, checked by the packs module's own rules (so the menu and the
 * service never disagree on what a valid pack is); undefined when it does not fit.
 */
function parseField(kind: PackKind, field: PackField, text: string): number | undefined {
  const value = parseWhole(text);
  if (value === undefined || !packPatch.safeParse({ [field]: value }).success) return undefined;
  return field === 'amount' && value > PACK_AMOUNT_MAX[kind] ? undefined : value;
}

/** A pack as the list and its card show it; `index` is its place among the packs of its kind. */
const packArgs = (ctx: BotContext, pack: Pack, index: number) => ({
  kind: pack.kind,
  position: formatNumber(index + 1, ctx.language),
  amount: packAmountText(pack, ctx),
  price: money(ctx, pack.price),
  active: pack.isActive ? 'yes' : 'no',
});

/** The shop's packs by kind, each in the customers' order. */
async function packsByKind(ctx: BotContext): Promise<Record<PackKind, Pack[]>> {
  const all = await ctx.shop.services.packs.findAll();
  return { traffic: all.filter((p) => p.kind === 'traffic'), days: all.filter((p) => p.kind === 'days') };
}

async function showPacks(ctx: BotContext): Promise<void> {
  const byKind = await packsByKind(ctx);
  const keyboard = new InlineKeyboard();
  const groups: string[] = [];
  for (const kind of PACK_KINDS) {
    const packs = byKind[kind];
    for (const pack of packs)
      keyboard
        .text(
          `${pack.isActive ? '✅' : '⏸'} ${packAmountText(pack, ctx)} · ${money(ctx, pack.price)}`,
          packButton.build({ packId: asPackId(pack.id) }),
        )
        .row();
    if (packs.length > 0)
      groups.push(
        [
          ctx.t('adm-packs-group', { kind }),
          ...packs.map((pack, index) => ctx.t('adm-pack-line', packArgs(ctx, pack, index))),
        ].join('\n'),
      );
  }
  for (const kind of PACK_KINDS)
    keyboard.text(ctx.t('adm-btn-pack-new', { kind }), newPackButton.build({ kind }));
  withHome(keyboard.row(), ctx.t);
  const text =
    groups.length === 0 ? ctx.t('adm-packs-empty') : [ctx.t('adm-packs-title'), ...groups].join('\n\n');
  await show(ctx, text, keyboard);
}

const packNotFound = (ctx: BotContext) => showNotFound(ctx, 'adm-pack-not-found', packsButton.build());

async function showPack(ctx: BotContext, id: PackId): Promise<void> {
  const pack = await ctx.shop.services.packs.get(id);
  if (!pack) return packNotFound(ctx);
  const siblings = (await packsByKind(ctx))[pack.kind];
  const index = siblings.findIndex((sibling) => sibling.id === id);
  const edit = (field: PackField) => editPackButton.build({ packId: id, field });
  const keyboard = new InlineKeyboard()
    .text(ctx.t('adm-btn-pack-amount', { kind: pack.kind }), edit('amount'))
    .text(ctx.t('adm-btn-edit-price'), edit('price'))
    .row();
  if (index > 0)
    keyboard.text(ctx.t('adm-btn-move-up'), movePackButton.build({ packId: id, direction: 'up' }));
  if (index < siblings.length - 1)
    keyboard.text(ctx.t('adm-btn-move-down'), movePackButton.build({ packId: id, direction: 'down' }));
  keyboard
    .row()
    .text(
      ctx.t(pack.isActive ? 'adm-btn-switch-off' : 'adm-btn-switch-on'),
      switchPackButton.build({ packId: id, to: pack.isActive ? 'off' : 'on' }),
    )
    .row()
    .text(ctx.t('adm-btn-back'), packsButton.build());
  withHome(keyboard, ctx.t);
  const text = ctx.t('adm-pack-card', {
    ...packArgs(ctx, pack, index),
    count: formatNumber(siblings.length, ctx.language),
  });
  await show(ctx, text, keyboard);
}

async function setPackActive(ctx: BotContext, id: PackId, active: boolean): Promise<void> {
  const packs = ctx.shop.services.packs;
  const pack = await (active ? packs.activate(id) : packs.deactivate(id));
  if (!pack) {
    await answer(ctx);
    return packNotFound(ctx);
  }
  ctx.logger.info({ packId: id, active, admin: ctx.from?.id }, 'pack switched by a tenant admin');
  await answer(ctx, { text: ctx.t(active ? 'adm-pack-switched-on' : 'adm-pack-switched-off') });
  await showPack(ctx, id);
}

async function movePack(ctx: BotContext, id: PackId, direction: 'up' | 'down'): Promise<void> {
  const moved = await ctx.shop.services.packs.move(id, direction);
  if (!moved) {
    await answer(ctx);
    return packNotFound(ctx);
  }
  await answer(ctx, { text: ctx.t('adm-pack-moved') });
  await showPack(ctx, id);
}

async function askPackField(ctx: BotContext, id: PackId, field: PackField): Promise<void> {
  const pack = await ctx.shop.services.packs.get(id);
  if (!pack) return packNotFound(ctx);
  clearInput(ctx);
  await ask(
    ctx,
    { kind: 'admin-pack-field', packId: id, field },
    `${ctx.t('adm-pack-editing', { kind: pack.kind, amount: packAmountText(pack, ctx) })}\n\n${prompt(ctx, pack.kind, field)}`,
  );
}

async function receivePackField(
  ctx: BotContext,
  { packId: id, field }: AwaitingOf<'admin-pack-field'>,
  text: string,
): Promise<void> {
  const pack = await ctx.shop.services.packs.get(id);
  if (!pack) return packNotFound(ctx);
  const value = parseField(pack.kind, field, text);
  if (value === undefined) return replyWithCancel(ctx, refusal(ctx, pack.kind, field));
  const result = await ctx.shop.services.packs.update(id, { [field]: value });
  if (!result.ok) return replyWithCancel(ctx, refusal(ctx, pack.kind, field));
  if (!result.value) return packNotFound(ctx);
  clearInput(ctx);
  ctx.logger.info({ packId: id, field, admin: ctx.from?.id }, 'pack edited by a tenant admin');
  await ctx.reply(ctx.t('adm-pack-saved'));
  await showPack(ctx, id);
}

async function startPackCreation(ctx: BotContext, kind: PackKind): Promise<void> {
  clearInput(ctx);
  await ask(
    ctx,
    { kind: 'admin-pack-new', packKind: kind },
    `${ctx.t('adm-pack-new-title', { kind })}\n\n${prompt(ctx, kind, 'amount')}`,
  );
}

/** One step of creating a pack: the amount, then the price, and then it is created. */
async function receivePackStep(
  ctx: BotContext,
  { packKind: kind, amount }: AwaitingOf<'admin-pack-new'>,
  text: string,
): Promise<void> {
  const field: PackField = amount === undefined ? 'amount' : 'price';
  const value = parseField(kind, field, text);
  if (value === undefined) return replyWithCancel(ctx, refusal(ctx, kind, field));
  if (amount === undefined) {
    ctx.session.awaiting = { kind: 'admin-pack-new', packKind: kind, amount: value };
    await replyWithCancel(ctx, prompt(ctx, kind, 'price'));
    return;
  }
  const service = ctx.shop.services.packs;
  // a new pack goes to the end of its kind's list
  const last = (await service.findAll(kind)).at(-1);
  const created = await service.create({
    kind,
    amount,
    price: value,
    sortOrder: (last?.sortOrder ?? 0) + 10,
  });
  if (!created.ok) {
    // each answer was checked by the module's own rules, so this is a bug rather than a typo: the
    // admin reads a plain apology in their language, the log the reason
    ctx.logger.warn({ kind, reason: created.error.message }, 'pack not created');
    return replyWithCancel(ctx, ctx.t('adm-pack-not-created'));
  }
  clearInput(ctx);
  const pack = created.value;
  ctx.logger.info({ packId: pack.id, kind, admin: ctx.from?.id }, 'pack created by a tenant admin');
  await ctx.reply(ctx.t('adm-pack-created', { kind, amount: packAmountText(pack, ctx) }));
  await showPack(ctx, pack.id);
}

function packsButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, packsButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showPacks(ctx);
  });
  onPress(buttons, newPackButton, async (ctx, { kind }) => {
    await answer(ctx);
    await startPackCreation(ctx, kind);
  });
  onPress(buttons, packButton, async (ctx, { packId }) => {
    await answer(ctx);
    clearInput(ctx);
    await showPack(ctx, packId);
  });
  onPress(buttons, switchPackButton, (ctx, { packId, to }) => setPackActive(ctx, packId, to === 'on'));
  onPress(buttons, movePackButton, (ctx, { packId, direction }) => movePack(ctx, packId, direction));
  onPress(buttons, editPackButton, async (ctx, { packId, field }) => {
    await answer(ctx);
    await askPackField(ctx, packId, field);
  });
  return buttons;
}

/**
 * Extra packs: the shop's traffic and day packs (the list, one pack's card to edit its amount and
 * price, reorder it among its kind and switch it on and off) and creating one: its kind, then the
 * GB or days, then the price.
 */
export const packsSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-packs'), data: packsButton.build() }),
  composer: packsButtons(),
  onText: { 'admin-pack-new': receivePackStep, 'admin-pack-field': receivePackField },
};
