import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, MIGRATIONS_DIR, migrate, type SqlSession } from '../../src/db/migrate.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS, type Backend, createScratchDatabase } from '../support/database.js';

const logger = createSilentLogger();

/** An owner session on an empty database of the given backend. */
async function emptyDatabase(backend: Backend): Promise<{ session: SqlSession; close(): Promise<void> }> {
  if (backend === 'pglite') {
    const client = new PGlite();
    return {
      session: {
        query: (text, params) => client.query(text, params ? [...params] : undefined),
        exec: async (script) => {
          await client.exec(script);
        },
      },
      close: () => client.close(),
    };
  }
  const scratch = await createScratchDatabase();
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  return {
    session: {
      query: async (text, params) => ({
        rows: (await client.query(text, params ? [...params] : undefined)).rows,
      }),
      exec: async (script) => {
        await client.query(script);
      },
    },
    close: async () => {
      await client.end();
      await scratch.drop();
    },
  };
}

describe.each(BACKENDS)('migrations on %s', (backend) => {
  let db: Awaited<ReturnType<typeof emptyDatabase>>;
  beforeAll(async () => {
    db = await emptyDatabase(backend);
  });
  afterAll(() => db.close());

  it('go from an empty database to the latest, then again as a no-op', async () => {
    const all = await loadMigrations();
    const first = await migrate(db.session, logger);
    expect(first.applied).toEqual(all.map((m) => `${m.version}_${m.name}`));
    const second = await migrate(db.session, logger);
    expect(second).toEqual({ applied: [], alreadyApplied: all.length });
    const { rows } = await db.session.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM schema_migrations',
    );
    expect(rows[0]?.n).toBe(all.length);
  });

  it('refuse to continue when an applied migration was edited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rf-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const [firstFile] = (await readdir(dir)).sort();
    await writeFile(join(dir, firstFile!), '-- edited\nSELECT 1;');
    await expect(migrate(db.session, logger, dir)).rejects.toThrow(/was changed after it was applied/);
  });

  it('keep every subscription and its panel username when customers may own several (0015)', async () => {
    const scratch = await emptyDatabase(backend);
    try {
      const before = await mkdtemp(join(tmpdir(), 'rf-migrations-'));
      await cp(MIGRATIONS_DIR, before, { recursive: true });
      for (const file of await readdir(before)) if (file >= '0015') await rm(join(before, file));
      await migrate(scratch.session, logger, before);
      await scratch.session.exec(`
        SELECT set_config('app.bot_id', '1', false);
        INSERT INTO bots (id, name, token_ciphertext, telegram_bot_id, api_token_hash)
          VALUES (1, 'Old shop', 'x', 42, 'h');
        INSERT INTO customers (id, bot_id, telegram_id, referral_code) VALUES (7, 1, 700, 'r7');
        INSERT INTO subscriptions (bot_id, customer_id, panel_username, panel_user_id, status)
          VALUES (1, 7, 'rf1c7', 55, 'active');`);
      await migrate(scratch.session, logger);
      const { rows } = await scratch.session.query<Record<string, unknown>>(
        'SELECT customer_id::int, ordinal, panel_username, panel_user_id::int, status, autopay FROM subscriptions',
      );
      expect(rows).toEqual([
        {
          customer_id: 7,
          ordinal: 1,
          panel_username: 'rf1c7',
          panel_user_id: 55,
          status: 'active',
          autopay: null,
        },
      ]);
      // a second subscription of the same customer is now allowed, under the next ordinal only
      await scratch.session.exec(
        "INSERT INTO subscriptions (bot_id, customer_id, ordinal, panel_username) VALUES (1, 7, 2, 'rf1c7s2')",
      );
      await expect(
        scratch.session.exec(
          "INSERT INTO subscriptions (bot_id, customer_id, ordinal, panel_username) VALUES (1, 7, 2, 'other')",
        ),
      ).rejects.toThrow(/subscriptions_customer_ordinal/);
    } finally {
      await scratch.close();
    }
  });

  it('leave every tenant table isolated: bot_id not null, RLS enabled and forced, unique keys with bot_id', async () => {
    const { rows: tables } = await db.session.query<{
      table: string;
      rls: boolean;
      forced: boolean;
      nullable: string;
    }>(
      `SELECT c.relname AS table, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced, col.is_nullable AS nullable
         FROM pg_class c
         JOIN information_schema.columns col ON col.table_name = c.relname AND col.column_name = 'bot_id'
        WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace AND col.table_schema = 'public'`,
    );
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining([
        'bot_feature_flags',
        'bot_configurations',
        'tenant_payment_cards',
        'bot_plans',
        'card_to_card_payments',
        'zarinpal_payments',
        'customers',
        'subscriptions',
        'ledger_transactions',
      ]),
    );
    for (const table of tables) {
      expect(table, table.table).toMatchObject({ rls: true, forced: true, nullable: 'NO' });
    }
    // every unique index of a tenant table, except the surrogate primary key, leads with bot_id
    const { rows: indexes } = await db.session.query<{ index: string; first: string; primary: boolean }>(
      `SELECT i.indexrelid::regclass::text AS index, a.attname AS first, i.indisprimary AS primary
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
        WHERE i.indisunique AND t.relname = ANY($1)`,
      [tables.map((t) => t.table)],
    );
    const offenders = indexes.filter((index) => index.first !== 'bot_id' && !index.primary);
    // authority and ref_id are Zarinpal's own globally unique ids
    expect(offenders.map((o) => o.index).sort()).toEqual([
      'zarinpal_payments_authority_key',
      'zarinpal_payments_ref_id_key',
    ]);
    const { rows: bots } = await db.session.query<{ rls: boolean; forced: boolean }>(
      `SELECT relrowsecurity AS rls, relforcerowsecurity AS forced FROM pg_class WHERE relname = 'bots'`,
    );
    expect(bots[0]).toEqual({ rls: true, forced: true });
  });
});
