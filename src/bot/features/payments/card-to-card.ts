import { InlineKeyboard } from 'grammy';
import type { ReceiptFile } from '../../../modules/payments/card-to-card.js';
import { asCardId } from '../../../shared/ids.js';
import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { awaitingOf, type BotContext, forgetAwaiting } from '../../context.js';
import { formatMoney } from '../../format.js';
import { backToMenu } from '../keyboards.js';
import { retireButtons } from '../shop/shop-context.js';
import { cardNumberInGroups } from './receipt-view.js';
import { payButton, paymentRequest } from './topup.js';

/** The card shown stays valid for a receipt this long; later messages are ordinary messages again. */
export const RECEIPT_WINDOW_MS = 6 * 3_600_000;

const cancelButton = callbackData('c2c:cancel');

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
  const feature = new BotComposer<BotContext>();

  onPress(feature, payButton.with({ method: 'card' }), async (ctx, values) => {
    const request = await paymentRequest(ctx, values);
    if (!request) return;
    const { amount, orderId } = request;
    const card = await ctx.shop.services.cards.pickNext();
    if (!card) {
      ctx.logger.warn('card-to-card is on but the shop has no active card');
      await ctx.answerCallbackQuery({ text: ctx.t('c2c-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    ctx.session.awaiting = { kind: 'receipt', amount, orderId, cardId: asCardId(card.id), at: Date.now() };
    // the order as a number, 0 for a plain top-up, as it was always logged
    ctx.logger.info(
      { cardId: card.id, amount, orderId: orderId ?? 0 },
      'card shown for a card-to-card payment',
    );
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
      reply_markup: new InlineKeyboard().text(ctx.t('topup-cancel'), cancelButton.build()),
    });
  });

  onPress(feature, cancelButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    forgetAwaiting(ctx.session, 'receipt');
    await retireButtons(ctx);
    await ctx.reply(ctx.t('topup-cancelled'), { reply_markup: backToMenu(ctx.t) });
  });

  feature.chatType('private').on('message', async (ctx, next) => {
    const awaited = awaitingOf(ctx.session, 'receipt');
    if (!awaited || !ctx.customer) return next();
    if (Date.now() - awaited.at > RECEIPT_WINDOW_MS) {
      forgetAwaiting(ctx.session, 'receipt');
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
      cardId: awaited.cardId,
      orderId: awaited.orderId,
      receipt: { text, file },
      sourceUpdateId: ctx.update.update_id,
    });
    if (outcome.status !== 'submitted') {
      ctx.logger.warn({ outcome: outcome.status }, 'receipt not recorded');
      await ctx.reply(ctx.t('c2c-receipt-expected'));
      return;
    }
    forgetAwaiting(ctx.session, 'receipt');
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
