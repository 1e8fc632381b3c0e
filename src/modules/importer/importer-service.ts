import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import {
  bots,
  cardToCardPayments,
  customerGroups,
  customers,
  type ImportEntity,
  importedTransactions,
  importRows,
  importRuns,
  ledgerTransactions,
  promoCodes,
  promoRedemptions,
  subscriptions,
} from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import { asCustomerId } from '../../shared/ids.js';
import type { Language } from '../../shared/language.js';
import { postEntry } from '../ledger/ledger-service.js';
import { type PanelDirectory, PanelUnavailableError, type PanelUserFound } from './panel-directory.js';
import {
  type AppliedRule,
  buildPlan,
  candidateUsernames,
  emptyFigures,
  FIGURE_NAMES,
  type Figures,
  type ImportPlan,
  isEmptyPlan,
  needsPanelUser,
  type Rejection,
  shortUuidOf,
  type TableAccount,
  type TargetState,
  unbalanced,
} from './plan.js';
import { readSource, type SourceDatabase, type SourceSnapshot } from './source.js';
import { type SourceFigures, sourceFigures } from './source-figures.js';

export interface ImportOptions {
  readonly source: SourceDatabase;
  /** null: do not ask the panel (--without-panel); subscriptions are then listed as not linked */
  readonly panel: PanelDirectory | null;
  readonly dryRun: boolean;
  readonly progress?: (message: string) => void;
}

export interface ImportReport {
  readonly status: 'imported' | 'dry_run' | 'nothing_to_do';
  readonly runId: number | null;
  readonly sourceKey: string;
  readonly sourceLabel: string;
  readonly flavour: string;
  readonly before: SourceFigures;
  readonly rules: readonly AppliedRule[];
  readonly accounts: readonly TableAccount[];
  /** money columns reconciled: source sum = carried + carried earlier + not carried (listed) */
  readonly money: readonly {
    column: string;
    source: string;
    carried: string;
    already: string;
    notCarried: string;
  }[];
  readonly rejected: readonly Rejection[];
  /** this source's rows in the shop before the run, what the run adds, and after (must be prior + planned) */
  readonly prior: Record<string, string>;
  readonly planned: Record<string, string>;
  readonly after: Record<string, string>;
}

/** The counts and sums after writing differ from the plan: the transaction was rolled back. */
export class ImportMismatchError extends Error {
  override readonly name = 'ImportMismatchError';
  constructor(
    readonly report: ImportReport,
    readonly mismatches: readonly string[],
  ) {
    super(`counts or sums differ after the import, nothing was written: ${mismatches.join('; ')}`);
  }
}

/** The import cannot run for this shop (currency, unsupported source...); nothing was written. */
export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
}

class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

export interface RollbackBlocker {
  readonly what: string;
  readonly targetId: number;
  readonly detail: string;
}

export type RollbackResult =
  | { readonly status: 'rolled_back'; readonly sourceKey: string; readonly deleted: Record<string, number> }
  | { readonly status: 'refused'; readonly sourceKey: string; readonly blockers: readonly RollbackBlocker[] }
  | { readonly status: 'nothing'; readonly sourceKeys: readonly string[] };

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
const chunks = <T>(items: readonly T[], size = 200): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};
const show = (figures: Figures): Record<string, string> =>
  Object.fromEntries(FIGURE_NAMES.map((name) => [name, String(figures[name] ?? 0n)]));

