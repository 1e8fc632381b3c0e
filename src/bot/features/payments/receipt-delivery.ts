import { type Api, GrammyError } from 'grammy';
import type { TenantServices } from '../../../app.js';
import type { Tenant } from '../../../modules/tenants/tenant-registry.js';
import { asCustomerId } from '../../../shared/ids.js';
import type { Logger } from '../../../shared/logger.js';
import type { Currency } from '../../../shared/money.js';
import { isBlockedByUser, isPermanentSendError, sendToAdmins } from '../../admin-delivery.js';
import type { Translator } from '../../i18n.js';
import { backToMenu } from '../keyboards.js';
import {
  CAPTION_LIMIT,
  customerOutcomeText,
  loadReceipt,
  type Receipt,
  type ReceiptAdminMessage,
  type ReceiptViewContext,
  receiptAdminKeyboard,
  receiptAdminText,
  TEXT_LIMIT,
} from './receipt-view.js';

const isNotModified = (error: unknown): boolean =>
  error instanceof GrammyError && /message is not modified/i.test(error.description);

/** Admin texts are in the shop's default language: one admin chat serves every admin. */
export async function adminViewContext(
  services: TenantServices,
  translator: Translator,
  currency: Currency,
): Promise<ReceiptViewContext> {
  const language = await services.settings.get('default_language');
  return { t: translator.forLanguage(language), language, currency };
}

/** A receipt to show to a tenant's admins, through the tenant's own bot. */
export interface ReceiptDelivery {
  api: Api;
  services: TenantServices;
  tenant: Tenant;
  receipt: Receipt;
  translator: Translator;
  logger: Logger;
}

/**
 * One receipt in one admin chat, with its decision buttons: the image or file is re-sent by its
 * file_id (valid for this bot only) with the details as caption; a receipt without one is the
 * details as text. Resolves to the message as the payment records it.
 */
export async function sendReceiptMessage(
  api: Api,
  chatId: number,
  receipt: Receipt,
  view: ReceiptViewContext,
  threadId?: number,
): Promise<ReceiptAdminMessage> {
  const payment = receipt.payment;
  const markup = receiptAdminKeyboard(payment, view.t);
  const thread = threadId === undefined ? {} : { message_thread_id: threadId };
  const fileId = payment.receiptFileId;
  if (fileId && payment.receiptFileKind === 'photo') {
    const caption = receiptAdminText(receipt, view, CAPTION_LIMIT);
    const sent = await api.sendPhoto(chatId, fileId, { caption, reply_markup: markup, ...thread });
    return { chatId, messageId: sent.message_id, kind: 'caption' };
  }
  if (fileId && payment.receiptFileKind === 'document') {
    const caption = receiptAdminText(receipt, view, CAPTION_LIMIT);
    const sent = await api.sendDocument(chatId, fileId, { caption, reply_markup: markup, ...thread });
    return { chatId, messageId: sent.message_id, kind: 'caption' };
  }
  const text = receiptAdminText(receipt, view, TEXT_LIMIT);
  const sent = await api.sendMessage(chatId, text, { reply_markup: markup, ...thread });
  return { chatId, messageId: sent.message_id, kind: 'text' };
}

/**
 * Shows a new receipt to the tenant's admins through the tenant's own bot: in the admin chat (its
 * receipt topic when set), else in each admin's private chat (see `sendToAdmins` for an upgraded or
 * lost admin chat). Each message is recorded as soon as it is sent, so a retry after a failure sends
 * only to the chats still missing.
 */
export async function sendReceiptToAdmins(input: ReceiptDelivery): Promise<void> {
  const { api, services, tenant, receipt, logger } = input;
  const payment = receipt.payment;
  const topicId = await services.settings.get('receipt_topic_id');
  const v = await adminViewContext(services, input.translator, tenant.currency);
  const shown = new Set(payment.adminMessages.map((message) => message.chatId));
  await sendToAdmins({
    api,
    services,
    tenant,
    translator: input.translator,
    logger: logger.child({ paymentId: payment.id }),
    threadId: topicId ?? undefined,
    skip: (chatId) => shown.has(chatId),
    send: async (target) => {
      const message = await sendReceiptMessage(api, target.chatId, receipt, v, target.threadId);
      shown.add(target.chatId);
      const status = await services.cardPayments.addAdminMessage(payment.id, message);
      if (status !== undefined && status !== 'pending') {
        // decided while this message was on its way: the outcome job may not have seen it
        const decided = await loadReceipt(services, payment.id);
        if (decided) await refreshAdminMessage({ api, message, receipt: decided, view: v, logger });
      }
    },
  });
}

/** Rewrites one admin message of a receipt with its current state (decision, who, reason). */
export async function refreshAdminMessage(input: {
  api: Api;
  message: ReceiptAdminMessage;
  receipt: Receipt;
  view: ReceiptViewContext;
  logger: Logger;
}): Promise<void> {
  const { api, message, receipt, view } = input;
  const markup = receiptAdminKeyboard(receipt.payment, view.t);
  try {
    if (message.kind === 'caption') {
      await api.editMessageCaption(message.chatId, message.messageId, {
        caption: receiptAdminText(receipt, view, CAPTION_LIMIT),
        reply_markup: markup,
      });
    } else {
      await api.editMessageText(
        message.chatId,
        message.messageId,
        receiptAdminText(receipt, view, TEXT_LIMIT),
        {
          reply_markup: markup,
        },
      );
    }
  } catch (error) {
    if (isNotModified(error)) return;
    input.logger.warn(
      { err: error, chatId: message.chatId, paymentId: receipt.payment.id },
      'could not update a receipt message',
    );
  }
}

/**
 * After a decision or an expiry: every admin message shows the outcome, then the customer is told in
 * their language. Only the customer's message is retried on a passing failure: an edit repeated by a
 * retry is answered "message is not modified", which `refreshAdminMessage` takes as done.
 */
export async function announceOutcome(
  input: ReceiptDelivery & { pressed?: { chatId: number; messageId: number } },
): Promise<void> {
  const { api, services, tenant, receipt, translator, logger, pressed } = input;
  const view = await adminViewContext(services, translator, tenant.currency);
  for (const message of receipt.payment.adminMessages) {
    // the deciding press rewrote its own message already: a second identical edit is refused
    if (pressed && message.chatId === pressed.chatId && message.messageId === pressed.messageId) continue;
    await refreshAdminMessage({ api, message, receipt, view, logger });
  }
  const customer = receipt.customer;
  // gone, or blocked the bot: nothing is sent until they write to it again; banned by the shop:
  // the ban's own notice was the last word (its pending receipts are rejected quietly)
  if (!customer || customer.unreachableSince || customer.isBlocked) return;
  const t = translator.forLanguage(customer.language);
  const balance = (await services.ledger.balance(asCustomerId(customer.id))) ?? 0;
  const text = customerOutcomeText(
    receipt,
    { t, language: customer.language, currency: tenant.currency },
    balance,
  );
  if (!text) return;
  try {
    await api.sendMessage(customer.telegramId, text, {
      reply_markup: backToMenu(t),
    });
  } catch (error) {
    if (!isPermanentSendError(error)) throw error;
    // 403: they blocked the bot; later notices skip them
    if (isBlockedByUser(error)) await services.customers.markUnreachable(asCustomerId(customer.id));
    logger.warn(
      { err: error, paymentId: receipt.payment.id },
      'could not tell the customer about their payment',
    );
  }
}
