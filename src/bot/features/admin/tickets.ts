import { InlineKeyboard } from 'grammy';
import { asTicketId, type TicketId } from '../../../modules/tickets/tickets-service.js';
import { asCustomerId } from '../../../shared/ids.js';
import { callbackData, id, oneOf, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatDate, formatNumber } from '../../format.js';
import type { Section } from '../section.js';
import {
  contentOf,
  customerLabel,
  historyLines,
  statusIcon,
  subjectText,
  ticketNumber,
} from '../tickets-view.js';
import { answer, ask, clearInput, replyWithCancel, show, showNotFound, withHome } from './admin-ui.js';

const ticketsButton = callbackData('adm:tickets');
const ticketButton = callbackData('adm:tkt', { ticketId: id(asTicketId) });
const ticketActionButton = callbackData('adm:tkt', {
  ticketId: id(asTicketId),
  action: oneOf(['answer', 'close', 'reopen']),
});

/** How many open tickets the list shows, and how much history a ticket's card shows. */
const LISTED = 30;
const HISTORY_SHOWN = 10;

const number = (ctx: BotContext, value: number) => ticketNumber(value, ctx.language);

async function showTickets(ctx: BotContext): Promise<void> {
  const services = ctx.shop.services;
  const [open, waiting] = await Promise.all([
    services.tickets.findOpen(LISTED),
    services.tickets.countWaiting(),
  ]);
  const customers = await Promise.all(
    open.map((ticket) => services.customers.get(asCustomerId(ticket.customerId))),
  );
  const keyboard = new InlineKeyboard();
  open.forEach((ticket, index) => {
    const customer = customers[index];
    const name = customer ? [customer.firstName, customer.lastName].filter(Boolean).join(' ') || '–' : '–';
    keyboard
      .text(
        ctx.t('adm-ticket-button', {
          icon: statusIcon(ticket.status),
          id: number(ctx, ticket.id),
          customer: name,
          subject: subjectText(ticket, ctx.t),
        }),
        ticketButton.build({ ticketId: ticket.id }),
      )
      .row();
  });
  withHome(keyboard, ctx.t);
  const text =
    open.length === 0
      ? ctx.t('adm-tickets-empty')
      : ctx.t('adm-tickets-title', {
          count: formatNumber(open.length, ctx.language),
          waiting: formatNumber(waiting, ctx.language),
        });
  await show(ctx, text, keyboard);
}

const ticketNotFound = (ctx: BotContext) => showNotFound(ctx, 'adm-ticket-not-found', ticketsButton.build());

async function showTicket(ctx: BotContext, ticketId: TicketId): Promise<void> {
  const services = ctx.shop.services;
  const ticket = await services.tickets.get(ticketId);
  if (!ticket) return ticketNotFound(ctx);
  const [customer, history, timeZone] = await Promise.all([
    services.customers.get(asCustomerId(ticket.customerId)),
    services.tickets.history(ticketId, HISTORY_SHOWN),
    services.settings.get('timezone'),
  ]);
  const card = ctx.t('adm-ticket-card', {
    id: number(ctx, ticket.id),
    customer: customerLabel(customer, ctx.t, ctx.language),
    subject: subjectText(ticket, ctx.t),
    status: ctx.t('adm-ticket-status', { status: ticket.status }),
    date: formatDate(ticket.createdAt, ctx.language, timeZone),
  });
  const lines = historyLines(history, { t: ctx.t, language: ctx.language, timeZone, keys: 'adm-ticket' });
  const keyboard = new InlineKeyboard();
  if (ticket.status === 'closed')
    keyboard.text(ctx.t('ticket-btn-reopen'), ticketActionButton.build({ ticketId, action: 'reopen' }));
  else
    keyboard
      .text(ctx.t('adm-ticket-btn-answer'), ticketActionButton.build({ ticketId, action: 'answer' }))
      .text(ctx.t('ticket-btn-close'), ticketActionButton.build({ ticketId, action: 'close' }));
  keyboard.row().text(ctx.t('adm-btn-back'), ticketsButton.build());
  withHome(keyboard, ctx.t);
  await show(ctx, [card, '', ...lines].join('\n'), keyboard);
}

