import { z } from 'zod';
import {
  asTicketId,
  TICKET_STATUSES,
  TICKET_TEXT_MAX,
  type Ticket,
  type TicketMessage,
} from '../../modules/tickets/tickets-service.js';
import { asCustomerId } from '../../shared/ids.js';
import { ApiError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { idParam, iso, isoOrNull, paged, pageQuery, timestamp, toPage } from './schemas.js';

export const ticketView = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  subject: z.string().meta({ description: 'The opening words of the first message; empty for a file alone' }),
  status: z.enum(TICKET_STATUSES).meta({
    description: '`open`: waits for the admins; `answered`: waits for the customer; `closed`',
  }),
  lastMessageAt: timestamp,
  closedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const ticketMessageView = z.object({
  id: z.number().int(),
  kind: z
    .enum(['message', 'closed', 'reopened'])
    .meta({ description: '`message`, or a change of state: `closed`, `reopened`' }),
  author: z.enum(['customer', 'admin']),
  adminTelegramId: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'The admin who wrote it in Telegram; null for the customer or the API' }),
  text: z.string().nullable(),
  fileKind: z.enum(['photo', 'document']).nullable().meta({
    description:
      'A photo or file sent with it (its Telegram file id works for this bot only, so it is not listed)',
  }),
  createdAt: timestamp,
});

const ticketWithHistory = ticketView.extend({ messages: z.array(ticketMessageView) });

const toTicketView = (ticket: Ticket): z.infer<typeof ticketView> => ({
  id: ticket.id,
  customerId: ticket.customerId,
  subject: ticket.subject,
  status: ticket.status,
  lastMessageAt: iso(ticket.lastMessageAt),
  closedAt: isoOrNull(ticket.closedAt),
  createdAt: iso(ticket.createdAt),
  updatedAt: iso(ticket.updatedAt),
});

const toMessageView = (message: TicketMessage): z.infer<typeof ticketMessageView> => ({
  id: message.id,
  kind: message.kind,
  author: message.author,
  adminTelegramId: message.adminTelegramId,
  text: message.text,
  fileKind: message.fileKind,
  createdAt: iso(message.createdAt),
});

const ticketParams = botIdParams.extend({ ticketId: idParam });
const replyBody = z.strictObject({
  text: z
    .string()
    .max(TICKET_TEXT_MAX)
    .refine((text) => text.trim() !== '', 'must not be empty')
    .meta({ description: 'Sent to the customer through the bot as it is' }),
});

/**
 * Support tickets: list and read them, answer one (the customer gets it through the bot, like an
 * answer given in Telegram), close or reopen one (the customer is told).
 */
export function registerTicketRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'tickets';
  const ticketNotFound = (id: number) => notFound(`ticket ${id}`);

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/tickets',
      tag,
      summary: 'Support tickets of a bot',
      description: 'Latest activity first. `?status=open|answered|closed`, `?customerId=` for one customer.',
      query: pageQuery.extend({
        status: z.enum(TICKET_STATUSES).optional(),
        customerId: idParam.optional(),
      }),
      responses: { 200: { description: 'One page of tickets', schema: paged(ticketView) } },
    },
    async ({ services, query }) =>
      toPage(
        await services.tickets.findPage({
          limit: query.limit,
          offset: query.offset,
          status: query.status,
          customerId: query.customerId === undefined ? undefined : asCustomerId(query.customerId),
        }),
        query.offset,
        toTicketView,
      ),
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/tickets/:ticketId',
      tag,
      summary: 'One ticket with its whole history',
      params: ticketParams,
      responses: {
        200: { description: 'The ticket and its messages, oldest first', schema: ticketWithHistory },
      },
    },
    async ({ services, params }) => {
      const id = asTicketId(params.ticketId);
      const ticket = await services.tickets.get(id);
      if (!ticket) throw ticketNotFound(params.ticketId);
      const messages = await services.tickets.history(id);
      return { ...toTicketView(ticket), messages: messages.map(toMessageView) };
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/tickets/:ticketId/reply',
      tag,
      summary: 'Answer a ticket',
      description:
        'The answer is stored and sent to the customer through the bot; the ticket becomes `answered`. ' +
        'A closed ticket is refused with 409: reopen it first.',
      params: ticketParams,
      body: replyBody,
      responses: { 201: { description: 'The answer as stored', schema: ticketMessageView } },
    },
    async ({ services, params, body, reply }) => {
      const outcome = await services.tickets.addAdminMessage(asTicketId(params.ticketId), {
        text: body.text,
      });
      if (outcome.status === 'not_found') throw ticketNotFound(params.ticketId);
      if (outcome.status === 'closed')
        throw new ApiError('conflict', 'the ticket is closed; reopen it first');
      if (outcome.status !== 'added')
        throw new ApiError('invalid_request', 'body.text: must not be empty', [
          { field: 'body.text', message: 'must not be empty' },
        ]);
      reply.code(201);
      return toMessageView(outcome.message);
    },
  );

  for (const action of ['close', 'reopen'] as const) {
    botRoute(
      {
        method: 'POST',
        url: `/bots/:id/tickets/:ticketId/${action}`,
        tag,
        summary: action === 'close' ? 'Close a ticket' : 'Reopen a closed ticket',
        description:
          'The customer is told through the bot. Doing it again changes nothing and answers the ticket as it is.',
        params: ticketParams,
        responses: { 200: { description: 'The ticket', schema: ticketView } },
      },
      async ({ services, params }) => {
        const id = asTicketId(params.ticketId);
        const actor = { author: 'admin' as const };
        const outcome =
          action === 'close'
            ? await services.tickets.close(id, actor)
            : await services.tickets.reopen(id, actor);
        // limits are the customers'; an admin is never refused by them
        if (
          outcome.status === 'not_found' ||
          outcome.status === 'too_many_open' ||
          outcome.status === 'too_fast'
        )
          throw ticketNotFound(params.ticketId);
        return toTicketView(outcome.ticket);
      },
    );
  }
}
