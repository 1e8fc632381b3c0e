/**
 * `npm run bench:notices`: how long planning a day of subscription lifecycle notices takes for a
 * large fleet. Seeds 100,000 subscriptions across 1,000 shops (bulk SQL), then plans the day for
 * every shop exactly as the daily `plan-subscription-notices` job does (its handler's service call,
 * on a controllable clock moving a day per round), and prints wall time, CPU time
 * (`process.cpuUsage`) and how many notices were planned. Sending is not part of it. Target: at
 * most 10 s for the day. The first planning after a deployment, which claims every notice already
 * due at once, is timed and printed apart (the day before). Traffic warnings are claimed by the
 * usage sync instead (every 15 minutes, for the subscriptions whose usage changed): one sync's
 * claims for every subscription of every shop, the worst case, are timed and printed too.
 *
 * Database: embedded PGlite (in memory) by default; PostgreSQL when BENCH_DATABASE_URL or
 * DATABASE_URL is set (an owner connection string: a scratch database is created and dropped).
 *
 * Options (environment): BENCH_TENANTS=1000  BENCH_SUBSCRIPTIONS=100000  BENCH_DAYS=1
 * BENCH_CONCURRENCY=4 (planner runs at the same time, as the runner's default concurrency; PGlite
 * is one connection, so its runs queue one behind the other anyway).
 *
 * BENCH_FROM=src (the default) runs the product from the TypeScript sources through tsx;
 * BENCH_FROM=dist imports the compiled JavaScript in dist/ (run `npm run build` first), as
 * `npm start` would run it. Only the product's modules change: this file always runs through tsx.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type * as AppModule from '../src/app.js';
import type * as DatabaseModule from '../src/db/database.js';
import type * as TenantTxModule from '../src/db/tenant-tx.js';
import type * as CryptoModule from '../src/shared/crypto.js';
import type { BotId } from '../src/shared/ids.js';
import type * as LoggerModule from '../src/shared/logger.js';
import { createScratchDatabase, TEST_ENCRYPTION_KEY } from '../test/support/database.js';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
const FROM = process.env.BENCH_FROM ?? 'src';
if (FROM !== 'src' && FROM !== 'dist') throw new Error(`BENCH_FROM must be src or dist, not ${FROM}`);
for (const [name, value] of Object.entries({ TENANTS, SUBSCRIPTIONS, DAYS, CONCURRENCY }))
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`BENCH_${name} must be a positive integer`);

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Stops with a clear message unless dist/ holds a compiled file at least as new as every source. */
function assertDistFresh(): void {
  const rebuild = 'run `npm run build` first (BENCH_FROM=dist runs the compiled JavaScript)';
  if (!existsSync(join(ROOT, 'dist/app.js'))) throw new Error(`dist/ has no build: ${rebuild}`);
  const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (name) => name.endsWith('.ts') && !/\.(test|d)\.ts$/.test(name),
  );
  const stale = sources.filter((name) => {
    const compiled = join(ROOT, 'dist', name.replace(/\.ts$/, '.js'));
    return !existsSync(compiled) || statSync(compiled).mtimeMs < statSync(join(ROOT, 'src', name)).mtimeMs;
  });
  if (stale.length > 0)
    throw new Error(`dist/ is older than ${stale.length} source file(s) (src/${stale[0]}...): ${rebuild}`);
}
if (FROM === 'dist') assertDistFresh();
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
const DAY_MS = 86_400_000;
// a whole UTC day, so each round is one planning window
const START = new Date(Math.ceil(Date.now() / DAY_MS) * DAY_MS);

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

/**
 * CPU milliseconds the PostgreSQL backends of the scratch database have used so far, read from
 * /proc (undefined when PostgreSQL runs on another machine, and for PGlite, whose CPU is this
 * process's own).
 */
async function postgresCpuMs(): Promise<number | undefined> {
  if (!scratch || !ADMIN_URL) return undefined;
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [new URL(scratch.url).pathname.slice(1)],
    );
    let total = 0;
    for (const { pid } of rows) {
      // after the command name: utime and stime are the 12th and 13th fields (clock ticks, 100/s)
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    }
    return total;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
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

  // A fleet already running planned the days before this one; the first planning after a
  // deployment claims every notice already due (expiries of the last day) and the day's at once.
  // That run is timed apart: it is paid once, not every day.
  now = new Date(START.getTime() - DAY_MS + 60_000);
  const warmUpStarted = performance.now();
  let backlog = 0;
  await pool(tenants, CONCURRENCY, async (botId) => {
    const { total } = await app.forTenant(botId).lifecycle.planNotices();
    backlog += total;
  });
  const warmUpSeconds = (performance.now() - warmUpStarted) / 1000;
  print(`first planning after deployment: ${backlog} notices already due, ${warmUpSeconds.toFixed(2)} s`);

  let planned = 0;
  const postgresBefore = await postgresCpuMs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let day = 0; day < DAYS; day++) {
    // a minute into each day, as the runner enqueues each window's planner
    now = new Date(START.getTime() + day * DAY_MS + 60_000);
    await pool(tenants, CONCURRENCY, async (botId) => {
      // what the planner job's handler runs (src/jobs/definitions/subscription-notices.ts)
      const { total } = await app.forTenant(botId).lifecycle.planNotices();
      planned += total;
    });
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const postgresAfter = await postgresCpuMs();

  const runs = tenants.length * DAYS;
  print(`planned ${planned} notices in ${runs} planner runs (${tenants.length} shops x ${DAYS} day(s))`);
  print(`wall ${(wallMs / 1000).toFixed(2)} s (${((wallMs * 1000) / runs).toFixed(0)} us per run)`);
  print(
    `CPU of this process ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s)`,
  );
  if (postgresBefore !== undefined && postgresAfter !== undefined)
    print(`CPU of the PostgreSQL backends ${((postgresAfter - postgresBefore) / 1000).toFixed(2)} s`);
  // other work on the machine slows both figures: say how busy it was
  print(
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  print(`target: at most 10 s for a day of planning: ${wallMs <= 10_000 * DAYS ? 'met' : 'MISSED'}`);

  // one usage sync of every shop in which every subscription's usage changed: its traffic claims
  now = new Date(START.getTime() + 60_000);
  let warned = 0;
  const syncCpuBefore = process.cpuUsage();
  const syncStarted = performance.now();
  await pool(tenants, CONCURRENCY, async (botId) => {
    // what the sync-traffic job runs after the panel answered (src/app.ts syncTraffic)
    const { traffic } = await app.forTenant(botId).lifecycle.claimTrafficNotices();
    warned += traffic;
  });
  const syncMs = performance.now() - syncStarted;
  const syncCpu = process.cpuUsage(syncCpuBefore);
  print(
    `traffic claims of one sync, every subscription changed: ${warned} warnings, wall ${(syncMs / 1000).toFixed(2)} s (${((syncMs * 1000) / tenants.length).toFixed(0)} us per shop), CPU of this process ${((syncCpu.user + syncCpu.system) / 1e6).toFixed(2)} s`,
  );
} finally {
  await app.stop();
  await database.close();
  await scratch?.drop();
}
