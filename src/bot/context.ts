import type { Context } from 'grammy';
import { z } from 'zod';
import type { TenantServices } from '../app.js';
import type { Customer } from '../modules/customers/customers-service.js';
import type { CardPaymentId } from '../modules/payments/card-to-card.js';
import type { Tenant } from '../modules/tenants/tenant-registry.js';
import type { BotId, CardId, CustomerId, OrderId, PackId, PlanId } from '../shared/ids.js';
import type { Language } from '../shared/language.js';
import type { Logger } from '../shared/logger.js';
import type { Translate, Translator } from './i18n.js';

/** What the fleet attaches to every update before the shared middleware runs. */
export interface TenantBinding {
  readonly tenant: Tenant;
  readonly services: TenantServices;
}

/*
 * The session: what a chat is in the middle of, kept between updates (bot_sessions, one row per
 * chat of a tenant). Every state any feature keeps is declared here, so the whole of it is read in
 * one place and checked with zod when it is loaded: a stored session that no longer fits (written
 * by an older version, or damaged) is an empty one, never a crash.
 */

const id = <T extends number>() =>
  z
    .number()
    .int()
    .positive()
    .transform((value) => value as T);
const whole = z.number().int().nonnegative();
const messageId = z.number().int();
/** When the question was asked (epoch ms): some answers are taken only for a while. */
const askedAt = z.number();

/** The fields of a plan an admin types, by the short name the buttons use. */
export const PLAN_FIELD_NAMES = ['name', 'days', 'price', 'traffic', 'devices'] as const;

