import { Composer, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { ReceiptAdminMessage } from '../../../db/schema.js';
import {
  asCardPaymentId,
  type CardPayment,
  type CardPaymentId,
  type Reviewer,
} from '../../../modules/payments/card-to-card.js';
import type { BotContext } from '../../context.js';
import { formatMoney } from '../../format.js';
import { adminViewContext, refreshAdminMessage } from './receipt-delivery.js';
import { loadReceipt, receiptDetailsText } from './receipt-view.js';
import { clearAwaiting } from './topup.js';

/** An admin who pressed Reject has this long to type the reason. */
const REASON_WINDOW_MS = 15 * 60_000;
export const AWAITING_REJECT_REASON = 'c2c-reject-reason';
const SESSION_KEY = 'c2cReject';

interface AwaitedReason {
  readonly paymentId: number;
  /** Only the admin who pressed Reject answers (the admin chat's session is shared). */
  readonly adminId: number;
  readonly at: number;
  /** The receipt message Reject was pressed on, and the prompt asking for the reason. */
  readonly receipt: ReceiptAdminMessage | null;
  readonly promptId: number | null;
}

const readAwaited = (value: unknown): AwaitedReason | undefined => {
  const state = value as Partial<AwaitedReason> | undefined;
  return typeof state?.paymentId === 'number' &&
    typeof state.adminId === 'number' &&
    typeof state.at === 'number'
    ? (state as AwaitedReason)
    : undefined;
};

/** Only the admins of the shop whose bot received the press; the payment is looked up in that shop only. */
const isShopAdmin = (ctx: BotContext): boolean =>
  ctx.from !== undefined && ctx.shop.tenant.adminTelegramIds.includes(ctx.from.id);

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
 * was already decided stays as it is, whoever presses and however often.
 */
export function createReceiptReviewFeature() {
  const feature = new Composer<BotContext>();

  feature.callbackQuery(/^c2c:(ok|no|nr|keep|info):(\d{1,15})$/, async (ctx, next) => {
    if (isShopAdmin(ctx)) return next();
    ctx.logger.warn(
      { from: ctx.from?.id, data: ctx.callbackQuery.data },
      'receipt decision refused: not an admin',
    );
    await ctx.answerCallbackQuery({ text: ctx.t('c2c-not-admin'), show_alert: true });
  });

  feature.callbackQuery(/^c2c:ok:(\d{1,15})$/, async (ctx) => {
    const id = asCardPaymentId(Number(ctx.match[1]));
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

  feature.callbackQuery(/^c2c:no:(\d{1,15})$/, async (ctx) => {
    const id = asCardPaymentId(Number(ctx.match[1]));
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
        .text(ctx.t('c2c-reject-no-reason'), `c2c:nr:${id}`)
        .row()
        .text(ctx.t('c2c-reject-keep'), `c2c:keep:${id}`),
    });
    ctx.session.awaiting = AWAITING_REJECT_REASON;
    ctx.session[SESSION_KEY] = {
      paymentId: id,
      adminId: ctx.from.id,
      at: Date.now(),
      receipt: receiptMessage,
      promptId: prompt.message_id,
    } satisfies AwaitedReason;
  });

  feature.callbackQuery(/^c2c:nr:(\d{1,15})$/, async (ctx) => {
    const id = asCardPaymentId(Number(ctx.match[1]));
    const awaited = readAwaited(ctx.session[SESSION_KEY]);
    const receiptMessage = awaited?.paymentId === id ? awaited.receipt : null;
    const result = await rejectPayment(ctx, id, null, receiptMessage);
    await ctx.answerCallbackQuery(
      result.ok ? { text: result.text } : { text: result.text, show_alert: true },
    );
    if (awaited?.paymentId === id) clearAwaiting(ctx.session, AWAITING_REJECT_REASON, SESSION_KEY);
    await ctx.editMessageText(result.text).catch(() => undefined);
  });

  feature.callbackQuery(/^c2c:keep:(\d{1,15})$/, async (ctx) => {
    const id = Number(ctx.match[1]);
    if (readAwaited(ctx.session[SESSION_KEY])?.paymentId === id)
      clearAwaiting(ctx.session, AWAITING_REJECT_REASON, SESSION_KEY);
    await ctx.answerCallbackQuery({ text: ctx.t('c2c-reject-kept') });
    await ctx.deleteMessage().catch(() => undefined);
  });

  feature.callbackQuery(/^c2c:info:(\d{1,15})$/, async (ctx) => {
    const services = ctx.shop.services;
    const receipt = await loadReceipt(services, asCardPaymentId(Number(ctx.match[1])));
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
    if (ctx.session.awaiting !== AWAITING_REJECT_REASON) return next();
    const awaited = readAwaited(ctx.session[SESSION_KEY]);
    if (!awaited || Date.now() - awaited.at > REASON_WINDOW_MS || !isShopAdmin(ctx)) {
      if (!awaited || Date.now() - awaited.at > REASON_WINDOW_MS)
        clearAwaiting(ctx.session, AWAITING_REJECT_REASON, SESSION_KEY);
      return next();
    }
    if (ctx.from.id !== awaited.adminId || ctx.message.text.startsWith('/')) return next();
    clearAwaiting(ctx.session, AWAITING_REJECT_REASON, SESSION_KEY);
    const result = await rejectPayment(
      ctx,
      asCardPaymentId(awaited.paymentId),
      ctx.message.text,
      awaited.receipt,
    );
    if (awaited.promptId !== null)
      await ctx.api.editMessageText(ctx.chat.id, awaited.promptId, result.text).catch(() => undefined);
    else await ctx.reply(result.text);
  });

  return feature;
}
