import { cp, mkdtemp, readdir, writeFile } from 'node:fs/promises';
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
