import { and, eq, getTableName } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bots, customers, ledgerTransactions, MONEY_COLUMNS } from '../../src/db/schema.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import { MAX_MONEY } from '../../src/shared/money.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';
import { rejection } from '../support/errors.js';

let nextTelegramId = 7_400_000_000;

const declared = MONEY_COLUMNS.map((entry) => ({
  table: getTableName(entry.column.table),
  column: entry.column.name,
  constraint: entry.constraint,
  signed: 'signed' in entry && entry.signed,
}));

describe.each(BACKENDS)('money bounds in the database on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const query = <Row>(text: string) => t.database.handle.query<Row>(text);

  it('bound every money column of schema.ts by MAX_MONEY with the constraint it names', async () => {
    const rows = await query<{ table: string; name: string; definition: string }>(
      `SELECT rel.relname AS table, con.conname AS name, pg_get_constraintdef(con.oid) AS definition
         FROM pg_constraint con
         JOIN pg_class rel ON rel.oid = con.conrelid
        WHERE con.contype = 'c' AND rel.relnamespace = 'public'::regnamespace`,
    );
    for (const money of declared) {
      const found = rows.find((row) => row.name === money.constraint);
      expect(found, `${money.constraint} exists`).toBeDefined();
      expect(found?.table).toBe(money.table);
      // PostgreSQL prints `(balance <= '1000000000000000'::bigint)`, BETWEEN as two comparisons
      expect(found?.definition).toMatch(new RegExp(`\\b${money.column} <= '?${MAX_MONEY}\\b`));
      if (money.signed)
        expect(found?.definition).toMatch(new RegExp(`\\b${money.column} >= '?-${MAX_MONEY}\\b`));
    }
  });

  it('leave no bigint money column unbounded: every one is declared in MONEY_COLUMNS', async () => {
    const rows = await query<{ table: string; column: string }>(
      `SELECT c.relname AS table, a.attname AS column
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'bigint'::regtype
          AND a.attname ~ '(balance|amount|price)'`,
    );
    const key = (row: { table: string; column: string }) => `${row.table}.${row.column}`;
    expect(rows.map(key).sort()).toEqual(declared.map(key).sort());
  });

  it('hold a balance of exactly MAX_MONEY and refuse one unit more, even when the services are bypassed', async () => {
    const botId = (await createTenant(t.app)).tenant.id;
    const shop = t.app.forTenant(botId);
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    const db = t.database.handle.db;
    const byId = and(eq(customers.botId, botId), eq(customers.id, customer.id));

    await inTenant(db, botId, (tx) => tx.update(customers).set({ balance: MAX_MONEY }).where(byId));
    // read back through drizzle's bigint-as-number mapping: exact to the unit
    expect((await shop.customers.get(customer.id))?.balance).toBe(MAX_MONEY);
    expect(
      await rejection(
        inTenant(db, botId, (tx) =>
          tx
            .update(customers)
            .set({ balance: MAX_MONEY + 1 })
            .where(byId),
        ),
      ),
    ).toMatch(/customers_balance_max/);
    expect((await shop.customers.get(customer.id))?.balance).toBe(MAX_MONEY);

    await inTenant(db, botId, (tx) =>
      tx.update(bots).set({ walletBalance: MAX_MONEY }).where(eq(bots.id, botId)),
    );
    expect(await shop.wallet.balance()).toBe(MAX_MONEY);
    expect(
      await rejection(
        inTenant(db, botId, (tx) =>
          tx
            .update(bots)
            .set({ walletBalance: MAX_MONEY + 1 })
            .where(eq(bots.id, botId)),
        ),
      ),
    ).toMatch(/bots_wallet_balance_max/);

    const entry = (amount: number, balanceAfter: number) =>
      inTenant(db, botId, (tx) =>
        tx
          .insert(ledgerTransactions)
          .values({ botId, customerId: customer.id, amount, balanceAfter, kind: 'migration' }),
      );
    expect(await rejection(entry(-(MAX_MONEY + 1), 0))).toMatch(/ledger_transactions_amount_max/);
    expect(await rejection(entry(1, MAX_MONEY + 1))).toMatch(/ledger_transactions_balance_after_max/);
    await entry(-MAX_MONEY, MAX_MONEY);
    const [stored] = await inTenant(db, botId, (tx) =>
      tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.botId, botId)),
    );
    expect(stored).toMatchObject({ amount: -MAX_MONEY, balanceAfter: MAX_MONEY });
  });
});
