import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import {
  BackupError,
  backupKindOf,
  backupPgliteDirectory,
  backupPostgres,
  createBackupMaker,
  libpqEnvironment,
  restorePglite,
  restorePostgres,
} from '../../src/db/backup.js';
import { openDatabase } from '../../src/db/database.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import { asCustomerId, type BotId } from '../../src/shared/ids.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import {
  BACKENDS,
  createScratchDatabase,
  createTenant,
  createTestApp,
  TEST_ENCRYPTION_KEY,
  type TestApp,
} from '../support/database.js';

/** Each table of the public schema, as its rows' text in order: two databases hold the same rows when equal. */
type Contents = Record<string, string[]>;

async function contentsOf(query: <R>(text: string) => Promise<R[]>): Promise<Contents> {
  const tables = await query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  const contents: Contents = {};
  for (const { name } of tables) {
    const rows = await query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t ORDER BY 1`);
    contents[name] = rows.map((r) => r.row);
  }
  return contents;
}

const pgContents = async (url: string): Promise<Contents> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await contentsOf(async <R>(text: string) => (await client.query(text)).rows as R[]);
  } finally {
    await client.end();
  }
};

const pgliteContents = async (dataDir: string): Promise<Contents> => {
  const client = new PGlite(dataDir);
  try {
    return await contentsOf(async <R>(text: string) => (await client.query<R>(text)).rows);
  } finally {
    await client.close();
  }
};

/** A shop with customers, a plan and ledger entries: the data a backup must carry. */
async function fillShop(t: TestApp) {
  const { tenant } = await createTenant(t.app, 'Backed up');
  const shop = t.app.forTenant(tenant.id);
  const plan = await shop.plans.create({ name: 'Monthly', periodDays: 30, price: 120_000 });
  if (!plan.ok) throw new Error('plan');
  const customers = [];
  for (let index = 0; index < 3; index++) {
    const { customer } = await shop.customers.register({ telegramId: 8_000_000_000 + index }, 'fa');
    customers.push(customer);
  }
  const credited = await shop.ledger.credit({
    customerId: asCustomerId(customers[0]!.id),
    amount: 75_000,
    kind: 'topup',
    externalRef: 'backup-test:1',
  });
  expect(credited.status).toBe('posted');
  return { botId: tenant.id, customers };
}

/** The restored database, opened as the service, shows the shop as it was. */
async function expectShopReadable(
  database: Parameters<typeof createApp>[0]['database'],
  botId: BotId,
  customerIds: readonly number[],
) {
  const app = createApp({
    database,
    secrets: createSecretBox(TEST_ENCRYPTION_KEY),
    logger: createSilentLogger(),
  });
  const shop = app.forTenant(botId);
  expect(await shop.ledger.balance(asCustomerId(customerIds[0]!))).toBe(75_000);
  for (const id of customerIds) expect(await shop.customers.get(asCustomerId(id))).toBeDefined();
  expect((await app.platform.tenants.get(botId))?.name).toBe('Backed up');
}

describe('libpqEnvironment', () => {
  it('hands the password to the child in the environment, not on its command line', () => {
    const env = libpqEnvironment('postgres://owner:s%40cret@db.example:6543/fleet?sslmode=require');
    expect(env).toMatchObject({
      PGHOST: 'db.example',
      PGPORT: '6543',
      PGUSER: 'owner',
      PGPASSWORD: 's@cret',
      PGDATABASE: 'fleet',
      PGSSLMODE: 'require',
    });
  });
});

describe.each(BACKENDS)('backup and restore on %s', (backend) => {
  let t: TestApp;
  let work: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    work = await mkdtemp(join(tmpdir(), 'rf-backup-test-'));
  });
  afterAll(async () => {
    await t?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('backs up a shop and restores every row into a new database, which refuses a second restore', async () => {
    const { botId, customers } = await fillShop(t);
    const maker = createBackupMaker({
      dumpEmbedded: t.database.handle.dumpEmbedded,
      ownerUrl: t.database.url,
      directory: work,
    });
    const file = await maker.create();
    expect(file.kind).toBe(backend);
    expect(file.bytes).toBeGreaterThan(0);
    expect(await backupKindOf(file.path)).toBe(backend);

    if (backend === 'postgres') {
      const source = await pgContents(t.database.url!);
      const target = await createScratchDatabase(undefined, 'rf_restore');
      try {
        const report = await restorePostgres(file.path, target.url);
        expect(report.migrations).toBe(source.schema_migrations?.length);
        // every row of every table, the ledger and the customers included
        expect(await pgContents(target.url)).toEqual(source);
        expect(source.customers?.length).toBeGreaterThanOrEqual(3);
        expect(source.ledger_transactions?.length).toBeGreaterThanOrEqual(1);
        // the service's own role reads it through row-level security, as before
        const handle = await openDatabase({
          url: target.url,
          appUrl: target.appUrl,
          logger: createSilentLogger(),
        });
        try {
          expect(handle.migrations?.applied).toEqual([]);
          await expectShopReadable(
            handle,
            botId,
            customers.map((c) => c.id),
          );
        } finally {
          await handle.close();
        }
        await expect(restorePostgres(file.path, target.url)).rejects.toThrow(/is not empty/);
      } finally {
        await target.drop();
      }
    } else {
      const restoredDir = join(work, 'restored');
      const report = await restorePglite(file.path, restoredDir);
      const migrationFiles = (await readdir('migrations')).filter((name) => name.endsWith('.sql'));
      expect(report.migrations).toBe(migrationFiles.length);
      const restored = await pgliteContents(restoredDir);
      expect(restored.customers?.length).toBe(3);
      expect(restored.ledger_transactions?.length).toBe(1);
      // the source, read the same way: a second dump opened beside it
      const again = await maker.create();
      const copyDir = join(work, 'copy');
      await restorePglite(again.path, copyDir);
      expect(await pgliteContents(copyDir)).toEqual(restored);
      await maker.discard(again);
      const handle = await openDatabase({ dataDir: restoredDir, logger: createSilentLogger() });
      try {
        expect(handle.migrations?.applied).toEqual([]);
        await expectShopReadable(
          handle,
          botId,
          customers.map((c) => c.id),
        );
      } finally {
        await handle.close();
      }
      await expect(restorePglite(file.path, restoredDir)).rejects.toThrow(/is not empty/);
      // and the directory backup (the CLI's, with the service stopped) makes the same kind of file
      const out = join(work, 'from-directory.tar.gz');
      const fromDir = await backupPgliteDirectory(restoredDir, out);
      expect(await backupKindOf(fromDir.path)).toBe('pglite');
    }
    await maker.discard(file);
    await expect(backupKindOf(file.path)).rejects.toThrow(BackupError);
  }, 120_000);

  it('refuses a file of the other kind, or of no kind, and never overwrites a file', async () => {
    const junk = join(work, 'junk.bin');
    await writeFile(junk, 'not a backup');
    expect(await backupKindOf(junk)).toBeUndefined();
    if (backend === 'postgres') {
      await expect(restorePostgres(junk, t.database.url!)).rejects.toThrow(/not a PostgreSQL backup/);
      await expect(backupPostgres(t.database.url!, junk)).rejects.toThrow(/already exists/);
      // a role row-level security applies to would dump no tenant rows: refused before pg_dump runs
      await expect(backupPostgres(t.database.appUrl!, join(work, 'as-service.dump'))).rejects.toThrow(
        /cannot read every tenant's rows/,
      );
    } else {
      await expect(restorePglite(junk, join(work, 'empty'))).rejects.toThrow(/not a backup of the embedded/);
    }
  });
});
