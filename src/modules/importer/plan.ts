import type { PromoKind, SubscriptionStatus } from '../../db/schema.js';
import type { Language } from '../../shared/language.js';
import { newReferralCode } from '../customers/customers-service.js';
import { parseCode } from '../promo/promo-code.js';
import type { PanelUserFound } from './panel-directory.js';
import type { SourceSnapshot, SourceSubscription, SourceUser } from './source.js';
import {
  C2C_TOMAN_SINCE,
  DEFAULT_TOMAN_CUTOFF,
  GIB,
  KNOWN_TRANSACTION_TYPES,
  mapLanguage,
  receiptScale,
  type Scale,
  toToman,
  transactionScale,
  UNLIMITED_USES,
} from './units.js';

/** A source row (or one value of it) the platform cannot take, with the reason. Never dropped silently. */
export interface Rejection {
  readonly table: string;
  readonly sourceId: number;
  readonly reason: string;
}

/** A rule applied to the source's values, with how many rows it touched (the dry run prints each). */
export interface AppliedRule {
  readonly rule: string;
  rows: number;
}

/** How the source's rows of one table were accounted for: every row is in exactly one column. */
export interface TableAccount {
  readonly table: string;
  source: number;
  imported: number;
  already: number;
  rejected: number;
  /** not carried by design (history whose effect is in the balances, or out of the platform's scope) */
  notCarried: number;
}

/**
 * A money column reconciled: the source's sum = carried by this run + carried by earlier runs +
 * not carried (rejected rows and refused values, each listed). Amounts as the source stored them.
 */
export interface MoneyAccount {
  readonly column: string;
  source: bigint;
  carried: bigint;
  already: bigint;
  notCarried: bigint;
}

/** What the target already holds for this source and shop, read in the import's transaction. */
export interface TargetState {
  /** source id → target id of rows earlier runs created (or linked), per entity */
  readonly mapped: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** telegram id → customer id of customers this source did not create */
  readonly otherCustomersByTelegramId: ReadonlyMap<number, number>;
  readonly referralCodesTaken: ReadonlySet<string>;
  readonly groupsByName: ReadonlyMap<string, number>;
  readonly promoCodesTaken: ReadonlySet<string>;
  /** panel user ids already on a subscription of this shop */
  readonly panelUserIdsTaken: ReadonlySet<number>;
  readonly panelUsernamesTaken: ReadonlySet<string>;
  /** customer id → highest subscription ordinal it has */
  readonly ordinals: ReadonlyMap<number, number>;
  readonly importedHistoryIds: ReadonlySet<number>;
}

export interface PlanContext {
  readonly defaultLanguage: Language;
  readonly availableLanguages: readonly Language[];
  readonly now: Date;
  /** panel lookups by source subscription id; absent: the panel was not consulted */
  readonly panelUsers: ReadonlyMap<number, PanelUserFound | null> | undefined;
}

export interface PlannedCustomer {
  readonly sourceId: number;
  readonly telegramId: number;
  readonly username: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly language: Language;
  readonly hasChosenLanguage: boolean;
  readonly isBlocked: boolean;
  readonly referralCode: string;
  readonly createdAt: Date | null;
  readonly openingBalance: number;
  /** source id of the group it joins (planned or mapped), null for none */
  readonly groupSourceId: number | null;
  /** source id of the referrer (planned or mapped) */
  referrerSourceId: number | null;
}

export interface PlannedGroup {
  readonly sourceId: number;
  readonly name: string;
  readonly discountPercent: number;
  /** an existing group of the same name is linked, not created */
  readonly existingId: number | null;
}

export interface PlannedHistory {
  readonly sourceId: number;
  readonly userSourceId: number;
  readonly type: string;
  readonly amount: number;
  readonly sourceAmount: number;
  readonly scale: Scale;
  readonly paymentMethod: string | null;
  readonly externalId: string | null;
  readonly isCompleted: boolean | null;
  readonly description: string | null;
  readonly createdAt: Date | null;
}

export interface PlannedSubscription {
  readonly sourceId: number;
  readonly userSourceId: number;
  readonly panel: PanelUserFound;
  readonly status: SubscriptionStatus;
  readonly isTrial: boolean;
  readonly expiresAt: Date;
  readonly trafficLimitBytes: number;
  readonly deviceLimit: number;
  readonly autopay: boolean | null;
  readonly createdAt: Date | null;
  /** 0: after the customer's existing subscriptions, in source order (filled when written) */
  readonly order: number;
}

