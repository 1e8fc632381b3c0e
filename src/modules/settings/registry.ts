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

/** Every tenant setting of the specification: type, range, default, and who may change it. */
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
    description: 'How customers reach support',
    expects: 'one of tickets, contact, both',
    schema: z.enum(['tickets', 'contact', 'both']),
    default: 'contact' as 'tickets' | 'contact' | 'both',
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
  admin_topic_id: define({
    group: 'notifications',
    description: 'Forum topic of the admin chat for alerts',
    expects: 'a positive integer topic id or null',
    schema: topicId.nullable(),
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
  reports_chat_id: define({
    group: 'notifications',
    description: 'Chat for daily reports',
    expects: 'a Telegram chat id (non-zero integer) or null',
    schema: chatId.nullable(),
    default: null as number | null,
    tenantEditable: true,
  }),
  reports_time: define({
    group: 'notifications',
    description: 'Time of the daily report, in the tenant time zone',
    expects: 'a time HH:MM (00:00-23:59)',
    schema: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    default: '09:00',
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
  default_devices: define({
    group: 'subscriptions',
    description: 'Device limit for plans that do not set one; 0 = unlimited',
    expects: 'an integer from 0 to 100',
    schema: int(0, 100),
    default: 1,
    tenantEditable: true,
  }),
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
    description: "Panel tag on this tenant's users; null = derived from the tenant id",
    expects: 'up to 16 characters of A-Z, 0-9 and _, or null',
    schema: z
      .string()
      .regex(/^[A-Z0-9_]{1,16}$/)
      .nullable(),
    default: null as string | null,
    tenantEditable: false,
  }),
  // renewal
  autopay_default: define({
    group: 'renewal',
    description: 'New subscriptions renew from balance automatically',
    expects: 'true or false',
    schema: z.boolean(),
    default: false,
    tenantEditable: true,
  }),
  renewal_warning_days: define({
    group: 'renewal',
    description: 'Days before expiry when the customer is warned',
    expects: 'a list of up to 5 integers from 1 to 30',
    schema: z.array(int(1, 30)).max(5),
    default: [3, 1] as number[],
    tenantEditable: true,
  }),
  autopay_min_balance: define({
    group: 'renewal',
    description: 'Balance to keep before autopay is attempted',
    expects: 'an integer of at least 0 (currency units)',
    schema: z.number().int().min(0),
    default: 0,
    tenantEditable: true,
  }),
  // referral
  referral_min_topup: define({
    group: 'referral',
    description: 'Smallest top-up that counts for referral rewards',
    expects: 'an integer of at least 0 (currency units)',
    schema: z.number().int().min(0),
    default: 0,
    tenantEditable: true,
  }),
  referral_first_topup_bonus: define({
    group: 'referral',
    description: "Bonus to the invited customer's first top-up",
    expects: 'an integer of at least 0 (currency units)',
    schema: z.number().int().min(0),
    default: 0,
    tenantEditable: true,
  }),
  referral_inviter_bonus: define({
    group: 'referral',
    description: "Bonus to the inviter on the invited customer's first top-up",
    expects: 'an integer of at least 0 (currency units)',
    schema: z.number().int().min(0),
    default: 0,
    tenantEditable: true,
  }),
  referral_commission_percent: define({
    group: 'referral',
    description: "Inviter's commission on later top-ups",
    expects: 'an integer from 0 to 100 (percent)',
    schema: int(0, 100),
    default: 0,
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
  // wallet
  wallet_unlimited_equivalent_gb: define({
    group: 'wallet',
    description: 'Traffic an unlimited plan is charged as against the tenant wallet',
    expects: 'an integer from 1 to 100000 (GB)',
    schema: int(1, 100_000),
    default: 100,
    tenantEditable: false,
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K]['default'];
export type SettingValues = { [K in SettingKey]: SettingValue<K> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const isSettingKey = (key: string): key is SettingKey => Object.hasOwn(SETTINGS, key);
