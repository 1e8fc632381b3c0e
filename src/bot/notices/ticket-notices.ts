import { type Api, InlineKeyboard } from 'grammy';
import type { App, TenantServices } from '../../app.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import type { Tenant } from '../../modules/tenants/tenant-registry.js';
import type { Ticket, TicketMessage } from '../../modules/tickets/tickets-service.js';
import { asCustomerId, type BotId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { type AdminTarget, isBlockedByUser, isPermanentSendError, sendToAdmins } from '../admin-delivery.js';
import {
  adminCloseButton,
  adminReopenButton,
  customerLabel,
  subjectText,
  ticketCloseButton,
  ticketNumber,
  ticketReopenButton,
  ticketReplyButton,
} from '../features/tickets-view.js';
import type { Translate, Translator } from '../i18n.js';

/** What createNotices lends these notices: the app, the one translator and the running bots. */
export interface TicketNoticeDeps {
  readonly app: App;
  readonly translator: Translator;
  readonly runningBotApi: (botId: BotId) => Api;
}

const CAPTION_LIMIT = 1024;
const TEXT_LIMIT = 4096;

/** Heading, the message's own text (cut to fit) and the footer, in Telegram's limit. */
function compose(parts: { head: string; body: string | null; foot: string }, limit: number): string {
  const frame = parts.head.length + parts.foot.length + 4;
  let body = parts.body ?? '';
  if (frame + body.length > limit) body = `${body.slice(0, Math.max(0, limit - frame - 1))}…`;
  return [parts.head, body, parts.foot].filter((part) => part !== '').join('\n\n');
}

interface Outgoing {
  readonly text: string;
  readonly caption: string;
  readonly keyboard: InlineKeyboard;
}

/** Sends one ticket event as text, or its photo or file with a caption; resolves to the message id. */
async function sendEvent(
  api: Api,
  target: AdminTarget,
  message: TicketMessage,
  out: Outgoing,
): Promise<number> {
  const options = {
    reply_markup: out.keyboard,
    ...(target.threadId === undefined ? {} : { message_thread_id: target.threadId }),
  };
  if (message.kind === 'message' && message.fileId && message.fileKind === 'photo')
    return (await api.sendPhoto(target.chatId, message.fileId, { caption: out.caption, ...options }))
      .message_id;
  if (message.kind === 'message' && message.fileId && message.fileKind === 'document')
    return (await api.sendDocument(target.chatId, message.fileId, { caption: out.caption, ...options }))
      .message_id;
  return (await api.sendMessage(target.chatId, out.text, options)).message_id;
}

/** The admins' message about a customer's event: a new ticket, a message, a close or a reopen. */
function forAdmins(
  ticket: Ticket,
  message: TicketMessage,
  isFirst: boolean,
  view: { t: Translate; customer: string; id: string; subject: string },
): Outgoing {
  const { t } = view;
  const args = { id: view.id, customer: view.customer, subject: view.subject };
  const close = new InlineKeyboard().text(
    t('ticket-btn-close'),
    adminCloseButton.build({ ticketId: ticket.id }),
  );
  if (message.kind === 'closed') {
    const text = t('ticket-adm-closed-by-customer', args);
    return {
      text,
      caption: text,
      keyboard: new InlineKeyboard().text(
        t('ticket-btn-reopen'),
        adminReopenButton.build({ ticketId: ticket.id }),
      ),
    };
  }
  if (message.kind === 'reopened') {
    const text = `${t('ticket-adm-reopened-by-customer', args)}\n\n${t('ticket-adm-hint')}`;
    return { text, caption: text, keyboard: close };
  }
  const head = t(isFirst ? 'ticket-adm-new' : 'ticket-adm-reply', args);
  const foot = t('ticket-adm-hint');
  return {
    text: compose({ head, body: message.text, foot }, TEXT_LIMIT),
    caption: compose({ head, body: message.text, foot }, CAPTION_LIMIT),
    keyboard: close,
  };
}

/** The customer's message about an admin's event: an answer, a close or a reopen. */
function forCustomer(ticket: Ticket, message: TicketMessage, view: { t: Translate; id: string }): Outgoing {
  const { t } = view;
  const args = { id: view.id, subject: subjectText(ticket, t) };
  const ticketId = ticket.id;
  const open = new InlineKeyboard()
    .text(t('ticket-btn-reply'), ticketReplyButton.build({ ticketId }))
    .text(t('ticket-btn-close'), ticketCloseButton.build({ ticketId }));
  if (message.kind === 'closed') {
    const text = t('ticket-closed-by-support', args);
    return {
      text,
      caption: text,
      keyboard: new InlineKeyboard().text(t('ticket-btn-reopen'), ticketReopenButton.build({ ticketId })),
    };
  }
  if (message.kind === 'reopened') {
    const text = t('ticket-reopened-by-support', args);
    return { text, caption: text, keyboard: open };
  }
  // the answer's text goes in whole: the heading carries it as a placeable, so cut it to fit first
  const head = t('ticket-answer', { ...args, text: '\u0000' });
  const foot = t('ticket-answer-hint');
  const fill = (limit: number) => {
    const room = Math.max(0, limit - head.length - foot.length - 2);
    const body = message.text ?? '';
    return `${head.replace('\u0000', body.length > room ? `${body.slice(0, room - 1)}…` : body)}\n\n${foot}`;
  };
  return { text: fill(TEXT_LIMIT), caption: fill(CAPTION_LIMIT), keyboard: open };
}

/**
 * Ticket events taken to the other side through the shop's own bot: a customer's to the shop's
 * admins (the admin chat's ticket topic, else each admin privately), an admin's to the customer.
 * Every message sent is recorded (`ticket_deliveries`) as soon as it is sent, so a reply to it finds
 * the ticket and a retried job skips the chats that have it.
 */
export function ticketNoticeSenders({ app, translator, runningBotApi }: TicketNoticeDeps) {
  const toAdmins = async (
    input: { api: Api; services: TenantServices; tenant: Tenant; logger: Logger },
    event: { ticket: Ticket; message: TicketMessage; isFirst: boolean },
  ) => {
    const { api, services } = input;
    const { ticket, message } = event;
    const [language, topicId, customer, delivered] = await Promise.all([
      services.settings.get('default_language'),
      services.settings.get('ticket_topic_id'),
      services.customers.get(asCustomerId(ticket.customerId)),
      services.tickets.deliveredChats(message.id),
    ]);
    const t = translator.forLanguage(language);
    const out = forAdmins(ticket, message, event.isFirst, {
      t,
      customer: customerLabel(customer, t, language),
      id: ticketNumber(ticket.id, language),
      subject: subjectText(ticket, t),
    });
    const shown = new Set(delivered);
    await sendToAdmins({
      ...input,
      translator,
      threadId: topicId ?? undefined,
      skip: (chatId) => shown.has(chatId),
      send: async (target) => {
        const telegramMessageId = await sendEvent(api, target, message, out);
        shown.add(target.chatId);
        await services.tickets.recordDelivery({
          chatId: target.chatId,
          telegramMessageId,
          ticketId: ticket.id,
          ticketMessageId: message.id,
          side: 'admins',
        });
      },
    });
  };

  const toCustomer = async (
    input: { api: Api; services: TenantServices; logger: Logger },
    event: { ticket: Ticket; message: TicketMessage },
    customer: Customer,
  ) => {
    const { api, services, logger } = input;
    const { ticket, message } = event;
    const delivered = await services.tickets.deliveredChats(message.id);
    if (delivered.includes(customer.telegramId)) return;
    const t = translator.forLanguage(customer.language);
    const out = forCustomer(ticket, message, { t, id: ticketNumber(ticket.id, customer.language) });
    try {
      const telegramMessageId = await sendEvent(
        api,
        { chatId: customer.telegramId, threadId: undefined },
        message,
        out,
      );
      await services.tickets.recordDelivery({
        chatId: customer.telegramId,
        telegramMessageId,
        ticketId: ticket.id,
        ticketMessageId: message.id,
        side: 'customer',
      });
    } catch (error) {
      if (!isPermanentSendError(error)) throw error;
      // they blocked the bot: later notices skip them until they write again
      if (isBlockedByUser(error)) await services.customers.markUnreachable(customer.id);
      logger.warn({ err: error, ticketId: ticket.id }, 'could not give the customer a ticket event');
    }
  };

  return {
    /** Takes one ticket event (`ticket_messages` row) to the side that did not write it. */
    async ticketEvent(botId: BotId, messageId: number, logger: Logger): Promise<void> {
      const api = runningBotApi(botId);
      const services = app.forTenant(botId);
      const [event, tenant] = await Promise.all([
        services.tickets.getEvent(messageId),
        app.platform.tenants.get(botId),
      ]);
      if (!event || !tenant) return;
      const log = logger.child({ ticketId: event.ticket.id, ticketMessageId: messageId });
      if (event.message.author === 'customer') {
        await toAdmins({ api, services, tenant, logger: log }, event);
        return;
      }
      const customer = await services.customers.get(asCustomerId(event.ticket.customerId));
      // gone, blocked the bot (nothing is sent until they write to it again) or banned by the shop
      if (!customer || customer.unreachableSince || customer.isBlocked) return;
      await toCustomer({ api, services, logger: log }, event, customer);
    },
  };
}