/** This source's rows in the shop, counted and summed through import_rows. */
async function measure(tx: TenantTx, sourceKey: string): Promise<Figures> {
  const figures = emptyFigures();
  const mappedIds = (entity: ImportEntity) =>
    sql`(select target_id from import_rows where bot_id = ${tx.botId} and source_key = ${sourceKey} and entity = ${entity} and created)`;
  const one = async (query: SQL) =>
    rowsOf<Record<string, string | number | null>>(await tx.execute(query))[0] ?? {};
  const c = await one(sql`
    select count(*) as n, coalesce(sum(balance), 0)::text as balance,
           count(*) filter (where is_blocked) as blocked,
           count(*) filter (where language = 'fa') as fa, count(*) filter (where language = 'en') as en,
           count(*) filter (where language = 'ru') as ru,
           count(*) filter (where referred_by is not null) as referred,
           count(*) filter (where group_id is not null) as grouped
      from customers where bot_id = ${tx.botId} and id in ${mappedIds('customer')}`);
  figures.customers = BigInt(c.n ?? 0);
  figures['customers.balance'] = BigInt(c.balance ?? 0);
  figures['customers.blocked'] = BigInt(c.blocked ?? 0);
  figures['customers.language.fa'] = BigInt(c.fa ?? 0);
  figures['customers.language.en'] = BigInt(c.en ?? 0);
  figures['customers.language.ru'] = BigInt(c.ru ?? 0);
  figures['customers.with_referrer'] = BigInt(c.referred ?? 0);
  figures['customers.in_group'] = BigInt(c.grouped ?? 0);
  const g = await one(
    sql`select count(*) as n from customer_groups where bot_id = ${tx.botId} and id in ${mappedIds('group')}`,
  );
  figures.groups = BigInt(g.n ?? 0);
  const o = await one(sql`
    select count(*) as n, coalesce(sum(amount), 0)::text as total from ledger_transactions
     where bot_id = ${tx.botId} and id in ${mappedIds('opening_balance')}`);
  figures.opening_balances = BigInt(o.n ?? 0);
  figures['opening_balances.sum'] = BigInt(o.total ?? 0);
  const h = await one(sql`
    select count(*) as n, coalesce(sum(amount), 0)::text as total, coalesce(sum(source_amount), 0)::text as source_total
      from imported_transactions where bot_id = ${tx.botId} and source_key = ${sourceKey}`);
  figures.history = BigInt(h.n ?? 0);
  figures['history.sum'] = BigInt(h.total ?? 0);
  figures['history.source_sum'] = BigInt(h.source_total ?? 0);
  const s = await one(sql`
    select count(*) as n, count(*) filter (where status = 'active') as active,
           count(*) filter (where status = 'expired') as expired, count(*) filter (where status = 'limited') as limited,
           count(*) filter (where status = 'disabled') as disabled, count(*) filter (where is_trial) as trial
      from subscriptions where bot_id = ${tx.botId} and id in ${mappedIds('subscription')}`);
  figures.subscriptions = BigInt(s.n ?? 0);
  for (const status of ['active', 'expired', 'limited', 'disabled', 'trial'] as const)
    figures[`subscriptions.${status}`] = BigInt(s[status] ?? 0);
  const p = await one(sql`
    select count(*) as n, count(*) filter (where kind = 'percent') as percent,
           count(*) filter (where kind = 'balance') as balance, count(*) filter (where kind = 'days') as days,
           count(*) filter (where kind = 'trial') as trial, count(*) filter (where kind = 'group') as grp,
           coalesce(sum(amount) filter (where kind = 'balance'), 0)::text as balance_sum
      from promo_codes where bot_id = ${tx.botId} and id in ${mappedIds('promo_code')}`);
  figures.promo_codes = BigInt(p.n ?? 0);
  figures['promo_codes.percent'] = BigInt(p.percent ?? 0);
  figures['promo_codes.balance'] = BigInt(p.balance ?? 0);
  figures['promo_codes.days'] = BigInt(p.days ?? 0);
  figures['promo_codes.trial'] = BigInt(p.trial ?? 0);
  figures['promo_codes.group'] = BigInt(p.grp ?? 0);
  figures['promo_codes.balance_sum'] = BigInt(p.balance_sum ?? 0);
  const u = await one(
    sql`select count(*) as n from promo_redemptions where bot_id = ${tx.botId} and id in ${mappedIds('promo_use')}`,
  );
  figures.promo_uses = BigInt(u.n ?? 0);
  const r = await one(sql`
    select count(*) as n, coalesce(sum(amount), 0)::text as total from card_to_card_payments
     where bot_id = ${tx.botId} and id in ${mappedIds('receipt')}`);
  figures.receipts = BigInt(r.n ?? 0);
  figures['receipts.sum'] = BigInt(r.total ?? 0);
  return figures;
}

async function readMapped(tx: TenantTx, sourceKey: string) {
  const rows = await tx
    .select({ entity: importRows.entity, sourceId: importRows.sourceId, targetId: importRows.targetId })
    .from(importRows)
    .where(and(eq(importRows.botId, tx.botId), eq(importRows.sourceKey, sourceKey)));
  const mapped = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const entity = mapped.get(row.entity) ?? new Map<string, number>();
    mapped.set(row.entity, entity);
    entity.set(row.sourceId, row.targetId);
  }
  return mapped;
}