/** What the chat was asked to type next, by who asked. */
const awaitingSchema = z.discriminatedUnion('kind', [
  // customers
  z.object({ kind: z.literal('topup-amount'), at: askedAt }),
  /** "Promo code" was pressed: the next text is the code. */
  z.object({ kind: z.literal('promo-code'), at: askedAt }),
  /** A card was shown for this amount: the next photo, file or text is the receipt. */
  z.object({
    kind: z.literal('receipt'),
    amount: whole,
    orderId: id<OrderId>().nullable(),
    cardId: id<CardId>(),
    at: askedAt,
  }),
  /** A support ticket: the next text, photo or file opens one (`ticketId` null) or answers that one. */
  z.object({ kind: z.literal('ticket-message'), ticketId: id<number>().nullable(), at: askedAt }),
  /** A reseller plan was chosen in the master bot ("Open my shop"): the next text is the new bot's token. */
  z.object({ kind: z.literal('reseller-token'), planId: id<number>(), at: askedAt }),
  /** A shop's admin tops up its wallet in the master bot: the next text is the amount. */
  z.object({ kind: z.literal('reseller-topup-amount'), shopId: id<BotId>(), at: askedAt }),
  // the shop's admins
  /** Reject was pressed on a receipt; only that admin answers (an admin chat's session is shared). */
  z.object({
    kind: z.literal('reject-reason'),
    paymentId: id<CardPaymentId>(),
    adminId: z.number().int(),
    at: askedAt,
    /** The receipt message Reject was pressed on, and the prompt asking for the reason. */
    receipt: z.object({ chatId: z.number().int(), messageId, kind: z.enum(['caption', 'text']) }).nullable(),
    promptId: messageId.nullable(),
  }),
  /** A plan being created step by step: `field` is asked next, `draft` holds the answers so far. */
  z.object({
    kind: z.literal('admin-plan-new'),
    field: z.enum(PLAN_FIELD_NAMES),
    draft: z.object({
      name: z.string().optional(),
      periodDays: whole.optional(),
      price: whole.optional(),
      trafficGb: whole.optional(),
    }),
  }),
  z.object({ kind: z.literal('admin-plan-field'), planId: id<PlanId>(), field: z.enum(PLAN_FIELD_NAMES) }),
  /** An extra pack being created: its amount (GB or days, by `packKind`) is asked, then its price. */
  z.object({
    kind: z.literal('admin-pack-new'),
    packKind: z.enum(['traffic', 'days']),
    amount: whole.positive().optional(),
  }),
  z.object({ kind: z.literal('admin-pack-field'), packId: id<PackId>(), field: z.enum(['amount', 'price']) }),
  /** A help page's text in one language (`key` names the page), or a new question's, typed as one message. */
  z.object({
    kind: z.literal('admin-help-text'),
    key: z.string().regex(/^[a-z0-9-]{1,32}$/),
    language: z.enum(['fa', 'en', 'ru']),
  }),
  z.object({ kind: z.literal('admin-help-new'), language: z.enum(['fa', 'en', 'ru']) }),
  /** A card being added: its number, then the holder's name, then the bank (which may be skipped). */
  // a broadcast being composed: the message, then a button, then the segment (admin/broadcast.ts)
  z.object({
    kind: z.literal('admin-broadcast'),
    step: z.enum(['message', 'button', 'review']),
    draft: z
      .object({
        text: z.string().max(4096),
        photo: z.string().max(1024).nullable(),
        button: z.object({ text: z.string().max(64), url: z.string().max(2048) }).nullable(),
        segment: z.enum(['all', 'active', 'expired', 'never_bought', 'trial_only', 'language']).nullable(),
        language: z.enum(['fa', 'en', 'ru']).nullable(),
      })
      .nullable(),
  }),
  z.object({ kind: z.literal('admin-card-number') }),
  z.object({ kind: z.literal('admin-card-holder'), cardNumber: z.string() }),
  z.object({ kind: z.literal('admin-card-bank'), cardNumber: z.string(), holderName: z.string() }),
  z.object({ kind: z.literal('admin-setting'), key: z.string() }),
  z.object({ kind: z.literal('admin-customer-search') }),
  /** The wallet's low-balance warning threshold (admin/wallet.ts). */
  z.object({ kind: z.literal('admin-wallet-warning') }),
  /** A customer group being created (its name), or one of its figures being changed. */
  z.object({ kind: z.literal('admin-group-new') }),
  z.object({ kind: z.literal('admin-group-percent'), groupId: z.number().int().positive() }),
  z.object({
    kind: z.literal('admin-group-price'),
    groupId: z.number().int().positive(),
    planId: id<PlanId>(),
  }),
  /** A promo code being created: its kind pressed (and group), then its code, value and limits typed. */
  z.object({
    kind: z.literal('admin-promo-code'),
    promoKind: z.enum(['percent', 'fixed', 'balance', 'days', 'trial', 'group']),
    groupId: z.number().int().positive().optional(),
  }),
  z.object({
    kind: z.literal('admin-promo-value'),
    code: z.string(),
    promoKind: z.enum(['percent', 'fixed', 'balance', 'days', 'trial']),
  }),
  z.object({
    kind: z.literal('admin-promo-limits'),
    code: z.string(),
    promoKind: z.enum(['percent', 'fixed', 'balance', 'days', 'trial', 'group']),
    value: whole,
    trafficGb: whole.optional(),
  }),
  /**
   * A discount code's conditions before it is made: the plans it is limited to (none: every plan),
   * first purchase only, and the minimum price (typed while this screen is open).
   */
  z.object({
    kind: z.literal('admin-promo-conditions'),
    code: z.string(),
    promoKind: z.enum(['percent', 'fixed']),
    value: whole,
    maxUses: whole,
    days: whole,
    perCustomer: whole,
    planIds: z.array(z.number().int().positive()).max(100),
    firstPurchaseOnly: z.boolean(),
    minPrice: whole,
  }),
  z.object({ kind: z.literal('admin-ticket-answer'), ticketId: id<number>() }),
  /** A balance credit: the amount, then the reason; then it waits for Confirm (`confirming`). */
  z.object({ kind: z.literal('admin-credit-amount'), customerId: id<CustomerId>() }),
  z.object({ kind: z.literal('admin-credit-reason'), customerId: id<CustomerId>(), amount: whole }),
  /** A message to one customer, typed by the admin (customer card → Send a message). */
  z.object({ kind: z.literal('admin-customer-message'), customerId: id<CustomerId>() }),
  // the operators (master bot)
  z.object({ kind: z.literal('operator-token') }),
  z.object({ kind: z.literal('operator-price'), botId: id<BotId>() }),
  z.object({ kind: z.literal('operator-topup'), botId: id<BotId>() }),
  /** A shop being set up (master/tenant-setup.ts): `step` is typed next; `walk` goes on to the next step. */
  z.object({
    kind: z.literal('operator-setup'),
    botId: id<BotId>(),
    step: z.enum(['adm', 'chat', 'rt', 'tt', 'tag', 'price', 'zp', 'name', 'token']),
    walk: z.boolean(),
  }),
  /** Any setting of a shop, typed by an operator (master/tenant-settings.ts). */
  z.object({ kind: z.literal('operator-setting'), botId: id<BotId>(), key: z.string() }),
  /** A reseller plan being created (`planId` null: `field` is asked next, `draft` so far) or one field changed. */
  z.object({
    kind: z.literal('operator-reseller-plan'),
    planId: id<number>().nullable(),
    field: z.enum(['name', 'fee', 'credit', 'cap']),
    draft: z.object({
      name: z.string().max(64).optional(),
      monthlyFee: whole.optional(),
      includedCredit: whole.optional(),
    }),
  }),
  // the operators' broadcast to every shop's admins (master/broadcast.ts): the text or a photo with
  // its caption, a link button or none, then confirm (`step` absent: the message is asked)
  z.object({
    kind: z.literal('operator-broadcast'),
    text: z.string().max(4096).nullable(),
    photo: z.string().max(1024).nullable().optional(),
    button: z
      .object({ text: z.string().max(64), url: z.string().max(2048) })
      .nullable()
      .optional(),
    step: z.enum(['message', 'button', 'review']).optional(),
  }),
]);

