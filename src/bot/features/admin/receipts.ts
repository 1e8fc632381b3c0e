import { InlineKeyboard } from 'grammy';
import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import { adminViewContext, sendReceiptMessage } from '../payments/receipt-delivery.js';
import { loadReceipt, type Receipt, type ReceiptViewContext } from '../payments/receipt-view.js';
import type { Section } from '../section.js';
import { answer, clearInput, show, withHome } from './admin-ui.js';

const receiptsButton = callbackData('adm:receipts');

/** Receipts shown per visit, oldest first; the rest after these are decided. */
const SHOWN = 10;

/** How many receipts wait for a decision, for the menu's button. */
const countPendingReceipts = async (ctx: BotContext): Promise<number> =>
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
async function showReceipts(ctx: BotContext): Promise<void> {
  const services = ctx.shop.services;
  const pending = await services.cardPayments.findPending(SHOWN + 1);
  const keyboard = withHome(
    new InlineKeyboard().text(ctx.t('adm-btn-refresh'), receiptsButton.build()),
    ctx.t,
  );
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

function receiptsButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, receiptsButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showReceipts(ctx);
  });
  return buttons;
}

/**
 * Pending card-to-card receipts: Approve and Reject are the card-to-card feature's own buttons. Its
 * home button counts the receipts waiting.
 */
export const receiptsSection: Section = {
  button: async (ctx) => ({
    text: ctx.t('adm-btn-receipts', { count: await countPendingReceipts(ctx) }),
    data: receiptsButton.build(),
  }),
  composer: receiptsButtons(),
};
