import { InlineKeyboard } from 'grammy';
import { formatCardNumber, maskCardNumber, normaliseCardNumber } from '../../../modules/cards/card-number.js';
import type { PaymentCard } from '../../../modules/cards/cards-service.js';
import { asCardId, type CardId } from '../../../shared/ids.js';
import { callbackData, id, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { type AwaitingOf, awaitingOf, type BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import type { Section } from '../section.js';
import {
  adminCancelButton,
  answer,
  ask,
  backKeyboard,
  clearInput,
  replyWithCancel,
  show,
  showNotFound,
  withHome,
} from './admin-ui.js';

const cardsButton = callbackData('adm:cards');
const newCardButton = callbackData('adm:card:new');
/** Adding a card without a bank name. */
const skipBankButton = callbackData('adm:card:new:skip');
const cardButton = callbackData('adm:card', { cardId: id(asCardId) });
const switchCardButton = callbackData('adm:card', { cardId: id(asCardId), to: oneOf(['on', 'off']) });

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

async function showCards(ctx: BotContext): Promise<void> {
  const cards = await ctx.shop.services.cards.findAll();
  const keyboard = new InlineKeyboard();
  for (const card of cards)
    keyboard
      .text(
        `${card.isActive ? '✅' : '⏸'} ${maskCardNumber(card.cardNumber)} ${card.holderName}`,
        cardButton.build({ cardId: asCardId(card.id) }),
      )
      .row();
  withHome(keyboard.text(ctx.t('adm-btn-card-new'), newCardButton.build()).row(), ctx.t);
  const text =
    cards.length === 0
      ? ctx.t('adm-cards-empty')
      : `${ctx.t('adm-cards-title')}\n\n${cards.map((card) => ctx.t('adm-card-line', cardArgs(ctx, card))).join('\n\n')}`;
  await show(ctx, text, keyboard);
}

const cardNotFound = (ctx: BotContext) => showNotFound(ctx, 'adm-card-not-found', cardsButton.build());

async function showCard(ctx: BotContext, id: CardId): Promise<void> {
  const card = await ctx.shop.services.cards.get(id);
  if (!card) return cardNotFound(ctx);
  const keyboard = new InlineKeyboard()
    .text(
      ctx.t(card.isActive ? 'adm-btn-switch-off' : 'adm-btn-switch-on'),
      switchCardButton.build({ cardId: id, to: card.isActive ? 'off' : 'on' }),
    )
    .row()
    .text(ctx.t('adm-btn-back'), cardsButton.build());
  withHome(keyboard, ctx.t);
  const text = ctx.t('adm-card-card', {
    ...cardArgs(ctx, card),
    number: formatCardNumber(card.cardNumber),
    used: formatNumber(card.usageCount, ctx.language),
  });
  await show(ctx, text, keyboard);
}

async function setCardActive(ctx: BotContext, id: CardId, active: boolean): Promise<void> {
  const cards = ctx.shop.services.cards;
  const card = await (active ? cards.activate(id) : cards.deactivate(id));
  if (!card) {
    await answer(ctx);
    return cardNotFound(ctx);
  }
  ctx.logger.info({ cardId: id, active, admin: ctx.from?.id }, 'card switched by a tenant admin');
  await answer(ctx, { text: ctx.t(active ? 'adm-card-switched-on' : 'adm-card-switched-off') });
  await showCard(ctx, id);
}

async function startCardCreation(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  await ask(ctx, { kind: 'admin-card-number' }, ctx.t('adm-card-ask-number'));
}

async function receiveCardNumber(ctx: BotContext, text: string): Promise<void> {
  const digits = normaliseCardNumber(text.trim());
  if (!digits) return replyWithCancel(ctx, ctx.t('adm-card-bad-number'));
  const cards = await ctx.shop.services.cards.findAll();
  if (cards.some((card) => card.cardNumber === digits))
    return replyWithCancel(ctx, ctx.t('adm-card-duplicate'));
  ctx.session.awaiting = { kind: 'admin-card-holder', cardNumber: digits };
  await replyWithCancel(ctx, ctx.t('adm-card-ask-holder', { number: formatCardNumber(digits) }));
}

async function receiveCardHolder(
  ctx: BotContext,
  { cardNumber }: AwaitingOf<'admin-card-holder'>,
  text: string,
): Promise<void> {
  const holderName = text.trim();
  if (holderName.length === 0 || holderName.length > MAX_HOLDER)
    return replyWithCancel(ctx, ctx.t('adm-card-bad-holder'));
  ctx.session.awaiting = { kind: 'admin-card-bank', cardNumber, holderName };
  await ctx.reply(ctx.t('adm-card-ask-bank'), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('adm-btn-skip'), skipBankButton.build())
      .row()
      .text(ctx.t('adm-btn-cancel'), adminCancelButton.build()),
  });
}

/** The last step: the bank's name, or none when skipped. */
async function finishCardCreation(
  ctx: BotContext,
  draft: AwaitingOf<'admin-card-bank'>,
  bankText: string | undefined,
): Promise<void> {
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
    await ctx.reply(ctx.t('adm-card-duplicate'), { reply_markup: backKeyboard(ctx.t, cardsButton.build()) });
    return;
  }
  clearInput(ctx);
  ctx.logger.info({ cardId: created.value.id, admin: ctx.from?.id }, 'card added by a tenant admin');
  await ctx.reply(ctx.t('adm-card-created', { number: maskCardNumber(created.value.cardNumber) }));
  await showCard(ctx, asCardId(created.value.id));
}

function cardsButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, cardsButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showCards(ctx);
  });
  onPress(buttons, newCardButton, async (ctx) => {
    await answer(ctx);
    await startCardCreation(ctx);
  });
  onPress(buttons, skipBankButton, async (ctx) => {
    await answer(ctx);
    const draft = awaitingOf(ctx.session, 'admin-card-bank');
    if (!draft) return showCards(ctx);
    await finishCardCreation(ctx, draft, undefined);
  });
  onPress(buttons, cardButton, async (ctx, { cardId }) => {
    clearInput(ctx);
    await answer(ctx);
    await showCard(ctx, cardId);
  });
  onPress(buttons, switchCardButton, (ctx, { cardId, to }) => setCardActive(ctx, cardId, to === 'on'));
  return buttons;
}

/** The shop's cards for card-to-card: the list with success rates, one card (switch on and off), adding one. */
export const cardsSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-cards'), data: cardsButton.build() }),
  composer: cardsButtons(),
  onText: {
    'admin-card-number': (ctx, _number, text) => receiveCardNumber(ctx, text),
    'admin-card-holder': receiveCardHolder,
    'admin-card-bank': (ctx, draft, text) => finishCardCreation(ctx, draft, text),
  },
};
