import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import { adminViewContext, sendReceiptMessage } from '../payments/receipt-delivery.js';
import { loadReceipt, type Receipt, type ReceiptViewContext } from '../payments/receipt-view.js';
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
  const message = await sendReceiptMessage(ctx.api, ctx.chat!.id, receipt, view);
  await ctx.shop.services.cardPayments.addAdminMessage(receipt.payment.id, message);
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
