import { type AddressInfo, createServer, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { runScript } from '../../src/db/script.js';
import { inPlatform } from '../../src/db/tenant-tx.js';
import { StartupError } from '../../src/shared/errors.js';
import type { BotId } from '../../src/shared/ids.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { createTenant, createTestApp, type TestApp } from '../support/database.js';
import { rejection } from '../support/errors.js';

/**
 * A backend that dies under the service (pg_terminate_backend, a PostgreSQL restart) must fail the
 * work that was using it and nothing else. Before, node-postgres emitted 'error' on a checked-out
 * client nobody listened to, and the whole process (here: the test worker) died with
 * "Unhandled 'error' event"; vitest reports such an error as a failed run.
 */
describe.runIf(process.env.TEST_DATABASE_URL)('a lost database connection on postgres', () => {
  let t: TestApp;
  let admin: pg.Client;
  let botId: BotId;

  beforeAll(async () => {
    t = await createTestApp('postgres');
    botId = (await createTenant(t.app)).tenant.id;
    admin = new pg.Client({ connectionString: t.database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.close();
  });

  /** The service's backends in the scratch database (every connection but the admin's). */
  const serviceBackends = async (where = 'true') =>
    (
      await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND backend_type = 'client backend' AND ${where}`,
      )
    ).rows.map((row) => row.pid);

  const terminate = async (pids: number[]) => {
    for (const pid of pids) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  };

  async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = await probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const tenantStillReadable = async () =>
    expect(await t.app.platform.tenants.get(botId)).toMatchObject({ id: botId });

  it('fails a transaction waiting on a row lock whose backend is terminated, and carries on', async () => {
    await admin.query('BEGIN');
    await admin.query('SELECT id FROM bots WHERE id = $1 FOR UPDATE', [botId]);
    // its outcome is taken at once: it fails while this test is still awaiting other things
    const waiting = rejection(
      inPlatform(t.database.handle.db, (tx) =>
        tx.execute(sql`select id from bots where id = ${botId} for update`),
      ),
    );
    const [pid] = await waitFor(async () => {
      const pids = await serviceBackends(`wait_event_type = 'Lock'`);
      return pids.length > 0 ? pids : undefined;
    }, 'the service transaction to wait on the lock');
    await terminate([pid!]);
    expect(await waiting).toMatch(/terminat|connection/i);
    await admin.query('ROLLBACK');
    await tenantStillReadable();
  });

  it('fails a transaction whose backend dies between two statements', async () => {
    let resume!: () => void;
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let began!: () => void;
    const inside = new Promise<void>((resolve) => {
      began = resolve;
    });
    const work = rejection(
      inPlatform(t.database.handle.db, async (tx) => {
        await tx.execute(sql`select 1`);
        began();
        await paused;
        await tx.execute(sql`select 2`);
      }),
    );
    await inside;
    await terminate(await serviceBackends(`state = 'idle in transaction'`));
    // the 'error' event reaches the idle checked-out client before the next statement is sent
    await new Promise((resolve) => setTimeout(resolve, 200));
    resume();
    expect(await work).toMatch(/terminat|connection/i);
    await tenantStillReadable();
  });

  it('fails a one-round-trip script whose backend is terminated', async () => {
    const running = rejection(runScript(t.database.handle.db, 'SELECT pg_sleep(10)'));
    const pids = await waitFor(async () => {
      const found = await serviceBackends(`query LIKE '%pg_sleep(10)%' AND state = 'active'`);
      return found.length > 0 ? found : undefined;
    }, 'the script to run');
    await terminate(pids);
    expect(await running).toMatch(/terminat|connection/i);
    expect(await runScript<{ n: number }>(t.database.handle.db, 'SELECT 1 AS n')).toEqual([{ n: 1 }]);
  });

  it('drops idle pooled connections that were terminated and opens new ones', async () => {
    // several connections in the pool at once, then all idle
    await Promise.all(Array.from({ length: 5 }, () => t.database.handle.query('SELECT pg_sleep(0.05)')));
    const idle = await serviceBackends(`state = 'idle'`);
    expect(idle.length).toBeGreaterThanOrEqual(5);
    await terminate(idle);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 5; i += 1) await tenantStillReadable();
    const [row] = await t.database.handle.query<{ n: number }>('SELECT 1 AS n');
    expect(row).toEqual({ n: 1 });
  });

  it('reconnects a LISTEN connection that was terminated and tells the subscriber to start over', async () => {
    const heard: string[] = [];
    const stop = await t.database.handle.listen('rf_connection_loss', (payload) => heard.push(payload));
    try {
      expect(heard).toEqual(['']);
      await terminate(await serviceBackends(`query ILIKE 'LISTEN "rf_connection_loss"%'`));
      // '' again: notifications may have been missed while it was gone
      await waitFor(async () => (heard.length >= 2 ? true : undefined), 'the listen connection to come back');
      await admin.query(`SELECT pg_notify('rf_connection_loss', 'after')`);
      await waitFor(
        async () => (heard.includes('after') ? true : undefined),
        'a notification after reconnecting',
      );
    } finally {
      await stop();
    }
  });

  it('ping says whether the database answers, and fails fast while it does not', async () => {
    const handle = t.database.handle;
    expect(await handle.ping()).toBe(true);
    const database = new URL(t.database.url!).pathname.slice(1);
    // from outside the scratch database: a database cannot refuse connections to itself
    const cluster = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await cluster.connect();
    await cluster.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    try {
      // every service connection gone, and no new one allowed: as good as down
      await terminate(await serviceBackends());
      const started = Date.now();
      expect(await handle.ping(1000)).toBe(false);
      expect(await rejection(handle.query('SELECT 1'))).toMatch(/not currently accepting connections/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await cluster.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      await cluster.end();
    }
    expect(await handle.ping()).toBe(true);
    await tenantStillReadable();
  });
});

describe('a database that does not answer', () => {
  it('fails the start within the connect timeout, in one line naming the variable', async () => {
    // accepts TCP connections and never says a word, like a host whose PostgreSQL hangs
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const url = `postgresql://nobody@127.0.0.1:${port}/nothing`;
    const started = Date.now();
    try {
      const error = await openDatabase({
        url,
        appUrl: url,
        connectTimeoutMs: 300,
        logger: createSilentLogger(),
      }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toBe(
        `DATABASE_URL: cannot connect to nobody@127.0.0.1:${port}/nothing: no answer in time (timed out)`,
      );
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