async function readTarget(tx: TenantTx, sourceKey: string): Promise<TargetState> {
  const mapped = await readMapped(tx, sourceKey);
  const ours = new Set(mapped.get('customer')?.values() ?? []);
  const all = await tx
    .select({ id: customers.id, telegramId: customers.telegramId, referralCode: customers.referralCode })
    .from(customers)
    .where(eq(customers.botId, tx.botId));
  const groups = await tx
    .select({ id: customerGroups.id, name: customerGroups.name })
    .from(customerGroups)
    .where(eq(customerGroups.botId, tx.botId));
  const codes = await tx
    .select({ code: promoCodes.code })
    .from(promoCodes)
    .where(eq(promoCodes.botId, tx.botId));
  const subs = await tx
    .select({
      customerId: subscriptions.customerId,
      panelUserId: subscriptions.panelUserId,
      panelUsername: subscriptions.panelUsername,
      ordinal: subscriptions.ordinal,
    })
    .from(subscriptions)
    .where(eq(subscriptions.botId, tx.botId));
  const history = await tx
    .select({ sourceId: importedTransactions.sourceId })
    .from(importedTransactions)
    .where(and(eq(importedTransactions.botId, tx.botId), eq(importedTransactions.sourceKey, sourceKey)));
  const ordinals = new Map<number, number>();
  for (const sub of subs)
    ordinals.set(sub.customerId, Math.max(ordinals.get(sub.customerId) ?? 0, sub.ordinal));
  return {
    mapped,
    otherCustomersByTelegramId: new Map(all.filter((c) => !ours.has(c.id)).map((c) => [c.telegramId, c.id])),
    referralCodesTaken: new Set(all.map((c) => c.referralCode)),
    groupsByName: new Map(groups.map((g) => [g.name, g.id])),
    promoCodesTaken: new Set(codes.map((c) => c.code)),
    panelUserIdsTaken: new Set(subs.flatMap((s) => (s.panelUserId === null ? [] : [s.panelUserId]))),
    panelUsernamesTaken: new Set(subs.map((s) => s.panelUsername)),
    ordinals,
    importedHistoryIds: new Set(history.map((h) => h.sourceId)),
  };
}

/** Finds each subscription's panel user: by short uuid, else by the usernames the source bot used. */
async function lookUpPanelUsers(
  snapshot: SourceSnapshot,
  panel: PanelDirectory,
  skip: ReadonlySet<string>,
  progress: (message: string) => void,
): Promise<Map<number, PanelUserFound | null>> {
  const users = new Map(snapshot.users.map((user) => [user.id, user]));
  const template = snapshot.settings.get('REMNAWAVE_USER_USERNAME_TEMPLATE') || 'user_{telegram_id}';
  const found = new Map<number, PanelUserFound | null>();
  const wanted = snapshot.subscriptions.filter(
    (sub) => !skip.has(String(sub.id)) && needsPanelUser(sub, users.get(sub.userId)),
  );
  let done = 0;
  for (const sub of wanted) {
    const owner = users.get(sub.userId)!;
    try {
      let user: PanelUserFound | null = null;
      const shortUuid = shortUuidOf(sub);
      if (shortUuid) user = await panel.findByShortUuid(shortUuid);
      for (const username of candidateUsernames(sub, owner, template)) {
        if (user) break;
        user = await panel.findByUsername(username);
      }
      found.set(sub.id, user);
    } catch (error) {
      throw new PanelUnavailableError(
        `the panel could not be asked about subscription #${sub.id} (${error instanceof Error ? error.message : String(error)}): nothing was written. Run again when the panel answers, or pass --without-panel to import everything but the subscriptions (listed as not linked; a later run links them)`,
      );
    }
    done++;
    if (done % 50 === 0 || done === wanted.length)
      progress(`panel: looked up ${done}/${wanted.length} subscriptions`);
  }
  return found;
}

