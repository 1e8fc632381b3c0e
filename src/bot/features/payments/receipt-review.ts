import { InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import {
  asCardPaymentId,
  type CardPayment,
  type CardPaymentId,
  type Reviewer,
} from '../../../modules/payments/card-to-card.js';
import { callbackData, id, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { awaitingOf, type BotContext, forgetAwaiting } from '../../context.js';
import { formatMoney } from '../../format.js';
import { receiptBlockPresses } from '../admin/customer-actions.js';
import { isAdmin } from '../is-admin.js';
import { adminViewContext, refreshAdminMessage } from './receipt-delivery.js';
import {
  approveButton,
  detailsButton,
  loadReceipt,
  type ReceiptAdminMessage,
  receiptDetailsText,
  rejectButton,
} from './receipt-view.js';

/** An admin who pressed Reject has this long to type the reason. */
const REASON_WINDOW_MS = 15 * 60_000;

/** On the prompt for a rejection's reason: reject without one, or keep the receipt pending. */
const noReasonButton = callbackData('c2c:nr', { paymentId: id(asCardPaymentId) });
const keepButton = callbackData('c2c:keep', { paymentId: id(asCardPaymentId) });

const reviewerOf = (ctx: BotContext): Reviewer => {
  const from = ctx.from!;
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ');
  return { telegramId: from.id, name: from.username ? `${name} (@${from.username})` : name };
};

const adminMessageOf = (message: Message | undefined): ReceiptAdminMessage | null =>
  message
    ? {
        chatId: message.chat.id,
        messageId: message.message_id,
        kind: message.photo || message.document ? 'caption' : 'text',
      }
    : null;

const alreadyKey = (payment: CardPayment) =>
  payment.status === 'approved'
    ? 'c2c-already-approved'
    : payment.status === 'rejected'
      ? 'c2c-already-rejected'
      : 'c2c-already-expired';

/**
 * Writes the decision onto the message the admin pressed at once (the admin sees the outcome
 * without waiting for the job queue); the decision told the outcome job to leave this message
 * alone and update the others, so each is edited once.
 */
async function showDecision(ctx: BotContext, id: CardPaymentId, message: ReceiptAdminMessage | null) {
  if (!message) return;
  const receipt = await loadReceipt(ctx.shop.services, id);
  if (!receipt) return;
  const view = await adminViewContext(ctx.shop.services, ctx.translator, ctx.shop.tenant.currency);
  await refreshAdminMessage({ api: ctx.api, message, receipt, view, logger: ctx.logger });
}

async function rejectPayment(
  ctx: BotContext,
  id: CardPaymentId,
  reason: string | null,
  receiptMessage: ReceiptAdminMessage | null,
): Promise<{ ok: boolean; text: string }> {
  const outcome = await ctx.shop.services.cardPayments.reject(id, reviewerOf(ctx), reason, receiptMessage);
  if (outcome.status === 'not_found') return { ok: false, text: ctx.t('c2c-not-found') };
  if (outcome.status !== 'rejected') {
    return { ok: false, text: ctx.t(alreadyKey(outcome.payment)) };
  }
  ctx.logger.info({ paymentId: id, by: ctx.from?.id, withReason: reason !== null }, 'card payment rejected');
  await showDecision(ctx, id, receiptMessage);
  return { ok: true, text: ctx.t('c2c-rejected', { tracking: outcome.payment.trackingNumber }) };
}

/**
 * Card-to-card, the admins' side: Approve, Reject (then a typed reason or "no reason") and Details
 * on each receipt. Anyone but this shop's admins gets an alert and changes nothing; a payment that
 * was already decided stays as it is, whoever presses and however often. The payment is looked up
 * in the shop whose bot received the press only.
 */
export function createReceiptReviewFeature() {
  const feature = new BotComposer<BotContext>();

  const decisions = [approveButton, rejectButton, noReasonButton, keepButton, detailsButton];
  feature.callbackQuery(
    decisions.map((button) => button.pattern),
    async (ctx, next) => {
      if (isAdmin(ctx)) return next();
      ctx.logger.warn(
        { from: ctx.from?.id, data: ctx.callbackQuery.data },
        'receipt decision refused: not an admin',
      );
      await ctx.answerCallbackQuery({ text: ctx.t('c2c-not-admin'), show_alert: true });
    },
  );

  // "Ban the customer" on a pending receipt
  feature.use(receiptBlockPresses());

  onPress(feature, approveButton, async (ctx, { paymentId: id }) => {
    const pressed = adminMessageOf(ctx.callbackQuery.message);
    const outcome = await ctx.shop.services.cardPayments.approve(id, reviewerOf(ctx), pressed);
    if (outcome.status === 'not_found') {
      await ctx.answerCallbackQuery({ text: ctx.t('c2c-not-found'), show_alert: true });
      return;
    }
    if (outcome.status !== 'approved') {
      await ctx.answerCallbackQuery({
        text: ctx.t(alreadyKey(outcome.payment)),
        show_alert: true,
      });
      return;
    }
    const payment = outcome.payment;
    await ctx.answerCallbackQuery({
      text: ctx.t('c2c-approved-toast', {
        amount: formatMoney(payment.amount, ctx.shop.tenant.currency, ctx.language, ctx.t),
      }),
    });
    ctx.logger.info(
      { paymentId: id, by: ctx.from.id, amount: payment.amount, order: outcome.order?.status },
      'card payment approved',
    );
    await showDecision(ctx, id, pressed);
  });

  onPress(feature, rejectButton, async (ctx, { paymentId: id }) => {
    const payment = await ctx.shop.services.cardPayments.get(id);
    if (!payment) {
      await ctx.answerCallbackQuery({ text: ctx.t('c2c-not-found'), show_alert: true });
      return;
    }
    if (payment.status !== 'pending') {
      await ctx.answerCallbackQuery({ text: ctx.t(alreadyKey(payment)), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const receiptMessage = adminMessageOf(ctx.callbackQuery.message);
    const prompt = await ctx.reply(ctx.t('c2c-reject-prompt', { tracking: payment.trackingNumber }), {
      ...(receiptMessage
        ? { reply_parameters: { message_id: receiptMessage.messageId, allow_sending_without_reply: true } }
        : {}),
      reply_markup: new InlineKeyboard()
        .text(ctx.t('c2c-reject-no-reason'), noReasonButton.build({ paymentId: id }))
        .row()
        .text(ctx.t('c2c-reject-keep'), keepButton.build({ paymentId: id })),
    });
    // only the admin who pressed Reject answers (an admin chat's session is shared)
    ctx.session.awaiting = {
      kind: 'reject-reason',
      paymentId: id,
      adminId: ctx.from.id,
      at: Date.now(),
      receipt: receiptMessage,
      promptId: prompt.message_id,
    };
  });

  onPress(feature, noReasonButton, async (ctx, { paymentId: id }) => {
    const awaited = awaitingOf(ctx.session, 'reject-reason');
    const receiptMessage = awaited?.paymentId === id ? awaited.receipt : null;
    const result = await rejectPayment(ctx, id, null, receiptMessage);
    await ctx.answerCallbackQuery(
      result.ok ? { text: result.text } : { text: result.text, show_alert: true },
    );
    if (awaited?.paymentId === id) forgetAwaiting(ctx.session, 'reject-reason');
    await ctx.editMessageText(result.text).catch(() => undefined);
  });

  onPress(feature, keepButton, async (ctx, { paymentId: id }) => {
    if (awaitingOf(ctx.session, 'reject-reason')?.paymentId === id)
      forgetAwaiting(ctx.session, 'reject-reason');
    await ctx.answerCallbackQuery({ text: ctx.t('c2c-reject-kept') });
    await ctx.deleteMessage().catch(() => undefined);
  });

  onPress(feature, detailsButton, async (ctx, { paymentId }) => {
    const services = ctx.shop.services;
    const receipt = await loadReceipt(services, paymentId);
    if (!receipt) {
      await ctx.answerCallbackQuery({ text: ctx.t('c2c-not-found'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const view = await adminViewContext(services, ctx.translator, ctx.shop.tenant.currency);
    const message = ctx.callbackQuery.message;
    await ctx.reply(await receiptDetailsText(services, receipt, view), {
      ...(message
        ? { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } }
        : {}),
    });
  });

  // the reason, typed by the admin who pressed Reject, in the chat where they pressed it
  feature.on('message:text', async (ctx, next) => {
    const awaited = awaitingOf(ctx.session, 'reject-reason');
    if (!awaited) return next();
    if (Date.now() - awaited.at > REASON_WINDOW_MS) {
      forgetAwaiting(ctx.session, 'reject-reason');
      return next();
    }
    if (!isAdmin(ctx) || ctx.from.id !== awaited.adminId || ctx.message.text.startsWith('/')) return next();
    forgetAwaiting(ctx.session, 'reject-reason');
    const result = await rejectPayment(ctx, awaited.paymentId, ctx.message.text, awaited.receipt);
    if (awaited.promptId !== null)
      await ctx.api.editMessageText(ctx.chat.id, awaited.promptId, result.text).catch(() => undefined);
    else await ctx.reply(result.text);
  });

  return feature;
}