export interface PlannedPromoCode {
  readonly sourceId: number;
  readonly code: string;
  readonly kind: PromoKind;
  readonly percent: number | null;
  readonly amount: number | null;
  readonly days: number | null;
  readonly holdHours: number | null;
  readonly groupSourceId: number | null;
  readonly firstPurchaseOnly: boolean;
  readonly maxUses: number | null;
  readonly uses: number;
  readonly validFrom: Date | null;
  readonly validUntil: Date | null;
  readonly isActive: boolean;
  readonly createdAt: Date | null;
}

export interface PlannedPromoUse {
  readonly sourceId: number;
  readonly codeSourceId: number;
  readonly userSourceId: number;
  readonly usedAt: Date | null;
}

export interface PlannedReceipt {
  readonly sourceId: number;
  readonly userSourceId: number;
  readonly amount: number;
  readonly receiptType: 'image' | 'text';
  readonly fileId: string | null;
  readonly fileKind: 'photo' | 'document' | null;
  readonly text: string | null;
  readonly trackingNumber: string;
  readonly notes: string;
  readonly createdAt: Date;
}

/** Named figures: counts and sums, compared before and after (bigint: sums never round). */
export type Figures = Record<string, bigint>;

export interface ImportPlan {
  readonly customers: PlannedCustomer[];
  readonly groups: PlannedGroup[];
  readonly history: PlannedHistory[];
  readonly subscriptions: PlannedSubscription[];
  readonly promoCodes: PlannedPromoCode[];
  readonly promoUses: PlannedPromoUse[];
  readonly receipts: PlannedReceipt[];
  readonly rejected: Rejection[];
  readonly rules: AppliedRule[];
  readonly accounts: TableAccount[];
  readonly money: MoneyAccount[];
  /** what the target's figures for this source must grow by */
  readonly figures: Figures;
}

/** The figure names every report shows, in order (planned, measured before and after). */
export const FIGURE_NAMES = [
  'customers',
  'customers.balance',
  'customers.blocked',
  'customers.language.fa',
  'customers.language.en',
  'customers.language.ru',
  'customers.with_referrer',
  'customers.in_group',
  'groups',
  'opening_balances',
  'opening_balances.sum',
  'history',
  'history.sum',
  'history.source_sum',
  'subscriptions',
  'subscriptions.active',
  'subscriptions.expired',
  'subscriptions.limited',
  'subscriptions.disabled',
  'subscriptions.trial',
  'promo_codes',
  'promo_codes.percent',
  'promo_codes.balance',
  'promo_codes.days',
  'promo_codes.trial',
  'promo_codes.group',
  'promo_codes.balance_sum',
  'promo_uses',
  'receipts',
  'receipts.sum',
] as const;

export const emptyFigures = (): Figures => Object.fromEntries(FIGURE_NAMES.map((name) => [name, 0n]));

/** The panel usernames the source bot gave a subscription's panel user (README §5), best first. */
export function candidateUsernames(sub: SourceSubscription, user: SourceUser, template: string): string[] {
  const base =
    user.telegramId === null
      ? null
      : template.replace('{telegram_id}', String(user.telegramId)).replace(/[^A-Za-z0-9_-]/g, '');
  const names = [
    sub.panelUsername,
    base && sub.remnawaveShortId ? `${base}_${sub.remnawaveShortId}` : null,
    base,
  ].filter((name): name is string => !!name && name.length >= 3 && name.length <= 36);
  return [...new Set(names)];
}

/** The short uuid a subscription's link ends in, when the column itself is empty. */
export function shortUuidOf(sub: SourceSubscription): string | null {
  if (sub.remnawaveShortUuid) return sub.remnawaveShortUuid;
  const match = sub.subscriptionUrl ? /\/([A-Za-z0-9_-]{6,})\/?$/.exec(sub.subscriptionUrl) : null;
  return match?.[1] ?? null;
}

/** Subscriptions the importer will ask the panel about: owned by an importable user, not a draft. */
export const needsPanelUser = (sub: SourceSubscription, user: SourceUser | undefined): boolean =>
  user !== undefined && user.telegramId !== null && sub.status !== 'pending';

