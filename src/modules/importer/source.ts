import { createHash } from 'node:crypto';

/**
 * The single-tenant installation's database, as the importer reads it: plain SQL, read only. The
 * CLI implements it over a PostgreSQL connection in one REPEATABLE READ READ ONLY transaction (a
 * consistent snapshot); tests may implement it over PGlite.
 */
export interface SourceDatabase {
  /** Where it was read from, without credentials (shown in the report). */
  readonly label: string;
  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export class SourceError extends Error {
  override readonly name = 'SourceError';
}

/** The Bedolaga-family flavours (fixture README §1, §6). Only remnabot HEAD is imported for now. */
export type SourceFlavour = 'remnabot' | 'upstream';

export interface SourceUser {
  readonly id: number;
  readonly telegramId: number | null;
  readonly authType: string;
  readonly username: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly status: string | null;
  readonly language: string | null;
  readonly balance: number | null;
  readonly referredById: number | null;
  readonly referralCode: string | null;
  readonly createdAt: Date | null;
  readonly remnawaveUuid: string | null;
  /** user_promo_groups' highest priority group, else users.promo_group_id */
  readonly promoGroupId: number | null;
}

export interface SourceSubscription {
  readonly id: number;
  readonly userId: number;
  readonly status: string | null;
  readonly isTrial: boolean | null;
  readonly startDate: Date | null;
  readonly endDate: Date;
  readonly trafficLimitGb: number | null;
  readonly deviceLimit: number | null;
  readonly subscriptionUrl: string | null;
  readonly autopayEnabled: boolean | null;
  readonly createdAt: Date | null;
  readonly remnawaveShortUuid: string | null;
  readonly remnawaveUuid: string | null;
  readonly remnawaveShortId: string;
  readonly panelUsername: string | null;
  readonly accountSequence: number;
  readonly tariffId: number | null;
}

export interface SourceTransaction {
  readonly id: number;
  readonly userId: number;
  readonly type: string;
  readonly amount: number;
  readonly description: string | null;
  readonly paymentMethod: string | null;
  readonly externalId: string | null;
  readonly isCompleted: boolean | null;
  readonly createdAt: Date | null;
}

export interface SourcePromoGroup {
  readonly id: number;
  readonly name: string;
  readonly priority: number;
  readonly serverDiscountPercent: number;
  readonly trafficDiscountPercent: number;
  readonly deviceDiscountPercent: number;
  readonly periodDiscounts: string | null;
  readonly isDefault: boolean;
}

export interface SourcePromoCode {
  readonly id: number;
  readonly code: string;
  readonly type: string;
  readonly balanceBonus: number | null;
  readonly subscriptionDays: number | null;
  readonly maxUses: number | null;
  readonly currentUses: number | null;
  readonly validFrom: Date | null;
  readonly validUntil: Date | null;
  readonly isActive: boolean | null;
  readonly firstPurchaseOnly: boolean | null;
  readonly tariffId: number | null;
  readonly promoGroupId: number | null;
  readonly createdAt: Date | null;
}

export interface SourcePromoUse {
  readonly id: number;
  readonly promocodeId: number;
  readonly userId: number;
  readonly usedAt: Date | null;
}

export interface SourceReceipt {
  readonly id: number;
  readonly userId: number;
  readonly amount: number;
  readonly status: string;
  readonly receiptType: string | null;
  readonly receiptFileId: string | null;
  readonly receiptText: string | null;
  readonly cardIndex: number;
  readonly cardLabel: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
}

/** Tables read for counts only: what the platform does not carry, reported as such. */
export interface SourceOtherCounts {
  readonly [table: string]: number;
}

export interface SourceSnapshot {
  readonly label: string;
  readonly flavour: SourceFlavour;
  readonly alembicVersion: string | null;
  readonly sourceKey: string;
  readonly settings: ReadonlyMap<string, string | null>;
  readonly users: readonly SourceUser[];
  readonly promoGroups: readonly SourcePromoGroup[];
  readonly subscriptions: readonly SourceSubscription[];
  readonly transactions: readonly SourceTransaction[];
  readonly promoCodes: readonly SourcePromoCode[];
  readonly promoUses: readonly SourcePromoUse[];
  readonly receipts: readonly SourceReceipt[];
  readonly tariffNames: ReadonlyMap<number, string>;
  readonly others: SourceOtherCounts;
}

// Timestamps travel as epoch milliseconds and bigints as text: the same in every driver.
const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`;
const date = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(Math.round(Number(value)));
const int = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

const NOT_CARRIED_TABLES = [
  'tariffs',
  'server_squads',
  'subscription_servers',
  'traffic_purchases',
  'referral_earnings',
  'advertising_campaigns',
  'advertising_campaign_registrations',
  'withdrawal_requests',
  'system_settings',
  'welcome_texts',
  'service_rules',
  'privacy_policies',
  'public_offers',
  'faq_pages',
  'user_messages',
  'pinned_messages',
  'info_pages',
  'required_channels',
  'tickets',
  'ticket_messages',
] as const;

async function detectFlavour(source: SourceDatabase): Promise<{
  flavour: SourceFlavour;
  alembicVersion: string | null;
  tables: Set<string>;
}> {
  const tables = new Set(
    (
      await source.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
      )
    ).map((row) => row.name),
  );
  if (!tables.has('users') || !tables.has('subscriptions') || !tables.has('transactions')) {
    throw new SourceError(
      'the source has no users, subscriptions and transactions tables: not a database of the Bedolaga bot family',
    );
  }
  const columns = new Set(
    (
      await source.query<{ name: string }>(
        `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name IN ('users', 'subscriptions')`,
      )
    ).map((row) => row.name),
  );
  const alembicVersion = tables.has('alembic_version')
    ? ((await source.query<{ v: string }>('SELECT version_num AS v FROM alembic_version'))[0]?.v ?? null)
    : null;
  if (columns.has('users.remnawave_id') || tables.has('coupons')) {
    throw new SourceError(
      `the source is upstream Bedolaga (Alembic ${alembicVersion ?? '?'}; amounts in kopecks of RUB): only remnabot (Toman) installations are imported so far`,
    );
  }
  if (!tables.has('c2c_receipts') || !columns.has('subscriptions.account_sequence')) {
    throw new SourceError(
      `the source (Alembic ${alembicVersion ?? '?'}) is neither remnabot HEAD nor upstream 4.1: no c2c_receipts or subscriptions.account_sequence`,
    );
  }
  if (!columns.has('subscriptions.panel_username')) {
    throw new SourceError(
      `the source is remnabot before revision 0092 (Alembic ${alembicVersion ?? '?'}): update it to HEAD first`,
    );
  }
  return { flavour: 'remnabot', alembicVersion, tables };
}

/**
 * Reads everything the importer needs in one pass. `progress` hears each table as it is read.
 * Throws SourceError for a source it cannot import; a broken connection throws what the driver threw.
 */
export async function readSource(
  source: SourceDatabase,
  progress: (message: string) => void = () => {},
): Promise<SourceSnapshot> {
  const { flavour, alembicVersion, tables } = await detectFlavour(source);
  progress(`source: remnabot (Alembic ${alembicVersion ?? '?'})`);
  const settings = new Map(
    (await source.query<{ key: string; value: string | null }>('SELECT key, value FROM system_settings')).map(
      (row) => [row.key, row.value] as const,
    ),
  );

  const users = (
    await source.query<Record<string, unknown>>(
      `SELECT u.id, u.telegram_id::text AS telegram_id, u.auth_type, u.username, u.first_name, u.last_name,
              u.status, u.language, u.balance_kopeks, u.referred_by_id, u.referral_code,
              ${ms('u.created_at')} AS created_at, u.remnawave_uuid,
              coalesce((SELECT upg.promo_group_id FROM user_promo_groups upg
                          JOIN promo_groups pg ON pg.id = upg.promo_group_id
                         WHERE upg.user_id = u.id ORDER BY pg.priority DESC, pg.id LIMIT 1),
                       u.promo_group_id) AS promo_group_id
         FROM users u ORDER BY u.id`,
    )
  ).map(
    (r): SourceUser => ({
      id: Number(r.id),
      telegramId: r.telegram_id === null ? null : Number(r.telegram_id),
      authType: String(r.auth_type),
      username: text(r.username),
      firstName: text(r.first_name),
      lastName: text(r.last_name),
      status: text(r.status),
      language: text(r.language),
      balance: int(r.balance_kopeks),
      referredById: int(r.referred_by_id),
      referralCode: text(r.referral_code),
      createdAt: date(r.created_at),
      remnawaveUuid: text(r.remnawave_uuid),
      promoGroupId: int(r.promo_group_id),
    }),
  );
  progress(`read ${users.length} users`);

  const promoGroups = (
    await source.query<Record<string, unknown>>(
      `SELECT id, name, priority, server_discount_percent, traffic_discount_percent, device_discount_percent,
              period_discounts::text AS period_discounts, is_default FROM promo_groups ORDER BY id`,
    )
  ).map(
    (r): SourcePromoGroup => ({
      id: Number(r.id),
      name: String(r.name),
      priority: Number(r.priority),
      serverDiscountPercent: Number(r.server_discount_percent),
      trafficDiscountPercent: Number(r.traffic_discount_percent),
      deviceDiscountPercent: Number(r.device_discount_percent),
      periodDiscounts: text(r.period_discounts),
      isDefault: r.is_default === true,
    }),
  );

  const subscriptions = (
    await source.query<Record<string, unknown>>(
      `SELECT id, user_id, status, is_trial, ${ms('start_date')} AS start_date, ${ms('end_date')} AS end_date,
              traffic_limit_gb, device_limit, subscription_url, autopay_enabled, ${ms('created_at')} AS created_at,
              remnawave_short_uuid, remnawave_uuid, remnawave_short_id, account_sequence, panel_username, tariff_id
         FROM subscriptions ORDER BY id`,
    )
  ).map(
    (r): SourceSubscription => ({
      id: Number(r.id),
      userId: Number(r.user_id),
      status: text(r.status),
      isTrial: r.is_trial === null ? null : r.is_trial === true,
      startDate: date(r.start_date),
      endDate: date(r.end_date) as Date,
      trafficLimitGb: int(r.traffic_limit_gb),
      deviceLimit: int(r.device_limit),
      subscriptionUrl: text(r.subscription_url),
      autopayEnabled: r.autopay_enabled === null ? null : r.autopay_enabled === true,
      createdAt: date(r.created_at),
      remnawaveShortUuid: text(r.remnawave_short_uuid),
      remnawaveUuid: text(r.remnawave_uuid),
      remnawaveShortId: String(r.remnawave_short_id ?? ''),
      panelUsername: text(r.panel_username),
      accountSequence: Number(r.account_sequence),
      tariffId: int(r.tariff_id),
    }),
  );
  progress(`read ${subscriptions.length} subscriptions`);

  const transactions = (
    await source.query<Record<string, unknown>>(
      `SELECT id, user_id, type, amount_kopeks, description, payment_method, external_id, is_completed,
              ${ms('created_at')} AS created_at
         FROM transactions ORDER BY id`,
    )
  ).map(
    (r): SourceTransaction => ({
      id: Number(r.id),
      userId: Number(r.user_id),
      type: String(r.type),
      amount: Number(r.amount_kopeks),
      description: text(r.description),
      paymentMethod: text(r.payment_method),
      externalId: text(r.external_id),
      isCompleted: r.is_completed === null ? null : r.is_completed === true,
      createdAt: date(r.created_at),
    }),
  );
  progress(`read ${transactions.length} transactions`);

  const promoCodes = (
    await source.query<Record<string, unknown>>(
      `SELECT id, code, type, balance_bonus_kopeks, subscription_days, max_uses, current_uses,
              ${ms('valid_from')} AS valid_from, ${ms('valid_until')} AS valid_until, is_active,
              first_purchase_only, tariff_id, promo_group_id, ${ms('created_at')} AS created_at
         FROM promocodes ORDER BY id`,
    )
  ).map(
    (r): SourcePromoCode => ({
      id: Number(r.id),
      code: String(r.code),
      type: String(r.type),
      balanceBonus: int(r.balance_bonus_kopeks),
      subscriptionDays: int(r.subscription_days),
      maxUses: int(r.max_uses),
      currentUses: int(r.current_uses),
      validFrom: date(r.valid_from),
      validUntil: date(r.valid_until),
      isActive: r.is_active === null ? null : r.is_active === true,
      firstPurchaseOnly: r.first_purchase_only === null ? null : r.first_purchase_only === true,
      tariffId: int(r.tariff_id),
      promoGroupId: int(r.promo_group_id),
      createdAt: date(r.created_at),
    }),
  );
  const promoUses = (
    await source.query<Record<string, unknown>>(
      `SELECT id, promocode_id, user_id, ${ms('used_at')} AS used_at FROM promocode_uses ORDER BY id`,
    )
  ).map(
    (r): SourcePromoUse => ({
      id: Number(r.id),
      promocodeId: Number(r.promocode_id),
      userId: Number(r.user_id),
      usedAt: date(r.used_at),
    }),
  );
  progress(`read ${promoCodes.length} promo codes and ${promoUses.length} uses`);

  const receipts = (
    await source.query<Record<string, unknown>>(
      `SELECT id, user_id, amount_kopeks, status, receipt_type, receipt_file_id, receipt_text, card_index,
              card_label, ${ms('created_at')} AS created_at, ${ms('expires_at')} AS expires_at
         FROM c2c_receipts ORDER BY id`,
    )
  ).map(
    (r): SourceReceipt => ({
      id: Number(r.id),
      userId: Number(r.user_id),
      amount: Number(r.amount_kopeks),
      status: String(r.status),
      receiptType: text(r.receipt_type),
      receiptFileId: text(r.receipt_file_id),
      receiptText: text(r.receipt_text),
      cardIndex: Number(r.card_index),
      cardLabel: text(r.card_label),
      createdAt: date(r.created_at) as Date,
      expiresAt: date(r.expires_at),
    }),
  );
  progress(`read ${receipts.length} card-to-card receipts`);

  const tariffNames = new Map(
    tables.has('tariffs')
      ? (await source.query<{ id: number; name: string }>('SELECT id, name FROM tariffs')).map(
          (row) => [Number(row.id), String(row.name)] as const,
        )
      : [],
  );
  const others: Record<string, number> = {};
  for (const table of NOT_CARRIED_TABLES) {
    if (!tables.has(table)) continue;
    const [row] = await source.query<{ n: unknown }>(`SELECT count(*)::int AS n FROM ${table}`);
    others[table] = Number(row?.n ?? 0);
  }

  // The installation's fingerprint: its first users never change (ids are not reused).
  const fingerprint = users
    .slice(0, 10)
    .map((u) => `${u.id}:${u.telegramId ?? ''}:${u.createdAt?.getTime() ?? ''}`)
    .join('|');
  const sourceKey = `st-${createHash('sha256').update(`${flavour}|${fingerprint}`).digest('hex').slice(0, 16)}`;

  return {
    label: source.label,
    flavour,
    alembicVersion,
    sourceKey,
    settings,
    users,
    promoGroups,
    subscriptions,
    transactions,
    promoCodes,
    promoUses,
    receipts,
    tariffNames,
    others,
  };
}
