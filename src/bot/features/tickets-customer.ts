import { InlineKeyboard } from 'grammy';
import type { TicketContent, TicketId } from '../../modules/tickets/tickets-service.js';
import { asTicketId } from '../../modules/tickets/tickets-service.js';
import { onPress } from '../callback-data.js';
import { BotComposer } from '../composer.js';
import { awaitingOf, type BotContext, forgetAwaiting } from '../context.js';
import { formatDate } from '../format.js';
import { menuHomeButton } from './keyboards.js';
import { editOrReply } from './panel-ui.js';
import {
  contentOf,
  historyLines,
  statusIcon,
  subjectText,
  ticketCancelButton,
  ticketCloseButton,
  ticketListButton,
  ticketNewButton,
  ticketNumber,
  ticketReopenButton,
  ticketReplyButton,
  ticketsEnabled,
  ticketViewButton,
} from './tickets-view.js';

/** A message asked for stays expected this long; later messages are ordinary messages again. */
const ASK_WINDOW_MS = 30 * 60_000;
/** The history the ticket's card shows: its latest events. */
const HISTORY_SHOWN = 8;

/** Things a customer may send that a ticket cannot carry. */
const NOT_CONTENT = [
  'sticker',
  'video',
  'voice',
  'audio',
  'animation',
  'video_note',
  'contact',
  'location',
] as const;

const number = (ctx: BotContext, id: number) => ticketNumber(id, ctx.language);

const backRow = (ctx: BotContext, keyboard = new InlineKeyboard()) =>
  keyboard
    .text(ctx.t('ticket-btn-list'), ticketListButton.build())
    .text(ctx.t('back-to-menu'), menuHomeButton.build());

/** The buttons under support's screen when the shop takes tickets: new ticket, my tickets. */
export const ticketMenuRow = (ctx: BotContext, keyboard: InlineKeyboard): InlineKeyboard =>
  keyboard
    .text(ctx.t('ticket-btn-new'), ticketNewButton.build())
    .text(ctx.t('ticket-btn-list'), ticketListButton.build())
    .row();

async function showList(ctx: BotContext): Promise<void> {
  const services = ctx.shop.services;
  const customer = ctx.customer!;
  const [tickets, timeZone] = await Promise.all([
    services.tickets.findForCustomer(customer.id),
    services.settings.get('timezone'),
  ]);
  const keyboard = new InlineKeyboard();
  for (const ticket of tickets)
    keyboard
      .text(
        ctx.t('ticket-btn-open', {
          icon: statusIcon(ticket.status),
          id: number(ctx, ticket.id),
          subject: subjectText(ticket, ctx.t),
        }),
        ticketViewButton.build({ ticketId: ticket.id }),
      )
      .row();
  keyboard
    .text(ctx.t('ticket-btn-new'), ticketNewButton.build())
    .text(ctx.t('back-to-menu'), menuHomeButton.build());
  const lines =
    tickets.length === 0
      ? [ctx.t('ticket-list-empty')]
      : [
          ctx.t('ticket-list-title'),
          ...tickets.map((ticket) =>
            ctx.t('ticket-line', {
              id: number(ctx, ticket.id),
              subject: subjectText(ticket, ctx.t),
              status: ctx.t('ticket-status', { status: ticket.status }),
              date: formatDate(ticket.createdAt, ctx.language, timeZone),
            }),
          ),
        ];
  await editOrReply(ctx, lines.join('\n'), keyboard, 'ticket list not editable; sending a new one');
}

async function showTicket(ctx: BotContext, id: TicketId): Promise<void> {
  const services = ctx.shop.services;
  const ticket = await services.tickets.getForCustomer(ctx.customer!.id, id);
  if (!ticket) {
    await editOrReply(ctx, ctx.t('ticket-not-found'), backRow(ctx), 'ticket card not editable');
    return;
  }
  const [history, timeZone] = await Promise.all([
    services.tickets.history(id, HISTORY_SHOWN),
    services.settings.get('timezone'),
  ]);
  const card = ctx.t('ticket-card', {
    id: number(ctx, ticket.id),
    subject: subjectText(ticket, ctx.t),
    status: ctx.t('ticket-status', { status: ticket.status }),
    date: formatDate(ticket.createdAt, ctx.language, timeZone),
  });
  const lines = historyLines(history, { t: ctx.t, language: ctx.language, timeZone, keys: 'ticket' });
  const text = [card, '', ctx.t('ticket-history-title'), ...lines].join('\n');
  const keyboard = new InlineKeyboard();
  if (ticket.status === 'closed')
    keyboard.text(ctx.t('ticket-btn-reopen'), ticketReopenButton.build({ ticketId: id }));
  else
    keyboard
      .text(ctx.t('ticket-btn-reply'), ticketReplyButton.build({ ticketId: id }))
      .text(ctx.t('ticket-btn-close'), ticketCloseButton.build({ ticketId: id }));
  await editOrReply(
    ctx,
    text.length > 4096 ? `${text.slice(0, 4095)}…` : text,
    backRow(ctx, keyboard.row()),
    'ticket card not editable; sending a new one',
  );
}

