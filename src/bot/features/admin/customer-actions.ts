import { InlineKeyboard } from 'grammy';
import type { Moderator } from '../../../modules/customers/block-customer.js';
import type { Customer } from '../../../modules/customers/customers-service.js';
import { MAX_MESSAGE_LENGTH } from '../../../modules/customers/message-customer.js';
import { asCardPaymentId } from '../../../modules/payments/card-to-card.js';
import { asCustomerId, type CustomerId } from '../../../shared/ids.js';
import { callbackData, id, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import { isAdmin } from '../is-admin.js';
import { blockCustomerButton, customerLabel } from '../payments/receipt-view.js';
import type { Answers } from '../section.js';
import { answer, ask, clearInput, replyWithCancel, show, showNotFound } from './admin-ui.js';

/** On the customer card: ban (asks first), lift the ban, write to the customer. */
const blockButton = callbackData('adm:ban', { customerId: id(asCustomerId) });
const confirmBlockButton = callbackData('adm:ban', { customerId: id(asCustomerId), ok: 'ok' });
const unblockButton = callbackData('adm:unban', { customerId: id(asCustomerId) });
const messageButton = callbackData('adm:msg', { customerId: id(asCustomerId) });

/** Under a receipt's "Ban the customer" question: ban, or leave it. */
const confirmReceiptBlockButton = callbackData('c2c:ban', { paymentId: id(asCardPaymentId), ok: 'ok' });
const keepReceiptButton = callbackData('c2c:ban', { paymentId: id(asCardPaymentId), keep: 'keep' });

const moderatorOf = (ctx: BotContext): Moderator => {
  const from = ctx.from!;
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ');
  return { telegramId: from.id, name: from.username ? `${name} (@${from.username})` : name };
};

const digits = (ctx: BotContext, value: number) => formatNumber(value, ctx.language);

/** What the customers section lends: its card (with a line on top) and where Back leads. */
export interface CustomerActionsDeps {
  readonly showCustomer: (ctx: BotContext, id: CustomerId, prefix?: string) => Promise<void>;
  /** The customer card's button data, for Back. */
  readonly customerData: (id: CustomerId) => string;
  /** The customers section's "search" button data, for a customer that is gone. */
  readonly searchData: string;
}

/** The card's line saying the customer is banned; empty when they are not. */
export const bannedLine = (ctx: BotContext, customer: Customer): string =>
  customer.isBlocked ? ctx.t('mod-customer-banned') : '';

/** The card's row of moderation buttons: Ban or Lift the ban, and Send a message. */
export function addModerationRow(
  keyboard: InlineKeyboard,
  ctx: BotContext,
  customer: Customer,
): InlineKeyboard {
  const customerId = asCustomerId(customer.id);
  return keyboard
    .text(
      customer.isBlocked ? ctx.t('mod-btn-unblock') : ctx.t('mod-btn-block'),
      customer.isBlocked ? unblockButton.build({ customerId }) : blockButton.build({ customerId }),
    )
    .text(ctx.t('mod-btn-message'), messageButton.build({ customerId }))
    .row();
}

/** The customer card's ban, unban and message, as a composer and the answer to "type the message". */
export function customerActions(deps: CustomerActionsDeps): {
  composer: BotComposer<BotContext>;
  onText: Answers;
} {
  const composer = new BotComposer<BotContext>();
  const notFound = (ctx: BotContext) => showNotFound(ctx, 'adm-customer-not-found', deps.searchData);

  onPress(composer, blockButton, async (ctx, { customerId }) => {
    await answer(ctx);
    clearInput(ctx);
    const customer = await ctx.shop.services.customers.get(customerId);
    if (!customer) return notFound(ctx);
    if (customer.isBlocked) return deps.showCustomer(ctx, customerId, ctx.t('mod-already-blocked'));
    await show(
      ctx,
      ctx.t('mod-block-confirm', { customer: customerLabel(customer) }),
      new InlineKeyboard()
        .text(ctx.t('mod-btn-block-confirm'), confirmBlockButton.build({ customerId }))
        .row()
        .text(ctx.t('adm-btn-back'), deps.customerData(customerId)),
    );
  });

  onPress(composer, confirmBlockButton, async (ctx, { customerId }) => {
    const outcome = await ctx.shop.services.moderation.block(customerId, moderatorOf(ctx));
    if (outcome.status === 'not_found') {
      await answer(ctx);
      return notFound(ctx);
    }
    ctx.logger.info(
      { customerId, admin: ctx.from?.id, outcome: outcome.status, receipts: outcome.rejectedReceipts },
      'an admin banned a customer',
    );
    await answer(ctx, { text: ctx.t('mod-blocked-toast') });
    const done =
      outcome.status === 'blocked'
        ? ctx.t('mod-blocked-done', {
            receipts: digits(ctx, outcome.rejectedReceipts),
            orders: digits(ctx, outcome.cancelledOrders),
          })
        : ctx.t('mod-already-blocked');
    await deps.showCustomer(ctx, customerId, done);
  });

  onPress(composer, unblockButton, async (ctx, { customerId }) => {
    const outcome = await ctx.shop.services.moderation.unblock(customerId);
    await answer(ctx);
    if (outcome.status === 'not_found') return notFound(ctx);
    ctx.logger.info({ customerId, admin: ctx.from?.id, outcome: outcome.status }, 'an admin lifted a ban');
    await deps.showCustomer(
      ctx,
      customerId,
      ctx.t(outcome.status === 'unblocked' ? 'mod-unblocked-done' : 'mod-not-blocked'),
    );
  });

  onPress(composer, messageButton, async (ctx, { customerId }) => {
    await answer(ctx);
    const customer = await ctx.shop.services.customers.get(customerId);
    if (!customer) return notFound(ctx);
    clearInput(ctx);
    await ask(
      ctx,
      { kind: 'admin-customer-message', customerId },
      ctx.t('mod-message-ask', { customer: customerLabel(customer) }),
    );
  });

  const receiveMessage = async (
    ctx: BotContext,
    { customerId }: AwaitingOf<'admin-customer-message'>,
    text: string,
  ): Promise<void> => {
    // the admin's own message names the delivery: the same update handled again queues it once
    const key = ctx.msg ? `tg:${ctx.msg.chat.id}:${ctx.msg.message_id}` : undefined;
    const outcome = await ctx.shop.services.moderation.message(customerId, text, key);
    switch (outcome.status) {
      case 'invalid':
        return replyWithCancel(ctx, ctx.t('mod-message-bad', { max: digits(ctx, MAX_MESSAGE_LENGTH) }));
      case 'not_found':
        return notFound(ctx);
      case 'queued':
      case 'duplicate':
        clearInput(ctx);
        ctx.logger.info({ customerId, admin: ctx.from?.id }, 'an admin wrote to a customer');
        return deps.showCustomer(ctx, customerId, ctx.t('mod-message-queued'));
      default: {
        const never: never = outcome;
        throw new Error(`unhandled message outcome ${JSON.stringify(never)}`);
      }
    }
  };

  return { composer, onText: { 'admin-customer-message': receiveMessage } };
}

/**
 * "Ban the customer" on a receipt in the admins' chats (a group, a topic or a private chat): asks
 * first, under the receipt; on Ban the customer is banned as from their card (their pending receipts,
 * this one too, are rejected). Anyone but this shop's admins gets an alert and changes nothing.
 */
export function receiptBlockPresses(): BotComposer<BotContext> {
  const composer = new BotComposer<BotContext>();
  const buttons = [blockCustomerButton, confirmReceiptBlockButton, keepReceiptButton];
  composer.callbackQuery(
    buttons.map((button) => button.pattern),
    async (ctx, next) => {
      if (isAdmin(ctx)) return next();
      ctx.logger.warn(
        { from: ctx.from?.id, data: ctx.callbackQuery.data },
        'receipt ban refused: not an admin',
      );
      await ctx.answerCallbackQuery({ text: ctx.t('c2c-not-admin'), show_alert: true });
    },
  );

  /** The receipt's customer, or an alert saying why there is none. */
  const customerOfReceipt = async (ctx: BotContext, paymentId: number) => {
    const services = ctx.shop.services;
    const payment = await services.cardPayments.get(asCardPaymentId(paymentId));
    const customer = payment && (await services.customers.get(asCustomerId(payment.customerId)));
    if (!payment || !customer) {
      await answer(ctx, { text: ctx.t('c2c-not-found'), show_alert: true });
      return undefined;
    }
    return { payment, customer };
  };

  onPress(composer, blockCustomerButton, async (ctx, { paymentId }) => {
    const found = await customerOfReceipt(ctx, paymentId);
    if (!found) return;
    if (found.customer.isBlocked) {
      await answer(ctx, { text: ctx.t('mod-already-blocked'), show_alert: true });
      return;
    }
    await answer(ctx);
    const message = ctx.callbackQuery.message;
    await ctx.reply(
      ctx.t('mod-receipt-block-confirm', {
        customer: customerLabel(found.customer),
        tracking: found.payment.trackingNumber,
      }),
      {
        ...(message
          ? { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } }
          : {}),
        reply_markup: new InlineKeyboard()
          .text(ctx.t('mod-btn-block-confirm'), confirmReceiptBlockButton.build({ paymentId }))
          .row()
          .text(ctx.t('mod-btn-keep'), keepReceiptButton.build({ paymentId })),
      },
    );
  });

  onPress(composer, confirmReceiptBlockButton, async (ctx, { paymentId }) => {
    const found = await customerOfReceipt(ctx, paymentId);
    if (!found) return;
    const outcome = await ctx.shop.services.moderation.block(
      asCustomerId(found.customer.id),
      moderatorOf(ctx),
    );
    if (outcome.status === 'not_found') {
      await answer(ctx, { text: ctx.t('c2c-not-found'), show_alert: true });
      return;
    }
    ctx.logger.info(
      { customerId: found.customer.id, admin: ctx.from.id, outcome: outcome.status, paymentId },
      'an admin banned a customer from a receipt',
    );
    await answer(ctx, { text: ctx.t('mod-blocked-toast') });
    const text =
      outcome.status === 'blocked'
        ? ctx.t('mod-receipt-blocked', {
            customer: customerLabel(outcome.customer),
            receipts: digits(ctx, outcome.rejectedReceipts),
          })
        : ctx.t('mod-already-blocked');
    await ctx.editMessageText(text).catch(() => undefined);
  });

  onPress(composer, keepReceiptButton, async (ctx) => {
    await answer(ctx, { text: ctx.t('mod-block-kept') });
    await ctx.deleteMessage().catch(() => undefined);
  });

  return composer;
}
