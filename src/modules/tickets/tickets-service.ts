import { and, asc, count, desc, eq, gt, inArray, ne, type SQL } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import {
  customers,
  supportTickets,
  type TicketAuthor,
  type TicketEventKind,
  type TicketFileKind,
  type TicketStatus,
  ticketDeliveries,
  ticketMessages,
} from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { ticketDeliver } from '../../jobs/definitions/ticket-deliver.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import type { Brand, CustomerId } from '../../shared/ids.js';
import type { SettingsService } from '../settings/settings-service.js';

export type { TicketAuthor, TicketEventKind, TicketFileKind, TicketStatus };
export type TicketId = Brand<number, 'TicketId'>;
export const asTicketId = (value: number): TicketId => value as TicketId;

export type Ticket = typeof supportTickets.$inferSelect & { readonly id: TicketId };
export type TicketMessage = typeof ticketMessages.$inferSelect;
/** Which side a message the bot sent belongs to: a reply to it is that side's answer. */
export type DeliverySide = 'admins' | 'customer';

export const TICKET_STATUSES = ['open', 'answered', 'closed'] as const satisfies readonly TicketStatus[];
/** Statuses of a ticket that is not closed: it counts against the customer's open tickets. */
const NOT_CLOSED: TicketStatus[] = ['open', 'answered'];

/** What a message carries: text, a file, or both (a caption). */
export interface TicketContent {
  readonly text?: string | undefined;
  readonly file?: { readonly kind: TicketFileKind; readonly fileId: string } | undefined;
}

/** Telegram's longest message; a longer text (the API) is cut, never refused. */
export const TICKET_TEXT_MAX = 4096;
const SUBJECT_MAX = 80;
const FILE_ID_MAX = 256;
const RATE_WINDOW_MS = 60_000;

