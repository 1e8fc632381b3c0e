/**
 * `npm run bench:notices`: how long planning a day of subscription lifecycle notices takes for a
 * large fleet. Seeds 100,000 subscriptions across 1,000 shops (bulk SQL), then runs the hourly
 * planning of the hourly planner job (`plan-subscription-notices`: the service call its handler
 * makes) for every shop and each of the day's 24 hours, a controllable clock moving an hour per round, and prints
 * wall time, CPU time (`process.cpuUsage`) and how many notices were planned. Sending is not part
 * of it. Target: at most 10 s of planning.
 *
 * Database: embedded PGlite (in memory) by default; PostgreSQL when BENCH_DATABASE_URL or
 * DATABASE_URL is set (an owner connection string: a scratch database is created and dropped).
 *
 * Options (environment): BENCH_TENANTS=1000  BENCH_SUBSCRIPTIONS=100000  BENCH_HOURS=24
 * BENCH_CONCURRENCY=4 (planner runs at the same time, as the runner's default concurrency; PGlite
 * is one connection, so its runs queue one behind the other anyway).
 *
 * BENCH_FROM=src (the default) runs the product from the TypeScript sources through tsx;
 * BENCH_FROM=dist imports the compiled JavaScript in dist/ (run `npm run build` first), as
 * `npm start` would run it. Only the product's modules change: this file always runs through tsx.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import type * as AppModule from '../src/app.js';
import type * as DatabaseModule from '../src/db/database.js';
import type * as TenantTxModule from '../src/db/tenant-tx.js';
import type * as CryptoModule from '../src/shared/crypto.js';
import type { BotId } from '../src/shared/ids.js';
import type * as LoggerModule from '../src/shared/logger.js';
import { createScratchDatabase, TEST_ENCRYPTION_KEY } from '../test/support/database.js';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
const HOURS = Number(process.env.BENCH_HOURS ?? 24);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const FROM = process.env.BENCH_FROM ?? 'src';
if (FROM !== 'src' && FROM !== 'dist') throw new Error(`BENCH_FROM must be src or dist, not ${FROM}`);
for (const [name, value] of Object.entries({ TENANTS, SUBSCRIPTIONS, HOURS, CONCURRENCY }))
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`BENCH_${name} must be a positive integer`);

const ROOT = fileURLToPath(new URL('../', import.meta.url));
if (FROM === 'dist' && !existsSync(`${ROOT}dist/app.js`))
  throw new Error(
    'dist/ has no build: run `npm run build` first (BENCH_FROM=dist runs the compiled JavaScript)',
  );
const productRoot = pathToFileURL(`${ROOT}${FROM}/`).href;
const product = <T>(path: string) => import(new URL(path, productRoot).href) as Promise<T>;
const [{ createApp }, { openDatabase }, { platformDb }, crypto, logging] = await Promise.all([
  product<typeof AppModule>('app.js'),
  product<typeof DatabaseModule>('db/database.js'),
  product<typeof TenantTxModule>('db/tenant-tx.js'),
  product<typeof CryptoModule>('shared/crypto.js'),
  product<typeof LoggerModule>('shared/logger.js'),
]);

const print = (line = '') => process.stdout.write(`${line}\n`);
const HOUR_MS = 3_600_000;
// a whole hour, so the day's 24 rounds are the 24 planning windows
const START = new Date(Math.ceil(Date.now() / HOUR_MS) * HOUR_MS);

const logger = logging.createSilentLogger();
const scratch = ADMIN_URL ? await createScratchDatabase(ADMIN_URL, 'rf_bench') : undefined;
const database = await openDatabase({
  url: scratch?.url,
  appUrl: scratch?.appUrl,
  logger,
  poolMax: Math.max(CONCURRENCY + 2, 10),
});
let now = START;
const app = createApp({
  database,
  secrets: crypto.createSecretBox(TEST_ENCRYPTION_KEY),
  logger,
  clock: { now: () => now },
});
const db = platformDb(database.db);

/**
 * The fleet, in bulk: the shops in one platform statement, then each shop's customers and
 * subscriptions in one tenant statement (row-level security applies as in production). Expiries
 * spread evenly from 10 days ago to 30 days ahead, each subscription bought 30 days before its
 * expiry; usage from 0 to 100 % of a 50 GB limit on most, unlimited on every tenth; a fifth of the
 * customers write in English or Russian; a few are banned or blocked the bot.
 */
