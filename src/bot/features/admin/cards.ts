import { InlineKeyboard } from 'grammy';
import { formatCardNumber, maskCardNumber, normaliseCardNumber } from '../../../modules/cards/card-number.js';
import type { PaymentCard } from '../../../modules/cards/cards-service.js';
import { asCardId } from '../../../shared/ids.js';
import type { BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import {
  adminState,
  answer,
  ask,
  backKeyboard,
  clearInput,
  PREFIX,
  replyWithCancel,
  setAdminState,
  show,
  showNotFound,
} from './admin-ui.js';

const MAX_HOLDER = 128;
const MAX_BANK = 64;

/** Approved receipts over decided ones, as a percentage; "–" before any decision. */
function successRate(ctx: BotContext, card: PaymentCard): string {
  const decided = card.successCount + card.failureCount;
  if (decided === 0) return '–';
  return `${formatNumber(Math.round((card.successCount / decided) * 100), ctx.language)}%`;
}

const cardArgs = (ctx: BotContext, card: PaymentCard) => ({
  number: maskCardNumber(card.cardNumber),
  holder: card.holderName,
  bank: card.bankName ?? '–',
  rate: successRate(ctx, card),
  success: formatNumber(card.successCount, ctx.language),
  failure: formatNumber(card.failureCount, ctx.language),
  active: card.isActive ? 'yes' : 'no',
});

export async function showCards(ctx: BotContext): Promise<void> {
  const cards = await ctx.shop.services.cards.findAll();
  const keyboard = new InlineKeyboard();
  for (const card of cards)
    keyboard
      .text(
        `${card.isActive ? '✅' : '⏸'} ${maskCardNumber(card.cardNumber)} ${card.holderName}`,
        `${PREFIX}:card:${card.id}`,
      )
      .row();
  keyboard
    .text(ctx.t('adm-btn-card-new'), `${PREFIX}:card:new`)
    .row()
    .text(ctx.t('adm-btn-home'), `${PREFIX}:home`);
  const text =
    cards.length === 0
      ? ctx.t('adm-cards-empty')
      : `${ctx.t('adm-cards-title')}\n\n${cards.map((card) => ctx.t('adm-card-line', cardArgs(ctx, card))).join('\n\n')}`;
  await show(ctx, text, keyboard);
}

const cardNotFound = (ctx: BotContext) => showNotFound(ctx, 'adm-card-not-found', 'cards');

export async function showCard(ctx: BotContext, id: number): Promise<void> {
  const card = await ctx.shop.services.cards.get(asCardId(id));
  if (!card) return cardNotFound(ctx);
  const keyboard = new InlineKeyboard()
    .text(
      ctx.t(card.isActive ? 'adm-btn-switch-off' : 'adm-btn-switch-on'),
      `${PREFIX}:card:${card.id}:${card.isActive ? 'off' : 'on'}`,
    )
    .row()
    .text(ctx.t('adm-btn-back'), `${PREFIX}:cards`)
    .text(ctx.t('adm-btn-home'), `${PREFIX}:home`);
  const text = ctx.t('adm-card-card', {
    ...cardArgs(ctx, card),
    number: formatCardNumber(card.cardNumber),
    used: formatNumber(card.usageCount, ctx.language),
  });
  await show(ctx, text, keyboard);
}

export async function setCardActive(ctx: BotContext, id: number, active: boolean): Promise<void> {
  const cards = ctx.shop.services.cards;
  const card = await (active ? cards.activate(asCardId(id)) : cards.deactivate(asCardId(id)));
  if (!card) {
    await answer(ctx);
    return cardNotFound(ctx);
  }
  ctx.logger.info({ cardId: id, active, admin: ctx.from?.id }, 'card switched by a tenant admin');
  await answer(ctx, { text: ctx.t(active ? 'adm-card-switched-on' : 'adm-card-switched-off') });
  await showCard(ctx, id);
}

export async function startCardCreation(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  setAdminState(ctx, { cardDraft: {} });
  await ask(ctx, `${PREFIX}:card:new:number`, ctx.t('adm-card-ask-number'));
}

export async function receiveCardNumber(ctx: BotContext, text: string): Promise<void> {
  const digits = normaliseCardNumber(text.trim());
  if (!digits) return replyWithCancel(ctx, ctx.t('adm-card-bad-number'));
  const cards = await ctx.shop.services.cards.findAll();
  if (cards.some((card) => card.cardNumber === digits))
    return replyWithCancel(ctx, ctx.t('adm-card-duplicate'));
  setAdminState(ctx, { cardDraft: { cardNumber: digits } });
  ctx.session.awaiting = `${PREFIX}:card:new:holder`;
  await replyWithCancel(ctx, ctx.t('adm-card-ask-holder', { number: formatCardNumber(digits) }));
}

export async function receiveCardHolder(ctx: BotContext, text: string): Promise<void> {
  const draft = adminState(ctx).cardDraft;
  if (!draft?.cardNumber) return startCardCreation(ctx);
  const holderName = text.trim();
  if (holderName.length === 0 || holderName.length > MAX_HOLDER)
    return replyWithCancel(ctx, ctx.t('adm-card-bad-holder'));
  setAdminState(ctx, { cardDraft: { ...draft, holderName } });
  ctx.session.awaiting = `${PREFIX}:card:new:bank`;
  await ctx.reply(ctx.t('adm-card-ask-bank'), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('adm-btn-skip'), `${PREFIX}:card:new:skip`)
      .row()
      .text(ctx.t('adm-btn-cancel'), `${PREFIX}:cancel`),
  });
}

/** The last step: the bank's name, or none when skipped. */
export async function finishCardCreation(ctx: BotContext, bankText: string | undefined): Promise<void> {
  const draft = adminState(ctx).cardDraft;
  if (!draft?.cardNumber || !draft.holderName) return startCardCreation(ctx);
  const bankName = bankText?.trim() || null;
  if (bankName !== null && bankName.length > MAX_BANK)
    return replyWithCancel(ctx, ctx.t('adm-card-bad-bank'));
  const created = await ctx.shop.services.cards.create({
    cardNumber: draft.cardNumber,
    holderName: draft.holderName,
    bankName,
  });
  if (!created.ok) {
    // the number was checked when typed: what is left is the same card added meanwhile
    clearInput(ctx);
    await ctx.reply(ctx.t('adm-card-duplicate'), { reply_markup: backKeyboard(ctx.t, `${PREFIX}:cards`) });
    return;
  }
  clearInput(ctx);
  ctx.logger.info({ cardId: created.value.id, admin: ctx.from?.id }, 'card added by a tenant admin');
  await ctx.reply(ctx.t('adm-card-created', { number: maskCardNumber(created.value.cardNumber) }));
  await showCard(ctx, created.value.id);
}
