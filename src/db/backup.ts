import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { SERVICE_ROLE, withOwner } from './database.js';

/*
 * Backups of the whole database (`npm run cli -- backup` / `restore`, and the daily backup job):
 *
 * - PostgreSQL: `pg_dump --format=custom` as the owner (DATABASE_URL), one consistent snapshot;
 *   restored with `pg_restore --single-transaction` into an empty database, so a failed restore
 *   leaves it empty. Row-level security is forced on every tenant table, so the dumping role must
 *   be a superuser or have BYPASSRLS, or it would read no tenant rows at all.
 * - The embedded database (PGlite): its own `dumpDataDir` (a gzipped tar of the data directory),
 *   restored by opening an empty directory with `loadDataDir`.
 *
 * The two kinds are told apart by their first bytes; one cannot be restored into the other.
 */

const run = promisify(execFile);

/** A backup that cannot be made or restored, with a one-line reason (the CLI prints it as is). */
export class BackupError extends Error {
  override name = 'BackupError';
}

export type BackupKind = 'postgres' | 'pglite';

export interface BackupFile {
  readonly kind: BackupKind;
  readonly path: string;
  readonly bytes: number;
}

/** pg_dump's custom format starts with "PGDMP"; PGlite's dump is a gzip stream. */
export async function backupKindOf(path: string): Promise<BackupKind | undefined> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BackupError(`${path}: no such file`);
    throw error;
  });
  try {
    const head = Buffer.alloc(5);
    const { bytesRead } = await handle.read(head, 0, 5, 0);
    if (bytesRead === 5 && head.toString('latin1') === 'PGDMP') return 'postgres';
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * libpq's environment for a connection URL: the password goes to the child in PGPASSWORD, never on
 * its command line (where `ps` shows it to every user of the machine).
 */
export function libpqEnvironment(url: string): NodeJS.ProcessEnv {
  const parsed = new URL(url);
  const env: NodeJS.ProcessEnv = { ...process.env };
  const set = (name: string, value: string | null | undefined) => {
    if (value) env[name] = value;
  };
  set('PGHOST', decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, '')));
  set('PGPORT', parsed.port);
  set('PGUSER', decodeURIComponent(parsed.username));
  set('PGPASSWORD', decodeURIComponent(parsed.password));
  set('PGDATABASE', decodeURIComponent(parsed.pathname.replace(/^\//, '')));
  // the query parameters libpq takes that a deployment may use
  const params: Record<string, string> = {
    host: 'PGHOST',
    port: 'PGPORT',
    sslmode: 'PGSSLMODE',
    sslrootcert: 'PGSSLROOTCERT',
    sslcert: 'PGSSLCERT',
    sslkey: 'PGSSLKEY',
    application_name: 'PGAPPNAME',
    connect_timeout: 'PGCONNECT_TIMEOUT',
  };
  for (const [param, variable] of Object.entries(params)) set(variable, parsed.searchParams.get(param));
  return env;
}

/** The major version of a PostgreSQL client program, e.g. 15 for "pg_dump (PostgreSQL) 15.20". */
async function clientMajor(program: string): Promise<number> {
  try {
    const { stdout } = await run(program, ['--version']);
    const match = /(\d+)(?:\.\d+)?/.exec(stdout);
    if (!match?.[1]) throw new BackupError(`${program} --version said "${stdout.trim()}"`);
    return Number(match[1]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BackupError(
        `${program} is not installed: install the PostgreSQL client programs (e.g. apt install postgresql-client) of the server's version or newer`,
      );
    }
    throw error;
  }
}

/** Why the child failed, in one line: its last stderr line. */
function childProblem(error: unknown): string {
  const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
  const line = stderr.split('\n').filter(Boolean).at(-1);
  return line ?? (error instanceof Error ? error.message : String(error));
}

async function refuseExisting(path: string): Promise<void> {
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  )
    throw new BackupError(`${path} already exists: choose another file (a backup never overwrites one)`);
}

/** Writes to `<path>.partial` and renames it once complete, so a backup file is never half written. */
async function writeWhole(path: string, write: (partial: string) => Promise<void>): Promise<BackupFile> {
  const partial = `${path}.partial`;
  try {
    await write(partial);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { kind: 'postgres', path, bytes: (await stat(path)).size };
}

/** pg_dump of the database at `ownerUrl` (DATABASE_URL) into `out`, in pg_dump's custom format. */
export async function backupPostgres(ownerUrl: string, out: string): Promise<BackupFile> {
  await refuseExisting(out);
  const dumpMajor = await clientMajor('pg_dump');
  const server = await withOwner(ownerUrl, undefined, async (session) => {
    const [version] = (await session.query<{ v: string }>('SHOW server_version_num')).rows;
    const [role] = (
      await session.query<{ name: string; ok: boolean }>(
        'SELECT rolname AS name, rolsuper OR rolbypassrls AS ok FROM pg_roles WHERE rolname = current_user',
      )
    ).rows;
    return { major: Math.floor(Number(version?.v ?? 0) / 10_000), role };
  });
  if (dumpMajor < server.major) {
    throw new BackupError(
      `pg_dump ${dumpMajor} is older than the server (PostgreSQL ${server.major}): install postgresql-client-${server.major}`,
    );
  }
  if (!server.role?.ok) {
    throw new BackupError(
      `the role "${server.role?.name ?? '?'}" of DATABASE_URL cannot read every tenant's rows (row-level security is forced on them): back up as a superuser, or give it BYPASSRLS (ALTER ROLE ... BYPASSRLS)`,
    );
  }
  const file = await writeWhole(out, async (partial) => {
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${partial}`], {
      env: libpqEnvironment(ownerUrl),
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: unknown) => {
      throw new BackupError(`pg_dump failed: ${childProblem(error)}`);
    });
  });
  return { ...file, kind: 'postgres' };
}

/** Something that can dump an embedded database: a live PGlite (the service) or its directory. */
export interface PgliteDumpable {
  dumpDataDir(compression?: 'gzip' | 'auto' | 'none'): Promise<File | Blob>;
}

/** PGlite's own dump (gzipped tar of the data directory) of a running instance into `out`. */
export async function backupPgliteInstance(client: PgliteDumpable, out: string): Promise<BackupFile> {
  await refuseExisting(out);
  const file = await writeWhole(out, async (partial) => {
    const blob = await client.dumpDataDir('gzip');
    await writeFile(partial, Buffer.from(await blob.arrayBuffer()));
  });
  return { ...file, kind: 'pglite' };
}

const isEmptyDirectory = async (dir: string): Promise<boolean> =>
  readdir(dir).then(
    (names) => names.length === 0,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return true;
      throw error;
    },
  );

/**
 * The embedded database in `dataDir` into `out`. PGlite is one process: the service must not be
 * running on the same directory meanwhile (the daily backup job dumps the running one instead).
 */
export async function backupPgliteDirectory(dataDir: string, out: string): Promise<BackupFile> {
  if (await isEmptyDirectory(dataDir)) throw new BackupError(`${dataDir}: no embedded database there`);
  const client = new PGlite(dataDir);
  try {
    await client.waitReady;
    return await backupPgliteInstance(client, out);
  } finally {
    await client.close();
  }
}

/** Migrations the restored database records: a quick proof it is ours and readable. */
export interface RestoreReport {
  readonly kind: BackupKind;
  readonly migrations: number;
}

/** Loads a PGlite backup into `dataDir`, which must be empty or absent. */
export async function restorePglite(from: string, dataDir: string): Promise<RestoreReport> {
  if ((await backupKindOf(from)) !== 'pglite') {
    throw new BackupError(
      `${from} is not a backup of the embedded database (a PostgreSQL backup is restored with DATABASE_URL set)`,
    );
  }
  if (!(await isEmptyDirectory(dataDir))) {
    throw new BackupError(
      `${dataDir} is not empty: restore only into an empty database (move the old data directory away, or set DATA_DIR to a new one)`,
    );
  }
  const blob = new Blob([await readFile(from)]);
  await mkdir(dataDir, { recursive: true });
  const client = new PGlite(dataDir, { loadDataDir: blob });
  try {
    await client.waitReady;
    const [row] = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations'))
      .rows;
    return { kind: 'pglite', migrations: Number(row?.n ?? 0) };
  } catch (error) {
    throw new BackupError(`${from} did not load: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.close();
  }
}

/** Loads a pg_dump backup into the database at `ownerUrl`, which must be empty. */
export async function restorePostgres(from: string, ownerUrl: string): Promise<RestoreReport> {
  if ((await backupKindOf(from)) !== 'postgres') {
    throw new BackupError(
      `${from} is not a PostgreSQL backup (a backup of the embedded database is restored without DATABASE_URL)`,
    );
  }
  await clientMajor('pg_restore');
  await withOwner(ownerUrl, undefined, async (session) => {
    const [objects] = (
      await session.query<{ n: number }>(`
        SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                   AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%')
             + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'public') AS n`)
    ).rows;
    if (Number(objects?.n ?? 0) > 0) {
      throw new BackupError(
        'the database of DATABASE_URL is not empty: restore only into a new, empty database (createdb, then point DATABASE_URL at it)',
      );
    }
    // roles belong to the cluster, not to the dump: the grants in it need the service role
    await session.exec(`
      DO $$
      BEGIN
        CREATE ROLE ${SERVICE_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END
      $$;`);
  });
  await run(
    'pg_restore',
    [
      '--no-owner',
      '--exit-on-error',
      '--single-transaction',
      `--dbname=${libpqEnvironment(ownerUrl).PGDATABASE ?? ''}`,
      from,
    ],
    { env: libpqEnvironment(ownerUrl), maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: unknown) => {
    throw new BackupError(`pg_restore failed (nothing was restored): ${childProblem(error)}`);
  });
  return withOwner(ownerUrl, undefined, async (session) => {
    const [row] = (await session.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations'))
      .rows;
    return { kind: 'postgres' as const, migrations: Number(row?.n ?? 0) };
  });
}

/** Makes a backup of the running service's database on demand (the daily backup job). */
export interface BackupMaker {
  /** A new backup file in a directory of its own; the caller deletes it (`discard`) once sent. */
  create(): Promise<BackupFile>;
  discard(file: BackupFile): Promise<void>;
}

export function createBackupMaker(deps: {
  /** The live embedded database, dumped in process (PGlite). */
  readonly dumpEmbedded: (() => Promise<Blob>) | undefined;
  /** DATABASE_URL: the owner, for pg_dump (PostgreSQL). */
  readonly ownerUrl: string | undefined;
  /** Where backups are written before they are sent (default: the system's temporary directory). */
  readonly directory?: string;
}): BackupMaker {
  return {
    async create() {
      const directory = await mkdtemp(join(deps.directory ?? tmpdir(), 'remnafleet-backup-'));
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      if (deps.ownerUrl) return backupPostgres(deps.ownerUrl, join(directory, `remnafleet-${stamp}.dump`));
      const dump = deps.dumpEmbedded;
      if (!dump) throw new BackupError('no database to back up');
      return backupPgliteInstance(
        { dumpDataDir: () => dump() },
        join(directory, `remnafleet-${stamp}.tar.gz`),
      );
    },
    async discard(file) {
      await rm(dirname(file.path), { recursive: true, force: true });
    },
  };
}
