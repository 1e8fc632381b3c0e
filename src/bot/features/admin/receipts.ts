import { InlineKeyboard } from 'grammy';
import type { ReceiptAdminMessage } from '../../../db/schema.js';
import type { BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import { adminViewContext } from '../payments/receipt-delivery.js';
import {
  CAPTION_LIMIT,
  loadReceipt,
  type Receipt,
  type ReceiptViewContext,
  receiptAdminKeyboard,
  receiptAdminText,
  TEXT_LIMIT,
} from '../payments/receipt-view.js';
import { PREFIX, show } from './admin-ui.js';

/** Receipts shown per visit, oldest first; the rest after these are decided. */
const SHOWN = 10;

/** How many receipts wait for a decision, for the menu's button. */
export const countPendingReceipts = async (ctx: BotContext): Promise<number> =>
  (await ctx.shop.services.cardPayments.findPending(SHOWN + 1)).length;

/**
 * One receipt in the admin's chat, exactly as the card-to-card feature shows it in the admin chat:
 * the same text and the same Approve / Reject / Details buttons, whose handlers decide it. The
 * message is recorded on the payment, so a decision taken anywhere is written onto it too.
 */
async function sendReceipt(ctx: BotContext, receipt: Receipt, view: ReceiptViewContext): Promise<void> {
  const payment = receipt.payment;
  const chatId = ctx.chat!.id;
  const markup = receiptAdminKeyboard(payment, view.t);
  const fileId = payment.receiptFileId;
  let sent: { message_id: number };
  let kind: ReceiptAdminMessage['kind'] = 'caption';
  if (fileId && payment.receiptFileKind === 'photo') {
    sent = await ctx.api.sendPhoto(chatId, fileId, {
      caption: receiptAdminText(receipt, view, CAPTION_LIMIT),
      reply_markup: markup,
    });
  } else if (fileId && payment.receiptFileKind === 'document') {
    sent = await ctx.api.sendDocument(chatId, fileId, {
      caption: receiptAdminText(receipt, view, CAPTION_LIMIT),
      reply_markup: markup,
    });
  } else {
    kind = 'text';
    sent = await ctx.api.sendMessage(chatId, receiptAdminText(receipt, view, TEXT_LIMIT), {
      reply_markup: markup,
    });
  }
  await ctx.shop.services.cardPayments.addAdminMessage(payment.id, {
    chatId,
    messageId: sent.message_id,
    kind,
  });
}

/** Pending card-to-card receipts, oldest first, each with its decision buttons. */
export async function showReceipts(ctx: BotContext): Promise<void> {
  const services = ctx.shop.services;
  const pending = await services.cardPayments.findPending(SHOWN + 1);
  const keyboard = new InlineKeyboard()
    .text(ctx.t('adm-btn-refresh'), `${PREFIX}:receipts`)
    .text(ctx.t('adm-btn-home'), `${PREFIX}:home`);
  if (pending.length === 0) {
    await show(ctx, ctx.t('adm-receipts-none'), keyboard);
    return;
  }
  await show(
    ctx,
    ctx.t('adm-receipts-title', {
      count: formatNumber(Math.min(pending.length, SHOWN), ctx.language),
      more: pending.length > SHOWN ? 'yes' : 'no',
    }),
    keyboard,
  );
  // receipts read in the shop's language wherever they are shown, as their later updates will be
  const view = await adminViewContext(services, ctx.translator, ctx.shop.tenant.currency);
  for (const payment of pending.slice(0, SHOWN)) {
    const receipt = await loadReceipt(services, payment.id);
    if (receipt) await sendReceipt(ctx, receipt, view);
  }
}