/** What a Confirm button in the chat will do, once everything was typed. */
const confirmingSchema = z.discriminatedUnion('kind', [
  /** The confirmation message's id makes the ledger reference, so confirming twice credits once. */
  z.object({
    kind: z.literal('admin-credit'),
    customerId: id<CustomerId>(),
    amount: whole,
    reason: z.string(),
    confirmMessageId: messageId,
  }),
  /** The operator's message with the amount names the top-up: confirming twice tops up once. */
  z.object({
    kind: z.literal('operator-topup'),
    botId: id<BotId>(),
    amount: whole,
    messageId,
    ref: z.string().min(1),
  }),
]);

const sessionSchema = z.object({
  awaiting: awaitingSchema.optional(),
  confirming: confirmingSchema.optional(),
  /** The Mini App menu button this chat was given (src/bot/features/menu/mini-app.ts); absent: Telegram's default. */
  menuButton: z.string().max(2000).optional(),
});

export type SessionData = z.output<typeof sessionSchema>;
export type Awaiting = NonNullable<SessionData['awaiting']>;
export type AwaitingKind = Awaiting['kind'];
export type AwaitingOf<K extends AwaitingKind> = Extract<Awaiting, { kind: K }>;
export type Confirming = NonNullable<SessionData['confirming']>;
export type ConfirmingOf<K extends Confirming['kind']> = Extract<Confirming, { kind: K }>;

/**
 * Sessions stored before the session was typed kept `awaiting` as a string beside a key of their
 * own. The questions that are answered with money (a receipt, a top-up amount, a rejection's
 * reason) are carried over; the others are asked again. Those three expire within six hours, so
 * this can go once a version with it has run that long.
 */
function fromUntypedSession(stored: Record<string, unknown>): unknown {
  const state = (key: string) => (stored[key] ?? {}) as Record<string, unknown>;
  switch (stored.awaiting) {
    case 'topup-amount':
      return { awaiting: { kind: 'topup-amount', at: state('topup').at } };
    case 'c2c-receipt': {
      const { orderId, ...rest } = state('c2c');
      return { awaiting: { kind: 'receipt', ...rest, orderId: orderId === 0 ? null : orderId } };
    }
    case 'c2c-reject-reason':
      return { awaiting: { kind: 'reject-reason', ...state('c2cReject') } };
    default:
      return {};
  }
}

/** The session as stored, checked; anything that does not fit is an empty session. */
export function readSession(stored: Record<string, unknown> | undefined): SessionData {
  if (stored === undefined) return {};
  const read = sessionSchema.safeParse(stored);
  if (read.success) return read.data;
  if (typeof stored.awaiting !== 'string') return {};
  const upgraded = sessionSchema.safeParse(fromUntypedSession(stored));
  return upgraded.success ? upgraded.data : {};
}

/** The question the chat was asked, when it is of this kind. */
export const awaitingOf = <K extends AwaitingKind>(
  session: SessionData,
  kind: K,
): AwaitingOf<K> | undefined =>
  session.awaiting?.kind === kind ? (session.awaiting as AwaitingOf<K>) : undefined;

/** Forgets the question if it is still of this kind: another flow may have asked its own since. */
export function forgetAwaiting(session: SessionData, kind: AwaitingKind): void {
  if (session.awaiting?.kind === kind) session.awaiting = undefined;
}

/** The confirmation waiting in the chat, when it is of this kind. */
export const confirmingOf = <K extends Confirming['kind']>(
  session: SessionData,
  kind: K,
): ConfirmingOf<K> | undefined =>
  session.confirming?.kind === kind ? (session.confirming as ConfirmingOf<K>) : undefined;

export interface BotContextFlavor {
  shop: TenantBinding;
  logger: Logger;
  session: SessionData;
  /** The customer of this tenant who sent the update; undefined until /start registered them. */
  customer: Customer | undefined;
  /** 1 the first time this update is handled; more when it is handled again after a failure. */
  attempt: number;
  language: Language;
  t: Translate;
  readonly translator: Translator;
}

export type BotContext = Context & BotContextFlavor;
