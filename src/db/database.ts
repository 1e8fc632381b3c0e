import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { StartupError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { type MigrationReport, migrate, type SqlSession } from './migrate.js';
import { ServicePool } from './pool.js';

/**
 * Drizzle without the schema: queries name their tables (`tx.select().from(customers)`), and the
 * relational `tx.query` API is not used. Given the schema, drizzle builds a query builder for
 * every table on every transaction it opens (about 8 % of a broadcasting process's CPU).
 */
export type Database = PgDatabase<PgQueryResultHKT>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The role the service runs as: not the owner of any table, no BYPASSRLS (migrations/0001). */
export const SERVICE_ROLE = 'remnafleet_app';

export interface DatabaseOptions {
  /** Owner connection string: runs the migrations. Absent → embedded PGlite. */
  readonly url?: string | undefined;
  /**
   * Connection string of the service's own login role, a member of the service role and of nothing
   * that owns a table or bypasses row-level security. Required with `url`.
   */
  readonly appUrl?: string | undefined;
  /** PGlite data directory; absent → in memory. */
  readonly dataDir?: string | undefined;
  readonly poolMax?: number;
  /** How long opening a connection may take before it fails (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** Apply pending migrations first (default true). */
  readonly migrate?: boolean;
  readonly logger: Logger;
}

export interface DatabaseHandle {
  readonly kind: 'pglite' | 'postgres';
  /** Every query runs as the service role, so row-level security applies. */
  readonly db: Database;
  readonly migrations: MigrationReport | undefined;
  /** Subscribes to a NOTIFY channel on a dedicated connection; returns the unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** Raw SQL as the service role, for the few checks that want it (and tests). */
  query<Row>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Whether the database answers right now, within `timeoutMs` (default 2 s); never throws. It uses
   * a connection of its own, so a pool busy with long transactions does not read as "down".
   */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * Whether every LISTEN subscription is connected now (false while one reconnects); the embedded
   * database has no connection to lose. For /health.
   */
  isListening(): boolean;
  /** The pool's connections now (PostgreSQL; undefined on the embedded database). For GET /metrics. */
  poolStats(): { total: number; idle: number; waiting: number; max: number } | undefined;
  /** The embedded database's own dump of itself, taken live (PGlite only; see db/backup.ts). */
  readonly dumpEmbedded: (() => Promise<Blob>) | undefined;
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const CREATE_ROLE_COMMAND = 'npm run cli -- db:create-service-role';

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (!options.url) {
    const handle = await openPglite(options);
    // PGlite has one user, its superuser, which switched to the service role for good: the role
    // to check is the current one (see docs/ARCHITECTURE.md, PGlite).
    await assertServiceRole(handle, 'current_user', 'the embedded database');
    return handle;
  }
  // The owner's connections switching to the service role are no protection: any SQL the service
  // runs could SET ROLE back to the owner (the login role). The service must log in as its own.
  if (!options.appUrl) {
    throw new StartupError(
      `DATABASE_APP_URL is not set: with DATABASE_URL the service must log in as its own role, not as the owner (create one with: ${CREATE_ROLE_COMMAND})`,
    );
  }
  return openPostgres(options, options.url, options.appUrl);
}

/**
 * Applies pending migrations and returns: as the owner of `url` on PostgreSQL, on the embedded
 * database in `dataDir` otherwise. For `npm run migrate` and the role set-up, which must work
 * before the service's own role exists.
 */
export async function migrateDatabase(
  options: Pick<DatabaseOptions, 'url' | 'dataDir' | 'connectTimeoutMs' | 'logger'>,
): Promise<MigrationReport> {
  if (options.url) {
    return withOwner(options.url, options.connectTimeoutMs, (session) => migrate(session, options.logger));
  }
  const handle = await openPglite({ ...options, migrate: true });
  await handle.close();
  return handle.migrations ?? { applied: [], alreadyApplied: 0 };
}

/** Runs `work` on one connection as the owner of `url` (DATABASE_URL), closed afterwards. */
export async function withOwner<T>(
  url: string,
  connectTimeoutMs: number | undefined,
  work: (session: SqlSession & { readonly client: pg.Client }) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });
  // a backend lost mid-migration fails the statement in flight; unheard, the event would end the process
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionRefused('DATABASE_URL', url, error);
  }
  try {
    return await work({
      client,
      query: async <Row>(text: string, params?: readonly unknown[]) => ({
        rows: (await client.query(text, params ? [...params] : undefined)).rows as Row[],
      }),
      exec: async (script) => {
        await client.query(script);
      },
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function openPglite(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  await client.waitReady;
  const session: SqlSession = {
    query: async (text, params) => client.query(text, params ? [...params] : undefined),
    exec: async (script) => {
      await client.exec(script);
    },
  };
  const migrations = options.migrate === false ? undefined : await migrate(session, options.logger);
  // PGlite is one connection: migrations ran as its superuser, everything after runs as the
  // service role. Nothing in the service issues RESET ROLE.
  await client.exec(`SET ROLE ${SERVICE_ROLE}`);
  const db = drizzlePglite({ client }) as unknown as Database;
  return {
    kind: 'pglite',
    db,
    migrations,
    listen: async (channel, onMessage) => {
      const unsubscribe = await client.listen(channel, onMessage);
      return async () => {
        await unsubscribe();
      };
    },
    query: async (text, params) => (await client.query<never>(text, params ? [...params] : undefined)).rows,
    // embedded: there is no server to lose, only our own handle to close
    ping: async () => !client.closed,
    isListening: () => !client.closed,
    poolStats: () => undefined,
    dumpEmbedded: () => client.dumpDataDir('gzip'),
    close: async () => {
      await client.close();
    },
  };
}

async function openPostgres(
  options: DatabaseOptions,
  ownerUrl: string,
  appUrl: string,
): Promise<DatabaseHandle> {
  const logger = options.logger;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const migrations =
    options.migrate === false
      ? undefined
      : await withOwner(ownerUrl, connectTimeoutMs, (session) => migrate(session, logger));
  const connection: pg.ClientConfig = {
    connectionString: appUrl,
    // current_user is the service role whatever the login role's INHERIT setting, as on PGlite; a
    // login role that is not a member of it cannot connect at all.
    options: `-c role=${SERVICE_ROLE}`,
    application_name: 'remnafleet',
    // a database that is down fails the work quickly instead of queueing it forever
    connectionTimeoutMillis: connectTimeoutMs,
    // a peer that vanished without closing (network cut, host gone) is noticed by TCP
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const pool = new ServicePool({ ...connection, max: options.poolMax ?? 10, idleTimeoutMillis: 30_000 });
  // An idle client's error is also reported on the client itself (below); the pool has already
  // dropped it. Without a listener here the pool's 'error' would end the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    // node-postgres emits 'error' on a checked-out client whose backend dies (terminated, server
    // restart, network cut) and the pool listens only while the client is idle: unheard, that
    // event ends the process. The query in flight fails by itself, later ones fail as "not
    // queryable", and the pool drops the client when it comes back.
    client.on('error', (error) => logger.warn({ err: error }, 'database connection lost'));
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionRefused('DATABASE_APP_URL', appUrl, error);
  }
  const db = drizzleNodePg({ client: pool }) as unknown as Database;
  const subscriptions = new Set<() => Promise<void>>();
  /** Subscriptions whose connection is down right now (reconnecting). */
  const disconnected = new Set<object>();
  const poolMax = options.poolMax ?? 10;
  const pinger = createPinger(connection);
  const handle: DatabaseHandle = {
    kind: 'postgres',
    db,
    migrations,
    listen: async (channel, onMessage) => {
      const key = {};
      const stop = await listenPostgres(connection, channel, onMessage, logger, (connected) => {
        if (connected) disconnected.delete(key);
        else disconnected.add(key);
      });
      const unsubscribe = async () => {
        subscriptions.delete(unsubscribe);
        disconnected.delete(key);
        await stop();
      };
      subscriptions.add(unsubscribe);
      return unsubscribe;
    },
    query: async (text, params) => (await pool.query(text, params ? [...params] : undefined)).rows,
    ping: (timeoutMs) => pinger.ping(timeoutMs),
    isListening: () => disconnected.size === 0,
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: poolMax,
    }),
    dumpEmbedded: undefined,
    close: async () => {
      await Promise.all([...subscriptions].map((unsubscribe) => unsubscribe()));
      await pinger.close();
      await pool.end();
    },
  };
  await assertServiceRole(handle, 'session_user', 'DATABASE_APP_URL');
  return handle;
}

/** `ping` on a connection of its own, opened again after a failure. */
function createPinger(connection: pg.ClientConfig): {
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
} {
  let kept: pg.Client | undefined;
  let closed = false;
  let inFlight: Promise<boolean> | undefined;

  const drop = (client: pg.Client) => {
    if (kept === client) kept = undefined;
    client.end().catch(() => undefined);
  };
  const attempt = async (reuse: boolean, timeoutMs: number): Promise<boolean> => {
    const client =
      reuse && kept ? kept : new pg.Client({ ...connection, connectionTimeoutMillis: timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const answered = (async () => {
      if (client !== kept) {
        // the failed query or connect says what went wrong; the event only says it again
        client.on('error', () => drop(client));
        await client.connect();
      }
      await client.query('SELECT 1');
      return true;
    })().catch(() => false);
    const ok = await Promise.race([answered, timedOut]);
    clearTimeout(timer);
    if (ok && !closed) kept = client;
    else drop(client);
    return ok;
  };
  const probe = async (timeoutMs: number): Promise<boolean> => {
    const started = Date.now();
    const reused = kept !== undefined;
    if (await attempt(true, timeoutMs)) return true;
    // a kept connection may have died while idle (its 'error' not yet seen): one fresh try
    const left = timeoutMs - (Date.now() - started);
    return reused && left > 0 ? attempt(false, left) : false;
  };
  return {
    ping(timeoutMs = 2_000) {
      if (closed) return Promise.resolve(false);
      inFlight ??= probe(timeoutMs).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    async close() {
      closed = true;
      await inFlight;
      if (kept) await kept.end().catch(() => undefined);
      kept = undefined;
    },
  };
}

/**
 * A dedicated connection per subscription that reconnects after a failure. The first connection
 * must succeed (start-up reports it); later failures are retried until unsubscribed.
 */
async function listenPostgres(
  connection: pg.ClientConfig,
  channel: string,
  onMessage: (payload: string) => void,
  logger: Logger,
  onConnection: (connected: boolean) => void = () => undefined,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const scheduleReconnect = (delayMs: number) => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((error: unknown) => {
        logger.warn({ err: error, channel }, 'listen reconnect failed; retrying');
        scheduleReconnect(1000);
      });
    }, delayMs);
    retry.unref();
  };
  const connect = async (): Promise<void> => {
    const client = new pg.Client(connection);
    let failed = false;
    client.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    client.on('error', (error) => {
      // a dead backend is reported twice (the server's message, then the closed socket)
      if (failed) return;
      failed = true;
      if (current === client) current = undefined;
      client.end().catch(() => undefined);
      onConnection(false);
      logger.warn({ err: error, channel }, 'listen connection lost; reconnecting');
      scheduleReconnect(500);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      failed = true;
      client.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    current = client;
    onConnection(true);
    // A notification sent while we were disconnected is lost: tell the subscriber to start over.
    onMessage('');
  };
  try {
    await connect();
  } catch (error) {
    stopped = true;
    clearTimeout(retry);
    throw error;
  }
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const client = current;
    current = undefined;
    await client?.end().catch(() => undefined);
  };
}

/** A one-line start-up refusal for a connection that could not be opened. */
function connectionRefused(variable: string, url: string, error: unknown): StartupError {
  return new StartupError(`${variable}: cannot connect to ${describeUrl(url)}: ${connectionProblem(error)}`, {
    cause: error,
  });
}

/** user@host:port/database, never the password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the database';
  }
}

const SOCKET_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is PostgreSQL running there?)',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
};

function connectionProblem(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && SOCKET_PROBLEMS[code]) return SOCKET_PROBLEMS[code];
  const message = error instanceof Error ? error.message.split('\n')[0]?.trim() : '';
  if (/timeout/i.test(message ?? '')) return 'no answer in time (timed out)';
  if (code === '3D000') return `${message} (create it, or correct the database name)`;
  if (code === '42501' && /set role/.test(message ?? '')) {
    return `${message}: the login role must be a member of ${SERVICE_ROLE} (${CREATE_ROLE_COMMAND})`;
  }
  return message || String(error);
}

/**
 * Refuses to run as a role that could switch off row-level security: a superuser, a BYPASSRLS
 * role, a role that owns tables or a schema (it could ALTER or drop them), one with CREATEROLE (it
 * could grant itself the owner), one that may run programs or write files on the server, or a
 * member of any such role (it could SET ROLE to it). On PostgreSQL the role checked is the login
 * role (session_user): SET ROLE and RESET ROLE can reach any role it is a member of, whatever
 * current_user is now.
 */
async function assertServiceRole(
  handle: DatabaseHandle,
  who: 'session_user' | 'current_user',
  variable: string,
): Promise<void> {
  let rows: RoleFinding[];
  try {
    rows = await handle.query<RoleFinding>(
      `SELECT ${who} AS login, r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
              r.rolcreaterole AS createrole,
              r.rolname IN ('pg_execute_server_program', 'pg_write_server_files') AS server_access,
              EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE c.relowner = r.oid AND n.nspname !~ '^pg_'
                         AND n.nspname <> 'information_schema') AS owns_tables,
              (SELECT string_agg(n.nspname, ', ' ORDER BY n.nspname) FROM pg_namespace n
                WHERE n.nspowner = r.oid AND n.nspname !~ '^pg_'
                  AND n.nspname <> 'information_schema') AS owns_schemas
         FROM pg_roles r
        WHERE pg_has_role(${who}, r.oid, 'MEMBER')`,
    );
  } catch (error) {
    await handle.close();
    throw error;
  }
  const login = rows[0]?.login ?? '?';
  if (rows.length === 0) {
    await handle.close();
    throw new StartupError(`${variable}: could not read what the service's role may do; refusing to start`);
  }
  // the role's own powers first: a superuser is a member of every role, which says nothing more
  const own = rows.filter((row) => row.role === row.login).flatMap(describeRole);
  const problems = own.length > 0 ? own : rows.flatMap(describeRole);
  if (problems.length === 0) return;
  await handle.close();
  throw new StartupError(
    `${variable}: the service logs in as "${login}", which ${problems.join('; ')}: it could switch off row-level security. ` +
      `Log in as a role that is a member of ${SERVICE_ROLE} and of nothing that owns tables or bypasses security (create one with: ${CREATE_ROLE_COMMAND})`,
  );
}

interface RoleFinding {
  readonly login: string;
  readonly role: string;
  readonly superuser: boolean;
  readonly bypassrls: boolean;
  readonly createrole: boolean;
  readonly server_access: boolean;
  readonly owns_tables: boolean;
  readonly owns_schemas: string | null;
}

function describeRole(row: RoleFinding): string[] {
  const what = [
    row.superuser && 'is a superuser',
    row.bypassrls && 'has BYPASSRLS',
    row.createrole && 'has CREATEROLE',
    row.server_access && 'may run programs or write files on the server',
    row.owns_tables && 'owns tables',
    row.owns_schemas && `owns schema ${row.owns_schemas}`,
  ].filter((item): item is string => typeof item === 'string');
  if (what.length === 0) return [];
  return row.role === row.login ? what : [`is a member of "${row.role}", which ${what.join(' and ')}`];
}