async function changeState(ctx: BotContext, ticketId: TicketId, to: 'close' | 'reopen'): Promise<void> {
  const tickets = ctx.shop.services.tickets;
  const actor = { author: 'admin' as const, adminTelegramId: ctx.from?.id ?? null };
  const outcome =
    to === 'close' ? await tickets.close(ticketId, actor) : await tickets.reopen(ticketId, actor);
  if (outcome.status === 'not_found') {
    await answer(ctx);
    return ticketNotFound(ctx);
  }
  const shown = number(ctx, ticketId);
  const done = to === 'close' ? 'ticket-closed-toast' : 'ticket-reopened-toast';
  const already = to === 'close' ? 'ticket-already-closed' : 'ticket-already-open';
  if (outcome.status === 'changed')
    ctx.logger.info({ ticketId, to, admin: ctx.from?.id }, 'ticket state changed in the admin menu');
  await answer(ctx, { text: ctx.t(outcome.status === 'changed' ? done : already, { id: shown }) });
  await showTicket(ctx, ticketId);
}

async function receiveAnswer(
  ctx: BotContext,
  { ticketId }: AwaitingOf<'admin-ticket-answer'>,
  _text: string,
): Promise<void> {
  const content = contentOf(ctx.msg ?? {});
  if (!content) return replyWithCancel(ctx, ctx.t('ticket-content-expected'));
  const outcome = await ctx.shop.services.tickets.addAdminMessage(asTicketId(ticketId), content, {
    adminTelegramId: ctx.from?.id ?? null,
    sourceUpdateId: ctx.update.update_id,
  });
  if (outcome.status === 'empty') return replyWithCancel(ctx, ctx.t('ticket-content-expected'));
  clearInput(ctx);
  if (outcome.status === 'not_found') return ticketNotFound(ctx);
  if (outcome.status === 'closed') {
    await ctx.reply(ctx.t('ticket-adm-closed-cannot-answer', { id: number(ctx, ticketId) }));
  } else {
    ctx.logger.info({ ticketId, admin: ctx.from?.id }, 'ticket answered from the admin menu');
    await ctx.reply(ctx.t('adm-ticket-sent'));
  }
  await showTicket(ctx, asTicketId(ticketId));
}

function ticketsButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, ticketsButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showTickets(ctx);
  });
  onPress(buttons, ticketButton, async (ctx, { ticketId }) => {
    clearInput(ctx);
    await answer(ctx);
    await showTicket(ctx, ticketId);
  });
  onPress(buttons, ticketActionButton, async (ctx, { ticketId, action }) => {
    if (action !== 'answer') return changeState(ctx, ticketId, action);
    const ticket = await ctx.shop.services.tickets.get(ticketId);
    await answer(ctx);
    if (!ticket) return ticketNotFound(ctx);
    clearInput(ctx);
    await ask(
      ctx,
      { kind: 'admin-ticket-answer', ticketId },
      ctx.t('adm-ticket-ask-answer', { id: number(ctx, ticketId) }),
    );
  });
  return buttons;
}

/**
 * Support tickets in the admin menu: the open ones (waiting for an answer first), a ticket's card
 * with its customer and latest history, answering it (typed here, or by replying to its message in
 * the admin chat), closing and reopening it. The button shows how many wait for an answer.
 */
export const ticketsSection: Section = {
  isShown: (ctx) => ctx.shop.services.flags.isEnabled('support_tickets'),
  button: async (ctx) => {
    const waiting = await ctx.shop.services.tickets.countWaiting();
    return {
      text: ctx.t('adm-btn-tickets', { count: waiting === 0 ? 0 : formatNumber(waiting, ctx.language) }),
      data: ticketsButton.build(),
    };
  },
  composer: ticketsButtons(),
  onText: { 'admin-ticket-answer': receiveAnswer },
};
