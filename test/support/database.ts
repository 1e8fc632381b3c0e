import { randomBytes } from 'node:crypto';
import { createServer as createNetServer } from 'node:net';
import pg from 'pg';
import { type App, createApp } from '../../src/app.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import type { ZarinpalSettings } from '../../src/modules/payments/zarinpal-payments.js';
import type { VpnPanel } from '../../src/modules/subscriptions/vpn-panel.js';
import type { Clock } from '../../src/shared/clock.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import { createSilentLogger } from '../../src/shared/logger.js';

export type Backend = 'pglite' | 'postgres';

/** PGlite always; real PostgreSQL as well when TEST_DATABASE_URL is set (CI sets it). */
export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7);

export interface TestDatabase {
  readonly handle: DatabaseHandle;
  /** Owner connection string of the scratch database (postgres only). */
  readonly url: string | undefined;
  close(): Promise<void>;
}

/** A scratch PostgreSQL database per call, dropped on close, so test files never share state. */
export async function createScratchDatabase(
  adminUrl = process.env.TEST_DATABASE_URL,
  prefix = 'rf_test',
): Promise<{ url: string; drop(): Promise<void> }> {
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
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
    return { handle, url: undefined, close: () => handle.close() };
  }
  const scratch = await createScratchDatabase();
  const handle = await openDatabase({ url: scratch.url, logger, poolMax: 20 });
  return {
    handle,
    url: scratch.url,
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
  options: { clock?: Clock; random?: () => number; panel?: VpnPanel; zarinpal?: ZarinpalSettings } = {},
): Promise<TestApp> {
  const database = await openTestDatabase(backend);
  const app = createApp({
    database: database.handle,
    secrets: createSecretBox(TEST_ENCRYPTION_KEY),
    logger: createSilentLogger(),
    ...options,
  });
  await app.start();
  return {
    app,
    database,
    async close() {
      await app.stop();
      await database.close();
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
  return `${botId}:${randomBytes(27).toString('base64url').slice(0, 35)}`;
}

/** Creates a tenant and returns its id (and API token). */
export async function createTenant(app: App, name = 'Shop') {
  const created = await app.platform.tenants.create({ name, token: fakeBotToken() });
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}
