import { InlineKeyboard } from 'grammy';
import type { TenantServices } from '../../../app.js';
import { formatCardNumber, maskCardNumber } from '../../../modules/cards/card-number.js';
import type { PaymentCard } from '../../../modules/cards/cards-service.js';
import type { Customer } from '../../../modules/customers/customers-service.js';
import type { Order } from '../../../modules/orders/pay-order.js';
import {
  asCardPaymentId,
  type CardPayment,
  type CardPaymentId,
} from '../../../modules/payments/card-to-card.js';
import { asCardId, asCustomerId, asOrderId } from '../../../shared/ids.js';
import type { Language } from '../../../shared/language.js';
import type { Currency } from '../../../shared/money.js';
import { callbackData, id } from '../../callback-data.js';
import { formatDate, formatMoney } from '../../format.js';
import type { Translate } from '../../i18n.js';
import { orderLabel } from '../shop/view.js';

/** The decision buttons on a receipt in the admins' chats; the receipt review answers them. */
export const approveButton = callbackData('c2c:ok', { paymentId: id(asCardPaymentId) });
export const rejectButton = callbackData('c2c:no', { paymentId: id(asCardPaymentId) });
export const detailsButton = callbackData('c2c:info', { paymentId: id(asCardPaymentId) });
/** Bans the receipt's customer, after asking (src/bot/features/admin/customer-actions.ts answers it). */
export const blockCustomerButton = callbackData('c2c:ban', { paymentId: id(asCardPaymentId) });

/** A card payment with what the admins are shown next to it. */
export interface Receipt {
  readonly payment: CardPayment;
  readonly customer: Customer | undefined;
  readonly card: PaymentCard | undefined;
  readonly order: Order | undefined;
  /** The earlier payment of this shop with the same receipt image. */
  readonly duplicate: CardPayment | undefined;
}

export interface ReceiptViewContext {
  readonly t: Translate;
  readonly language: Language;
  readonly currency: Currency;
}

/** A message showing a receipt in an admin's chat, as the payment records it. */
export type ReceiptAdminMessage = CardPayment['adminMessages'][number];

/** Telegram limits: a caption holds 1024 characters, a message 4096. */
export const CAPTION_LIMIT = 1024;
export const TEXT_LIMIT = 4096;

export async function loadReceipt(services: TenantServices, id: CardPaymentId): Promise<Receipt | undefined> {
  const payment = await services.cardPayments.get(id);
  if (!payment) return undefined;
  const [customer, card, order, duplicate] = await Promise.all([
    services.customers.get(asCustomerId(payment.customerId)),
    payment.cardId === null ? undefined : services.cards.get(asCardId(payment.cardId)),
    payment.orderId === null ? undefined : services.orders.get(asOrderId(payment.orderId)),
    payment.duplicateOf === null
      ? undefined
      : services.cardPayments.get(asCardPaymentId(payment.duplicateOf)),
  ]);
  return { payment, customer, card, order, duplicate };
}

/** "Sara Ahmadi (@sara)", or the Telegram id when Telegram gave no name. */
export function customerLabel(customer: Customer | undefined): string {
  if (!customer) return '?';
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(' ') || `#${customer.id}`;
  return customer.username ? `${name} (@${customer.username})` : name;
}

/** 6037991234567895 → "6037 9912 3456 7895": four-digit groups, as printed on the card. */
export const cardNumberInGroups = (digits: string): string => formatCardNumber(digits).replace(/-/g, ' ');

const truncate = (text: string, max: number) =>
  max <= 1 ? '…' : text.length > max ? `${text.slice(0, max - 1)}…` : text;

function statusLines(payment: CardPayment, t: Translate): string[] {
  // an admin in Telegram is named with their id; a decision through the API has no Telegram id
  const admin =
    payment.reviewedBy === null
      ? (payment.reviewerName ?? '?')
      : `${payment.reviewerName ?? '?'} (${payment.reviewedBy})`;
  switch (payment.status) {
    case 'pending':
      return [t('c2c-admin-status-pending')];
    case 'approved':
      return [t('c2c-admin-status-approved', { admin })];
    case 'rejected':
      return [
        t('c2c-admin-status-rejected', { admin }),
        ...(payment.rejectReason ? [t('c2c-admin-status-reason', { reason: payment.rejectReason })] : []),
      ];
    case 'expired':
      return [t('c2c-admin-status-expired')];
    default: {
      const never: never = payment.status;
      throw new Error(`unknown payment status ${String(never)}`);
    }
  }
}

/**
 * The receipt as the admins see it: who, how much, to which card, for what, any reuse of the
 * image, and the decision so far. Plain text (no parse mode): names and receipt text come from
 * customers and must not be read as markup. The receipt text is shortened to fit `maxLength`.
 */
