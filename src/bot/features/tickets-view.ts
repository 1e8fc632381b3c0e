import type { TenantServices } from '../../app.js';
import type { Customer } from '../../modules/customers/customers-service.js';
import {
  asTicketId,
  type Ticket,
  type TicketContent,
  type TicketMessage,
  type TicketStatus,
} from '../../modules/tickets/tickets-service.js';
import type { Language } from '../../shared/language.js';
import { callbackData, id } from '../callback-data.js';
import { formatDate } from '../format.js';
import type { Translate } from '../i18n.js';

/*
 * What the customers' and the admins' ticket screens share: the buttons, how a ticket, its customer
 * and its history read, and whether the shop takes tickets at all.
 */

const ticketId = id(asTicketId);

// the customer's buttons (their own tickets only: every press is checked against the presser)
export const ticketNewButton = callbackData('tkt:new');
export const ticketListButton = callbackData('tkt:list');
export const ticketCancelButton = callbackData('tkt:x');
export const ticketViewButton = callbackData('tkt:v', { ticketId });
export const ticketReplyButton = callbackData('tkt:r', { ticketId });
export const ticketCloseButton = callbackData('tkt:c', { ticketId });
export const ticketReopenButton = callbackData('tkt:o', { ticketId });
// on the messages the admins get, in the admin chat or privately (admins only)
export const adminCloseButton = callbackData('tka:c', { ticketId });
export const adminReopenButton = callbackData('tka:o', { ticketId });

/** Shops take tickets when the switch is on and the support mode offers them. */
export async function ticketsEnabled(services: TenantServices): Promise<boolean> {
  const [on, mode] = await Promise.all([
    services.flags.isEnabled('support_tickets'),
    services.settings.get('support_mode'),
  ]);
  return on && mode !== 'contact';
}

/** A ticket's number as people read it: the reader's digits, no grouping. */
export const ticketNumber = (value: number, language: Language): string =>
  new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-US', { useGrouping: false }).format(value);

export const statusIcon = (status: TicketStatus): string =>
  status === 'open' ? '🟡' : status === 'answered' ? '🟢' : '⚪';

export const subjectText = (ticket: Ticket, t: Translate): string => ticket.subject || t('ticket-no-subject');

/** The customer as the admins read them: name, username and the shop's customer number. */
export function customerLabel(customer: Customer | undefined, t: Translate, language: Language): string {
  if (!customer) return '–';
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ') || '–';
  const number = ticketNumber(customer.id, language);
  return customer.username
    ? t('ticket-adm-customer-username', { name, username: customer.username, id: number })
    : t('ticket-adm-customer', { name, id: number });
}

/** A message's text, or what file it carried (with its caption). */
export function contentText(message: TicketMessage, t: Translate): string {
  const file = message.fileKind ? t('ticket-file', { kind: message.fileKind }) : undefined;
  return [file, message.text].filter(Boolean).join(' ');
}

const LINE_MAX = 300;
const shorten = (text: string) => (text.length > LINE_MAX ? `${text.slice(0, LINE_MAX - 1)}…` : text);

/**
 * The history as lines, for the customer (`ticket-*` keys) or the admins (`adm-ticket-*`): each
 * message with its side and date, each close and reopen with who did it.
 */
export function historyLines(
  messages: readonly TicketMessage[],
  view: { t: Translate; language: Language; timeZone: string; keys: 'ticket' | 'adm-ticket' },
): string[] {
  const { t, language, timeZone, keys } = view;
  return messages.map((message) => {
    const date = formatDate(message.createdAt, language, timeZone);
    if (message.kind === 'message')
      return t(`${keys}-history-line`, {
        who: message.author,
        date,
        text: shorten(contentText(message, t)),
      });
    return t(`${keys}-history-event`, { event: message.kind, who: message.author, date });
  });
}

/** What a customer's message carries, read from Telegram's message. */
export function contentOf(message: {
  text?: string | undefined;
  caption?: string | undefined;
  photo?: readonly { file_id: string }[] | undefined;
  document?: { file_id: string } | undefined;
}): TicketContent | undefined {
  const largest = message.photo?.at(-1);
  const file = largest
    ? { kind: 'photo' as const, fileId: largest.file_id }
    : message.document
      ? { kind: 'document' as const, fileId: message.document.file_id }
      : undefined;
  const text = message.text ?? message.caption;
  if (!file && !text?.trim()) return undefined;
  return { text, file };
}