async function writePlan(
  tx: TenantTx,
  plan: ImportPlan,
  state: TargetState,
  runId: number,
  sourceKey: string,
  progress: (message: string) => void,
): Promise<void> {
  const botId = tx.botId;
  const mappings: { entity: ImportEntity; sourceId: string; targetId: number; created: boolean }[] = [];
  const customerOf = new Map<number, number>(
    [...(state.mapped.get('customer') ?? new Map<string, number>())].map(([k, v]) => [Number(k), v]),
  );
  const groupOf = new Map<number, number>(
    [...(state.mapped.get('group') ?? new Map<string, number>())].map(([k, v]) => [Number(k), v]),
  );
  const codeOf = new Map<number, number>(
    [...(state.mapped.get('promo_code') ?? new Map<string, number>())].map(([k, v]) => [Number(k), v]),
  );

  /**
   * Copies the planned rows of one kind, one at a time and in the plan's order: each is inserted by
   * `insert` (which answers the new row's id), or is the row `existing` names, already in the shop;
   * `copied` learns where each went, and import_rows will say it (created or found).
   */
  const copyEach = async <Item extends { readonly sourceId: number }>(
    entity: ImportEntity,
    items: readonly Item[],
    insert: (item: Item) => Promise<readonly { id: number }[]>,
    options: {
      readonly existing?: (item: Item) => number | null;
      readonly copied?: (item: Item, targetId: number) => void;
    } = {},
  ): Promise<void> => {
    for (const item of items) {
      const existing = options.existing?.(item) ?? null;
      const targetId = existing ?? (await insert(item))[0]?.id;
      if (targetId === undefined)
        throw new Error(`import: the ${entity} of source row #${item.sourceId} was not inserted`);
      options.copied?.(item, targetId);
      mappings.push({ entity, sourceId: String(item.sourceId), targetId, created: existing === null });
    }
  };

  await copyEach(
    'group',
    plan.groups,
    (group) =>
      tx
        .insert(customerGroups)
        .values({ botId, name: group.name, discountPercent: group.discountPercent })
        .returning({ id: customerGroups.id }),
    {
      existing: (group) => group.existingId,
      copied: (group, id) => groupOf.set(group.sourceId, id),
    },
  );

  let written = 0;
  for (const batch of chunks(plan.customers)) {
    const rows = await tx
      .insert(customers)
      .values(
        batch.map((c) => ({
          botId,
          telegramId: c.telegramId,
          username: c.username,
          firstName: c.firstName,
          lastName: c.lastName,
          language: c.language,
          hasChosenLanguage: c.hasChosenLanguage,
          referralCode: c.referralCode,
          isBlocked: c.isBlocked,
          groupId: c.groupSourceId === null ? null : (groupOf.get(c.groupSourceId) ?? null),
          ...(c.createdAt ? { createdAt: c.createdAt } : {}),
        })),
      )
      .returning({ id: customers.id, telegramId: customers.telegramId });
    const byTelegram = new Map(rows.map((row) => [row.telegramId, row.id]));
    for (const c of batch) {
      const id = byTelegram.get(c.telegramId)!;
      customerOf.set(c.sourceId, id);
      mappings.push({ entity: 'customer', sourceId: String(c.sourceId), targetId: id, created: true });
    }
    written += batch.length;
    progress(`customers: ${written}/${plan.customers.length}`);
  }
  for (const c of plan.customers) {
    if (c.referrerSourceId === null) continue;
    await tx
      .update(customers)
      .set({ referredBy: customerOf.get(c.referrerSourceId)! })
      .where(and(eq(customers.botId, botId), eq(customers.id, customerOf.get(c.sourceId)!)));
  }
  // opening balances: one ledger entry each, through the ledger like every credit
  written = 0;
  for (const c of plan.customers) {
    if (c.openingBalance <= 0) continue;
    const posted = await postEntry(tx, {
      customerId: asCustomerId(customerOf.get(c.sourceId)!),
      amount: c.openingBalance,
      kind: 'migration',
      reason: `opening balance imported from the single-tenant shop (user #${c.sourceId})`,
      externalRef: `import:${sourceKey}:balance:${c.sourceId}`,
    });
    if (posted.status !== 'posted')
      throw new Error(`the opening balance of source user #${c.sourceId} was not posted: ${posted.status}`);
    mappings.push({
      entity: 'opening_balance',
      sourceId: String(c.sourceId),
      targetId: posted.entry.id,
      created: true,
    });
    written++;
    if (written % 100 === 0) progress(`opening balances: ${written}`);
  }

  for (const batch of chunks(plan.history, 500)) {
    await tx.insert(importedTransactions).values(
      batch.map((h) => ({
        botId,
        runId,
        sourceKey,
        sourceId: h.sourceId,
        customerId: customerOf.get(h.userSourceId)!,
        type: h.type,
        amount: h.amount,
        sourceAmount: h.sourceAmount,
        sourceScale: h.scale,
        paymentMethod: h.paymentMethod,
        externalId: h.externalId,
        isCompleted: h.isCompleted,
        description: h.description,
        createdAt: h.createdAt,
      })),
    );
  }
  if (plan.history.length) progress(`history: ${plan.history.length} transactions`);

  const ordinals = new Map(state.ordinals);
  const subsInOrder = [...plan.subscriptions].sort(
    (a, b) => a.userSourceId - b.userSourceId || a.order - b.order || a.sourceId - b.sourceId,
  );
  await copyEach('subscription', subsInOrder, (sub) => {
    const customerId = customerOf.get(sub.userSourceId)!;
    const ordinal = (ordinals.get(customerId) ?? 0) + 1;
    ordinals.set(customerId, ordinal);
    return tx
      .insert(subscriptions)
      .values({
        botId,
        customerId,
        isTrial: sub.isTrial,
        status: sub.status,
        panelUsername: sub.panel.username,
        panelUserId: sub.panel.id,
        subscriptionUrl: sub.panel.subscriptionUrl,
        panelShortUuid: sub.panel.shortUuid,
        expiresAt: sub.expiresAt,
        trafficLimitBytes: sub.trafficLimitBytes,
        deviceLimit: sub.deviceLimit,
        usedTrafficBytes: sub.panel.usedTrafficBytes,
        lifetimeUsedTrafficBytes: sub.panel.lifetimeUsedTrafficBytes,
        syncedAt: new Date(),
        ordinal,
        autopay: sub.autopay,
        ...(sub.createdAt ? { createdAt: sub.createdAt } : {}),
      })
      .returning({ id: subscriptions.id });
  });
  if (plan.subscriptions.length) progress(`subscriptions: ${plan.subscriptions.length}`);

  await copyEach(
    'promo_code',
    plan.promoCodes,
    (promo) =>
      tx
        .insert(promoCodes)
        .values({
          botId,
          code: promo.code,
          kind: promo.kind,
          percent: promo.percent,
          amount: promo.amount,
          days: promo.days,
          holdHours: promo.holdHours,
          groupId: promo.groupSourceId === null ? null : groupOf.get(promo.groupSourceId)!,
          firstPurchaseOnly: promo.firstPurchaseOnly,
          maxUses: promo.maxUses,
          uses: promo.uses,
          validFrom: promo.validFrom,
          validUntil: promo.validUntil,
          isActive: promo.isActive,
          ...(promo.createdAt ? { createdAt: promo.createdAt } : {}),
        })
        .returning({ id: promoCodes.id }),
    { copied: (promo, id) => codeOf.set(promo.sourceId, id) },
  );
  for (const batch of chunks(plan.promoUses)) {
    const rows = await tx
      .insert(promoRedemptions)
      .values(
        batch.map((use) => ({
          botId,
          promoCodeId: codeOf.get(use.codeSourceId)!,
          customerId: customerOf.get(use.userSourceId)!,
          status: 'used' as const,
          usedAt: use.usedAt,
          ...(use.usedAt ? { createdAt: use.usedAt } : {}),
        })),
      )
      .returning({
        id: promoRedemptions.id,
        promoCodeId: promoRedemptions.promoCodeId,
        customerId: promoRedemptions.customerId,
      });
    const byPair = new Map(rows.map((row) => [`${row.promoCodeId}:${row.customerId}`, row.id]));
    for (const use of batch) {
      const id = byPair.get(`${codeOf.get(use.codeSourceId)}:${customerOf.get(use.userSourceId)}`)!;
      mappings.push({ entity: 'promo_use', sourceId: String(use.sourceId), targetId: id, created: true });
    }
  }
  await copyEach('receipt', plan.receipts, (receipt) =>
    tx
      .insert(cardToCardPayments)
      .values({
        botId,
        customerId: customerOf.get(receipt.userSourceId)!,
        amount: receipt.amount,
        trackingNumber: receipt.trackingNumber,
        receiptType: receipt.receiptType,
        receiptText: receipt.text,
        receiptFileId: receipt.fileId,
        receiptFileKind: receipt.fileKind,
        adminNotes: receipt.notes,
        status: 'pending',
        createdAt: receipt.createdAt,
      })
      .returning({ id: cardToCardPayments.id }),
  );

  for (const batch of chunks(mappings, 500)) {
    await tx.insert(importRows).values(batch.map((m) => ({ botId, sourceKey, runId, ...m })));
  }
}