export function receiptAdminText(receipt: Receipt, v: ReceiptViewContext, maxLength: number): string {
  const { payment, customer, card, order, duplicate } = receipt;
  const t = v.t;
  const head = [
    t('c2c-admin-title', { tracking: payment.trackingNumber }),
    t('c2c-admin-customer', {
      customer: customerLabel(customer),
      telegramId: String(customer?.telegramId ?? '?'),
    }),
    t('c2c-admin-amount', { amount: formatMoney(payment.amount, v.currency, v.language, t) }),
    card
      ? t('c2c-admin-card', { card: maskCardNumber(card.cardNumber), holder: card.holderName })
      : t('c2c-admin-card-unknown'),
    order
      ? t('c2c-admin-purpose-order', { plan: orderLabel(order, v), order: String(order.id) })
      : t('c2c-admin-purpose-topup'),
  ];
  const warnings = [
    ...(duplicate ? [t('c2c-admin-reused-here', { tracking: duplicate.trackingNumber })] : []),
    ...(payment.reusedElsewhere ? [t('c2c-admin-reused-elsewhere')] : []),
  ];
  const tail = [...(warnings.length > 0 ? ['', ...warnings] : []), '', ...statusLines(payment, t)];
  const fixed = [...head, ...tail].join('\n');
  if (!payment.receiptText) return fixed.slice(0, maxLength);
  const frame = t('c2c-admin-text', { text: '' });
  const budget = maxLength - fixed.length - frame.length - 2;
  const text = t('c2c-admin-text', { text: truncate(payment.receiptText, budget) });
  return [...head, '', text, ...tail].join('\n').slice(0, maxLength);
}

/** Approve / Reject and Ban the customer while pending; Details always (who the customer is, their history). */
export function receiptAdminKeyboard(payment: CardPayment, t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const paymentId = payment.id;
  if (payment.status === 'pending') {
    keyboard
      .text(t('c2c-approve'), approveButton.build({ paymentId }))
      .text(t('c2c-reject'), rejectButton.build({ paymentId }))
      .row();
  }
  keyboard.text(t('c2c-details'), detailsButton.build({ paymentId }));
  return payment.status === 'pending'
    ? keyboard.text(t('mod-btn-block'), blockCustomerButton.build({ paymentId }))
    : keyboard;
}

const DATE_TIME_LOCALES: Record<Language, string> = {
  fa: 'fa-IR-u-ca-persian',
  en: 'en-GB',
  ru: 'ru-RU',
};

/** Date and time in the tenant's time zone (Jalali for Persian). */
export function formatDateTime(date: Date, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(DATE_TIME_LOCALES[language], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(date);
}

/** The Details answer: the customer behind a receipt, their balance and card-payment history. */
export async function receiptDetailsText(
  services: TenantServices,
  receipt: Receipt,
  v: ReceiptViewContext,
): Promise<string> {
  const { payment, customer, card } = receipt;
  const [stats, balance, timeZone] = await Promise.all([
    services.cardPayments.statsForCustomer(asCustomerId(payment.customerId)),
    services.ledger.balance(asCustomerId(payment.customerId)),
    services.settings.get('timezone'),
  ]);
  const bank = card?.bankName ? ` · ${card.bankName}` : '';
  return v.t('c2c-details-text', {
    tracking: payment.trackingNumber,
    date: formatDateTime(payment.createdAt, v.language, timeZone),
    customerId: String(payment.customerId),
    customer: customerLabel(customer),
    telegramId: String(customer?.telegramId ?? '?'),
    language: customer?.language ?? '?',
    balance: formatMoney(balance ?? 0, v.currency, v.language, v.t),
    since: customer ? formatDate(customer.createdAt, v.language, timeZone) : '?',
    approved: stats.approved,
    rejected: stats.rejected,
    pending: stats.pending,
    expired: stats.expired,
    card: card ? `${cardNumberInGroups(card.cardNumber)} · ${card.holderName}${bank}` : '?',
  });
}

/** What the customer is told once their payment is decided or expired. */
export function customerOutcomeText(
  receipt: Receipt,
  v: ReceiptViewContext,
  balance: number,
): string | undefined {
  const { payment, order } = receipt;
  const t = v.t;
  const amount = formatMoney(payment.amount, v.currency, v.language, t);
  const tracking = payment.trackingNumber;
  switch (payment.status) {
    case 'approved': {
      // the purchase this payment was for got paid with it
      const paidOrder = order && order.status !== 'created' && order.status !== 'cancelled';
      return paidOrder
        ? t('c2c-customer-approved-order', { tracking, amount, plan: orderLabel(order, v) })
        : t('c2c-customer-approved', {
            tracking,
            amount,
            balance: formatMoney(balance, v.currency, v.language, t),
          });
    }
    case 'rejected':
      return [
        t('c2c-customer-rejected', { tracking, amount }),
        ...(payment.rejectReason ? [t('c2c-customer-reject-reason', { reason: payment.rejectReason })] : []),
        '',
        t('c2c-customer-rejected-help'),
      ].join('\n');
    case 'expired':
      return t('c2c-customer-expired', { tracking, amount });
    case 'pending':
      return undefined;
    default: {
      const never: never = payment.status;
      throw new Error(`unknown payment status ${String(never)}`);
    }
  }
}
