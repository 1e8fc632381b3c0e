import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { RemnawaveSim } from '../../../sim/remnawave/index.js';
import type { SourceDatabase } from '../../../src/modules/importer/source.js';
import { createScratchDatabase } from '../../support/database.js';

/** The single-tenant fixture (outside the repository: ../shared/fixtures/single-tenant). */
export const FIXTURE_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/fixtures/single-tenant',
);
export const HAVE_FIXTURE = existsSync(resolve(FIXTURE_DIR, 'sample.sql'));

// biome-ignore lint/suspicious/noExplicitAny: expected.json is read as plain data
export const expectedJson = (): any =>
  JSON.parse(readFileSync(resolve(FIXTURE_DIR, 'expected.json'), 'utf8'));

const fixtureSql = () => ({
  schema: readFileSync(resolve(FIXTURE_DIR, 'schema.sql'), 'utf8'),
  sample: readFileSync(resolve(FIXTURE_DIR, 'sample.sql'), 'utf8'),
});

/**
 * The fixture loaded into a source database: a scratch PostgreSQL database (uniquely named,
 * dropped on close) when TEST_DATABASE_URL is set, else an in-memory PGlite. `open()` gives a
 * SourceDatabase the way the CLI reads one (a read-only snapshot transaction on PostgreSQL);
 * `sql()` asks the source directly, for the tests' own independent figures.
 */
export interface FixtureSource {
  readonly kind: 'postgres' | 'pglite';
  readonly url: string | undefined;
  open(): Promise<{ source: SourceDatabase; close(): Promise<void> }>;
  sql<Row>(text: string): Promise<Row[]>;
  close(): Promise<void>;
}

export async function loadFixtureSource(): Promise<FixtureSource> {
  const { schema, sample } = fixtureSql();
  if (process.env.TEST_DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL, 'rf_st_source');
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    await admin.query(schema);
    await admin.query(sample);
    const { openPostgresSource } = await import('../../../src/cli/import-commands.js');
    return {
      kind: 'postgres',
      url: scratch.url,
      open: () => openPostgresSource(scratch.url),
      sql: async <Row>(text: string) => (await admin.query(text)).rows as Row[],
      async close() {
        await admin.end();
        await scratch.drop();
      },
    };
  }
  const db = new PGlite();
  await db.exec(schema);
  await db.exec(sample);
  const source: SourceDatabase = {
    label: 'pglite://fixture',
    query: async <Row>(text: string, params: readonly unknown[] = []) =>
      (await db.query<Row>(text, [...params])).rows,
  };
  return {
    kind: 'pglite',
    url: undefined,
    open: async () => ({ source, close: async () => {} }),
    sql: async <Row>(text: string) => (await db.query<Row>(text)).rows,
    close: () => db.close(),
  };
}

/** A source that fails on the query matching `failOn` (the source breaking mid-way). */
export function breakingSource(inner: SourceDatabase, failOn: RegExp): SourceDatabase {
  return {
    label: inner.label,
    async query<Row>(text: string, params?: readonly unknown[]) {
      if (failOn.test(text)) throw new Error('connection to the source was lost (simulated)');
      return inner.query<Row>(text, params);
    },
  };
}

interface FixtureSub {
  id: number;
  user_id: number;
  tg: string | null;
  short_uuid: string | null;
  panel_username: string | null;
  remnawave_uuid: string | null;
  short_id: string;
  status: string | null;
}

/**
 * Puts on the panel simulator the panel users the fixture's subscriptions point at: the username
 * the source bot used and the short uuid of the link. Subscriptions without a short uuid and a
 * username (unlinked rows), drafts and those listed in `leaveOut` get none, so the import must
 * report them. Returns the subscription ids given a panel user.
 */
export async function seedPanel(
  fixture: FixtureSource,
  sim: RemnawaveSim,
  leaveOut: ReadonlySet<number>,
): Promise<Set<number>> {
  const subs = await fixture.sql<FixtureSub>(
    `SELECT s.id, s.user_id, u.telegram_id::text AS tg, s.remnawave_short_uuid AS short_uuid, s.panel_username,
            s.remnawave_uuid, s.remnawave_short_id AS short_id, s.status
       FROM subscriptions s JOIN users u ON u.id = s.user_id ORDER BY s.id`,
  );
  const seeded = new Set<number>();
  for (const sub of subs) {
    if (leaveOut.has(sub.id) || sub.status === 'pending' || sub.tg === null || !sub.short_uuid) continue;
    const username =
      sub.panel_username ?? (sub.remnawave_uuid ? `user_${sub.tg}_${sub.short_id}` : `user_${sub.tg}`);
    if (sim.getUser(username)) continue;
    const user = sim.createUser({
      username,
      expireAt: '2031-06-01T00:00:00.000Z',
      telegramId: Number(sub.tg),
      trafficLimitBytes: 0,
    });
    const response = await fetch(`${sim.baseUrl}/api/users/${user.id}/actions/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sim.apiToken}`,
        'content-type': 'application/json',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'https',
      },
      body: JSON.stringify({ shortUuid: sub.short_uuid }),
    });
    if (!response.ok) throw new Error(`sim revoke ${response.status}`);
    seeded.add(sub.id);
  }
  return seeded;
}
