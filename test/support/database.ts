import { randomBytes } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import pg from 'pg';
import { type App, createApp } from '../../src/app.js';
import { type DatabaseHandle, openDatabase, SERVICE_ROLE } from '../../src/db/database.js';
import type { ZarinpalSettings } from '../../src/modules/payments/zarinpal-payments.js';
import type { VpnPanel } from '../../src/modules/subscriptions/vpn-panel.js';
import type { Clock } from '../../src/shared/clock.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { rememberSecret, testLogs } from './log-capture.js';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; real PostgreSQL as well when TEST_DATABASE_URL is set (CI sets it). */
export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** A fixed key, random-looking like a real one (config refuses trivial keys such as all sevens). */
export const TEST_ENCRYPTION_KEY = Buffer.from(
  '8c1f5a7e3b9d24c6f08e71a5d3c92b4e6f1a08d7c5e3b92f4a6d18c07e5b3f91',
  'hex',
);

export interface TestDatabase {
  readonly handle: DatabaseHandle;
  /** Owner connection string of the scratch database (postgres only). */
  readonly url: string | undefined;
  /** The service's connection string for it: the test service role (postgres only). */
  readonly appUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * The login role tests run the service as, like production's: a member of remnafleet_app and of
 * nothing else, so it cannot switch to the owner. Roles are cluster-wide, so one role serves every
 * scratch database: each one's migrations grant its tables to remnafleet_app.
 */
export const TEST_SERVICE_ROLE = 'rf_test_service';
const TEST_SERVICE_PASSWORD = 'rf_test_service';

const serviceRoles = new Map<string, Promise<void>>();

/** Creates the test service role once per cluster; safe when test files in parallel race for it. */
export function ensureTestServiceRole(adminUrl = process.env.TEST_DATABASE_URL): Promise<void> {
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  let ready = serviceRoles.get(adminUrl);
  if (!ready) {
    ready = createTestServiceRole(adminUrl);
    // a failure is not cached: the next test file tries again and reports its own error
    ready.catch(() => serviceRoles.delete(adminUrl));
    serviceRoles.set(adminUrl, ready);
  }
  return ready;
}

/** Another process won the race to create or grant the same role: what it did is what we wanted. */
const lostRace = (error: unknown) => {
  const code = (error as { code?: string }).code;
  // duplicate_object, unique_violation (pg_authid / pg_auth_members), tuple concurrently updated
  return code === '42710' || code === '23505' || (code === 'XX000' && /concurrently/.test(String(error)));
};

async function createTestServiceRole(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const attempt = async (statement: string) => {
      try {
        await admin.query(statement);
      } catch (error) {
        if (!lostRace(error)) throw error;
      }
    };
    // the service role as migrations/0001 creates it: the first scratch database may not exist yet
    await attempt(`CREATE ROLE ${SERVICE_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
    await attempt(
      `CREATE ROLE ${TEST_SERVICE_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '${TEST_SERVICE_PASSWORD}'`,
    );
    await attempt(`GRANT ${SERVICE_ROLE} TO ${TEST_SERVICE_ROLE}`);
    const { rows } = await admin.query<{ member: boolean }>(
      `SELECT pg_has_role($1, $2, 'MEMBER') AS member`,
      [TEST_SERVICE_ROLE, SERVICE_ROLE],
    );
    if (!rows[0]?.member) throw new Error(`${TEST_SERVICE_ROLE} is not a member of ${SERVICE_ROLE}`);
  } finally {
    await admin.end();
  }
}

/** The service's connection string for the database of `ownerUrl`: the test service role. */
export function testServiceUrl(ownerUrl: string): string {
  const url = new URL(ownerUrl);
  url.username = TEST_SERVICE_ROLE;
  url.password = TEST_SERVICE_PASSWORD;
  return url.toString();
}

/** A scratch PostgreSQL database per call, dropped on close, so test files never share state. */
export async function createScratchDatabase(
  adminUrl = process.env.TEST_DATABASE_URL,
  prefix = 'rf_test',
): Promise<{ url: string; appUrl: string; drop(): Promise<void> }> {
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  await ensureTestServiceRole(adminUrl);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    appUrl: testServiceUrl(url.toString()),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  const logger = createSilentLogger();
  if (backend === 'pglite') {
    const handle = await openDatabase({ logger });
    return { handle, url: undefined, appUrl: undefined, close: () => handle.close() };
  }
  const scratch = await createScratchDatabase();
  const handle = await openDatabase({ url: scratch.url, appUrl: scratch.appUrl, logger, poolMax: 20 });
  return {
    handle,
    url: scratch.url,
    appUrl: scratch.appUrl,
    async close() {
      await handle.close();
      await scratch.drop();
    },
  };
}

export interface TestApp {
  readonly app: App;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

export async function createTestApp(
  backend: Backend,
  options: {
    clock?: Clock;
    random?: () => number;
    panel?: VpnPanel;
    zarinpal?: ZarinpalSettings;
    publicBaseUrl?: string;
  } = {},
): Promise<TestApp> {
  const database = await openTestDatabase(backend);
  const app = createApp({
    database: database.handle,
    secrets: createSecretBox(TEST_ENCRYPTION_KEY),
    // every test app logs at debug level into memory, checked for secrets when it closes
    logger: testLogs.logger,
    ...options,
  });
  await app.start();
  return {
    app,
    database,
    async close() {
      await app.stop();
      await database.close();
      testLogs.expectNoLeaks();
    },
  };
}

/** A TCP port free right now on 127.0.0.1 (for servers whose URL must be known before they listen). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let nextBotId = 100_000;
/** A token of the right shape for a fresh Telegram bot id. */
export function fakeBotToken(botId = nextBotId++): string {
  const token = `${botId}:${randomBytes(27).toString('base64url').slice(0, 35)}`;
  rememberSecret('bot token', token);
  return token;
}

/** Creates a tenant and returns its id (and API token). */
export async function createTenant(app: App, name = 'Shop') {
  const created = await app.platform.tenants.create({ name, token: fakeBotToken() });
  if (!created.ok) throw new Error(created.error.message);
  rememberSecret('api token', created.value.apiToken);
  return created.value;
}
