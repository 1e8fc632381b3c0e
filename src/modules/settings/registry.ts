import { z } from 'zod';

export interface SettingDefinition<T> {
  readonly group: string;
  readonly description: string;
  /** What a valid value looks like, in words: used in the refusal message. */
  readonly expects: string;
  readonly schema: z.ZodType<T>;
  readonly default: T;
  /** Tenant admins may change it; otherwise only the operator can. */
  readonly tenantEditable: boolean;
}

const define = <T>(definition: SettingDefinition<T>): SettingDefinition<T> => definition;

const language = z.enum(['fa', 'en', 'ru']);
const int = (min: number, max: number) => z.number().int().min(min).max(max);
const chatId = z
  .number()
  .int()
  .refine((value) => value !== 0);
const topicId = z.number().int().positive();
const isTimeZone = (value: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

/**
 * Every tenant setting the product acts on: type, range, default, and who may change it. A key is
 * listed only once code reads it (test/modules/feature-flags/every-switch-is-read.test.ts): whatever is here is
 * offered to resellers and the operator, and a setting nothing reads would be a promise nobody
 * keeps. Settings of features not built yet (autopay, renewal warnings, referral rewards, reports,
 * ticket and alert topics) arrive with those features; rows stored under other keys are ignored.
 */
export const SETTINGS = {
  // basics
  default_language: define({
    group: 'basics',
    description: 'Language for customers who have not chosen one',
    expects: 'one of fa, en, ru',
    schema: language,
    default: 'fa' as z.infer<typeof language>,
    tenantEditable: true,
  }),
  available_languages: define({
    group: 'basics',
    description: 'Languages a customer may choose',
    expects: 'a non-empty list of distinct values from fa, en, ru',
    schema: z
      .array(language)
      .min(1)
      .refine((list) => new Set(list).size === list.length),
    default: ['fa', 'en', 'ru'] as z.infer<typeof language>[],
    tenantEditable: true,
  }),
  language_selection_enabled: define({
    group: 'basics',
    description: 'Ask new customers to choose a language',
    expects: 'true or false',
    schema: z.boolean(),
    default: true,
    tenantEditable: true,
  }),
  timezone: define({
    group: 'basics',
    description: 'Time zone for dates and reports',
    expects: 'an IANA time zone such as Asia/Tehran',
    schema: z.string().refine(isTimeZone),
    default: 'Asia/Tehran',
    tenantEditable: true,
  }),
  skip_rules_acceptance: define({
    group: 'basics',
    description: 'Do not ask customers to accept the rules',
    expects: 'true or false',
    schema: z.boolean(),
    default: false,
    tenantEditable: true,
  }),
  rules_text: define({
    group: 'basics',
    description: 'Rules shown before the first use; empty uses the built-in text',
    expects: 'text of at most 3500 characters',
    schema: z.string().max(3500),
    default: '',
    tenantEditable: true,
  }),
  // support
  support_username: define({
    group: 'support',
    description: 'Telegram username customers can write to',
    expects: 'a Telegram username (5-32 letters, digits or _) or null',
    schema: z
      .string()
      .regex(/^@?[A-Za-z][A-Za-z0-9_]{4,31}$/)
      .transform((value) => value.replace(/^@/, ''))
      .nullable(),
    default: null as string | null,
    tenantEditable: true,
  }),
  support_menu_enabled: define({
    group: 'support',
    description: 'Show the support entry in the main menu',
    expects: 'true or false',
    schema: z.boolean(),
    default: true,
    tenantEditable: true,
  }),
  support_mode: define({
    group: 'support',
    description:
      'What the support entry offers: contact (the support username), tickets (support tickets, with the support_tickets switch) or both',
    expects: 'one of tickets, contact, both',
    schema: z.enum(['tickets', 'contact', 'both']),
    default: 'contact' as 'tickets' | 'contact' | 'both',
    tenantEditable: true,
  }),
  ticket_max_open: define({
    group: 'support',
    description: 'Support tickets one customer may have open at once',
    expects: 'a whole number from 1 to 20',
    schema: int(1, 20),
    default: 3,
    tenantEditable: true,
  }),
  ticket_messages_per_minute: define({
    group: 'support',
    description: 'Ticket messages one customer may send per minute',
    expects: 'a whole number from 1 to 60',
    schema: int(1, 60),
    default: 5,
    tenantEditable: true,
  }),
  // notifications
  admin_chat_id: define({
    group: 'notifications',
    description: 'Chat where receipts and alerts go',
    expects: 'a Telegram chat id (non-zero integer) or null',
    schema: chatId.nullable(),
    default: null as number | null,
    tenantEditable: true,
  }),
  receipt_topic_id: define({
    group: 'notifications',
    description: 'Forum topic of the admin chat for card-to-card receipts',
    expects: 'a positive integer topic id or null',
    schema: topicId.nullable(),
    default: null as number | null,
    tenantEditable: true,
  }),
  ticket_topic_id: define({
    group: 'notifications',
    description: 'Forum topic of the admin chat for support tickets',
    expects: 'a positive integer topic id or null',
    schema: topicId.nullable(),
    default: null as number | null,
    tenantEditable: true,
  }),
  // required channel
  required_channel_enabled: define({
    group: 'required_channel',
    description: 'Customers must join a channel first',
    expects: 'true or false',
    schema: z.boolean(),
    default: false,
    tenantEditable: true,
  }),
  required_channel_id: define({
    group: 'required_channel',
    description: 'The channel: numeric id or @username',
    expects: 'a channel id (negative integer) or @username, or null',
    schema: z
      .union([z.number().int().negative(), z.string().regex(/^@[A-Za-z][A-Za-z0-9_]{4,31}$/)])
      .nullable(),
    default: null as number | string | null,
    tenantEditable: true,
  }),
  required_channel_link: define({
    group: 'required_channel',
    description: 'Invite link shown to customers',
    expects: 'an https:// link or null',
    schema: z
      .string()
      .regex(/^https:\/\/\S+$/)
      .nullable(),
    default: null as string | null,
    tenantEditable: true,
  }),
  // trial
  max_subscriptions_per_customer: define({
    group: 'subscriptions',
    description: 'How many subscriptions one customer may own (family, several devices)',
    expects: 'a whole number from 1 to 20',
    schema: int(1, 20),
    default: 5,
    tenantEditable: true,
  }),
  autopay_default: define({
    group: 'autopay',
    description: 'Renew subscriptions from the balance before expiry unless the customer turned it off',
    expects: 'true or false',
    schema: z.boolean(),
    default: false,
    tenantEditable: true,
  }),
  autopay_hours_before: define({
    group: 'autopay',
    description: 'How many hours before expiry autopay renews',
    expects: 'a whole number from 1 to 168 (hours)',
    schema: int(1, 168),
    default: 24,
    tenantEditable: true,
  }),
  autopay_min_balance: define({
    group: 'autopay',
    description: 'Balance autopay always leaves untouched, in the shop currency unit',
    expects: 'a whole amount from 0',
    schema: int(0, 1_000_000_000_000_000),
    default: 0,
    tenantEditable: true,
  }),
  trial_days: define({
    group: 'trial',
    description: 'Length of the trial',
    expects: 'an integer from 1 to 30 (days)',
    schema: int(1, 30),
    default: 3,
    tenantEditable: true,
  }),
  trial_traffic_gb: define({
    group: 'trial',
    description: 'Trial traffic; 0 = unlimited',
    expects: 'an integer from 0 to 100 (GB)',
    schema: int(0, 100),
    default: 10,
    tenantEditable: true,
  }),
  trial_devices: define({
    group: 'trial',
    description: 'Trial device limit',
    expects: 'an integer from 1 to 10',
    schema: int(1, 10),
    default: 1,
    tenantEditable: true,
  }),
  // subscriptions
  traffic_reset_strategy: define({
    group: 'subscriptions',
    description: 'When the panel resets used traffic',
    expects: 'one of NO_RESET, DAY, WEEK, MONTH, MONTH_ROLLING',
    schema: z.enum(['NO_RESET', 'DAY', 'WEEK', 'MONTH', 'MONTH_ROLLING']),
    default: 'MONTH' as 'NO_RESET' | 'DAY' | 'WEEK' | 'MONTH' | 'MONTH_ROLLING',
    tenantEditable: true,
  }),
  panel_squads: define({
    group: 'subscriptions',
    description: "Panel internal squads (uuids) for this tenant's customers",
    expects: 'a list of squad UUIDs',
    schema: z.array(z.uuid()),
    default: [] as string[],
    tenantEditable: false,
  }),
  panel_tag: define({
    group: 'subscriptions',
    description: "Panel tag on this tenant's users; null = RF and the tenant id (e.g. RF12)",
    expects: 'up to 16 characters of A-Z, 0-9 and _, or null',
    schema: z
      .string()
      .regex(/^[A-Z0-9_]{1,16}$/)
      .nullable(),
    default: null as string | null,
    tenantEditable: false,
  }),
  // notices
  renewal_warning_days: define({
    group: 'notices',
    description:
      'Warn customers this many days before a subscription expires; an empty list turns expiry notices off',
    expects: 'a list of up to 5 distinct whole numbers from 1 to 60 (days), e.g. [3, 1]',
    schema: z
      .array(int(1, 60))
      .max(5)
      .refine((list) => new Set(list).size === list.length),
    default: [3, 1] as number[],
    tenantEditable: true,
  }),
  comeback_days: define({
    group: 'notices',
    description: 'Invite customers back this many days after an expiry nobody renewed; 0 = never',
    expects: 'a whole number from 0 to 90 (days)',
    schema: int(0, 90),
    default: 3,
    tenantEditable: true,
  }),
  traffic_warning_percents: define({
    group: 'notices',
    description: 'Warn customers when they have used this much of their traffic; an empty list = never',
    expects: 'a list of up to 5 distinct whole numbers from 1 to 99 (percent), e.g. [80, 95]',
    schema: z
      .array(int(1, 99))
      .max(5)
      .refine((list) => new Set(list).size === list.length),
    default: [80, 95] as number[],
    tenantEditable: true,
  }),
  // payments
  card_rotation_strategy: define({
    group: 'payments',
    description: 'How the card for the next card-to-card payment is chosen',
    expects: 'one of round_robin, random, time_based, weighted',
    schema: z.enum(['round_robin', 'random', 'time_based', 'weighted']),
    default: 'round_robin' as 'round_robin' | 'random' | 'time_based' | 'weighted',
    tenantEditable: true,
  }),
  card_rotation_interval_minutes: define({
    group: 'payments',
    description: 'time_based rotation: minutes each card stays current',
    expects: 'an integer from 1 to 10080 (minutes)',
    schema: int(1, 10_080),
    default: 60,
    tenantEditable: true,
  }),
  receipt_expiry_hours: define({
    group: 'payments',
    description: 'Pending card-to-card receipts older than this expire',
    expects: 'an integer from 1 to 720 (hours)',
    schema: int(1, 720),
    default: 48,
    tenantEditable: true,
  }),
  topup_presets: define({
    group: 'payments',
    description: 'Amounts offered on the top-up screen',
    expects: 'a list of 1 to 8 positive integers (currency units)',
    schema: z.array(z.number().int().positive()).min(1).max(8),
    default: [50_000, 100_000, 200_000, 500_000] as number[],
    tenantEditable: true,
  }),
  topup_min: define({
    group: 'payments',
    description: 'Smallest custom top-up',
    expects: 'a positive integer (currency units)',
    schema: z.number().int().positive(),
    default: 10_000,
    tenantEditable: true,
  }),
  topup_max: define({
    group: 'payments',
    description: 'Largest custom top-up',
    expects: 'a positive integer (currency units)',
    schema: z.number().int().positive(),
    default: 50_000_000,
    tenantEditable: true,
  }),
  stars_per_unit_price: define({
    group: 'payments',
    description: 'Telegram Stars charged per 1,000 currency units',
    expects: 'an integer from 1 to 100000',
    schema: int(1, 100_000),
    default: 1,
    tenantEditable: false,
  }),
  // referral rewards (feature referral_program; paid by the referral-reward job, src/modules/referral/)
  referral_min_topup: define({
    group: 'referral',
    description:
      "Smallest payment that counts as an invited customer's first top-up for the two bonuses; 0 = any",
    expects: 'a whole amount from 0 (currency units)',
    schema: int(0, 1_000_000_000_000),
    default: 0,
    tenantEditable: true,
  }),
  referral_first_topup_bonus: define({
    group: 'referral',
    description:
      'Bonus credited to an invited customer on their first top-up of at least the minimum; 0 = none',
    expects: 'a whole amount from 0 (currency units)',
    schema: int(0, 1_000_000_000_000),
    default: 0,
    tenantEditable: true,
  }),
  referral_inviter_bonus: define({
    group: 'referral',
    description:
      "Bonus credited to the inviter on the invited customer's first top-up of at least the minimum; 0 = none",
    expects: 'a whole amount from 0 (currency units)',
    schema: int(0, 1_000_000_000_000),
    default: 0,
    tenantEditable: true,
  }),
  referral_commission_percent: define({
    group: 'referral',
    description:
      'Percent of every payment of an invited customer (card-to-card, Zarinpal, Stars) credited to the inviter, rounded down; 0 = none',
    expects: 'a whole number from 0 to 100 (percent)',
    schema: int(0, 100),
    default: 0,
    tenantEditable: true,
  }),
  // broadcasts (src/jobs/definitions/broadcast-deliver.ts)
  broadcast_rate_per_second: define({
    group: 'broadcasts',
    description:
      "Messages a second a broadcast sends through this shop's bot (Telegram allows about 30 a second per bot)",
    expects: 'an integer from 1 to 30 (messages a second)',
    schema: int(1, 30),
    default: 25,
    tenantEditable: false,
  }),
  // wallet
  wallet_unlimited_equivalent_gb: define({
    group: 'wallet',
    description: 'Traffic an unlimited plan is charged as against the tenant wallet',
    expects: 'an integer from 1 to 100000 (GB)',
    schema: int(1, 100_000),
    default: 100,
    tenantEditable: false,
  }),
  // billing by consumption (src/modules/wallet/consumption-billing.ts)
  wallet_billing_mode: define({
    group: 'wallet',
    description:
      'How the tenant wallet pays the operator: per_sale (each sale is charged its traffic) or consumption (the traffic the panel counts is charged once a day)',
    expects: 'one of per_sale, consumption',
    schema: z.enum(['per_sale', 'consumption']),
    default: 'per_sale' as 'per_sale' | 'consumption',
    tenantEditable: false,
  }),
  wallet_consumption_grace: define({
    group: 'wallet',
    description:
      'Billed by consumption: how far below zero the wallet may be (in currency units) while renewals and packs still sell; new subscriptions need a balance above zero',
    expects: 'a whole number from 0 to 1000000000000 (currency units)',
    schema: int(0, 1_000_000_000_000),
    default: 0,
    tenantEditable: false,
  }),
  // read after every wallet debit (src/modules/wallet/low-balance.ts)
  wallet_low_balance_warning: define({
    // a notice to the shop's admins, so theirs among the notifications (the wallet group is the operator's)
    group: 'notifications',
    description:
      "Warn the shop's admins once each time a debit takes the wallet below this balance; 0 = never",
    expects: 'a whole amount from 0 (currency units)',
    schema: int(0, 1_000_000_000_000),
    default: 0,
    tenantEditable: true,
  }),
  // resellers signing themselves up in the master bot (src/modules/resellers; read on the master shop only)
  reseller_signup_enabled: define({
    group: 'resellers',
    description:
      "Master bot only: customers may open a shop of their own ('Open my shop'), paying a reseller plan",
    expects: 'true or false',
    schema: z.boolean(),
    default: false,
    tenantEditable: false,
  }),
  reseller_approval_required: define({
    group: 'resellers',
    description:
      'Master bot only: a paid reseller signup waits for an operator to approve it before the shop starts',
    expects: 'true or false',
    schema: z.boolean(),
    default: false,
    tenantEditable: false,
  }),
  reseller_grace_days: define({
    group: 'resellers',
    description:
      'Master bot only: days a reseller shop whose monthly fee its wallet cannot pay keeps selling before its sales are suspended',
    expects: 'a whole number from 0 to 60 (days)',
    schema: int(0, 60),
    default: 3,
    tenantEditable: false,
  }),
  // maintenance mode (src/bot/features/maintenance-gate.ts)
  maintenance_message: define({
    group: 'maintenance',
    description:
      "What customers are told while the shop or the platform is in maintenance; empty uses the built-in 'back soon' line",
    expects: 'text of at most 200 characters (a button press shows it as an alert, which holds 200)',
    schema: z.string().max(200),
    default: '',
    tenantEditable: true,
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K]['default'];
export type SettingValues = { [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const isSettingKey = (key: string): key is SettingKey => Object.hasOwn(SETTINGS, key);