async function seed(): Promise<BotId[]> {
  const tenants = await db.transaction(async (tx) => {
    const result = await tx.execute(
      sql.raw(`INSERT INTO bots (name, token_ciphertext, telegram_bot_id, api_token_hash)
               SELECT 'Bench shop ' || g, 'bench', 7000000000 + g, 'bench-' || g
                 FROM generate_series(1, ${TENANTS}) g
               RETURNING id`),
    );
    return (result as unknown as { rows: { id: string | number }[] }).rows.map(
      (row) => Number(row.id) as BotId,
    );
  });
  const perTenant = Math.floor(SUBSCRIPTIONS / TENANTS);
  const spanSeconds = 40 * 86_400;
  const startSql = `'${START.toISOString()}'::timestamptz`;
  for (const botId of tenants) {
    await db.tenant(botId).statement(`
      INSERT INTO customers (bot_id, telegram_id, language, referral_code, is_blocked, unreachable_since)
      SELECT ${botId}, 10000000 + g,
             CASE WHEN g % 10 = 1 THEN 'en' WHEN g % 10 = 2 THEN 'ru' ELSE 'fa' END,
             'b${botId}c' || g, g % 97 = 0, CASE WHEN g % 89 = 0 THEN now() END
        FROM generate_series(1, ${perTenant}) g;
      INSERT INTO subscriptions (bot_id, customer_id, status, panel_username, expires_at, created_at,
                                 traffic_limit_bytes, used_traffic_bytes, traffic_period_started_at)
      SELECT c.bot_id, c.id, 'active', 'rf' || c.bot_id || 'c' || c.id, e.expires_at,
             e.expires_at - interval '30 days',
             CASE WHEN n % 10 = 0 THEN 0 ELSE 50::bigint * 1024 * 1024 * 1024 END,
             (50::bigint * 1024 * 1024 * 1024 * ((n * 37) % 100)) / 100,
             e.expires_at - interval '30 days'
        FROM (SELECT id, bot_id, row_number() OVER (ORDER BY id) AS n FROM customers WHERE bot_id = ${botId}) c,
             LATERAL (SELECT ${startSql} - interval '10 days'
                             + make_interval(secs => ((c.n * ${Math.floor(spanSeconds / perTenant)} + ${botId} * 7919) % ${spanSeconds})) AS expires_at) e;
      UPDATE subscriptions SET status = 'expired' WHERE bot_id = ${botId} AND expires_at <= ${startSql}`);
  }
  return tenants;
}

/** Runs `work` on every item with at most `limit` at a time, like the runner's concurrency. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

try {
  await app.start();
  const seedStarted = performance.now();
  const tenants = await seed();
  const seeded = Math.floor(SUBSCRIPTIONS / TENANTS) * tenants.length;
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  print(
    `seeded ${tenants.length} shops, ${seeded} subscriptions on ${database.kind} in ${seedSeconds.toFixed(1)} s`,
  );

  let planned = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let hour = 0; hour < HOURS; hour++) {
    // a minute into each hour, as the runner enqueues each window's planner
    now = new Date(START.getTime() + hour * HOUR_MS + 60_000);
    await pool(tenants, CONCURRENCY, async (botId) => {
      // what the planner job's handler runs (src/jobs/definitions/subscription-notices.ts)
      const { total } = await app.forTenant(botId).lifecycle.planNotices();
      planned += total;
    });
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);

  const runs = tenants.length * HOURS;
  print(`planned ${planned} notices in ${runs} planner runs (${tenants.length} shops x ${HOURS} hours)`);
  print(`wall ${(wallMs / 1000).toFixed(2)} s (${((wallMs * 1000) / runs).toFixed(0)} us per run)`);
  print(
    `CPU of this process ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s)`,
  );
  print(`target: at most 10 s for a day of planning: ${wallMs <= 10_000 ? 'met' : 'MISSED'}`);
} finally {
  await app.stop();
  await database.close();
  await scratch?.drop();
}
