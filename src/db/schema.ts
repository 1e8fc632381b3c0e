// Drizzle view of the tables that migrations/*.sql create. The SQL files are the source of truth
// (they also carry row-level security); test/db/schema-drift.test.ts checks the two agree.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
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
  /** The shop is in maintenance since then (migration 0027); null: open. */
  maintenanceSince: timestamp('maintenance_since', { withTimezone: true }),
  /** The reseller signup (of the master shop) this shop was created for (migration 0030). */
  resellerSignupId: bigint('reseller_signup_id', { mode: 'number' }),
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
  /** The customer group (price list) the customer is in (migrations/0018). */
  groupId: bigint('group_id', { mode: 'number' }),
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

/** Maintenance of the whole platform (migration 0027): one row, platform transactions only. */
export const platformMaintenance = pgTable('platform_maintenance', {
  id: boolean('id').primaryKey().default(true),
  /** On since then; null: off. */
  since: timestamp('since', { withTimezone: true }),
  changedBy: bigint('changed_by', { mode: 'number' }),
  updatedAt: updatedAt(),
});

/**
 * The service processes sharing this database (migration 0026, src/bot/poll-leases.ts): each
 * heartbeats its row; one whose expires_at passed is gone. Platform transactions only.
 */
export const fleetInstances = pgTable('fleet_instances', {
  instanceId: text('instance_id').primaryKey(),
  processKey: text('process_key').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/** Polling mode: the one process that polls each bot, until expires_at unless heartbeated (0026). */
export const botPollLeases = pgTable('bot_poll_leases', {
  botId: bigint('bot_id', { mode: 'number' }).primaryKey(),
  instanceId: text('instance_id').notNull(),
  acquiredAt: timestamp('acquired_at', { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

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
  /** What a promo code took off the price (migrations/0018); `price` is what was charged. */
  discountAmount: bigint('discount_amount', { mode: 'number' }).notNull().default(0),
  promoCodeId: bigint('promo_code_id', { mode: 'number' }),
  promoRedemptionId: bigint('promo_redemption_id', { mode: 'number' }),
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

export type HelpPageKind = 'guide' | 'faq';

/** A help page the shop changed or wrote (migrations/0022): default pages need no row. */
export const helpPages = pgTable('help_pages', {
  id: id(),
  botId: botId(),
  /** The default page this row changes; null for a page the shop wrote itself. */
  defaultKey: text('default_key'),
  kind: text('kind').$type<HelpPageKind>().notNull(),
  isHidden: boolean('is_hidden').notNull().default(false),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A help page's own text in one language. */
export const helpPageTexts = pgTable(
  'help_page_texts',
  {
    botId: botId(),
    pageId: bigint('page_id', { mode: 'number' }).notNull(),
    language: text('language').$type<Language>().notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.pageId, t.language] })],
);

/** A shop's customer groups (price lists, migrations/0018): a discount percent or per-plan prices. */
export const customerGroups = pgTable('customer_groups', {
  id: id(),
  botId: botId(),
  name: text('name').notNull(),
  discountPercent: integer('discount_percent').notNull().default(0),
  isActive: boolean('is_active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const customerGroupPrices = pgTable(
  'customer_group_prices',
  {
    botId: botId(),
    groupId: bigint('group_id', { mode: 'number' }).notNull(),
    planId: bigint('plan_id', { mode: 'number' }).notNull(),
    price: bigint('price', { mode: 'number' }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.groupId, t.planId] })],
);

export type PromoKind = 'percent' | 'fixed' | 'balance' | 'days' | 'trial' | 'group';
export type PromoRedemptionStatus = 'reserved' | 'used' | 'released';

/** Promo codes (migrations/0018): `code` upper-cased, unique per shop. */
export const promoCodes = pgTable('promo_codes', {
  id: id(),
  botId: botId(),
  code: text('code').notNull(),
  kind: text('kind').$type<PromoKind>().notNull(),
  percent: integer('percent'),
  amount: bigint('amount', { mode: 'number' }),
  days: integer('days'),
  trafficGb: integer('traffic_gb'),
  groupId: bigint('group_id', { mode: 'number' }),
  firstPurchaseOnly: boolean('first_purchase_only').notNull().default(false),
  minPrice: bigint('min_price', { mode: 'number' }).notNull().default(0),
  holdHours: integer('hold_hours'),
  maxUses: integer('max_uses'),
  uses: integer('uses').notNull().default(0),
  perCustomer: integer('per_customer').notNull().default(1),
  validFrom: timestamp('valid_from', { withTimezone: true }),
  validUntil: timestamp('valid_until', { withTimezone: true }),
  isActive: boolean('is_active').notNull().default(true),
  createdBy: bigint('created_by', { mode: 'number' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const promoCodePlans = pgTable(
  'promo_code_plans',
  {
    botId: botId(),
    promoCodeId: bigint('promo_code_id', { mode: 'number' }).notNull(),
    planId: bigint('plan_id', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.promoCodeId, t.planId] })],
);

export const promoRedemptions = pgTable('promo_redemptions', {
  id: id(),
  botId: botId(),
  promoCodeId: bigint('promo_code_id', { mode: 'number' }).notNull(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  useNumber: integer('use_number').notNull().default(1),
  status: text('status').$type<PromoRedemptionStatus>().notNull(),
  orderId: bigint('order_id', { mode: 'number' }),
  transactionId: bigint('transaction_id', { mode: 'number' }),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  createdAt: createdAt(),
  usedAt: timestamp('used_at', { withTimezone: true }),
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

export type WalletKind = 'topup' | 'sale' | 'refund' | 'adjustment' | 'consumption';

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

/** The daily consumption charges of a shop billed by consumption (migrations/0024): one a UTC day. */
export const walletConsumptionCharges = pgTable(
  'wallet_consumption_charges',
  {
    botId: botId(),
    /** The UTC day, YYYY-MM-DD. */
    day: date('day', { mode: 'string' }).notNull(),
    kind: text('kind').$type<'opening' | 'charge' | 'per_sale'>().notNull(),
    consumedBytes: bigint('consumed_bytes', { mode: 'number' }).notNull(),
    fromBytes: bigint('from_bytes', { mode: 'number' }).notNull(),
    toBytes: bigint('to_bytes', { mode: 'number' }).notNull(),
    pricePerGb: bigint('price_per_gb', { mode: 'number' }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    walletEntryId: bigint('wallet_entry_id', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.day] })],
);

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

export type TicketStatus = 'open' | 'answered' | 'closed';
export type TicketAuthor = 'customer' | 'admin';
export type TicketEventKind = 'message' | 'closed' | 'reopened';
export type TicketFileKind = 'photo' | 'document';

/** A customer's support ticket (migrations/0021). */
export const supportTickets = pgTable('support_tickets', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  subject: text('subject').notNull(),
  status: text('status').$type<TicketStatus>().notNull().default('open'),
  lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A ticket's history: messages of either side, closes and reopens. */
export const ticketMessages = pgTable('ticket_messages', {
  id: id(),
  botId: botId(),
  ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  kind: text('kind').$type<TicketEventKind>().notNull().default('message'),
  author: text('author').$type<TicketAuthor>().notNull(),
  adminTelegramId: bigint('admin_telegram_id', { mode: 'number' }),
  text: text('text'),
  fileId: text('file_id'),
  fileKind: text('file_kind').$type<TicketFileKind>(),
  sourceUpdateId: bigint('source_update_id', { mode: 'number' }),
  createdAt: createdAt(),
});

/** A message the bot sent about a ticket, so a reply to it finds the ticket. */
export const ticketDeliveries = pgTable(
  'ticket_deliveries',
  {
    botId: botId(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    telegramMessageId: bigint('telegram_message_id', { mode: 'number' }).notNull(),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    ticketMessageId: bigint('ticket_message_id', { mode: 'number' }).notNull(),
    side: text('side').$type<'admins' | 'customer'>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.chatId, t.telegramMessageId] })],
);

export type BroadcastSegment =
  | 'all'
  | 'active'
  | 'expired'
  | 'never_bought'
  | 'trial_only'
  | 'language'
  | 'admins';
export type BroadcastStatus = 'sending' | 'done' | 'cancelled';
export type BroadcastRecipientStatus =
  | 'pending'
  | 'sending'
  | 'sent'
  | 'blocked'
  | 'failed'
  | 'unknown'
  | 'cancelled';

/** A message to a segment of a shop's customers (migrations/0020). */
export const broadcasts = pgTable('broadcasts', {
  id: id(),
  botId: botId(),
  origin: text('origin').$type<'admin' | 'api' | 'operator'>().notNull(),
  createdBy: bigint('created_by', { mode: 'number' }),
  text: text('text').notNull(),
  photo: text('photo'),
  /** The bot whose file id `photo` is when not this shop's (an operator's photo; migrations/0028). */
  photoBotId: bigint('photo_bot_id', { mode: 'number' }),
  buttonText: text('button_text'),
  buttonUrl: text('button_url'),
  segment: text('segment').$type<BroadcastSegment>().notNull(),
  segmentLanguage: text('segment_language').$type<Language>(),
  status: text('status').$type<BroadcastStatus>().notNull().default('sending'),
  total: integer('total').notNull().default(0),
  progressChatId: bigint('progress_chat_id', { mode: 'number' }),
  progressMessageId: bigint('progress_message_id', { mode: 'number' }),
  progressLanguage: text('progress_language').$type<Language>(),
  progressEditedAt: timestamp('progress_edited_at', { withTimezone: true }),
  reportedAt: timestamp('reported_at', { withTimezone: true }),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** One recipient of a broadcast, materialised at confirm time; its status is its delivery. */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    botId: botId(),
    broadcastId: bigint('broadcast_id', { mode: 'number' }).notNull(),
    customerId: bigint('customer_id', { mode: 'number' }).notNull(),
    chatId: bigint('chat_id', { mode: 'number' }).notNull(),
    status: text('status').$type<BroadcastRecipientStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    claimStep: integer('claim_step'),
    claimAttempt: integer('claim_attempt'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.botId, t.broadcastId, t.customerId] })],
);

/** Each bot's broadcast send clock, shared by its broadcasts and every process. */
export const broadcastPace = pgTable('broadcast_pace', {
  botId: bigint('bot_id', { mode: 'number' }).primaryKey(),
  nextSendAt: timestamp('next_send_at', { withTimezone: true }).notNull().defaultNow(),
  /** When each of the bot's send slots may be used again (migrations/0028). */
  slots: timestamp('slots', { withTimezone: true }).array().notNull().default([]),
});

/** Reseller plans the master shop sells (migrations/0030_resellers.sql; the master tenant's rows). */
export const resellerPlans = pgTable('reseller_plans', {
  id: id(),
  botId: botId(),
  name: text('name').notNull(),
  monthlyFee: bigint('monthly_fee', { mode: 'number' }).notNull(),
  includedCredit: bigint('included_credit', { mode: 'number' }).notNull().default(0),
  featureKeys: text('feature_keys').array().notNull().default([]),
  customerCap: integer('customer_cap'),
  isActive: boolean('is_active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type ResellerSignupStatus =
  | 'awaiting_payment'
  | 'awaiting_approval'
  | 'approved'
  | 'started'
  | 'rejected'
  | 'failed'
  | 'cancelled';

/** A master-shop customer's way to a shop of their own (the master tenant's rows). */
export const resellerSignups = pgTable('reseller_signups', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  planId: bigint('plan_id', { mode: 'number' }).notNull(),
  telegramBotId: bigint('telegram_bot_id', { mode: 'number' }).notNull(),
  botUsername: text('bot_username').notNull(),
  botName: text('bot_name').notNull(),
  tokenCiphertext: text('token_ciphertext').notNull(),
  price: bigint('price', { mode: 'number' }).notNull(),
  includedCredit: bigint('included_credit', { mode: 'number' }).notNull(),
  featureKeys: text('feature_keys').array().notNull(),
  customerCap: integer('customer_cap'),
  status: text('status').$type<ResellerSignupStatus>().notNull().default('awaiting_payment'),
  paidEntryId: bigint('paid_entry_id', { mode: 'number' }),
  refundEntryId: bigint('refund_entry_id', { mode: 'number' }),
  paidAt: timestamp('paid_at', { withTimezone: true }),
  decidedBy: bigint('decided_by', { mode: 'number' }),
  failure: text('failure'),
  shopBotId: bigint('shop_bot_id', { mode: 'number' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A reseller shop's own plan, period and suspension (the reseller tenant's one row). */
export const resellerSubscriptions = pgTable('reseller_subscriptions', {
  botId: bigint('bot_id', { mode: 'number' }).primaryKey(),
  masterBotId: bigint('master_bot_id', { mode: 'number' }).notNull(),
  signupId: bigint('signup_id', { mode: 'number' }).notNull(),
  planId: bigint('plan_id', { mode: 'number' }).notNull(),
  planName: text('plan_name').notNull(),
  monthlyFee: bigint('monthly_fee', { mode: 'number' }).notNull(),
  customerCap: integer('customer_cap'),
  featureKeys: text('feature_keys').array().notNull(),
  periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
  unpaidSince: timestamp('unpaid_since', { withTimezone: true }),
  salesSuspendedAt: timestamp('sales_suspended_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type ResellerTopUpStatus = 'awaiting_payment' | 'paid' | 'credited' | 'cancelled';

/** A reseller admin's wallet top-up paid to the operator (the master tenant's rows). */
export const resellerWalletTopups = pgTable('reseller_wallet_topups', {
  id: id(),
  botId: botId(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  shopBotId: bigint('shop_bot_id', { mode: 'number' }).notNull(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  status: text('status').$type<ResellerTopUpStatus>().notNull().default('awaiting_payment'),
  paidEntryId: bigint('paid_entry_id', { mode: 'number' }),
  paidAt: timestamp('paid_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type ImportEntity =
  | 'customer'
  | 'group'
  | 'subscription'
  | 'promo_code'
  | 'promo_use'
  | 'receipt'
  | 'opening_balance';

/** An import of a single-tenant installation (migrations/0025): its report, and whether it was rolled back. */
export const importRuns = pgTable('import_runs', {
  id: id(),
  botId: botId(),
  sourceKey: text('source_key').notNull(),
  sourceFlavour: text('source_flavour').notNull(),
  sourceLabel: text('source_label').notNull(),
  status: text('status').$type<'imported' | 'rolled_back'>().notNull().default('imported'),
  report: jsonb('report').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  rolledBackAt: timestamp('rolled_back_at', { withTimezone: true }),
});

/** Every row an import created (or linked), by source row: what a second run skips and a rollback deletes. */
export const importRows = pgTable(
  'import_rows',
  {
    botId: botId(),
    sourceKey: text('source_key').notNull(),
    entity: text('entity').$type<ImportEntity>().notNull(),
    sourceId: text('source_id').notNull(),
    runId: bigint('run_id', { mode: 'number' }).notNull(),
    targetId: bigint('target_id', { mode: 'number' }).notNull(),
    created: boolean('created').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.sourceKey, t.entity, t.sourceId] })],
);

/** The source's balance history, converted to the shop's unit, beside the ledger (migrations/0025). */
export const importedTransactions = pgTable('imported_transactions', {
  id: id(),
  botId: botId(),
  runId: bigint('run_id', { mode: 'number' }).notNull(),
  sourceKey: text('source_key').notNull(),
  sourceId: bigint('source_id', { mode: 'number' }).notNull(),
  customerId: bigint('customer_id', { mode: 'number' }).notNull(),
  type: text('type').notNull(),
  amount: bigint('amount', { mode: 'number' }).notNull(),
  sourceAmount: integer('source_amount').notNull(),
  sourceScale: text('source_scale').$type<'x100' | 'unit'>().notNull(),
  paymentMethod: text('payment_method'),
  externalId: text('external_id'),
  isCompleted: boolean('is_completed'),
  description: text('description'),
  createdAt: timestamp('created_at', { withTimezone: true }),
});

/**
 * Every money column, with the constraint of migrations/0010_money_bounds.sql that keeps it within
 * MAX_MONEY (src/shared/money.ts): read in mode 'number', a bigint is exact only up to 2^53, and
 * these bounds are what make that safe. A new money column belongs here and in a migration;
 * test/db/money-bounds.test.ts checks the two agree.
 */
export const MONEY_COLUMNS = [
  { column: customers.balance, constraint: 'customers_balance_max' },
  { column: bots.walletBalance, constraint: 'bots_wallet_balance_max', signed: true },
  { column: bots.wholesalePricePerGb, constraint: 'bots_wholesale_price_per_gb_max' },
  { column: ledgerTransactions.amount, constraint: 'ledger_transactions_amount_max', signed: true },
  { column: ledgerTransactions.balanceAfter, constraint: 'ledger_transactions_balance_after_max' },
  { column: walletTransactions.amount, constraint: 'wallet_transactions_amount_max', signed: true },
  {
    column: walletTransactions.balanceAfter,
    constraint: 'wallet_transactions_balance_after_max',
    signed: true,
  },
  { column: walletConsumptionCharges.amount, constraint: 'wallet_consumption_charges_amount_max' },
  {
    column: walletConsumptionCharges.pricePerGb,
    constraint: 'wallet_consumption_charges_price_per_gb_max',
  },
  { column: botPlans.price, constraint: 'bot_plans_price_max' },
  { column: botPacks.price, constraint: 'bot_packs_price_max' },
  { column: orders.price, constraint: 'orders_price_max' },
  { column: cardToCardPayments.amount, constraint: 'card_to_card_payments_amount_max' },
  { column: zarinpalPayments.amount, constraint: 'zarinpal_payments_amount_max' },
  { column: zarinpalPayments.gatewayAmount, constraint: 'zarinpal_payments_gateway_amount_max' },
  { column: starsPayments.creditAmount, constraint: 'stars_payments_credit_amount_max' },
  { column: customerGroupPrices.price, constraint: 'customer_group_prices_price_max' },
  { column: promoCodes.amount, constraint: 'promo_codes_amount_max' },
  { column: promoCodes.minPrice, constraint: 'promo_codes_min_price_max' },
  { column: orders.discountAmount, constraint: 'orders_discount_amount_max' },
  { column: resellerSignups.price, constraint: 'reseller_signups_price_max' },
  { column: resellerWalletTopups.amount, constraint: 'reseller_wallet_topups_amount_max' },
  { column: importedTransactions.amount, constraint: 'imported_transactions_amount_max', signed: true },
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
  walletConsumptionCharges,
  cardToCardPayments,
  zarinpalPayments,
  starsPayments,
  processedUpdates,
  updateInbox,
  fleetInstances,
  botPollLeases,
  botSessions,
  jobs,
  orders,
  subscriptionNotices,
  customerGroups,
  customerGroupPrices,
  promoCodes,
  promoCodePlans,
  promoRedemptions,
  supportTickets,
  ticketMessages,
  ticketDeliveries,
  helpPages,
  helpPageTexts,
  broadcasts,
  broadcastRecipients,
  broadcastPace,
  resellerPlans,
  resellerSignups,
  resellerSubscriptions,
  resellerWalletTopups,
  importRuns,
  importRows,
  importedTransactions,
};
