// Drizzle view of the tables that migrations/*.sql create. The SQL files are the source of truth
// (they also carry row-level security); test/db/schema-drift.test.ts checks the two agree.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { Language } from '../shared/language.js';
import type { Currency } from '../shared/money.js';

export type { Currency, Language };

const id = () => bigserial('id', { mode: 'number' }).primaryKey();
const botId = () => bigint('bot_id', { mode: 'number' }).notNull();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const bots = pgTable('bots', {
  id: id(),
  name: text('name').notNull(),
  tokenCiphertext: text('token_ciphertext').notNull(),
  telegramBotId: bigint('telegram_bot_id', { mode: 'number' }).notNull(),
  username: text('username'),
  botInfo: jsonb('bot_info').$type<Record<string, unknown>>(),
  apiTokenHash: text('api_token_hash').notNull(),
  isMaster: boolean('is_master').notNull().default(false),
  isActive: boolean('is_active').notNull().default(true),
  adminTelegramIds: bigint('admin_telegram_ids', { mode: 'number' }).array().notNull().default([]),
  zarinpalMerchantId: text('zarinpal_merchant_id'),
  zarinpalSandbox: boolean('zarinpal_sandbox').notNull().default(false),
  currency: text('currency').$type<Currency>().notNull().default('IRT'),
  walletBalance: bigint('wallet_balance', { mode: 'number' }).notNull().default(0),
  wholesalePricePerGb: bigint('wholesale_price_per_gb', { mode: 'number' }).notNull().default(0),
  trafficConsumedBytes: bigint('traffic_consumed_bytes', { mode: 'number' }).notNull().default(0),
  trafficSoldBytes: bigint('traffic_sold_bytes', { mode: 'number' }).notNull().default(0),
  createdBy: bigint('created_by', { mode: 'number' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  healthStatus: text('health_status').$type<BotHealth>().notNull().default('unknown'),
  healthError: text('health_error'),
  healthChangedAt: timestamp('health_changed_at', { withTimezone: true }),
  webhookFingerprint: text('webhook_fingerprint'),
});

export type BotHealth = 'unknown' | 'healthy' | 'unauthorized' | 'failing';

export const botFeatureFlags = pgTable(
  'bot_feature_flags',
  {
    botId: botId(),
    featureKey: text('feature_key').notNull(),
    enabled: boolean('enabled').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.featureKey] })],
);

export const botConfigurations = pgTable(
  'bot_configurations',
  {
    botId: botId(),
    configKey: text('config_key').notNull(),
    value: jsonb('value').$type<unknown>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.configKey] })],
);

