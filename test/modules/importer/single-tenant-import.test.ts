import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../../sim/remnawave/index.js';
import type { TenantServices } from '../../../src/app.js';
import {
  cardToCardPayments,
  customers,
  importedTransactions,
  importRows,
  importRuns,
  ledgerTransactions,
  promoCodes,
  promoRedemptions,
  subscriptions,
} from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { createRemnawaveClient } from '../../../src/integrations/remnawave/client.js';
import { panelDirectory } from '../../../src/integrations/remnawave/panel-directory.js';
import type { ImportReport } from '../../../src/modules/importer/importer-service.js';
import { PanelUnavailableError } from '../../../src/modules/importer/panel-directory.js';
import { readSource } from '../../../src/modules/importer/source.js';
import { sourceFigures } from '../../../src/modules/importer/source-figures.js';
import { asCustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { rememberSecret } from '../../support/log-capture.js';
import {
  breakingSource,
  expectedJson,
  type FixtureSource,
  HAVE_FIXTURE,
  loadFixtureSource,
  seedPanel,
} from './fixture.js';

// Two subscriptions whose panel users are deliberately missing on the panel (besides the unlinked rows).
const LEFT_OUT = new Set([3, 40]);

describe.skipIf(!HAVE_FIXTURE)('the single-tenant fixture as a source', () => {
  let fixture: FixtureSource;
  beforeAll(async () => {
    fixture = await loadFixtureSource();
  }, 120_000);
  afterAll(() => fixture?.close());

  it("reproduces expected.json's counts and sums before anything is imported", async () => {
    const expected = expectedJson();
    const opened = await fixture.open();
    const snapshot = await readSource(opened.source).finally(() => opened.close());
    const figures = sourceFigures(snapshot);
    expect(figures.users.total).toBe(expected.users.total);
    expect(figures.users.by_language).toEqual(expected.users.by_language);
    expect(figures.users.by_status).toEqual(expected.users.by_status);
    expect(figures.users.without_telegram_id).toBe(expected.users.without_telegram_id);
    expect(figures.users.with_telegram_id).toBe(expected.users.with_telegram_id);
    for (const key of ['negative', 'null', 'zero', 'positive'] as const)
      expect(figures.balances[key]).toBe(expected.balances[key]);
    expect(figures.balances.sum_raw).toBe(String(expected.balances.sum_raw));
    expect(figures.balances.sum_toman).toBe(String(expected.balances.sum_toman));
    expect(figures.referrals.users_with_referrer).toBe(expected.referrals.users_with_referrer);
    expect(figures.referrals.self_referrals).toBe(expected.referrals.self_referrals);
    expect(figures.referrals.two_user_cycles).toBe(expected.referrals.two_user_cycles);
    expect(figures.subscriptions.total).toBe(expected.subscriptions.total);
    expect(figures.subscriptions.by_status).toEqual(expected.subscriptions.by_status);
    expect(figures.subscriptions.panel_link).toEqual(expected.subscriptions.panel_link);
    expect(figures.transactions.total).toBe(expected.transactions.total);
    expect(figures.transactions.pre_cutoff).toBe(expected.transactions.pre_cutoff);
    expect(figures.transactions.post_cutoff).toBe(expected.transactions.post_cutoff);
    const byType = Object.fromEntries(
      Object.entries(expected.transactions.by_type as Record<string, Record<string, number>>).map(
        ([type, t]) => [
          type,
          {
            ...t,
            sum_raw: String(t.sum_raw),
            sum_toman: String(t.sum_toman),
          },
        ],
      ),
    );
    expect(figures.transactions.by_type).toEqual(byType);
    expect(figures.promocodes.total).toBe(expected.promocodes.total);
    expect(figures.promocodes.by_type).toEqual(expected.promocodes.by_type);
    expect(figures.promocodes.uses_total).toBe(expected.promocodes.uses_total);
    expect(figures.promocodes.current_uses_sum).toBe(expected.promocodes.current_uses_sum);
    expect(figures.c2c_receipts.total).toBe(expected.c2c_receipts.total);
    expect(figures.c2c_receipts.by_status).toEqual(
      Object.fromEntries(
        Object.entries(
          expected.c2c_receipts.by_status as Record<string, { count: number; sum_raw: number }>,
        ).map(([status, r]) => [status, { count: r.count, sum_raw: String(r.sum_raw) }]),
      ),
    );
    expect(figures.promo_groups).toBe(expected.promo_groups);
  });

  describe.each(BACKENDS)('imported into %s', (backend) => {
    let t: TestApp;
    let sim: RemnawaveSim;
    let panel: ReturnType<typeof panelDirectory>;
    let seeded: Set<number>;
    beforeAll(async () => {
      t = await createTestApp(backend);
      sim = await startRemnawaveSim();
      rememberSecret('panel token', sim.apiToken);
      panel = panelDirectory(
        createRemnawaveClient({
          baseUrl: sim.baseUrl,
          apiToken: sim.apiToken,
          retries: 2,
          retryBaseMs: 10,
          timeoutMs: 2000,
        }),
      );
      seeded = await seedPanel(fixture, sim, LEFT_OUT);
    }, 120_000);
    afterAll(async () => {
      await sim?.close();
      await t?.close();
    });

    const shop = async (): Promise<TenantServices> => t.app.forTenant((await createTenant(t.app)).tenant.id);
    const run = async (
      services: TenantServices,
      options: { dryRun?: boolean; withoutPanel?: boolean } = {},
    ) => {
      const opened = await fixture.open();
      try {
        return await services.importer.run({
          source: opened.source,
          panel: options.withoutPanel ? null : panel,
          dryRun: options.dryRun ?? false,
        });
      } finally {
        await opened.close();
      }
    };
    /** Rows of the shop in the tables an import writes. */
    const counts = (services: TenantServices) =>
      inTenant(t.database.handle.db, services.botId, async (tx) => {
        const n = async (query: Promise<{ n: number }[]>) => Number((await query)[0]?.n ?? 0);
        const c = sql<number>`count(*)`;
        return {
          customers: await n(tx.select({ n: c }).from(customers).where(eq(customers.botId, services.botId))),
          ledger: await n(
            tx.select({ n: c }).from(ledgerTransactions).where(eq(ledgerTransactions.botId, services.botId)),
          ),
          subscriptions: await n(
            tx.select({ n: c }).from(subscriptions).where(eq(subscriptions.botId, services.botId)),
          ),
          history: await n(
            tx
              .select({ n: c })
              .from(importedTransactions)
              .where(eq(importedTransactions.botId, services.botId)),
          ),
          promoCodes: await n(
            tx.select({ n: c }).from(promoCodes).where(eq(promoCodes.botId, services.botId)),
          ),
          redemptions: await n(
            tx.select({ n: c }).from(promoRedemptions).where(eq(promoRedemptions.botId, services.botId)),
          ),
          receipts: await n(
            tx.select({ n: c }).from(cardToCardPayments).where(eq(cardToCardPayments.botId, services.botId)),
          ),
          rows: await n(tx.select({ n: c }).from(importRows).where(eq(importRows.botId, services.botId))),
          runs: await n(tx.select({ n: c }).from(importRuns).where(eq(importRuns.botId, services.botId))),
        };
      });
    const EMPTY = {
      customers: 0,
      ledger: 0,
      subscriptions: 0,
      history: 0,
      promoCodes: 0,
      redemptions: 0,
      receipts: 0,
      rows: 0,
      runs: 0,
    };
    const one = async <Row>(text: string) => (await fixture.sql<Row>(text))[0]!;

    it('imports the fixture once: counts and sums after equal the source minus what is listed as rejected', async () => {
      const expected = expectedJson();
      const services = await shop();
      const report = await run(services);
      expect(report.status).toBe('imported');
      for (const [name, planned] of Object.entries(report.planned))
        expect(report.after[name], name).toBe(String(BigInt(report.prior[name] ?? '0') + BigInt(planned)));

      // customers: every user with a Telegram id; the e-mail accounts are listed, not dropped
      const telegramUsers = expected.users.with_telegram_id as number;
      expect(report.after.customers).toBe(String(telegramUsers));
      const rejectedUsers = report.rejected.filter((r) => r.table === 'users');
      expect(rejectedUsers).toHaveLength(expected.users.without_telegram_id);
      expect(rejectedUsers.every((r) => /no Telegram id/.test(r.reason))).toBe(true);
      // balances: the stored Toman of Telegram users, a negative one refused (and listed) at 0
      const balances = await one<{ carried: string; negative: string }>(
        `SELECT sum(greatest(coalesce(balance_kopeks, 0), 0))::text AS carried,
                sum(least(coalesce(balance_kopeks, 0), 0))::text AS negative
           FROM users WHERE telegram_id IS NOT NULL`,
      );
      expect(report.after['customers.balance']).toBe(balances.carried);
      expect(report.after['opening_balances.sum']).toBe(balances.carried);
      expect(BigInt(balances.negative)).toBe(BigInt(expected.balances.min));
      expect(report.rejected).toContainEqual(
        expect.objectContaining({ table: 'users.balance_kopeks', sourceId: 44 }),
      );
      expect(await services.ledger.findImbalances()).toEqual([]);
      const balanceMoney = report.money.find((m) => m.column.startsWith('users.balance_kopeks'))!;
      expect(balanceMoney.source).toBe(String(expected.balances.sum_raw));
      expect(balanceMoney.carried).toBe(balances.carried);
      expect(BigInt(balanceMoney.carried) + BigInt(balanceMoney.notCarried)).toBe(
        BigInt(expected.balances.sum_raw),
      );
      const txMoney = report.money.find((m) => m.column.startsWith('transactions.amount_kopeks'))!;
      expect(BigInt(txMoney.source)).toBe(
        Object.values(expected.transactions.by_type as Record<string, { sum_raw: number }>).reduce(
          (sum, t) => sum + BigInt(t.sum_raw),
          0n,
        ),
      );
      // history: converted by the README's era and type rule, checked against SQL written independently
      const history = await one<{ n: string; raw: string; toman: string }>(
        `SELECT count(*)::text AS n, sum(t.amount_kopeks)::text AS raw,
                sum(CASE WHEN t.created_at >= '2026-06-05T00:00:00Z' AND t.type IN ('deposit', 'withdrawal', 'refund',
                          'failed_refund', 'referral_reward', 'poll_reward') THEN t.amount_kopeks::numeric
                         ELSE t.amount_kopeks::numeric / 100 END)::bigint::text AS toman
           FROM transactions t JOIN users u ON u.id = t.user_id WHERE u.telegram_id IS NOT NULL`,
      );
      expect(report.after.history).toBe(history.n);
      expect(report.after['history.source_sum']).toBe(history.raw);
      expect(report.after['history.sum']).toBe(history.toman);
      const txAccount = report.accounts.find((a) => a.table === 'transactions')!;
      expect(txAccount.imported + txAccount.rejected).toBe(expected.transactions.total);
      // subscriptions: linked to the panel users that exist; the others are listed with the reason
      const subs = report.accounts.find((a) => a.table === 'subscriptions')!;
      expect(subs.source).toBe(expected.subscriptions.total);
      expect(subs.imported).toBe(seeded.size);
      expect(subs.imported + subs.rejected).toBe(expected.subscriptions.total);
      for (const id of LEFT_OUT)
        expect(report.rejected).toContainEqual(
          expect.objectContaining({
            table: 'subscriptions',
            sourceId: id,
            reason: expect.stringMatching(/no panel user/),
          }),
        );
      const linked = await inTenant(t.database.handle.db, services.botId, (tx) =>
        tx
          .select({ panelUserId: subscriptions.panelUserId, username: subscriptions.panelUsername })
          .from(subscriptions)
          .where(eq(subscriptions.botId, services.botId)),
      );
      expect(linked).toHaveLength(seeded.size);
      for (const sub of linked) expect(sim.getUser(sub.panelUserId!)?.username).toBe(sub.username);
      // the panel got no new user: linking never creates one
      expect(sim.requests({ method: 'POST', path: '/api/users' })).toEqual([]);
      // referral links: the self-reference, the cycle and referrers without a Telegram account are listed
      const links = report.rejected.filter((r) => r.table === 'users.referred_by_id');
      expect(links.some((r) => r.sourceId === 101 && /itself/.test(r.reason))).toBe(true);
      expect(links.some((r) => (r.sourceId === 103 || r.sourceId === 104) && /cycle/.test(r.reason))).toBe(
        true,
      );
      expect(links.filter((r) => /not imported/.test(r.reason))).toHaveLength(
        expected.referrals.referrer_has_no_telegram_id,
      );
      expect(Number(report.after['customers.with_referrer']) + links.length).toBe(
        expected.referrals.users_with_referrer,
      );
      // promo codes and uses; balance codes on the x100 scale become Toman
      expect(report.after.promo_codes).toBe(String(expected.promocodes.total));
      expect(report.after['promo_codes.balance_sum']).toBe(
        String(expected.promocodes.balance_bonus_raw_sum_of_balance_codes / 100),
      );
      const uses = report.accounts.find((a) => a.table === 'promocode_uses')!;
      expect(uses.imported + uses.rejected).toBe(expected.promocodes.uses_total);
      // pending receipts wait for review; the one without a receipt is listed
      expect(report.after.receipts).toBe(String(expected.c2c_receipts.by_status.pending.count - 1));
      expect(report.rejected).toContainEqual(
        expect.objectContaining({ table: 'c2c_receipts', sourceId: 22 }),
      );
      // the dry run's rules name the README's unit rules
      expect(report.rules.map((r) => r.rule).join('\n')).toMatch(/÷100/);
    }, 240_000);

    it('changes nothing when run a second time', async () => {
      const services = await shop();
      await run(services);
      const before = await counts(services);
      const again = await run(services);
      expect(again.status).toBe('nothing_to_do');
      expect(again.accounts.find((a) => a.table === 'users')).toMatchObject({
        imported: 0,
        already: expectedJson().users.with_telegram_id,
      });
      expect(again.after).toEqual(again.prior);
      expect(await counts(services)).toEqual(before);
    }, 240_000);

    it('writes nothing on a dry run, yet reports what the import would do', async () => {
      const services = await shop();
      const report = await run(services, { dryRun: true });
      expect(report.status).toBe('dry_run');
      expect(Number(report.planned.customers)).toBeGreaterThan(0);
      expect(report.after.customers).toBe(report.planned.customers);
      expect(await counts(services)).toEqual(EMPTY);
    }, 240_000);

    it('rolls back exactly what it added, and refuses while imported rows are in use', async () => {
      const services = await shop();
      const bystander = await services.customers.register(
        { telegramId: 1_999_000_001, firstName: 'Here before' },
        'fa',
      );
      await services.ledger.credit({ customerId: bystander.customer.id, amount: 5000, kind: 'admin_credit' });
      const other = await shop();
      await run(other);
      const otherCounts = await counts(other);
      const report = await run(services);
      // a purchase-like debit on an imported customer: its money now depends on the import
      const [mapping] = await inTenant(t.database.handle.db, services.botId, (tx) =>
        tx
          .select({ targetId: importRows.targetId })
          .from(importRows)
          .where(and(eq(importRows.botId, services.botId), eq(importRows.entity, 'opening_balance'))),
      );
      const [entry] = await inTenant(t.database.handle.db, services.botId, (tx) =>
        tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.id, mapping!.targetId)),
      );
      const debit = await services.ledger.debit({
        customerId: asCustomerId(entry!.customerId),
        amount: 1,
        kind: 'admin_debit',
      });
      expect(debit.status).toBe('posted');
      const refused = await services.importer.rollback();
      expect(refused).toMatchObject({ status: 'refused' });
      if (refused.status === 'refused')
        expect(refused.blockers).toContainEqual(
          expect.objectContaining({ what: 'customer', targetId: entry!.customerId }),
        );
      expect(Number((await counts(services)).customers)).toBe(Number(report.after.customers) + 1);
      // with nothing depending on the imported rows, a rollback deletes them and only them
      const clean = await shop();
      const keep = await clean.customers.register({ telegramId: 1_999_000_002, firstName: 'Kept' }, 'en');
      await run(clean);
      const rolled = await clean.importer.rollback();
      expect(rolled.status).toBe('rolled_back');
      expect(await counts(clean)).toMatchObject({
        customers: 1,
        ledger: 0,
        subscriptions: 0,
        history: 0,
        promoCodes: 0,
        redemptions: 0,
        receipts: 0,
        rows: 0,
      });
      expect((await clean.customers.get(keep.customer.id))?.telegramId).toBe(1_999_000_002);
      // the other shop's import is untouched (one tenant's data only)
      expect(await counts(other)).toEqual(otherCounts);
      // and it can be imported again after a rollback
      expect((await run(clean)).status).toBe('imported');
    }, 300_000);

    it('fails before writing when the panel is down, and imports all but the subscriptions when asked', async () => {
      const services = await shop();
      await sim.setDown(true);
      try {
        await expect(run(services)).rejects.toBeInstanceOf(PanelUnavailableError);
        expect(await counts(services)).toEqual(EMPTY);
        const without = await run(services, { withoutPanel: true });
        expect(without.status).toBe('imported');
        expect(without.after.subscriptions).toBe('0');
        expect(without.rejected.filter((r) => /not linked/.test(r.reason)).length).toBeGreaterThan(0);
      } finally {
        await sim.setDown(false);
      }
      // once the panel answers, a later run links the subscriptions and adds nothing else
      const later = await run(services);
      expect(later.status).toBe('imported');
      expect(later.planned.customers).toBe('0');
      expect(later.planned.subscriptions).toBe(String(seeded.size));
    }, 300_000);

    it('leaves nothing half-imported when the source or the import breaks mid-way', async () => {
      const services = await shop();
      const opened = await fixture.open();
      try {
        await expect(
          services.importer.run({
            source: breakingSource(opened.source, /FROM promocode_uses/),
            panel,
            dryRun: false,
          }),
        ).rejects.toThrow(/lost/);
      } finally {
        await opened.close();
      }
      expect(await counts(services)).toEqual(EMPTY);
      // a failure while writing (after customers, balances and history) rolls everything back
      const again = await fixture.open();
      try {
        await expect(
          services.importer.run({
            source: again.source,
            panel,
            dryRun: false,
            progress: (line) => {
              if (line.startsWith('subscriptions:')) throw new Error('crash while writing (simulated)');
            },
          }),
        ).rejects.toThrow(/crash/);
      } finally {
        await again.close();
      }
      expect(await counts(services)).toEqual(EMPTY);
      if (fixture.kind === 'postgres') {
        // a real connection cut while reading: the source's backend is terminated mid-way
        const cut = await fixture.open();
        const terminate = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                            WHERE datname = current_database() AND pid <> pg_backend_pid()`;
        try {
          await expect(
            services.importer.run({
              source: {
                label: cut.source.label,
                async query<Row>(text: string, params?: readonly unknown[]) {
                  if (/FROM transactions/.test(text)) await fixture.sql(terminate);
                  return cut.source.query<Row>(text, params);
                },
              },
              panel,
              dryRun: false,
            }),
          ).rejects.toThrow();
        } finally {
          await cut.close();
        }
        expect(await counts(services)).toEqual(EMPTY);
      }
    }, 300_000);

    it('keeps an import to its own tenant: another shop sees none of its rows', async () => {
      const services = await shop();
      const other = await shop();
      const report: ImportReport = await run(services);
      expect(report.status).toBe('imported');
      expect(await counts(other)).toEqual(EMPTY);
      const leaked = await inTenant(t.database.handle.db, other.botId, (tx) =>
        tx.select({ id: importRows.targetId }).from(importRows),
      );
      expect(leaked).toEqual([]);
    }, 240_000);
  });
});