export interface ImporterDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: {
    get(key: 'default_language'): Promise<Language>;
    get(key: 'available_languages'): Promise<Language[]>;
  };
}

/**
 * Imports a single-tenant installation (the Bedolaga bot family, remnabot flavour) into this shop,
 * in one transaction: all or nothing. Idempotent: what an earlier run created is recorded in
 * import_rows and skipped. `rollback` deletes exactly what imports of a source created.
 */
export function createImporterService({ tenant, clock, settings }: ImporterDeps) {
  const botId = tenant.botId;

  async function run(options: ImportOptions): Promise<ImportReport> {
    const progress = options.progress ?? (() => {});
    const [bot] = await tenant.transaction((tx) =>
      tx.select({ currency: bots.currency }).from(bots).where(eq(bots.id, botId)),
    );
    if (!bot) throw new ImportRefusedError(`no shop #${botId}`);
    const snapshot = await readSource(options.source, progress);
    if (bot.currency !== 'IRT') {
      throw new ImportRefusedError(
        `the source keeps Toman and shop #${botId} keeps ${bot.currency}: there is no rate to convert, nothing was written`,
      );
    }
    const before = sourceFigures(snapshot);
    const [defaultLanguage, availableLanguages] = await Promise.all([
      settings.get('default_language'),
      settings.get('available_languages'),
    ]);
    const known = await tenant.transaction((tx) => readMapped(tx, snapshot.sourceKey));
    const panelUsers = options.panel
      ? await lookUpPanelUsers(
          snapshot,
          options.panel,
          new Set(known.get('subscription')?.keys() ?? []),
          progress,
        )
      : undefined;

    try {
      return await tenant.transaction(async (tx) => {
        // one import of a shop at a time: the plan below reads what earlier runs did
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${botId}:import`}, 0))`);
        const prior = await measure(tx, snapshot.sourceKey);
        const state = await readTarget(tx, snapshot.sourceKey);
        const plan = buildPlan(snapshot, state, {
          defaultLanguage,
          availableLanguages,
          now: clock.now(),
          panelUsers,
        });
        const base = {
          sourceKey: snapshot.sourceKey,
          sourceLabel: snapshot.label,
          flavour: `${snapshot.flavour}-${snapshot.alembicVersion ?? 'unknown'}`,
          before,
          rules: plan.rules,
          accounts: plan.accounts,
          money: plan.money.map((m) => ({
            column: m.column,
            source: String(m.source),
            carried: String(m.carried),
            already: String(m.already),
            notCarried: String(m.notCarried),
          })),
          rejected: plan.rejected,
          prior: show(prior),
          planned: show(plan.figures),
        };
        // every source row and amount is imported, was earlier, or is listed: never dropped silently
        const lost = unbalanced(plan);
        if (lost.length)
          throw new ImportMismatchError(
            { ...base, status: 'dry_run', runId: null, after: show(prior) },
            lost,
          );
        if (isEmptyPlan(plan)) {
          const report: ImportReport = { ...base, status: 'nothing_to_do', runId: null, after: show(prior) };
          if (options.dryRun) throw new DryRunRollback({ ...report, status: 'dry_run' });
          return report;
        }
        const [runRow] = await tx
          .insert(importRuns)
          .values({
            botId,
            sourceKey: snapshot.sourceKey,
            sourceFlavour: base.flavour,
            sourceLabel: snapshot.label.slice(0, 500),
          })
          .returning({ id: importRuns.id });
        const runId = runRow!.id;
        await writePlan(tx, plan, state, runId, snapshot.sourceKey, progress);
        const after = await measure(tx, snapshot.sourceKey);
        const mismatches = FIGURE_NAMES.filter(
          (name) => (after[name] ?? 0n) !== (prior[name] ?? 0n) + (plan.figures[name] ?? 0n),
        ).map(
          (name) =>
            `${name}: expected ${(prior[name] ?? 0n) + (plan.figures[name] ?? 0n)}, found ${after[name] ?? 0n}`,
        );
        const report: ImportReport = {
          ...base,
          status: options.dryRun ? 'dry_run' : 'imported',
          runId: options.dryRun ? null : runId,
          after: show(after),
        };
        if (mismatches.length) throw new ImportMismatchError(report, mismatches);
        if (options.dryRun) throw new DryRunRollback(report);
        await tx
          .update(importRuns)
          .set({
            report: {
              before,
              rules: plan.rules,
              accounts: plan.accounts,
              money: report.money,
              rejected: plan.rejected,
              prior: report.prior,
              planned: report.planned,
              after: report.after,
            },
          })
          .where(and(eq(importRuns.botId, botId), eq(importRuns.id, runId)));
        return report;
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.report;
      throw error;
    }
  }

  /** The sources imported into this shop and not rolled back. */
  async function importedSources(): Promise<{ sourceKey: string; label: string; runs: number }[]> {
    const rows = await tenant.transaction((tx) =>
      tx
        .select({ sourceKey: importRuns.sourceKey, label: importRuns.sourceLabel })
        .from(importRuns)
        .where(and(eq(importRuns.botId, botId), eq(importRuns.status, 'imported'))),
    );
    const out = new Map<string, { sourceKey: string; label: string; runs: number }>();
    for (const row of rows) {
      const entry = out.get(row.sourceKey) ?? { sourceKey: row.sourceKey, label: row.label, runs: 0 };
      entry.runs++;
      out.set(row.sourceKey, entry);
    }
    return [...out.values()];
  }

  /**
   * Deletes exactly what imports of the source created, in one transaction, and nothing else. It
   * refuses, with the list, when anything else has come to depend on those rows since (a purchase, a
   * payment, a new referral, a decided receipt...): deleting them would break money or history.
   */
  async function rollback(sourceKey?: string): Promise<RollbackResult> {
    const sources = await importedSources();
    const key = sourceKey ?? (sources.length === 1 ? sources[0]!.sourceKey : undefined);
    if (!key || !sources.some((s) => s.sourceKey === key))
      return { status: 'nothing', sourceKeys: sources.map((s) => s.sourceKey) };
    return tenant.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${botId}:import`}, 0))`);
      const mapped = (entity: ImportEntity) =>
        sql`(select target_id from import_rows where bot_id = ${botId} and source_key = ${key} and entity = ${entity} and created)`;
      const blockers = rowsOf<{ what: string; target_id: string | number; detail: string | number }>(
        await tx.execute(sql`
          select 'customer' as what, customer_id as target_id, count(*)::text || ' ledger entries besides the opening balance' as detail
            from ledger_transactions where bot_id = ${botId} and customer_id in ${mapped('customer')}
             and id not in ${mapped('opening_balance')} group by customer_id
          union all
          select 'customer', customer_id, count(*)::text || ' orders' from orders
           where bot_id = ${botId} and customer_id in ${mapped('customer')} group by customer_id
          union all
          select 'customer', customer_id, count(*)::text || ' subscriptions not imported' from subscriptions
           where bot_id = ${botId} and customer_id in ${mapped('customer')} and id not in ${mapped('subscription')}
           group by customer_id
          union all
          select 'customer', customer_id, count(*)::text || ' card-to-card payments not imported' from card_to_card_payments
           where bot_id = ${botId} and customer_id in ${mapped('customer')} and id not in ${mapped('receipt')}
           group by customer_id
          union all
          select 'customer', customer_id, count(*)::text || ' Zarinpal payments' from zarinpal_payments
           where bot_id = ${botId} and customer_id in ${mapped('customer')} group by customer_id
          union all
          select 'customer', customer_id, count(*)::text || ' Stars payments' from stars_payments
           where bot_id = ${botId} and customer_id in ${mapped('customer')} group by customer_id
          union all
          select 'customer', customer_id, count(*)::text || ' support tickets' from support_tickets
           where bot_id = ${botId} and customer_id in ${mapped('customer')} group by customer_id
          union all
          select 'customer', customer_id, count(*)::text || ' promo code uses not imported' from promo_redemptions
           where bot_id = ${botId} and customer_id in ${mapped('customer')} and id not in ${mapped('promo_use')}
           group by customer_id
          union all
          select 'customer', referred_by, count(*)::text || ' customers it invited since the import' from customers
           where bot_id = ${botId} and referred_by in ${mapped('customer')} and id not in ${mapped('customer')}
           group by referred_by
          union all
          select 'promo_code', promo_code_id, count(*)::text || ' uses since the import' from promo_redemptions
           where bot_id = ${botId} and promo_code_id in ${mapped('promo_code')} and id not in ${mapped('promo_use')}
           group by promo_code_id
          union all
          select 'group', group_id, count(*)::text || ' customers not imported' from customers
           where bot_id = ${botId} and group_id in ${mapped('group')} and id not in ${mapped('customer')} group by group_id
          union all
          select 'group', group_id, count(*)::text || ' promo codes not imported' from promo_codes
           where bot_id = ${botId} and group_id in ${mapped('group')} and id not in ${mapped('promo_code')} group by group_id
          union all
          select 'group', group_id, count(*)::text || ' plan prices' from customer_group_prices
           where bot_id = ${botId} and group_id in ${mapped('group')} group by group_id
          union all
          select 'receipt', id, 'decided (' || status || ') since the import' from card_to_card_payments
           where bot_id = ${botId} and id in ${mapped('receipt')} and status <> 'pending'
          order by 1, 2`),
      ).map((row) => ({ what: row.what, targetId: Number(row.target_id), detail: String(row.detail) }));
      if (blockers.length) return { status: 'refused' as const, sourceKey: key, blockers };

      const deleted: Record<string, number> = {};
      const idsOf = async (entity: ImportEntity) =>
        (
          await tx
            .select({ id: importRows.targetId })
            .from(importRows)
            .where(
              and(
                eq(importRows.botId, botId),
                eq(importRows.sourceKey, key),
                eq(importRows.entity, entity),
                eq(importRows.created, true),
              ),
            )
        ).map((row) => row.id);
      const remove = async (
        name: string,
        entity: ImportEntity,
        table:
          | typeof promoRedemptions
          | typeof promoCodes
          | typeof cardToCardPayments
          | typeof subscriptions
          | typeof ledgerTransactions
          | typeof customers
          | typeof customerGroups,
      ) => {
        const ids = await idsOf(entity);
        let count = 0;
        for (const batch of chunks(ids, 1000)) {
          const rows = await tx
            .delete(table)
            .where(and(eq(table.botId, botId), inArray(table.id, batch)))
            .returning({ id: table.id });
          count += rows.length;
        }
        if (count !== ids.length)
          throw new Error(`rollback: ${ids.length} ${name} were imported but ${count} are left to delete`);
        deleted[name] = count;
      };
      await remove('promo code uses', 'promo_use', promoRedemptions);
      await remove('promo codes', 'promo_code', promoCodes);
      await remove('card-to-card receipts', 'receipt', cardToCardPayments);
      await remove('subscriptions', 'subscription', subscriptions);
      const history = await tx
        .delete(importedTransactions)
        .where(and(eq(importedTransactions.botId, botId), eq(importedTransactions.sourceKey, key)))
        .returning({ id: importedTransactions.id });
      deleted['history transactions'] = history.length;
      await remove('opening balance entries', 'opening_balance', ledgerTransactions);
      await remove('customers', 'customer', customers);
      await remove('customer groups', 'group', customerGroups);
      await tx.delete(importRows).where(and(eq(importRows.botId, botId), eq(importRows.sourceKey, key)));
      await tx
        .update(importRuns)
        .set({ status: 'rolled_back', rolledBackAt: clock.now() })
        .where(
          and(eq(importRuns.botId, botId), eq(importRuns.sourceKey, key), eq(importRuns.status, 'imported')),
        );
      return { status: 'rolled_back' as const, sourceKey: key, deleted };
    });
  }

  return { run, rollback, importedSources };
}

export type ImporterService = ReturnType<typeof createImporterService>;
