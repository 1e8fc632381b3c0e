import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../shared/logger.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** The few calls the runner needs, so it works on a pg client and on PGlite alike. */
export interface SqlSession {
  /** Runs one statement with parameters. */
  query<Row>(text: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  /** Runs a script of several statements, no parameters. */
  exec(script: string): Promise<void>;
}

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

// Any constant: serialises migrators of one database (two instances starting at once).
const MIGRATION_LOCK_KEY = 7_262_524_001;

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match?.[1] || !match[2])
        throw new Error(`migration file name "${file}" must look like 0001_name.sql`);
      const sql = await readFile(join(dir, file), 'utf8');
      return {
        version: match[1],
        name: match[2],
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}

/**
 * Applies the migrations not yet recorded, in order, each in its own transaction. Re-running is a
 * no-op. An applied migration whose file changed afterwards stops the run: migrations are history.
 */
export async function migrate(
  session: SqlSession,
  logger: Logger,
  dir = MIGRATIONS_DIR,
): Promise<MigrationReport> {
  const migrations = await loadMigrations(dir);
  await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    const { rows } = await session.query<{ version: string; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations ORDER BY version',
    );
    const recorded = new Map(rows.map((row) => [row.version, row.checksum]));
    const applied: string[] = [];
    for (const migration of migrations) {
      const checksum = recorded.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `migration ${migration.version}_${migration.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      logger.info({ version: migration.version, name: migration.name }, 'applying migration');
      await session.exec('BEGIN');
      try {
        await session.exec(migration.sql);
        await session.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        await session.exec('COMMIT');
      } catch (error) {
        await session.exec('ROLLBACK');
        throw new Error(
          `migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      applied.push(`${migration.version}_${migration.name}`);
    }
    return { applied, alreadyApplied: recorded.size };
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
