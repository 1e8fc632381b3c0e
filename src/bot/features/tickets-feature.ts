import { InlineKeyboard } from 'grammy';
import type { Ticket, TicketId } from '../../modules/tickets/tickets-service.js';
import { onPress } from '../callback-data.js';
import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';
import type { Translate } from '../i18n.js';
import { isAdmin } from './is-admin.js';
import { createCustomerTickets, submitCustomerMessage } from './tickets-customer.js';
import {
  adminCloseButton,
  adminReopenButton,
  contentOf,
  ticketNumber,
  ticketsEnabled,
} from './tickets-view.js';

/** The admins' side speaks the shop's default language: one admin chat serves every admin. */
async function adminView(ctx: BotContext): Promise<{ t: Translate; number: (id: number) => string }> {
  const language = await ctx.shop.services.settings.get('default_language');
  return { t: ctx.translator.forLanguage(language), number: (id) => ticketNumber(id, language) };
}

/** An admin's answer, given by replying to a ticket's message in the admin chat or in private. */
async function answerAsAdmin(ctx: BotContext, ticket: Ticket): Promise<void> {
  const msg = ctx.msg!;
  const view = await adminView(ctx);
  const content = contentOf(msg);
  const replyTo = { reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true } };
  if (!content) {
    await ctx.reply(view.t('ticket-content-expected'), replyTo);
    return;
  }
  const outcome = await ctx.shop.services.tickets.addAdminMessage(ticket.id, content, {
    adminTelegramId: ctx.from!.id,
    sourceUpdateId: ctx.update.update_id,
  });
  const shown = view.number(ticket.id);
  if (outcome.status === 'added') {
    ctx.logger.info({ ticketId: ticket.id, admin: ctx.from?.id }, 'ticket answered by an admin');
    await ctx.reply(view.t('ticket-adm-sent', { id: shown }), replyTo);
  } else if (outcome.status === 'closed') {
    await ctx.reply(view.t('ticket-adm-closed-cannot-answer', { id: shown }), {
      ...replyTo,
      reply_markup: new InlineKeyboard().text(
        view.t('ticket-btn-reopen'),
        adminReopenButton.build({ ticketId: ticket.id }),
      ),
    });
  } else if (outcome.status === 'empty') {
    await ctx.reply(view.t('ticket-content-expected'), replyTo);
  } else {
    await ctx.reply(view.t('adm-ticket-not-found'), replyTo);
  }
}

/** Close or Reopen pressed on a ticket's message in the admin chat (or an admin's private chat). */
async function changeAsAdmin(ctx: BotContext, id: TicketId, to: 'closed' | 'open'): Promise<void> {
  const tickets = ctx.shop.services.tickets;
  const actor = { author: 'admin' as const, adminTelegramId: ctx.from!.id };
  const outcome = to === 'closed' ? await tickets.close(id, actor) : await tickets.reopen(id, actor);
  const view = await adminView(ctx);
  const shown = view.number(id);
  if (outcome.status === 'not_found') {
    await ctx.answerCallbackQuery({ text: view.t('adm-ticket-not-found'), show_alert: true });
    return;
  }
  if (outcome.status === 'changed')
    ctx.logger.info({ ticketId: id, to, admin: ctx.from?.id }, 'ticket state changed by an admin');
  const done = to === 'closed' ? 'ticket-closed-toast' : 'ticket-reopened-toast';
  const already = to === 'closed' ? 'ticket-already-closed' : 'ticket-already-open';
  await ctx.answerCallbackQuery({
    text: view.t(outcome.status === 'changed' ? done : already, { id: shown }),
  });
  // the pressed message now offers the other way
  const next =
    to === 'closed'
      ? new InlineKeyboard().text(view.t('ticket-btn-reopen'), adminReopenButton.build({ ticketId: id }))
      : new InlineKeyboard().text(view.t('ticket-btn-close'), adminCloseButton.build({ ticketId: id }));
  await ctx.editMessageReplyMarkup({ reply_markup: next }).catch(() => undefined);
}

/**
 * Support tickets in the update pipeline. Mounted before the admin menu, so a reply to a ticket's
 * message is that ticket's answer even while an admin is in the middle of typing something else;
 * anything that is not a reply to one of this shop's ticket messages goes on untouched (receipt
 * decisions, a rejection's reason, the admin menu's questions).
 *
 * - A reply to a message the bot sent the admins about a ticket (admin chat, its topic, or an
 *   admin's private chat), by one of the shop's admins, answers the ticket; anyone else's reply in
 *   the group goes on.
 * - A reply by the customer to an answer the bot sent them is added to their ticket.
 * - Close and Reopen on the admins' messages (admins only), then the customer's own screens.
 *
 * The message replied to is looked up by (chat, message id) among this shop's deliveries only, so a
 * reply in another shop's chat to a message with the same id finds nothing here.
 */
export function createTicketsFeature(): BotComposer<BotContext> {
  const feature = new BotComposer<BotContext>();
  const shops = feature.filter((ctx) => !ctx.shop.tenant.isMaster);

  shops.on('message', async (ctx, next) => {
    const repliedTo = ctx.msg.reply_to_message;
    if (!repliedTo || repliedTo.from?.id !== ctx.me.id || ctx.msg.text?.startsWith('/')) return next();
    const found = await ctx.shop.services.tickets.findByDelivery(ctx.chat.id, repliedTo.message_id);
    if (!found) return next();
    if (found.side === 'admins') {
      if (!isAdmin(ctx)) return next();
      return answerAsAdmin(ctx, found.ticket);
    }
    const customer = ctx.customer;
    if (ctx.chat.type !== 'private' || !customer || customer.id !== found.ticket.customerId) return next();
    const content = contentOf(ctx.msg);
    if (!content) return next();
    if (!(await ticketsEnabled(ctx.shop.services))) {
      await ctx.reply(ctx.t('ticket-unavailable'));
      return;
    }
    await submitCustomerMessage(ctx, found.ticket.id, content);
  });

  shops.callbackQuery([adminCloseButton.pattern, adminReopenButton.pattern], async (ctx, next) => {
    if (isAdmin(ctx)) return next();
    const view = await adminView(ctx);
    await ctx.answerCallbackQuery({ text: view.t('ticket-adm-admins-only'), show_alert: true });
  });
  onPress(shops, adminCloseButton, (ctx, { ticketId }) => changeAsAdmin(ctx, ticketId, 'closed'));
  onPress(shops, adminReopenButton, (ctx, { ticketId }) => changeAsAdmin(ctx, ticketId, 'open'));

  shops.use(createCustomerTickets());
  return feature;
}