export function cutoffOf(snapshot: SourceSnapshot): Date {
  const raw = snapshot.settings.get('BALANCE_TOMAN_CUTOFF_UTC') ?? DEFAULT_TOMAN_CUTOFF;
  const cutoff = new Date(raw);
  return Number.isNaN(cutoff.getTime()) ? new Date(DEFAULT_TOMAN_CUTOFF) : cutoff;
}

/**
 * Decides, row by row, what the import writes, what it rejects and why, and the rules it applied.
 * Pure: the target's state and the panel's answers come in, nothing goes out but the plan.
 */
export function buildPlan(snapshot: SourceSnapshot, target: TargetState, context: PlanContext): ImportPlan {
  const rejected: Rejection[] = [];
  const rules = new Map<string, AppliedRule>();
  const applied = (rule: string, rows = 1) => {
    const entry = rules.get(rule) ?? { rule, rows: 0 };
    entry.rows += rows;
    rules.set(rule, entry);
  };
  const reject = (table: string, sourceId: number, reason: string) =>
    rejected.push({ table, sourceId, reason });
  const accounts: TableAccount[] = [];
  const account = (table: string, source: number) => {
    const row: TableAccount = { table, source, imported: 0, already: 0, rejected: 0, notCarried: 0 };
    accounts.push(row);
    return row;
  };
  const money: MoneyAccount[] = [];
  const moneyAccount = (column: string) => {
    const row: MoneyAccount = { column, source: 0n, carried: 0n, already: 0n, notCarried: 0n };
    money.push(row);
    return row;
  };
  const mapped = (entity: string) => target.mapped.get(entity) ?? new Map<string, number>();
  const figures = emptyFigures();
  const add = (name: (typeof FIGURE_NAMES)[number], value: number | bigint = 1) => {
    figures[name] = (figures[name] ?? 0n) + BigInt(value);
  };
  const cutoff = cutoffOf(snapshot);
  const template = snapshot.settings.get('REMNAWAVE_USER_USERNAME_TEMPLATE') || 'user_{telegram_id}';

  // ---- promo groups → customer groups
  const groupsAccount = account('promo_groups', snapshot.promoGroups.length);
  const groups: PlannedGroup[] = [];
  const groupIds = new Set<number>(); // source groups a customer can join (planned or mapped)
  const mappedGroups = mapped('group');
  for (const group of snapshot.promoGroups) {
    if (mappedGroups.has(String(group.id))) {
      groupsAccount.already++;
      groupIds.add(group.id);
      continue;
    }
    if (group.isDefault) {
      groupsAccount.notCarried++;
      applied(
        `promo group "${group.name}" is the source's default group: its members get no group (the shop's own prices)`,
      );
      continue;
    }
    const name = group.name.trim().slice(0, 64);
    if (name.length === 0) {
      reject('promo_groups', group.id, 'the group has no name');
      groupsAccount.rejected++;
      continue;
    }
    const existingId = target.groupsByName.get(name) ?? null;
    groups.push({ sourceId: group.id, name, discountPercent: group.serverDiscountPercent, existingId });
    groupIds.add(group.id);
    groupsAccount.imported++;
    if (existingId === null) add('groups');
    applied(
      "group discount = the source group's server (plan) discount percent; traffic, device and per-period discounts have no counterpart and are not carried",
    );
    if (existingId !== null) applied('a promo group named like an existing customer group joins that group');
  }

  // ---- users → customers
  const usersAccount = account('users', snapshot.users.length);
  const customers: PlannedCustomer[] = [];
  const importable = new Set<number>(); // source user ids that are or will be customers
  const mappedCustomers = mapped('customer');
  const codesUsed = new Set(target.referralCodesTaken);
  const balanceMoney = moneyAccount('users.balance_kopeks (whole Toman)');
  for (const user of snapshot.users) {
    const stored = BigInt(user.balance ?? 0);
    balanceMoney.source += stored;
    if (mappedCustomers.has(String(user.id))) {
      balanceMoney.already += stored;
      usersAccount.already++;
      importable.add(user.id);
      continue;
    }
    if (user.telegramId === null) {
      reject(
        'users',
        user.id,
        `no Telegram id (${user.authType} account): a customer of the shop is a Telegram user; its balance of ${user.balance ?? 0} Toman, subscriptions and history are not carried`,
      );
      usersAccount.rejected++;
      balanceMoney.notCarried += stored;
      continue;
    }
    const existing = target.otherCustomersByTelegramId.get(user.telegramId);
    if (existing !== undefined) {
      reject(
        'users',
        user.id,
        `Telegram id ${user.telegramId} is already customer #${existing} of this shop: merge by hand (its balance of ${user.balance ?? 0} Toman is not carried)`,
      );
      usersAccount.rejected++;
      balanceMoney.notCarried += stored;
      continue;
    }
    const { language, chosen } = mapLanguage(
      user.language,
      context.availableLanguages,
      context.defaultLanguage,
    );
    if (!chosen)
      applied(
        `language ${user.language ?? 'NULL'} is not offered by the shop → its default language (${context.defaultLanguage})`,
      );
    let openingBalance = user.balance ?? 0;
    if (user.balance === null) applied('balance NULL → 0');
    if (openingBalance < 0) {
      reject(
        'users.balance_kopeks',
        user.id,
        `negative balance ${openingBalance} Toman: a balance cannot be below zero here; the customer is imported with 0 and the debt is not carried`,
      );
      balanceMoney.notCarried += stored;
      openingBalance = 0;
    } else if (openingBalance > 0) {
      applied(
        'users.balance_kopeks is whole Toman since the cutoff (balances were zeroed then) → opening balance 1:1',
      );
    }
    let referralCode = user.referralCode;
    if (!referralCode || codesUsed.has(referralCode)) {
      if (referralCode)
        reject(
          'users.referral_code',
          user.id,
          `referral code ${referralCode} is already taken in this shop: a new code is given, links with the old one stop working`,
        );
      else applied('referral code NULL → a new code');
      do referralCode = newReferralCode();
      while (codesUsed.has(referralCode));
    }
    codesUsed.add(referralCode);
    const blocked = user.status === 'blocked' || user.status === 'deleted';
    if (user.status === 'deleted') applied('user status deleted (soft delete) → blocked');
    if (user.status === 'blocked') applied('user status blocked (banned or blocked the bot) → blocked');
    if (user.status === null) applied('user status NULL → not blocked');
    let groupSourceId =
      user.promoGroupId !== null && groupIds.has(user.promoGroupId) ? user.promoGroupId : null;
    if (user.promoGroupId !== null && groupSourceId === null) groupSourceId = null;
    customers.push({
      sourceId: user.id,
      telegramId: user.telegramId,
      username: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      language,
      hasChosenLanguage: chosen,
      isBlocked: blocked,
      referralCode,
      createdAt: user.createdAt,
      openingBalance,
      groupSourceId,
      referrerSourceId: null,
    });
    importable.add(user.id);
    usersAccount.imported++;
    balanceMoney.carried += BigInt(openingBalance);
    add('customers');
    add('customers.balance', openingBalance);
    if (blocked) add('customers.blocked');
    add(`customers.language.${language}`);
    if (groupSourceId !== null) add('customers.in_group');
    if (openingBalance > 0) {
      add('opening_balances');
      add('opening_balances.sum', openingBalance);
    }
  }

  // ---- referral links: only between customers, never to oneself, never a cycle
  const usersById = new Map(snapshot.users.map((user) => [user.id, user]));
  const referrerOf = new Map<number, number>(); // accepted links, source ids
  for (const user of snapshot.users) {
    const mappedId = mappedCustomers.get(String(user.id));
    if (mappedId !== undefined && user.referredById !== null) referrerOf.set(user.id, user.referredById);
  }
  const planned = new Map(customers.map((c) => [c.sourceId, c]));
  for (const customer of customers) {
    const referrer = usersById.get(customer.sourceId)?.referredById ?? null;
    if (referrer === null) continue;
    if (referrer === customer.sourceId) {
      reject('users.referred_by_id', customer.sourceId, 'refers to itself: the link is dropped');
      continue;
    }
    if (!importable.has(referrer)) {
      reject(
        'users.referred_by_id',
        customer.sourceId,
        `referrer #${referrer} is not imported (${usersById.has(referrer) ? 'rejected above' : 'missing'}): the link is dropped`,
      );
      continue;
    }
    let cursor: number | undefined = referrer;
    let cycle = false;
    for (let hops = 0; cursor !== undefined && hops < 10_000; hops++) {
      if (cursor === customer.sourceId) {
        cycle = true;
        break;
      }
      cursor = referrerOf.get(cursor);
    }
    if (cycle) {
      reject(
        'users.referred_by_id',
        customer.sourceId,
        `referral cycle through #${referrer}: this link closes it and is dropped`,
      );
      continue;
    }
    referrerOf.set(customer.sourceId, referrer);
    const plannedCustomer = planned.get(customer.sourceId);
    if (plannedCustomer) plannedCustomer.referrerSourceId = referrer;
    add('customers.with_referrer');
  }

  // ---- transactions → history beside the ledger (the opening balance is the ledger's)
  const txAccount = account('transactions', snapshot.transactions.length);
  const history: PlannedHistory[] = [];
  const txMoney = moneyAccount('transactions.amount_kopeks (as stored)');
  for (const tx of snapshot.transactions) {
    txMoney.source += BigInt(tx.amount);
    if (target.importedHistoryIds.has(tx.id)) {
      txAccount.already++;
      txMoney.already += BigInt(tx.amount);
      continue;
    }
    const fail = (reason: string) => {
      reject('transactions', tx.id, reason);
      txAccount.rejected++;
      txMoney.notCarried += BigInt(tx.amount);
    };
    if (!importable.has(tx.userId)) {
      fail(`owner user #${tx.userId} is not imported`);
      continue;
    }
    if (!KNOWN_TRANSACTION_TYPES.has(tx.type)) {
      fail(`unknown type ${tx.type}: its unit cannot be told`);
      continue;
    }
    if (tx.createdAt === null) {
      fail('no created_at: the unit depends on the date (before or after the cutoff)');
      continue;
    }
    const scale = transactionScale(tx.type, tx.createdAt, cutoff);
    const amount = toToman(tx.amount, scale);
    if (amount === undefined) {
      fail(`amount ${tx.amount} on the x100 scale is not a whole number of Toman`);
      continue;
    }
    applied(
      scale === 'unit'
        ? `transaction after the cutoff (${cutoff.toISOString()}), balance-scale type: whole Toman, 1:1`
        : tx.createdAt.getTime() < cutoff.getTime()
          ? `transaction before the cutoff (${cutoff.toISOString()}): x100 scale, ÷100`
          : 'transaction after the cutoff, purchase type (subscription_payment, gift_payment): x100 scale, ÷100',
    );
    history.push({
      sourceId: tx.id,
      userSourceId: tx.userId,
      type: tx.type,
      amount,
      sourceAmount: tx.amount,
      scale,
      paymentMethod: tx.paymentMethod,
      externalId: tx.externalId,
      isCompleted: tx.isCompleted,
      description: tx.description,
      createdAt: tx.createdAt,
    });
    txAccount.imported++;
    txMoney.carried += BigInt(tx.amount);
    add('history');
    add('history.sum', amount);
    add('history.source_sum', tx.amount);
  }

  // ---- subscriptions, linked to the panel users they already have
  const subsAccount = account('subscriptions', snapshot.subscriptions.length);
  const subscriptions: PlannedSubscription[] = [];
  const mappedSubs = mapped('subscription');
  const panelIds = new Set(target.panelUserIdsTaken);
  const panelNames = new Set(target.panelUsernamesTaken);
  for (const sub of snapshot.subscriptions) {
    if (mappedSubs.has(String(sub.id))) {
      subsAccount.already++;
      continue;
    }
    const fail = (reason: string) => {
      reject('subscriptions', sub.id, reason);
      subsAccount.rejected++;
    };
    const owner = usersById.get(sub.userId);
    if (!importable.has(sub.userId) || !owner) {
      fail(`owner user #${sub.userId} is not imported`);
      continue;
    }
    if (sub.status === 'pending') {
      fail('a draft awaiting a gateway payment (status pending): nothing was sold');
      continue;
    }
    if (!context.panelUsers) {
      fail('not linked: the panel was not consulted (--without-panel); a later run links it');
      continue;
    }
    const panel = context.panelUsers.get(sub.id) ?? null;
    if (!panel) {
      fail(
        `no panel user found (short uuid ${shortUuidOf(sub) ?? '-'}, usernames ${candidateUsernames(sub, owner, template).join(', ') || '-'}): not created, import it again once it exists`,
      );
      continue;
    }
    if (panelIds.has(panel.id) || panelNames.has(panel.username)) {
      fail(
        `panel user ${panel.username} (#${panel.id}) already belongs to another subscription of this shop`,
      );
      continue;
    }
    panelIds.add(panel.id);
    panelNames.add(panel.username);
    const live = sub.endDate.getTime() > context.now.getTime();
    let status: SubscriptionStatus;
    switch (sub.status) {
      case 'active':
      case 'trial':
      case null:
        status = live ? 'active' : 'expired';
        break;
      case 'limited':
        status = live ? 'limited' : 'expired';
        break;
      case 'disabled':
        status = 'disabled';
        break;
      case 'expired':
        status = 'expired';
        break;
      default:
        fail(`unknown status ${sub.status}`);
        continue;
    }
    if ((sub.status === 'active' || sub.status === 'trial' || sub.status === 'limited') && !live)
      applied('subscription active/trial/limited whose end date has passed → expired');
    if (sub.status === 'trial') applied('legacy status trial → active trial (expired when past its end)');
    if (sub.status === null) applied('subscription status NULL → active, or expired when past its end');
    const isTrial = sub.isTrial ?? sub.status === 'trial';
    if (sub.isTrial === null) applied('subscription is_trial NULL → from the status (trial) else false');
    if (panel.shortUuid !== shortUuidOf(sub))
      applied("panel user found whose short uuid changed since (revoked): the panel's current link is kept");
    applied("traffic_limit_gb × 1024³ bytes (0 = unlimited); the link and usage are the panel's");
    const trafficGb = sub.trafficLimitGb ?? 0;
    subscriptions.push({
      sourceId: sub.id,
      userSourceId: sub.userId,
      panel,
      status,
      isTrial,
      expiresAt: sub.endDate,
      trafficLimitBytes: trafficGb * GIB,
      deviceLimit: sub.deviceLimit ?? 1,
      autopay: sub.autopayEnabled,
      createdAt: sub.createdAt,
      order: sub.accountSequence,
    });
    if (sub.tariffId !== null)
      applied(
        "the subscription's tariff is not carried (tariffs are not imported): no plan, renewals pick one",
      );
    subsAccount.imported++;
    add('subscriptions');
    add(`subscriptions.${status}` as (typeof FIGURE_NAMES)[number]);
    if (isTrial) add('subscriptions.trial');
  }

  // ---- promo codes and their uses
  const codesAccount = account('promocodes', snapshot.promoCodes.length);
  const promoCodes: PlannedPromoCode[] = [];
  const mappedCodes = mapped('promo_code');
  const codeIds = new Set<number>();
  const codesTaken = new Set(target.promoCodesTaken);
  for (const promo of snapshot.promoCodes) {
    if (mappedCodes.has(String(promo.id))) {
      codesAccount.already++;
      codeIds.add(promo.id);
      continue;
    }
    const fail = (reason: string) => {
      reject('promocodes', promo.id, `${promo.code}: ${reason}`);
      codesAccount.rejected++;
    };
    const code = parseCode(promo.code);
    if (!code) {
      fail('not a code the shop can take (letters, digits, - and _ only, at most 64)');
      continue;
    }
    if (codesTaken.has(code)) {
      fail(`the shop already has a code ${code}`);
      continue;
    }
    let kind: PromoKind;
    let percent: number | null = null;
    let amount: number | null = null;
    let days: number | null = null;
    let holdHours: number | null = null;
    let groupSourceId: number | null = null;
    switch (promo.type) {
      case 'discount':
        kind = 'percent';
        percent = promo.balanceBonus;
        holdHours = promo.subscriptionDays && promo.subscriptionDays > 0 ? promo.subscriptionDays : null;
        applied(
          'promo type discount → percent: balance_bonus_kopeks is the percent, subscription_days the hours it is held',
        );
        if (percent === null || percent < 1 || percent > 100) {
          fail(`discount of ${percent ?? 'NULL'} percent`);
          continue;
        }
        break;
      case 'balance': {
        kind = 'balance';
        const toman = toToman(promo.balanceBonus ?? 0, 'x100');
        applied(
          'promo type balance: balance_bonus_kopeks is on the x100 scale as admins entered it → ÷100 Toman',
        );
        if (!toman || toman <= 0) {
          fail(
            `bonus ${promo.balanceBonus ?? 'NULL'} is not a positive whole number of Toman on the x100 scale`,
          );
          continue;
        }
        amount = toman;
        break;
      }
      case 'subscription_days':
        kind = 'days';
        days = promo.subscriptionDays;
        applied('promo type subscription_days → days');
        break;
      case 'trial_subscription':
        kind = 'trial';
        days = promo.subscriptionDays;
        applied("promo type trial_subscription → trial (days as given, the shop's trial traffic)");
        break;
      case 'promo_group':
        kind = 'group';
        groupSourceId = promo.promoGroupId;
        applied('promo type promo_group → group');
        if (groupSourceId === null || !groupIds.has(groupSourceId)) {
          fail(`its group #${promo.promoGroupId ?? 'NULL'} is not imported (the default group or none)`);
          continue;
        }
        break;
      default:
        fail(`type ${promo.type} has no counterpart`);
        continue;
    }
    if ((kind === 'days' || kind === 'trial') && (days === null || days < 1 || days > 3650)) {
      fail(`${days ?? 'NULL'} days`);
      continue;
    }
    const maxUses =
      promo.maxUses === null || promo.maxUses <= 0 || promo.maxUses >= UNLIMITED_USES ? null : promo.maxUses;
    if (maxUses === null) applied('promo max_uses 999999, 0 or NULL → unlimited');
    const uses = Math.max(0, promo.currentUses ?? 0);
    if (maxUses !== null && uses > maxUses) {
      fail(`used ${uses} times, more than its limit of ${maxUses}`);
      continue;
    }
    let validFrom = promo.validFrom;
    if (validFrom && promo.validUntil && validFrom.getTime() >= promo.validUntil.getTime()) validFrom = null;
    let isActive = promo.isActive !== false;
    if (promo.tariffId !== null) {
      applied(
        'promo code bound to a tariff (tariffs are not imported): imported switched off; limit it to a plan and switch it on',
      );
      isActive = false;
    }
    applied('promo current_uses → uses (a counter above its use rows stays: uses of deleted users)');
    promoCodes.push({
      sourceId: promo.id,
      code,
      kind,
      percent,
      amount,
      days,
      holdHours,
      groupSourceId,
      firstPurchaseOnly: promo.firstPurchaseOnly === true,
      maxUses,
      uses,
      validFrom,
      validUntil: promo.validUntil,
      isActive,
      createdAt: promo.createdAt,
    });
    codesTaken.add(code);
    codeIds.add(promo.id);
    codesAccount.imported++;
    add('promo_codes');
    add(`promo_codes.${kind}` as (typeof FIGURE_NAMES)[number]);
    if (amount !== null && kind === 'balance') add('promo_codes.balance_sum', amount);
  }
  const usesAccount = account('promocode_uses', snapshot.promoUses.length);
  const promoUses: PlannedPromoUse[] = [];
  const mappedUses = mapped('promo_use');
  for (const use of snapshot.promoUses) {
    if (mappedUses.has(String(use.id))) {
      usesAccount.already++;
      continue;
    }
    const fail = (reason: string) => {
      reject('promocode_uses', use.id, reason);
      usesAccount.rejected++;
    };
    if (!codeIds.has(use.promocodeId)) {
      fail(`its code #${use.promocodeId} is not imported`);
      continue;
    }
    if (!importable.has(use.userId)) {
      fail(`user #${use.userId} is not imported`);
      continue;
    }
    promoUses.push({
      sourceId: use.id,
      codeSourceId: use.promocodeId,
      userSourceId: use.userId,
      usedAt: use.usedAt,
    });
    usesAccount.imported++;
    add('promo_uses');
  }

  // ---- card-to-card receipts: the pending ones wait for review here; decided ones are history
  const receiptsAccount = account('c2c_receipts', snapshot.receipts.length);
  const receipts: PlannedReceipt[] = [];
  const mappedReceipts = mapped('receipt');
  const receiptMoney = moneyAccount('c2c_receipts.amount_kopeks of pending receipts (as stored)');
  for (const receipt of snapshot.receipts) {
    if (mappedReceipts.has(String(receipt.id))) {
      receiptsAccount.already++;
      if (receipt.status === 'pending') {
        receiptMoney.source += BigInt(receipt.amount);
        receiptMoney.already += BigInt(receipt.amount);
      }
      continue;
    }
    if (receipt.status !== 'pending') {
      receiptsAccount.notCarried++;
      continue;
    }
    receiptMoney.source += BigInt(receipt.amount);
    const fail = (reason: string) => {
      reject('c2c_receipts', receipt.id, reason);
      receiptsAccount.rejected++;
      receiptMoney.notCarried += BigInt(receipt.amount);
    };
    if (!importable.has(receipt.userId)) {
      fail(`user #${receipt.userId} is not imported`);
      continue;
    }
    if (receipt.receiptType === null || (!receipt.receiptFileId && !receipt.receiptText)) {
      fail('no receipt was sent yet (the customer was only shown a card): nothing to review');
      continue;
    }
    const scale = receiptScale(receipt.createdAt);
    const amount = toToman(receipt.amount, scale);
    applied(
      scale === 'unit'
        ? `receipt created from ${C2C_TOMAN_SINCE.toISOString()}: whole Toman, 1:1`
        : `receipt created before ${C2C_TOMAN_SINCE.toISOString()}: x100 scale, ÷100`,
    );
    if (!amount || amount <= 0) {
      fail(`amount ${receipt.amount} is not a positive whole number of Toman`);
      continue;
    }
    const isFile = receipt.receiptType === 'photo' || receipt.receiptType === 'document';
    if (isFile && !receipt.receiptFileId) {
      fail(`a ${receipt.receiptType} receipt without its file id`);
      continue;
    }
    if (receipt.expiresAt && receipt.expiresAt.getTime() < context.now.getTime())
      applied('pending receipt past its expires_at (never enforced by the source): still waits for review');
    applied(
      'pending receipt: tracking number import-c2c-<id>; a photo or document file id works only for the same Telegram bot',
    );
    receipts.push({
      sourceId: receipt.id,
      userSourceId: receipt.userId,
      amount,
      receiptType: isFile ? 'image' : 'text',
      fileId: isFile ? receipt.receiptFileId : null,
      fileKind: isFile ? (receipt.receiptType as 'photo' | 'document') : null,
      text: receipt.receiptText,
      trackingNumber: `import-c2c-${receipt.id}`,
      notes: `Imported from the single-tenant shop: receipt #${receipt.id}${receipt.cardLabel ? `, card "${receipt.cardLabel}"` : ''}`,
      createdAt: receipt.createdAt,
    });
    receiptsAccount.imported++;
    receiptMoney.carried += BigInt(receipt.amount);
    add('receipts');
    add('receipts.sum', amount);
  }
  if (receiptsAccount.notCarried > 0)
    applied(
      'decided card-to-card receipts (approved, rejected, expired, cancelled) are history: their deposits are in the transaction history and the balances',
      receiptsAccount.notCarried,
    );

  for (const [table, count] of Object.entries(snapshot.others)) {
    const row = account(table, count);
    row.notCarried = count;
  }

  return {
    customers,
    groups,
    history,
    subscriptions,
    promoCodes,
    promoUses,
    receipts,
    rejected,
    rules: [...rules.values()],
    accounts,
    money,
    figures,
  };
}

/** The accounts that do not add up: a source row or amount went nowhere (a bug, never a silent drop). */
export function unbalanced(plan: Pick<ImportPlan, 'accounts' | 'money'>): string[] {
  return [
    ...plan.accounts
      .filter((a) => a.imported + a.already + a.rejected + a.notCarried !== a.source)
      .map(
        (a) =>
          `${a.table}: ${a.source} source rows, ${a.imported + a.already + a.rejected + a.notCarried} accounted for`,
      ),
    ...plan.money
      .filter((m) => m.carried + m.already + m.notCarried !== m.source)
      .map((m) => `${m.column}: source sum ${m.source}, accounted ${m.carried + m.already + m.notCarried}`),
  ];
}

/** Whether the plan writes anything. */
export const isEmptyPlan = (plan: ImportPlan): boolean =>
  plan.customers.length +
    plan.groups.length +
    plan.history.length +
    plan.subscriptions.length +
    plan.promoCodes.length +
    plan.promoUses.length +
    plan.receipts.length ===
  0;