export const tenantPaymentCards = pgTable('tenant_payment_cards', {
  id: id(),
  botId: botId(),
  cardNumber: text('card_number').notNull(),
  holderName: text('holder_name').notNull(),
  bankName: text('bank_name'),
  weight: integer('weight').notNull().default(1),
  successCount: integer('success_count').notNull().default(0),
  failureCount: integer('failure_count').notNull().default(0),
  usageCount: integer('usage_count').notNull().default(0),
  isActive: boolean('is_active').notNull().default(true),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  currentSince: timestamp('current_since', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const botPlans = pgTable('bot_plans', {
  id: id(),
  botId: botId(),
  name: text('name').notNull(),
  periodDays: integer('period_days').notNull(),
  price: bigint('price', { mode: 'number' }).notNull(),
  trafficGb: integer('traffic_gb').notNull().default(0),
  deviceLimit: integer('device_limit').notNull().default(1),
  isActive: boolean('is_active').notNull().default(true),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const customers = pgTable('customers', {
  id: id(),
  botId: botId(),
  telegramId: bigint('telegram_id', { mode: 'number' }).notNull(),
  username: text('username'),
  firstName: text('first_name'),
  lastName: text('last_name'),
  language: text('language').$type<Language>().notNull().default('fa'),
  hasChosenLanguage: boolean('has_chosen_language').notNull().default(false),
  balance: bigint('balance', { mode: 'number' }).notNull().default(0),
  referralCode: text('referral_code').notNull(),
  referredBy: bigint('referred_by', { mode: 'number' }),
  rulesAcceptedAt: timestamp('rules_accepted_at', { withTimezone: true }),
  isBlocked: boolean('is_blocked').notNull().default(false),
  /** Telegram refused delivery (the customer blocked the bot) since then; cleared by /start. */
  unreachableSince: timestamp('unreachable_since', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type SubscriptionStatus = 'pending' | 'active' | 'expired' | 'limited' | 'disabled';

export const subscriptions = pgTable('subscriptions', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  planId: bigint('plan_id', { mode: 'number' }),
  isTrial: boolean('is_trial').notNull().default(false),
  status: text('status').$type<SubscriptionStatus>().notNull().default('pending'),
  panelUsername: text('panel_username').notNull(),
  panelUserId: bigint('panel_user_id', { mode: 'number' }),
  subscriptionUrl: text('subscription_url'),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  trafficLimitBytes: bigint('traffic_limit_bytes', { mode: 'number' }).notNull().default(0),
  deviceLimit: integer('device_limit').notNull().default(1),
  panelShortUuid: text('panel_short_uuid'),
  usedTrafficBytes: bigint('used_traffic_bytes', { mode: 'number' }).notNull().default(0),
  syncedAt: timestamp('synced_at', { withTimezone: true }),
  lifetimeUsedTrafficBytes: bigint('lifetime_used_traffic_bytes', { mode: 'number' }).notNull().default(0),
  /** 1 for the customer's first subscription (panel username rf<bot>c<customer>), n for the n-th. */
  ordinal: integer('ordinal').notNull().default(1),
  /** Renew from the balance before expiry; null follows the shop's `autopay_default`. */
  autopay: boolean('autopay'),
  /** The panel deleted the user; the paid entitlement stays and is provisioned again. */
  lostAt: timestamp('lost_at', { withTimezone: true }),
  /** The panel's updatedAt of the last panel event applied (older events arriving late are ignored). */
  panelEventAt: timestamp('panel_event_at', { withTimezone: true }),
  firstConnectedAt: timestamp('first_connected_at', { withTimezone: true }),
  /** Start of the current traffic period: traffic notices go once per period. */
  trafficPeriodStartedAt: timestamp('traffic_period_started_at', { withTimezone: true })
    .notNull()
    .defaultNow(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export const jobs = pgTable('jobs', {
  id: id(),
  botId: botId(),
  name: text('name').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
  dedupeKey: text('dedupe_key'),
  status: text('status').$type<JobStatus>().notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  maxAttempts: integer('max_attempts').notNull().default(20),
  runAt: timestamp('run_at', { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  lastError: text('last_error'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** Windows claimed by platform-wide jobs (migrations/0013): one run per job and window, fleet-wide. */
export const platformScheduleRuns = pgTable(
  'platform_schedule_runs',
  {
    name: text('name').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.name, table.windowStart] })],
);

export type OrderKind = 'purchase' | 'renewal' | 'trial' | 'traffic_pack' | 'day_pack';
export type OrderStatus = 'created' | 'paid' | 'provisioning' | 'active' | 'cancelled';

export const orders = pgTable('orders', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  kind: text('kind').$type<OrderKind>().notNull(),
  planId: bigint('plan_id', { mode: 'number' }),
  /** The extra traffic or day pack a pack order bought. */
  packId: bigint('pack_id', { mode: 'number' }),
  subscriptionId: bigint('subscription_id', { mode: 'number' }),
  status: text('status').$type<OrderStatus>().notNull().default('created'),
  planName: text('plan_name'),
  price: bigint('price', { mode: 'number' }).notNull(),
  currency: text('currency').$type<Currency>().notNull(),
  periodDays: integer('period_days').notNull(),
  trafficGb: integer('traffic_gb').notNull(),
  deviceLimit: integer('device_limit').notNull(),
  targetExpiresAt: timestamp('target_expires_at', { withTimezone: true }),
  transactionId: bigint('transaction_id', { mode: 'number' }),
  idempotencyKey: text('idempotency_key'),
  lastError: text('last_error'),
  paidAt: timestamp('paid_at', { withTimezone: true }),
  activatedAt: timestamp('activated_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type PackKind = 'traffic' | 'days';

/** Extra traffic (GB) or extra days a shop sells on top of a subscription. */
export const botPacks = pgTable('bot_packs', {
  id: id(),
  botId: botId(),
  kind: text('kind').$type<PackKind>().notNull(),
  /** GB for a traffic pack, days for a day pack. */
  amount: integer('amount').notNull(),
  price: bigint('price', { mode: 'number' }).notNull(),
  isActive: boolean('is_active').notNull().default(true),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A lifecycle notice claimed for a subscription and period: sent at most once. */
export const subscriptionNotices = pgTable('subscription_notices', {
  id: id(),
  botId: botId(),
  subscriptionId: bigint('subscription_id', { mode: 'number' }).notNull(),
  kind: text('kind').notNull(),
  periodKey: text('period_key').notNull(),
  createdAt: createdAt(),
});

export type LedgerKind =
  | 'admin_credit'
  | 'admin_debit'
  | 'topup'
  | 'purchase'
  | 'renewal'
  | 'refund'
  | 'referral_bonus'
  | 'promo'
  | 'migration';

export const ledgerTransactions = pgTable('ledger_transactions', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  balanceAfter: bigint('balance_after', { mode: 'number' }).notNull(),
  kind: text('kind').$type<LedgerKind>().notNull(),
  reason: text('reason'),
  externalRef: text('external_ref'),
  createdBy: bigint('created_by', { mode: 'number' }),
  createdAt: createdAt(),
});

export type WalletKind = 'topup' | 'sale' | 'refund' | 'adjustment';

/** The tenant wallet's entries (migrations/0005_wallet.sql); bots.wallet_balance is their running sum. */
export const walletTransactions = pgTable('wallet_transactions', {
  id: id(),
  botId: botId(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  balanceAfter: bigint('balance_after', { mode: 'number' }).notNull(),
  kind: text('kind').$type<WalletKind>().notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
  orderId: bigint('order_id', { mode: 'number' }),
  externalRef: text('external_ref'),
  reason: text('reason'),
  createdBy: bigint('created_by', { mode: 'number' }),
  createdAt: createdAt(),
});

export const cardToCardPayments = pgTable('card_to_card_payments', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  transactionId: bigint('transaction_id', { mode: 'number' }),
  cardId: bigint('card_id', { mode: 'number' }),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  trackingNumber: text('tracking_number').notNull(),
  receiptType: text('receipt_type').$type<'image' | 'text' | 'both'>().notNull(),
  receiptText: text('receipt_text'),
  receiptFileId: text('receipt_file_id'),
  receiptFileUniqueId: text('receipt_file_unique_id'),
  status: text('status')
    .$type<'pending' | 'approved' | 'rejected' | 'expired'>()
    .notNull()
    .default('pending'),
  reviewedBy: bigint('reviewed_by', { mode: 'number' }),
  reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  adminNotes: text('admin_notes'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  // migrations/0004_card_payments.sql
  orderId: bigint('order_id', { mode: 'number' }),
  receiptFileKind: text('receipt_file_kind').$type<'photo' | 'document'>(),
  adminMessages: jsonb('admin_messages').$type<ReceiptAdminMessage[]>().notNull().default([]),
  reviewerName: text('reviewer_name'),
  rejectReason: text('reject_reason'),
  duplicateOf: bigint('duplicate_of', { mode: 'number' }),
  reusedElsewhere: boolean('reused_elsewhere').notNull().default(false),
  // migrations/0007_payments_api.sql: which API token decided (reviewed_by is then null)
  reviewedByApi: text('reviewed_by_api').$type<'operator' | 'tenant'>(),
  // migrations/0011_update_inbox.sql: the Telegram update that carried the receipt
  sourceUpdateId: bigint('source_update_id', { mode: 'number' }),
});

/** A receipt shown to the admins: edited (caption or text) once the payment is decided. */
export interface ReceiptAdminMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly kind: 'caption' | 'text';
}

export const zarinpalPayments = pgTable('zarinpal_payments', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  transactionId: bigint('transaction_id', { mode: 'number' }),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  gatewayAmount: bigint('gateway_amount', { mode: 'number' }).notNull(),
  currency: text('currency').$type<'IRT' | 'IRR'>().notNull(),
  merchantId: text('merchant_id').notNull(),
  authority: text('authority'),
  refId: text('ref_id'),
  cardPanMasked: text('card_pan_masked'),
  status: text('status').$type<'pending' | 'paid' | 'failed' | 'cancelled'>().notNull().default('pending'),
  failureCode: integer('failure_code'),
  callbackUrl: text('callback_url').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  // migrations/0006_zarinpal_stars.sql
  orderId: bigint('order_id', { mode: 'number' }),
  publicId: text('public_id').notNull().default(sql`replace(gen_random_uuid()::text, '-', '')`),
  sandbox: boolean('sandbox').notNull().default(false),
  idempotencyKey: text('idempotency_key'),
  nextCheckAt: timestamp('next_check_at', { withTimezone: true }),
  checkCount: integer('check_count').notNull().default(0),
  paidAt: timestamp('paid_at', { withTimezone: true }),
});

export type StarsPaymentStatus = 'pending' | 'paid' | 'refunded';

/** Telegram Stars invoices and their charges (migrations/0006_zarinpal_stars.sql). */
export const starsPayments = pgTable('stars_payments', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  orderId: bigint('order_id', { mode: 'number' }),
  transactionId: bigint('transaction_id', { mode: 'number' }),
  payload: text('payload').notNull(),
  xtrAmount: integer('xtr_amount').notNull(),
  starsPerUnitPrice: integer('stars_per_unit_price').notNull(),
  creditAmount: bigint('credit_amount', { mode: 'number' }).notNull(),
  currency: text('currency').$type<Currency>().notNull(),
  status: text('status').$type<StarsPaymentStatus>().notNull().default('pending'),
  telegramPaymentChargeId: text('telegram_payment_charge_id'),
  paidAt: timestamp('paid_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Where an admitted update stands: `done` once it has left the inbox (update_inbox). */
export type UpdateState = 'received' | 'handling' | 'done' | 'failed';

export const processedUpdates = pgTable(
  'processed_updates',
  {
    botId: botId(),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.updateId] })],
);

/** An update in hand or waiting to be handled again (migrations/0011_update_inbox.sql). */
export const updateInbox = pgTable(
  'update_inbox',
  {
    botId: botId(),
    updateId: bigint('update_id', { mode: 'number' }).notNull(),
    state: text('state').$type<Exclude<UpdateState, 'done'>>().notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.updateId] })],
);

export const botSessions = pgTable(
  'bot_sessions',
  {
    botId: botId(),
    sessionKey: text('session_key').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.sessionKey] })],
);

/**
 * Every money column, with the constraint of migrations/0010_money_bounds.sql that keeps it within
 * MAX_MONEY (src/shared/money.ts): read in mode 'number', a bigint is exact only up to 2^53, and
 * these bounds are what make that safe. A new money column belongs here and in a migration;
 * test/db/money-bounds.test.ts checks the two agree.
 */
export const MONEY_COLUMNS = [
  { column: customers.balance, constraint: 'customers_balance_max' },
  { column: bots.walletBalance, constraint: 'bots_wallet_balance_max' },
  { column: bots.wholesalePricePerGb, constraint: 'bots_wholesale_price_per_gb_max' },
  { column: ledgerTransactions.amount, constraint: 'ledger_transactions_amount_max', signed: true },
  { column: ledgerTransactions.balanceAfter, constraint: 'ledger_transactions_balance_after_max' },
  { column: walletTransactions.amount, constraint: 'wallet_transactions_amount_max', signed: true },
  { column: walletTransactions.balanceAfter, constraint: 'wallet_transactions_balance_after_max' },
  { column: botPlans.price, constraint: 'bot_plans_price_max' },
  { column: botPacks.price, constraint: 'bot_packs_price_max' },
  { column: orders.price, constraint: 'orders_price_max' },
  { column: cardToCardPayments.amount, constraint: 'card_to_card_payments_amount_max' },
  { column: zarinpalPayments.amount, constraint: 'zarinpal_payments_amount_max' },
  { column: zarinpalPayments.gatewayAmount, constraint: 'zarinpal_payments_gateway_amount_max' },
  { column: starsPayments.creditAmount, constraint: 'stars_payments_credit_amount_max' },
] as const;

export const schema = {
  bots,
  botFeatureFlags,
  botConfigurations,
  tenantPaymentCards,
  botPlans,
  botPacks,
  customers,
  subscriptions,
  ledgerTransactions,
  walletTransactions,
  cardToCardPayments,
  zarinpalPayments,
  starsPayments,
  processedUpdates,
  updateInbox,
  botSessions,
  jobs,
  orders,
  subscriptionNotices,
};
export type Schema = typeof schema;