/** Asks for the message that opens a ticket (`ticketId` null) or answers one. */
async function ask(ctx: BotContext, ticketId: TicketId | null): Promise<void> {
  ctx.session.awaiting = { kind: 'ticket-message', ticketId, at: Date.now() };
  const text =
    ticketId === null ? ctx.t('ticket-ask-new') : ctx.t('ticket-ask-reply', { id: number(ctx, ticketId) });
  await ctx.reply(text, {
    reply_markup: new InlineKeyboard().text(ctx.t('ticket-btn-cancel'), ticketCancelButton.build()),
  });
}

/**
 * The customer's message for a ticket: opens one (`ticketId` null) or is added to theirs. Refusals
 * (too many open tickets, too many messages a minute, a closed ticket) say what to do instead.
 */
export async function submitCustomerMessage(
  ctx: BotContext,
  ticketId: TicketId | null,
  content: TicketContent,
): Promise<void> {
  const tickets = ctx.shop.services.tickets;
  const customer = ctx.customer!;
  const updateId = ctx.update.update_id;
  const outcome =
    ticketId === null
      ? await tickets.open(customer.id, content, updateId)
      : await tickets.addCustomerMessage(customer.id, ticketId, content, updateId);
  switch (outcome.status) {
    case 'opened':
    case 'added': {
      forgetAwaiting(ctx.session, 'ticket-message');
      const id = outcome.ticket.id;
      ctx.logger.info({ ticketId: id, messageId: outcome.message.id }, 'ticket message from a customer');
      const keyboard = new InlineKeyboard()
        .text(ctx.t('ticket-btn-reply'), ticketReplyButton.build({ ticketId: id }))
        .text(ctx.t('ticket-btn-close'), ticketCloseButton.build({ ticketId: id }))
        .row();
      await ctx.reply(
        ctx.t(outcome.status === 'opened' ? 'ticket-opened' : 'ticket-sent', { id: number(ctx, id) }),
        {
          reply_markup: backRow(ctx, keyboard),
        },
      );
      return;
    }
    case 'too_fast':
      // the question stays: the same message sent a minute later goes through
      await ctx.reply(ctx.t('ticket-too-fast'));
      return;
    case 'too_many_open':
      forgetAwaiting(ctx.session, 'ticket-message');
      await ctx.reply(ctx.t('ticket-too-many-open', { limit: number(ctx, outcome.limit) }), {
        reply_markup: backRow(ctx),
      });
      return;
    case 'closed':
      forgetAwaiting(ctx.session, 'ticket-message');
      await ctx.reply(ctx.t('ticket-closed-cannot-write', { id: number(ctx, outcome.ticket.id) }), {
        reply_markup: backRow(
          ctx,
          new InlineKeyboard()
            .text(ctx.t('ticket-btn-reopen'), ticketReopenButton.build({ ticketId: outcome.ticket.id }))
            .row(),
        ),
      });
      return;
    case 'empty':
      await ctx.reply(ctx.t('ticket-content-expected'));
      return;
    case 'not_found':
    case 'no_customer':
      forgetAwaiting(ctx.session, 'ticket-message');
      await ctx.reply(ctx.t('ticket-not-found'), { reply_markup: backRow(ctx) });
      return;
    default: {
      const never: never = outcome;
      throw new Error(`unknown ticket outcome ${JSON.stringify(never)}`);
    }
  }
}

async function changeState(ctx: BotContext, id: TicketId, to: 'closed' | 'open'): Promise<void> {
  const tickets = ctx.shop.services.tickets;
  const actor = { author: 'customer' as const, customerId: ctx.customer!.id };
  const outcome = to === 'closed' ? await tickets.close(id, actor) : await tickets.reopen(id, actor);
  const shown = number(ctx, id);
  switch (outcome.status) {
    case 'changed':
      ctx.logger.info({ ticketId: id, to }, 'ticket state changed by its customer');
      await ctx.answerCallbackQuery({
        text: ctx.t(to === 'closed' ? 'ticket-closed-toast' : 'ticket-reopened-toast', { id: shown }),
      });
      break;
    case 'unchanged':
      await ctx.answerCallbackQuery({
        text: ctx.t(to === 'closed' ? 'ticket-already-closed' : 'ticket-already-open', { id: shown }),
      });
      break;
    case 'too_many_open':
      await ctx.answerCallbackQuery({
        text: ctx.t('ticket-too-many-open', { limit: number(ctx, outcome.limit) }),
        show_alert: true,
      });
      return;
    case 'too_fast':
      await ctx.answerCallbackQuery({ text: ctx.t('ticket-too-fast'), show_alert: true });
      return;
    case 'not_found':
      await ctx.answerCallbackQuery({ text: ctx.t('ticket-not-found'), show_alert: true });
      return;
  }
  await showTicket(ctx, id);
}

