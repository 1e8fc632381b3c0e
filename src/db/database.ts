import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Logger } from '../shared/logger.js';
import { type MigrationReport, migrate, type SqlSession } from './migrate.js';
import { type Schema, schema } from './schema.js';

export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/** The role the service runs as: not the owner of any table, no BYPASSRLS (migrations/0001). */
export const SERVICE_ROLE = 'remnafleet_app';

export interface DatabaseOptions {
  /** Owner connection string (migrations). Absent → embedded PGlite. */
  readonly url?: string | undefined;
  /** Connection string of a login role that is (a member of) the service role. */
  readonly appUrl?: string | undefined;
  /** PGlite data directory; absent → in memory. */
  readonly dataDir?: string | undefined;
  readonly poolMax?: number;
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
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const handle = options.url ? await openPostgres(options, options.url) : await openPglite(options);
  await assertServiceRole(handle);
  return handle;
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
  const db = drizzlePglite({ client, schema }) as unknown as Database;
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
    close: async () => {
      await client.close();
    },
  };
}

async function openPostgres(options: DatabaseOptions, ownerUrl: string): Promise<DatabaseHandle> {
  let migrations: MigrationReport | undefined;
  if (options.migrate !== false) {
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      migrations = await migrate(
        {
          query: async <Row>(text: string, params?: readonly unknown[]) => ({
            rows: (await owner.query(text, params ? [...params] : undefined)).rows as Row[],
          }),
          exec: async (script) => {
            await owner.query(script);
          },
        },
        options.logger,
      );
    } finally {
      await owner.end();
    }
  }
  // Without a dedicated login role the owner's connections switch to the service role at
  // start-up: if the role is missing the connection fails instead of silently running as owner.
  const connection: pg.ClientConfig = options.appUrl
    ? { connectionString: options.appUrl }
    : { connectionString: ownerUrl, options: `-c role=${SERVICE_ROLE}` };
  const pool = new pg.Pool({ ...connection, max: options.poolMax ?? 10 });
  pool.on('error', (error) => options.logger.error({ err: error }, 'idle database connection failed'));
  const db = drizzleNodePg({ client: pool, schema }) as unknown as Database;
  const listeners = new Set<pg.Client>();
  return {
    kind: 'postgres',
    db,
    migrations,
    listen: async (channel, onMessage) =>
      listenPostgres(connection, channel, onMessage, listeners, options.logger),
    query: async (text, params) => (await pool.query(text, params ? [...params] : undefined)).rows,
    close: async () => {
      await Promise.all([...listeners].map((client) => client.end().catch(() => undefined)));
      await pool.end();
    },
  };
}

/** A dedicated connection per subscription that reconnects after a failure. */
async function listenPostgres(
  connection: pg.ClientConfig,
  channel: string,
  onMessage: (payload: string) => void,
  listeners: Set<pg.Client>,
  logger: Logger,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: pg.Client | undefined;
  const connect = async (): Promise<void> => {
    const client = new pg.Client(connection);
    client.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    client.on('error', (error) => {
      logger.warn({ err: error, channel }, 'listen connection failed; reconnecting');
      listeners.delete(client);
      client.end().catch(() => undefined);
      if (!stopped) setTimeout(() => void reconnect(), 500).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    listeners.add(client);
    current = client;
    // A notification sent while we were disconnected is lost: tell the subscriber to start over.
    onMessage('');
  };
  const reconnect = async (): Promise<void> => {
    try {
      await connect();
    } catch (error) {
      logger.warn({ err: error, channel }, 'listen reconnect failed; retrying');
      if (!stopped) setTimeout(() => void reconnect(), 1000).unref();
    }
  };
  await connect();
  return async () => {
    stopped = true;
    if (current) {
      listeners.delete(current);
      await current.end().catch(() => undefined);
    }
  };
}

/** Refuses to run as a role that would silently bypass row-level security. */
async function assertServiceRole(handle: DatabaseHandle): Promise<void> {
  const [role] = await handle.query<{ name: string; superuser: boolean; bypass: boolean; owns: boolean }>(
    `SELECT current_user AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
            EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user
                      AND tablename <> 'schema_migrations') AS owns
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  if (!role || role.superuser || role.bypass || role.owns) {
    await handle.close();
    throw new Error(
      `the service connects as "${role?.name}", which bypasses row-level security (superuser, BYPASSRLS or table owner); ` +
        `connect as a member of ${SERVICE_ROLE} (DATABASE_APP_URL) or leave DATABASE_APP_URL unset`,
    );
  }
}