/** The ticket's subject: the first message's opening words on one line. */
export const subjectOf = (text: string | undefined): string => {
  const line = (text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > SUBJECT_MAX ? `${line.slice(0, SUBJECT_MAX - 1)}…` : line;
};

const cleanText = (text: string | undefined): string | null => {
  // NUL cannot be stored in a text column; nothing a person types contains it
  const trimmed = (text ?? '').replaceAll(String.fromCharCode(0), '').trim();
  if (trimmed === '') return null;
  return trimmed.length > TICKET_TEXT_MAX ? trimmed.slice(0, TICKET_TEXT_MAX) : trimmed;
};

export type OpenOutcome =
  | { readonly status: 'opened'; readonly ticket: Ticket; readonly message: TicketMessage }
  | { readonly status: 'too_many_open'; readonly limit: number }
  | { readonly status: 'too_fast'; readonly limit: number }
  | { readonly status: 'empty' }
  | { readonly status: 'no_customer' };

export type AddOutcome =
  | { readonly status: 'added'; readonly ticket: Ticket; readonly message: TicketMessage }
  | { readonly status: 'not_found' }
  | { readonly status: 'closed'; readonly ticket: Ticket }
  | { readonly status: 'too_fast'; readonly limit: number }
  | { readonly status: 'empty' };

export type StateOutcome =
  | { readonly status: 'changed'; readonly ticket: Ticket; readonly message: TicketMessage }
  | { readonly status: 'not_found' }
  | { readonly status: 'unchanged'; readonly ticket: Ticket }
  | { readonly status: 'too_many_open'; readonly limit: number }
  | { readonly status: 'too_fast'; readonly limit: number };

/** Who acts: the ticket's customer (only their own tickets), or an admin (any ticket of the shop). */
export type TicketActor =
  | { readonly author: 'customer'; readonly customerId: CustomerId }
  | { readonly author: 'admin'; readonly adminTelegramId?: number | null | undefined };

/**
 * Support tickets of one shop: a customer opens one with a message (its subject is that message's
 * opening words), both sides write, either closes or reopens it. Every message and state change is a
 * row of the ticket's history and queues `ticket-deliver` in the same transaction, which takes it to
 * the other side. A customer's writes take their customer row's lock first, so the limits (open
 * tickets, messages a minute) hold under concurrency. An update handled twice (`sourceUpdateId`)
 * finds the message it recorded the first time.
 */
export function createTicketsService({
  tenant,
  clock,
  settings,
}: {
  tenant: TenantDb;
  clock: Clock;
  settings: SettingsService;
}) {
  const { botId } = tenant;
  const ticketById = (id: TicketId) => and(eq(supportTickets.botId, botId), eq(supportTickets.id, id));
  const asTicket = (row: typeof supportTickets.$inferSelect) => row as Ticket;

  const lockCustomer = async (tx: TenantTx, customerId: CustomerId) => {
    const [row] = await tx
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.botId, botId), eq(customers.id, customerId)))
      .for('no key update');
    return row !== undefined;
  };

  const lockTicket = async (tx: TenantTx, id: TicketId) => {
    const [row] = await tx.select().from(supportTickets).where(ticketById(id)).for('update');
    return row ? asTicket(row) : undefined;
  };

  const openCount = async (tx: TenantTx, customerId: CustomerId) => {
    const [row] = await tx
      .select({ n: count() })
      .from(supportTickets)
      .where(
        and(
          eq(supportTickets.botId, botId),
          eq(supportTickets.customerId, customerId),
          inArray(supportTickets.status, NOT_CLOSED),
        ),
      );
    return row?.n ?? 0;
  };

  /** The customer's events of the last minute: messages, closes and reopens all reach the admins. */
  const sentLastMinute = async (tx: TenantTx, customerId: CustomerId) => {
    const [row] = await tx
      .select({ n: count() })
      .from(ticketMessages)
      .where(
        and(
          eq(ticketMessages.botId, botId),
          eq(ticketMessages.customerId, customerId),
          eq(ticketMessages.author, 'customer'),
          gt(ticketMessages.createdAt, new Date(clock.now().getTime() - RATE_WINDOW_MS)),
        ),
      );
    return row?.n ?? 0;
  };

  const bySourceUpdate = async (tx: TenantTx, sourceUpdateId: number | undefined) => {
    if (sourceUpdateId === undefined) return undefined;
    const [message] = await tx
      .select()
      .from(ticketMessages)
      .where(and(eq(ticketMessages.botId, botId), eq(ticketMessages.sourceUpdateId, sourceUpdateId)));
    if (!message) return undefined;
    const [ticket] = await tx
      .select()
      .from(supportTickets)
      .where(ticketById(message.ticketId as TicketId));
    return ticket ? { ticket: asTicket(ticket), message } : undefined;
  };

  /** Writes one event of a ticket's history, moves the ticket on and queues its delivery. */
  const record = async (
    tx: TenantTx,
    ticket: Ticket,
    event: {
      kind: TicketEventKind;
      author: TicketAuthor;
      adminTelegramId?: number | null | undefined;
      text?: string | null;
      file?: TicketContent['file'];
      sourceUpdateId?: number | undefined;
      status: TicketStatus;
    },
  ) => {
    const now = clock.now();
    const [message] = await tx
      .insert(ticketMessages)
      .values({
        botId,
        ticketId: ticket.id,
        customerId: ticket.customerId,
        kind: event.kind,
        author: event.author,
        adminTelegramId: event.adminTelegramId ?? null,
        text: event.text ?? null,
        fileId: event.file?.fileId ?? null,
        fileKind: event.file?.kind ?? null,
        sourceUpdateId: event.sourceUpdateId ?? null,
        createdAt: now,
      })
      .returning();
    const [updated] = await tx
      .update(supportTickets)
      .set({
        status: event.status,
        closedAt: event.status === 'closed' ? now : null,
        ...(event.kind === 'message' ? { lastMessageAt: now } : {}),
        updatedAt: now,
      })
      .where(ticketById(ticket.id))
      .returning();
    await enqueue(tx, ticketDeliver, { messageId: message!.id });
    return { ticket: asTicket(updated!), message: message! };
  };

  const content = (input: TicketContent) => {
    const text = cleanText(input.text);
    const file = input.file && input.file.fileId.length <= FILE_ID_MAX ? input.file : undefined;
    return text === null && !file ? undefined : { text, file };
  };

  /** Runs `work`; when the same update was recorded meanwhile by another handling, finds that. */
  const onceForUpdate = async <T>(work: () => Promise<T>, again: () => Promise<T | undefined>) => {
    try {
      return await work();
    } catch (error) {
      if (!isUniqueViolation(error, 'ticket_messages_source_update')) throw error;
      const found = await again();
      if (found === undefined) throw error;
      return found;
    }
  };

  const limits = async () => {
    const [maxOpen, perMinute] = await Promise.all([
      settings.get('ticket_max_open'),
      settings.get('ticket_messages_per_minute'),
    ]);
    return { maxOpen, perMinute };
  };

  const readTicket = (tx: TenantTx, where: SQL | undefined) =>
    tx
      .select()
      .from(supportTickets)
      .where(where)
      .then((rows) => (rows[0] ? asTicket(rows[0]) : undefined));

  const service = {
    /** Whether the customer may open another ticket now (the button asks before they type). */
    async canOpen(customerId: CustomerId): Promise<{ ok: true } | { ok: false; limit: number }> {
      const { maxOpen } = await limits();
      const open = await tenant.transaction((tx) => openCount(tx, customerId));
      return open < maxOpen ? { ok: true } : { ok: false, limit: maxOpen };
    },

    /** Opens a ticket with the customer's first message. */
    async open(customerId: CustomerId, input: TicketContent, sourceUpdateId?: number): Promise<OpenOutcome> {
      const body = content(input);
      if (!body) return { status: 'empty' };
      // settings first: a settings read opens a transaction of its own
      const { maxOpen, perMinute } = await limits();
      const attempt = () =>
        tenant.transaction(async (tx): Promise<OpenOutcome> => {
          if (!(await lockCustomer(tx, customerId))) return { status: 'no_customer' };
          const seen = await bySourceUpdate(tx, sourceUpdateId);
          if (seen) return { status: 'opened', ...seen };
          if ((await openCount(tx, customerId)) >= maxOpen)
            return { status: 'too_many_open', limit: maxOpen };
          if ((await sentLastMinute(tx, customerId)) >= perMinute)
            return { status: 'too_fast', limit: perMinute };
          const now = clock.now();
          const [ticket] = await tx
            .insert(supportTickets)
            .values({
              botId,
              customerId,
              subject: subjectOf(body.text ?? undefined),
              lastMessageAt: now,
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          const recorded = await record(tx, asTicket(ticket!), {
            kind: 'message',
            author: 'customer',
            text: body.text,
            file: body.file,
            sourceUpdateId,
            status: 'open',
          });
          return { status: 'opened', ...recorded };
        });
      return onceForUpdate(attempt, async () => {
        const again = await attempt();
        return again.status === 'opened' ? again : undefined;
      });
    },

    /** The customer writes on their own ticket (a reply to the admins); a closed one must be reopened. */
    async addCustomerMessage(
      customerId: CustomerId,
      id: TicketId,
      input: TicketContent,
      sourceUpdateId?: number,
    ): Promise<AddOutcome> {
      const body = content(input);
      if (!body) return { status: 'empty' };
      const { perMinute } = await limits();
      const attempt = () =>
        tenant.transaction(async (tx): Promise<AddOutcome> => {
          if (!(await lockCustomer(tx, customerId))) return { status: 'not_found' };
          const seen = await bySourceUpdate(tx, sourceUpdateId);
          if (seen) return { status: 'added', ...seen };
          const ticket = await lockTicket(tx, id);
          if (!ticket || ticket.customerId !== customerId) return { status: 'not_found' };
          if (ticket.status === 'closed') return { status: 'closed', ticket };
          if ((await sentLastMinute(tx, customerId)) >= perMinute)
            return { status: 'too_fast', limit: perMinute };
          const recorded = await record(tx, ticket, {
            kind: 'message',
            author: 'customer',
            text: body.text,
            file: body.file,
            sourceUpdateId,
            status: 'open',
          });
          return { status: 'added', ...recorded };
        });
      return onceForUpdate(attempt, async () => {
        const again = await attempt();
        return again.status === 'added' ? again : undefined;
      });
    },

    /** An admin's answer: the ticket then waits for the customer. A closed one must be reopened. */
    async addAdminMessage(
      id: TicketId,
      input: TicketContent,
      by: { adminTelegramId?: number | null | undefined; sourceUpdateId?: number | undefined } = {},
    ): Promise<AddOutcome> {
      const body = content(input);
      if (!body) return { status: 'empty' };
      const attempt = () =>
        tenant.transaction(async (tx): Promise<AddOutcome> => {
          const seen = await bySourceUpdate(tx, by.sourceUpdateId);
          if (seen) return { status: 'added', ...seen };
          const ticket = await lockTicket(tx, id);
          if (!ticket) return { status: 'not_found' };
          if (ticket.status === 'closed') return { status: 'closed', ticket };
          const recorded = await record(tx, ticket, {
            kind: 'message',
            author: 'admin',
            adminTelegramId: by.adminTelegramId,
            text: body.text,
            file: body.file,
            sourceUpdateId: by.sourceUpdateId,
            status: 'answered',
          });
          return { status: 'added', ...recorded };
        });
      return onceForUpdate(attempt, async () => {
        const again = await attempt();
        return again.status === 'added' ? again : undefined;
      });
    },

    /** Closes a ticket; the other side is told. A customer closes only their own. */
    async close(id: TicketId, actor: TicketActor): Promise<StateOutcome> {
      return tenant.transaction(async (tx): Promise<StateOutcome> => {
        if (actor.author === 'customer' && !(await lockCustomer(tx, actor.customerId)))
          return { status: 'not_found' };
        const ticket = await lockTicket(tx, id);
        if (!ticket || (actor.author === 'customer' && ticket.customerId !== actor.customerId))
          return { status: 'not_found' };
        if (ticket.status === 'closed') return { status: 'unchanged', ticket };
        const recorded = await record(tx, ticket, {
          kind: 'closed',
          author: actor.author,
          adminTelegramId: actor.author === 'admin' ? actor.adminTelegramId : null,
          status: 'closed',
        });
        return { status: 'changed', ...recorded };
      });
    },

    /**
     * Reopens a closed ticket; the other side is told. A customer reopens only their own, and only
     * within their limits (open tickets, events a minute); an admin may always.
     */
    async reopen(id: TicketId, actor: TicketActor): Promise<StateOutcome> {
      const { maxOpen, perMinute } = await limits();
      return tenant.transaction(async (tx): Promise<StateOutcome> => {
        if (actor.author === 'customer' && !(await lockCustomer(tx, actor.customerId)))
          return { status: 'not_found' };
        const ticket = await lockTicket(tx, id);
        if (!ticket || (actor.author === 'customer' && ticket.customerId !== actor.customerId))
          return { status: 'not_found' };
        if (ticket.status !== 'closed') return { status: 'unchanged', ticket };
        if (actor.author === 'customer' && (await openCount(tx, actor.customerId)) >= maxOpen)
          return { status: 'too_many_open', limit: maxOpen };
        // closing and reopening over and over would flood the admins as messages would
        if (actor.author === 'customer' && (await sentLastMinute(tx, actor.customerId)) >= perMinute)
          return { status: 'too_fast', limit: perMinute };
        const recorded = await record(tx, ticket, {
          kind: 'reopened',
          author: actor.author,
          adminTelegramId: actor.author === 'admin' ? actor.adminTelegramId : null,
          // reopened by the customer it waits for the admins; by an admin, for the customer
          status: actor.author === 'customer' ? 'open' : 'answered',
        });
        return { status: 'changed', ...recorded };
      });
    },

    get: (id: TicketId): Promise<Ticket | undefined> =>
      tenant.transaction((tx) => readTicket(tx, ticketById(id))),

    /** The customer's own ticket; another customer's (or another shop's) is not found. */
    getForCustomer: (customerId: CustomerId, id: TicketId): Promise<Ticket | undefined> =>
      tenant.transaction((tx) =>
        readTicket(tx, and(ticketById(id), eq(supportTickets.customerId, customerId))),
      ),

    /** The customer's tickets, the ones not closed first, then the latest. */
    findForCustomer: (customerId: CustomerId, limit = 10): Promise<Ticket[]> =>
      tenant.transaction(async (tx) =>
        (
          await tx
            .select()
            .from(supportTickets)
            .where(and(eq(supportTickets.botId, botId), eq(supportTickets.customerId, customerId)))
            .orderBy(asc(eq(supportTickets.status, 'closed')), desc(supportTickets.lastMessageAt))
            .limit(limit)
        ).map(asTicket),
      ),

    /** Tickets not closed, those waiting for the admins first, oldest wait first. */
    findOpen: (limit = 20): Promise<Ticket[]> =>
      tenant.transaction(async (tx) =>
        (
          await tx
            .select()
            .from(supportTickets)
            .where(and(eq(supportTickets.botId, botId), ne(supportTickets.status, 'closed')))
            .orderBy(desc(eq(supportTickets.status, 'open')), asc(supportTickets.lastMessageAt))
            .limit(limit)
        ).map(asTicket),
      ),

    /** How many tickets wait for the admins (status open). */
    countWaiting: (): Promise<number> =>
      tenant.transaction(async (tx) => {
        const [row] = await tx
          .select({ n: count() })
          .from(supportTickets)
          .where(and(eq(supportTickets.botId, botId), eq(supportTickets.status, 'open')));
        return row?.n ?? 0;
      }),

    /** One page of tickets, latest activity first, optionally of one status or customer. */
    async findPage(page: {
      limit: number;
      offset: number;
      status?: TicketStatus | undefined;
      customerId?: CustomerId | undefined;
    }): Promise<{ items: Ticket[]; total: number }> {
      const filter = and(
        eq(supportTickets.botId, botId),
        page.status === undefined ? undefined : eq(supportTickets.status, page.status),
        page.customerId === undefined ? undefined : eq(supportTickets.customerId, page.customerId),
      );
      return tenant.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(supportTickets)
          .where(filter)
          .orderBy(desc(supportTickets.lastMessageAt), desc(supportTickets.id))
          .limit(page.limit)
          .offset(page.offset);
        const [counted] = await tx.select({ total: count() }).from(supportTickets).where(filter);
        return { items: rows.map(asTicket), total: counted?.total ?? 0 };
      });
    },

    /** The ticket's history in order; with `last`, only its latest events. */
    history: (id: TicketId, last?: number): Promise<TicketMessage[]> =>
      tenant.transaction(async (tx) => {
        const where = and(eq(ticketMessages.botId, botId), eq(ticketMessages.ticketId, id));
        if (last === undefined)
          return tx.select().from(ticketMessages).where(where).orderBy(asc(ticketMessages.id));
        const rows = await tx
          .select()
          .from(ticketMessages)
          .where(where)
          .orderBy(desc(ticketMessages.id))
          .limit(last);
        return rows.reverse();
      }),

    /** One event of a ticket's history with its ticket, and whether it opened the ticket (for its delivery). */
    getEvent: (
      messageId: number,
    ): Promise<{ ticket: Ticket; message: TicketMessage; isFirst: boolean } | undefined> =>
      tenant.transaction(async (tx) => {
        const [message] = await tx
          .select()
          .from(ticketMessages)
          .where(and(eq(ticketMessages.botId, botId), eq(ticketMessages.id, messageId)));
        if (!message) return undefined;
        const ticket = await readTicket(tx, ticketById(message.ticketId as TicketId));
        if (!ticket) return undefined;
        const [first] = await tx
          .select({ id: ticketMessages.id })
          .from(ticketMessages)
          .where(and(eq(ticketMessages.botId, botId), eq(ticketMessages.ticketId, ticket.id)))
          .orderBy(asc(ticketMessages.id))
          .limit(1);
        return { ticket, message, isFirst: first?.id === message.id };
      }),

    /** Remembers a message the bot sent about a ticket, so a reply to it finds the ticket. */
    recordDelivery: (delivery: {
      chatId: number;
      telegramMessageId: number;
      ticketId: number;
      ticketMessageId: number;
      side: DeliverySide;
    }): Promise<void> =>
      tenant.transaction(async (tx) => {
        await tx
          .insert(ticketDeliveries)
          .values({ ...delivery, botId })
          .onConflictDoNothing();
      }),

    /** The chats that already have this event (a retried delivery skips them). */
    deliveredChats: (ticketMessageId: number): Promise<number[]> =>
      tenant.transaction(async (tx) =>
        (
          await tx
            .select({ chatId: ticketDeliveries.chatId })
            .from(ticketDeliveries)
            .where(
              and(eq(ticketDeliveries.botId, botId), eq(ticketDeliveries.ticketMessageId, ticketMessageId)),
            )
        ).map((row) => row.chatId),
      ),

    /** The ticket a message of this shop's bot (chat, message id) was about, and whose side it was. */
    findByDelivery: (
      chatId: number,
      telegramMessageId: number,
    ): Promise<{ ticket: Ticket; side: DeliverySide } | undefined> =>
      tenant.transaction(async (tx) => {
        const [delivery] = await tx
          .select()
          .from(ticketDeliveries)
          .where(
            and(
              eq(ticketDeliveries.botId, botId),
              eq(ticketDeliveries.chatId, chatId),
              eq(ticketDeliveries.telegramMessageId, telegramMessageId),
            ),
          );
        if (!delivery) return undefined;
        const ticket = await readTicket(tx, ticketById(delivery.ticketId as TicketId));
        return ticket && { ticket, side: delivery.side };
      }),
  };
  return service;
}

export type TicketsService = ReturnType<typeof createTicketsService>;