/**
 * The customer's side of support tickets: their list, a ticket's card (history, reply, close,
 * reopen), a new ticket, and the message asked for. Every press is checked against the presser's
 * own tickets; while the shop takes no tickets, presses and messages are refused politely.
 */
export function createCustomerTickets(): BotComposer<BotContext> {
  const feature = new BotComposer<BotContext>();
  const buttons = [
    ticketNewButton,
    ticketListButton,
    ticketCancelButton,
    ticketViewButton,
    ticketReplyButton,
    ticketCloseButton,
    ticketReopenButton,
  ];
  // registered customers of a shop that takes tickets; anyone else is answered and goes no further
  feature.callbackQuery(
    buttons.map((button) => button.pattern),
    async (ctx, next) => {
      if (ctx.customer && (await ticketsEnabled(ctx.shop.services))) return next();
      forgetAwaiting(ctx.session, 'ticket-message');
      await ctx.answerCallbackQuery({ text: ctx.t('ticket-unavailable'), show_alert: true });
    },
  );

  onPress(feature, ticketNewButton, async (ctx) => {
    const allowed = await ctx.shop.services.tickets.canOpen(ctx.customer!.id);
    if (!allowed.ok) {
      await ctx.answerCallbackQuery({
        text: ctx.t('ticket-too-many-open', { limit: number(ctx, allowed.limit) }),
        show_alert: true,
      });
      return;
    }
    await ctx.answerCallbackQuery();
    await ask(ctx, null);
  });
  onPress(feature, ticketListButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showList(ctx);
  });
  onPress(feature, ticketCancelButton, async (ctx) => {
    forgetAwaiting(ctx.session, 'ticket-message');
    await ctx.answerCallbackQuery({ text: ctx.t('ticket-cancelled') });
    await ctx.deleteMessage().catch(() => undefined);
  });
  onPress(feature, ticketViewButton, async (ctx, { ticketId }) => {
    await ctx.answerCallbackQuery();
    await showTicket(ctx, ticketId);
  });
  onPress(feature, ticketReplyButton, async (ctx, { ticketId }) => {
    const ticket = await ctx.shop.services.tickets.getForCustomer(ctx.customer!.id, ticketId);
    if (!ticket) {
      await ctx.answerCallbackQuery({ text: ctx.t('ticket-not-found'), show_alert: true });
      return;
    }
    if (ticket.status === 'closed') {
      await ctx.answerCallbackQuery({
        text: ctx.t('ticket-closed-cannot-write', { id: number(ctx, ticketId) }),
        show_alert: true,
      });
      return;
    }
    await ctx.answerCallbackQuery();
    await ask(ctx, ticketId);
  });
  onPress(feature, ticketCloseButton, (ctx, { ticketId }) => changeState(ctx, ticketId, 'closed'));
  onPress(feature, ticketReopenButton, (ctx, { ticketId }) => changeState(ctx, ticketId, 'open'));

  // the message asked for, in the customer's private chat
  feature.chatType('private').on('message', async (ctx, next) => {
    const awaited = awaitingOf(ctx.session, 'ticket-message');
    if (!awaited || !ctx.customer) return next();
    const message = ctx.message;
    // a command keeps its meaning and drops the question; so does a question left too long
    if (Date.now() - awaited.at > ASK_WINDOW_MS || message.text?.startsWith('/')) {
      forgetAwaiting(ctx.session, 'ticket-message');
      return next();
    }
    const content = contentOf(message);
    if (!content) {
      // a sticker, a voice note...: say what a ticket takes; anything else (a service message) goes on
      if (NOT_CONTENT.some((kind) => message[kind] !== undefined))
        await ctx.reply(ctx.t('ticket-content-expected'));
      else await next();
      return;
    }
    if (!(await ticketsEnabled(ctx.shop.services))) {
      forgetAwaiting(ctx.session, 'ticket-message');
      await ctx.reply(ctx.t('ticket-unavailable'));
      return;
    }
    await submitCustomerMessage(
      ctx,
      awaited.ticketId === null ? null : asTicketId(awaited.ticketId),
      content,
    );
  });

  return feature;
}
