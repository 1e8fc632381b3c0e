import { Composer, InlineKeyboard } from 'grammy';
import type { ReceiptFile } from '../../../modules/payments/card-to-card.js';
import { asCardId, asOrderId, type OrderId } from '../../../shared/ids.js';
import type { BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import { backToMenu } from '../keyboards.js';
import { retireButtons } from '../shop/shop-context.js';
import { cardNumberInGroups } from './receipt-view.js';
import { clearAwaiting, paymentRequest } from './topup.js';

/** The card shown stays valid for a receipt this long; later messages are ordinary messages again. */
const RECEIPT_WINDOW_MS = 6 * 3_600_000;
export const AWAITING_RECEIPT = 'c2c-receipt';
const SESSION_KEY = 'c2c';

interface AwaitedReceipt {
  readonly amount: number;
  readonly orderId: number;
  readonly cardId: number;
  readonly at: number;
}

const readAwaited = (value: unknown): AwaitedReceipt | undefined => {
  const state = value as Partial<AwaitedReceipt> | undefined;
  return typeof state?.amount === 'number' &&
    typeof state.orderId === 'number' &&
    typeof state.cardId === 'number' &&
    typeof state.at === 'number'
    ? (state as AwaitedReceipt)
    : undefined;
};

/** Things a customer may send by mistake instead of a receipt. */
const SENT_BY_HAND = [
  'sticker',
  'video',
  'voice',
  'audio',
  'animation',
  'video_note',
  'contact',
  'location',
] as const;

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Card-to-card, the customer's side: `pay:card:<amount>:<orderId or 0>` picks a card by the
 * tenant's rotation strategy and shows it with the exact amount; the next photo, document or text
 * is the receipt, recorded as a pending payment with a tracking number and queued for the admins.
 */
export function createCardToCardFeature() {
  const feature = new Composer<BotContext>();

  feature.callbackQuery(/^pay:card:(\d{1,15}):(\d{1,15})$/, async (ctx) => {
    const request = await paymentRequest(ctx, 'card', Number(ctx.match[1]), Number(ctx.match[2]));
    if (!request) return;
    const amount = request.amount;
    // kept in the session as a number: 0 for a plain top-up
    const orderId: number = request.orderId ?? 0;
    const card = await ctx.shop.services.cards.pickNext();
    if (!card) {
      ctx.logger.warn('card-to-card is on but the shop has no active card');
      await ctx.answerCallbackQuery({ text: ctx.t('c2c-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    ctx.session.awaiting = AWAITING_RECEIPT;
    ctx.session[SESSION_KEY] = { amount, orderId, cardId: card.id, at: Date.now() } satisfies AwaitedReceipt;
    ctx.logger.info({ cardId: card.id, amount, orderId }, 'card shown for a card-to-card payment');
    const lines = [
      escapeHtml(
        ctx.t('c2c-instructions', {
          amount: formatMoney(amount, ctx.shop.tenant.currency, ctx.language, ctx.t),
          card: '\u0000',
          holder: card.holderName,
        }),
      ).replace('\u0000', `<code>${cardNumberInGroups(card.cardNumber)}</code>`),
      ...(card.bankName ? [escapeHtml(ctx.t('c2c-bank-line', { bank: card.bankName }))] : []),
      '',
      escapeHtml(ctx.t('c2c-instructions-receipt')),
    ];
    await ctx.reply(lines.join('\n'), {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text(ctx.t('topup-cancel'), 'c2c:cancel'),
    });
  });

  feature.callbackQuery('c2c:cancel', async (ctx) => {
    await ctx.answerCallbackQuery();
    clearAwaiting(ctx.session, AWAITING_RECEIPT, SESSION_KEY);
    await retireButtons(ctx);
    await ctx.reply(ctx.t('topup-cancelled'), { reply_markup: backToMenu(ctx.t) });
  });

  feature.chatType('private').on('message', async (ctx, next) => {
    if (ctx.session.awaiting !== AWAITING_RECEIPT || !ctx.customer) return next();
    const awaited = readAwaited(ctx.session[SESSION_KEY]);
    if (!awaited || Date.now() - awaited.at > RECEIPT_WINDOW_MS) {
      clearAwaiting(ctx.session, AWAITING_RECEIPT, SESSION_KEY);
      return next();
    }
    const message = ctx.message;
    // commands keep their meaning; the card stays on offer
    if (message.text?.startsWith('/')) return next();
    let file: ReceiptFile | undefined;
    const largest = message.photo?.at(-1);
    if (largest) {
      file = { kind: 'photo', fileId: largest.file_id, fileUniqueId: largest.file_unique_id };
    } else if (message.document) {
      file = {
        kind: 'document',
        fileId: message.document.file_id,
        fileUniqueId: message.document.file_unique_id,
      };
    }
    const text = message.text ?? message.caption;
    if (!file && !text) {
      // a sticker, voice note...: not a receipt, say what is; anything else (a payment, a service
      // message) is not the customer answering and goes on
      if (SENT_BY_HAND.some((kind) => message[kind] !== undefined))
        await ctx.reply(ctx.t('c2c-receipt-expected'));
      else await next();
      return;
    }
    const outcome = await ctx.shop.services.cardPayments.submit({
      customerId: ctx.customer.id,
      amount: awaited.amount,
      cardId: asCardId(awaited.cardId),
      orderId: awaited.orderId > 0 ? (asOrderId(awaited.orderId) as OrderId) : null,
      receipt: { text, file },
      sourceUpdateId: ctx.update.update_id,
    });
    if (outcome.status !== 'submitted') {
      ctx.logger.warn({ outcome: outcome.status }, 'receipt not recorded');
      await ctx.reply(ctx.t('c2c-receipt-expected'));
      return;
    }
    clearAwaiting(ctx.session, AWAITING_RECEIPT, SESSION_KEY);
    const payment = outcome.payment;
    ctx.logger.info(
      {
        paymentId: payment.id,
        amount: payment.amount,
        duplicateOf: payment.duplicateOf,
        reusedElsewhere: payment.reusedElsewhere,
      },
      'card-to-card receipt recorded',
    );
    await ctx.reply(
      ctx.t('c2c-receipt-received', {
        tracking: payment.trackingNumber,
        amount: formatMoney(payment.amount, ctx.shop.tenant.currency, ctx.language, ctx.t),
      }),
      { reply_markup: backToMenu(ctx.t) },
    );
  });

  return feature;
}
