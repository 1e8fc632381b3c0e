/**
 * `npm run bench:fleet`: throughput, latency, start-up time, idle CPU and memory of the fleet in
 * webhook and polling mode against the Telegram simulator and PostgreSQL, with 1, 100 and 1,000
 * tenants, each beside the same load on bare grammY bots (bench/bare-server.ts: no database, the
 * same simulator, the same webhook route and secret check), whose CPU per update over the
 * product's is printed as the ratio (1.0 = the product costs nothing beyond grammY). Prints
 * figures; asserts nothing. Needs PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/test (a scratch database is created and dropped).
 *
 * Options (environment): BENCH_TENANTS=1,100,1000  BENCH_USERS=200  BENCH_SECONDS=8  BENCH_RATE=500
 * BENCH_MODES=webhook,polling  BENCH_BASELINE=off (no bare grammY run)  BENCH_ROUNDS=3 (see below)  BENCH_IDLE_SECONDS (the idle
 * CPU window: 5 in webhook mode, two long polls' length in polling mode). Memory per idle tenant is counted from the 1-tenant run: keep 1 in BENCH_TENANTS.
 * BENCH_PROFILE=1 writes a CPU profile of the product process during the unpaced run (BENCH_PROFILE=paced:
 * the run at BENCH_RATE) to
 * /tmp/prof/fleet-<tenants>-<time>.cpuprofile; summarise it with
 * `npx tsx bench/profile-summary.ts FILE [top] [--cpu]`; with BENCH_PROFILE_ALLOC=1 also the bytes
 * allocated in that window by allocating function (`.heapprofile` beside it, the same summary). BENCH_NODE_FLAGS="--flag ..." passes V8/Node
 * flags to the product process (e.g. to try GC settings).
 *
 * BENCH_FROM=src (the default) runs the product from the TypeScript sources through tsx
 * (`node --import tsx`, as `npm run dev` does). BENCH_FROM=dist runs the compiled JavaScript in
 * dist/ as `npm start` does (`node --enable-source-maps`, no TypeScript loader in the product
 * process): run `npm run build` first; the benchmark stops if dist/ is missing or older than any
 * source. For that mode bench/fleet-server.ts is transpiled (TypeScript's transpileModule, types
 * dropped) to node_modules/.cache/remnafleet-bench/fleet-server.mjs and forked from there. Only
 * the product process changes: this process (setup and the simulator) always runs through tsx.
 *
 * Rounds: bare grammY's own CPU per update moves by a third between runs on a shared machine, so
 * a single pair's ratio carries that noise. After the first round (the product, then bare grammY,
 * each with start-up, idle and memory figures) BENCH_ROUNDS - 1 more rounds restart each side and
 * run the same two loads again, the side going first alternating, and the ratio printed is the
 * median of the rounds' ratios, beside each round's; the product's unpaced throughput and p99 at
 * BENCH_RATE likewise (the lines above the `rounds` line are round 1's).
 * A further start is at a new address, so in webhook mode each side sets every webhook again (the
 * other side's start pointed them at itself), as a service that moved does.
 *
 * "CPU per update" is the product process's own CPU time (user + system, `process.cpuUsage()` in
 * the child) divided by the webhook updates it answered in the same window. It moves far less than
 * updates per second when other work shares the machine (which halves throughput here), so it is
 * the figure to optimise; it still rises by about a quarter at a load average of 5 to 6. The
 * simulator's (this process's) and the PostgreSQL backends' CPU per update are printed next to it:
 * all three share the machine's two cores. Each run waits until the product idles after its
 * restart (which enqueues every tenant's scheduled jobs at once) before measuring.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import type { SimBot, SimUser, TelegramSim } from '../sim/telegram/index.js';
import { startTelegramSim } from '../sim/telegram/index.js';
import { createApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { createSecretBox } from '../src/shared/crypto.js';
import { createSilentLogger } from '../src/shared/logger.js';
import { createScratchDatabase, freePort } from '../test/support/database.js';

const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgresql://postgres@127.0.0.1:5432/test';
const TENANT_COUNTS = (process.env.BENCH_TENANTS ?? '1,100,1000').split(',').map(Number);
const USERS = Number(process.env.BENCH_USERS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const PROFILE = Boolean(process.env.BENCH_PROFILE);
/** The load whose profile is written: the unpaced one (BENCH_PROFILE=1), or the paced one (=paced). */
const PROFILE_WINDOW = process.env.BENCH_PROFILE === 'paced' ? 'paced' : 'unpaced';
const PROFILE_IDLE = Boolean(process.env.BENCH_PROFILE_IDLE);
type Mode = 'webhook' | 'polling';
const MODES = (process.env.BENCH_MODES ?? 'webhook,polling').split(',').map((mode) => {
  if (mode !== 'webhook' && mode !== 'polling')
    throw new Error(`BENCH_MODES holds webhook and/or polling, not ${mode}`);
  return mode as Mode;
});
const BASELINE = process.env.BENCH_BASELINE !== 'off';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
  throw new Error(`BENCH_ROUNDS must be a whole number of at least 1, not ${process.env.BENCH_ROUNDS}`);
const IDLE_SECONDS = process.env.BENCH_IDLE_SECONDS ? Number(process.env.BENCH_IDLE_SECONDS) : undefined;
const FROM = process.env.BENCH_FROM ?? 'src';
if (FROM !== 'src' && FROM !== 'dist') throw new Error(`BENCH_FROM must be src or dist, not ${FROM}`);
const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Every file under `dir` (recursively) whose name passes `keep`. */
const filesUnder = (dir: string, keep: (name: string) => boolean): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => keep(name))
    .map((name) => join(dir, name));

/** Stops with a clear message unless dist/ holds a compiled file at least as new as every source. */
function assertDistFresh(): void {
  const src = join(ROOT, 'src');
  const dist = join(ROOT, 'dist');
  const rebuild = 'run `npm run build` first (BENCH_FROM=dist runs the compiled JavaScript)';
  if (!existsSync(join(dist, 'main.js'))) throw new Error(`dist/ has no build: ${rebuild}`);
  const stale: string[] = [];
  for (const source of filesUnder(src, (name) => name.endsWith('.ts') && !/\.(test|d)\.ts$/.test(name))) {
    const compiled = join(dist, relative(src, source)).replace(/\.ts$/, '.js');
    if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs)
      stale.push(relative(ROOT, source));
  }
  if (stale.length > 0)
    throw new Error(
      `dist/ is older than ${stale.length} source file(s) (${stale.slice(0, 3).join(', ')}${stale.length > 3 ? ', ...' : ''}): ${rebuild}`,
    );
}

/**
 * The product process's entry and Node flags. From src: this TypeScript file under tsx. From dist:
 * the same file transpiled to JavaScript (it imports the product only by file URL, and nothing
 * else from the repository, so it runs anywhere `pg` resolves to the product's copy) and run as
 * `npm start` runs dist/main.js.
 */
async function serverEntry(
  name: 'fleet-server' | 'bare-server',
): Promise<{ file: string; execArgv: string[]; productRoot: string }> {
  const source = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  if (FROM === 'src')
    return {
      file: source,
      execArgv: ['--import', 'tsx'],
      productRoot: pathToFileURL(join(ROOT, 'src/')).href,
    };
  if (name === 'fleet-server') assertDistFresh();
  const { default: ts } = await import('typescript');
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(source, 'utf8'), {
    fileName: source,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  });
  if (diagnostics?.length)
    throw new Error(
      `cannot transpile ${source}: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n')}`,
    );
  // Under node_modules so that `pg` resolves to the copy the product uses (the server patches it).
  const dir = join(ROOT, 'node_modules/.cache/remnafleet-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(`${file}.${process.pid}`, outputText);
  renameSync(`${file}.${process.pid}`, file);
  return { file, execArgv: ['--enable-source-maps'], productRoot: pathToFileURL(join(ROOT, 'dist/')).href };
}
const SERVER = await serverEntry('fleet-server');
const BARE = await serverEntry('bare-server');

const print = (line = '') => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface CpuSample {
  userUs: number;
  systemUs: number;
  updates: number;
  queries: number;
  apiCalls: number;
  connections: number;
  /** Garbage collection so far: milliseconds in all, and in full (mark-compact) collections and how many. */
  gc: { ms: number; fullMs: number; full: number };
}

interface ServerHandle {
  child: ChildProcess;
  ready: { startupMs: number; importMs: number; processMs: number; bots: number; rss: number };
  rss(): Promise<number>;
  cpu(): Promise<CpuSample>;
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

async function startServer(
  env: Record<string, string>,
  entry: Awaited<ReturnType<typeof serverEntry>> = SERVER,
): Promise<ServerHandle> {
  const child = fork(entry.file, [], {
    execArgv: [
      ...entry.execArgv,
      '--expose-gc',
      ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    ],
    env: { ...process.env, ...env, BENCH_PRODUCT_ROOT: entry.productRoot },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench server exited with ${code}`));
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next<ServerHandle['ready']>('ready');
  return {
    child,
    ready,
    async rss() {
      const reply = next<{ rss: number }>('rss');
      child.send({ type: 'rss' });
      return (await reply).rss;
    },
    async cpu() {
      const reply = next<CpuSample>('cpu');
      child.send({ type: 'cpu' });
      return await reply;
    },
    async profileStart() {
      const reply = next('profile-started');
      child.send({ type: 'profile-start' });
      await reply;
    },
    async profileStop(file: string) {
      const reply = next('profile-stopped');
      child.send({ type: 'profile-stop', file });
      await reply;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await exited;
    },
  };
}

/** One customer action: send, then wait for the bot's reply in that chat. Returns the latency. */
async function act(sim: TelegramSim, bot: SimBot, user: SimUser, first: boolean): Promise<number> {
  const since = sim.mark();
  const started = performance.now();
  if (first) user.start(bot);
  // alternate Support and its Back button, so the button pressed is always on the latest message
  else user.pressButton(bot, /^menu:(support|home)$/);
  await sim.waitForCall({ botId: bot.id, method: 'sendMessage', chatId: user.id, since, timeoutMs: 10_000 });
  return performance.now() - started;
}

async function load(
  sim: TelegramSim,
  customers: { bot: SimBot; user: SimUser; started: boolean }[],
  seconds: number,
  ratePerSecond: number | undefined,
): Promise<{ count: number; errors: number; seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const begin = performance.now();
  // Paced: each customer acts at a fixed interval so the whole fleet sees `ratePerSecond`.
  const interval = ratePerSecond ? (customers.length / ratePerSecond) * 1000 : 0;
  await Promise.all(
    customers.map(async (customer, index) => {
      if (interval)
        await new Promise((resolve) => setTimeout(resolve, (index / customers.length) * interval));
      while (performance.now() < deadline) {
        const turn = performance.now();
        try {
          latencies.push(await act(sim, customer.bot, customer.user, !customer.started));
          customer.started = true;
        } catch {
          errors += 1;
        }
        const wait = interval - (performance.now() - turn);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }),
  );
  return {
    count: latencies.length,
    errors,
    seconds: (performance.now() - begin) / 1000,
    latencies: latencies.sort((a, b) => a - b),
  };
}

/** The user and system CPU milliseconds a /proc `stat` file gives its process or thread. */
function statCpuMs(file: string): number {
  // fields after the command name: state is 3rd, utime 14th and stime 15th (clock ticks, 100/s)
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU milliseconds a process has used so far on its main thread and on its other threads (V8's
 * helpers: concurrent marking and sweeping, compilation; libuv's pool), from /proc; undefined
 * where there is none.
 */
function threadCpuMs(pid: number | undefined): { main: number; others: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    let main = 0;
    let others = 0;
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      const ms = statCpuMs(`/proc/${pid}/task/${thread}/stat`);
      if (Number(thread) === pid) main += ms;
      else others += ms;
    }
    return { main, others };
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds the PostgreSQL backends serving `database` have used so far (read from /proc;
 * undefined when PostgreSQL runs elsewhere). Backends that exit during a window are lost, so this
 * slightly under-counts.
 */
async function postgresCpuMs(database: string): Promise<Map<number, number> | undefined> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [database],
    );
    const cpu = new Map<number, number>();
    for (const { pid } of rows) cpu.set(pid, statCpuMs(`/proc/${pid}/stat`));
    return cpu;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

const postgresDelta = (before: Map<number, number> | undefined, after: Map<number, number> | undefined) =>
  before && after ? [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0) : undefined;

/** Runs `work` and adds the CPU the product and this process spent on each update meanwhile. */
async function measured<T extends { seconds: number }>(
  server: ServerHandle,
  database: string,
  work: () => Promise<T>,
): Promise<
  T & {
    handled: number;
    cpuPerUpdate: number;
    systemShare: number;
    simCpuPerUpdate: number;
    postgresCpuPerUpdate: number | undefined;
    productCpuShare: number;
    loadAverage: number;
    perUpdate: { queries: number; apiCalls: number; connections: number };
  }
> {
  const postgresBefore = await postgresCpuMs(database);
  const before = await server.cpu();
  const ownBefore = process.cpuUsage();
  const result = await work();
  const own = process.cpuUsage(ownBefore);
  const after = await server.cpu();
  const postgresMs = postgresDelta(postgresBefore, await postgresCpuMs(database));
  const handled = after.updates - before.updates;
  const systemMs = (after.systemUs - before.systemUs) / 1000;
  const productMs = (after.userUs - before.userUs) / 1000 + systemMs;
  return {
    ...result,
    handled,
    cpuPerUpdate: productMs / Math.max(1, handled),
    systemShare: (systemMs / Math.max(1, productMs)) * 100,
    simCpuPerUpdate: (own.user + own.system) / 1000 / Math.max(1, handled),
    postgresCpuPerUpdate: postgresMs === undefined ? undefined : postgresMs / Math.max(1, handled),
    productCpuShare: (productMs / (result.seconds * 1000)) * 100,
    loadAverage: loadavg()[0] ?? 0,
    perUpdate: {
      queries: (after.queries - before.queries) / Math.max(1, handled),
      apiCalls: (after.apiCalls - before.apiCalls) / Math.max(1, handled),
      connections: (after.connections - before.connections) / Math.max(1, handled),
    },
  };
}

/** Jobs due or running in the scratch database (a start enqueues every tenant's daily jobs). */
async function busyJobs(database: string): Promise<number> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs WHERE status = 'running' OR (status = 'queued' AND run_at <= now())",
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * Waits until no job is due and the process idles below 30 ms of CPU a second: the first start of
 * a fleet enqueues every tenant's daily jobs (pruning, billing, planning) at once, which is no idle.
 * Up to 30 s, or 30 ms per tenant (5 minutes at 10,000); returns the jobs still due then.
 */
async function settle(server: ServerHandle, tenants: number, database: string | undefined): Promise<number> {
  const deadline = performance.now() + Math.max(30_000, tenants * 30);
  for (;;) {
    const before = await server.cpu();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await server.cpu();
    const msPerSecond = (after.userUs - before.userUs + after.systemUs - before.systemUs) / 1000;
    const due = database === undefined ? 0 : await busyJobs(database);
    if ((msPerSecond < 30 && due === 0) || performance.now() > deadline) return due;
  }
}

interface Idle {
  /** CPU milliseconds a second. */
  readonly cpu: number;
  /** Database round trips and Bot API requests a second. */
  readonly queries: number;
  readonly apiCalls: number;
  /** Garbage collection milliseconds a second, of them in full collections, and full collections in the window. */
  readonly gc: number;
  readonly fullGc: number;
  readonly fullCollections: number;
  /** CPU milliseconds a second off the main thread (V8's helper threads, libuv's pool); undefined without /proc. */
  readonly otherThreads: number | undefined;
}

/** How long a long poll lasts when nothing comes: the product asks for 50 s, bare grammY for 30 s. */
const LONG_POLL_SECONDS = { product: 50, bare: 30 };

/**
 * What the process does a second with no updates, over BENCH_IDLE_SECONDS (default 5 s in webhook
 * mode; in polling mode two long polls' length, 100 s for the product and 60 s for bare grammY).
 * Bare grammY's bots all start polling at the restart, so their polls end in waves one poll length
 * apart: a window of whole poll lengths holds the same number of waves wherever it starts, one that
 * is not holds one wave or two (a 60 s window once read 167 or 333 polls a second, by chance, where
 * the steady rate was 200); the product spreads its bots' first polls over one poll length. The
 * window begins soon after the start, so it also holds V8's memory reducer's first round (three
 * full collections about 90 s after the start, once); a longer BENCH_IDLE_SECONDS reads the steady
 * idle. BENCH_PROFILE_IDLE=1 writes a CPU profile of the product over the window to /tmp/prof.
 */
async function idleCpu(
  server: ServerHandle,
  mode: Mode,
  profile: boolean,
  pollSeconds: number,
): Promise<Idle> {
  if (profile) {
    mkdirSync('/tmp/prof', { recursive: true });
    await server.profileStart();
  }
  const before = await server.cpu();
  const threadsBefore = threadCpuMs(server.child.pid);
  const started = performance.now();
  const window = IDLE_SECONDS ?? (mode === 'polling' ? 2 * pollSeconds : 5);
  await new Promise((resolve) => setTimeout(resolve, window * 1000));
  const after = await server.cpu();
  const threadsAfter = threadCpuMs(server.child.pid);
  const seconds = (performance.now() - started) / 1000;
  if (profile) {
    const file = `/tmp/prof/idle-${mode}-${Date.now()}.cpuprofile`;
    await server.profileStop(file);
    print(`idle profile  ${file}`);
  }
  return {
    cpu: (after.userUs - before.userUs + after.systemUs - before.systemUs) / 1000 / seconds,
    queries: (after.queries - before.queries) / seconds,
    apiCalls: (after.apiCalls - before.apiCalls) / seconds,
    gc: (after.gc.ms - before.gc.ms) / seconds,
    fullGc: (after.gc.fullMs - before.gc.fullMs) / seconds,
    fullCollections: after.gc.full - before.gc.full,
    otherThreads:
      threadsBefore && threadsAfter ? (threadsAfter.others - threadsBefore.others) / seconds : undefined,
  };
}

type Customer = { bot: SimBot; user: SimUser; started: boolean };

type Measured = Awaited<ReturnType<typeof measured<Awaited<ReturnType<typeof load>>>>>;
/** The unpaced load and the load at BENCH_RATE on one started process. */
type Windows = { max: Measured; paced: Measured };

interface Run extends Windows {
  cold: ServerHandle['ready'] | undefined;
  ready: ServerHandle['ready'];
  idleRss: number;
  busyRss: number;
  idle: Idle;
  /** Jobs still due when the idle window began (settling gave up). */
  dueJobs: number;
  profileFile: string | undefined;
}

/**
 * One process (product or bare grammY) under the benchmark's load: started once and stopped when
 * `cold` (the product's first start sets every webhook), started again, its idle memory and CPU
 * read once the start-up burst has passed, then the unpaced and the paced load.
 */
async function exercise(
  entry: Awaited<ReturnType<typeof serverEntry>>,
  env: Record<string, string>,
  options: {
    cold: boolean;
    profile: string | undefined;
    database: string;
    sim: TelegramSim;
    customers: Customer[];
    tenants: number;
    mode: Mode;
  },
): Promise<Run> {
  let cold: ServerHandle['ready'] | undefined;
  if (options.cold) {
    const first = await startServer(env, entry);
    cold = first.ready;
    await first.stop();
  }
  // the restart keeps the first start's address, as a restarted service does: a new one would
  // change every webhook's URL, and the restart would set them all again like a first start
  const port = options.cold ? env.BENCH_PORT : String(await freePort());
  const server = await startServer({ ...env, BENCH_PORT: port ?? String(await freePort()) }, entry);
  const idleRss = await server.rss();
  // A (re)start enqueues every scheduled job for every tenant at once; measure after that burst.
  // What remains idle is the process's own background work (job queue, health probes, long polls).
  // the bare bots have no jobs: the product's left in the database are not theirs to wait for
  const dueJobs = await settle(server, options.tenants, entry === SERVER ? options.database : undefined);
  const idle = await idleCpu(
    server,
    options.mode,
    PROFILE_IDLE && entry === SERVER,
    entry === SERVER ? LONG_POLL_SECONDS.product : LONG_POLL_SECONDS.bare,
  );
  const { max, paced } = await loadWindows(server, options);
  const busyRss = await server.rss();
  await server.stop();
  return {
    cold,
    ready: server.ready,
    idleRss,
    busyRss,
    idle,
    dueJobs,
    max,
    paced,
    profileFile: options.profile,
  };
}

/** A 2 s warm-up, then the unpaced load and the load at BENCH_RATE, each measured. */
async function loadWindows(
  server: ServerHandle,
  options: { profile: string | undefined; database: string; sim: TelegramSim; customers: Customer[] },
): Promise<Windows> {
  await load(options.sim, options.customers, 2, undefined); // warm-up
  const profiled = async <T>(window: 'unpaced' | 'paced', work: () => Promise<T>): Promise<T> => {
    if (!options.profile || PROFILE_WINDOW !== window) return work();
    mkdirSync('/tmp/prof', { recursive: true });
    await server.profileStart();
    const result = await work();
    await server.profileStop(options.profile);
    return result;
  };
  const max = await profiled('unpaced', () =>
    measured(server, options.database, () => load(options.sim, options.customers, SECONDS, undefined)),
  );
  const paced = await profiled('paced', () =>
    measured(server, options.database, () => load(options.sim, options.customers, SECONDS, RATE)),
  );
  return { max, paced };
}

/**
 * One further round of one side: the process started again at a new address (in webhook mode it
 * sets every webhook again, as a service that moved does: the other side's start pointed them at
 * itself), settled, then the same two loads.
 */
async function rematch(
  entry: Awaited<ReturnType<typeof serverEntry>>,
  env: Record<string, string>,
  options: { database: string; sim: TelegramSim; customers: Customer[]; tenants: number },
): Promise<Windows> {
  const server = await startServer({ ...env, BENCH_PORT: String(await freePort()) }, entry);
  try {
    await settle(server, options.tenants, entry === SERVER ? options.database : undefined);
    return await loadWindows(server, { ...options, profile: undefined });
  } finally {
    await server.stop();
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const fixed = (value: number, digits = 2) => value.toFixed(digits);
const corePercent = (msPerSecond: number) => `${fixed(msPerSecond / 10, 1)}% of a core`;
/**
 * The garbage collector's part of an idle window (its pauses on the main thread, as the runtime
 * times them) and the CPU off the main thread (V8's helper threads mark and sweep concurrently).
 */
const gcShare = (idle: Idle) =>
  `garbage collection ${fixed(idle.gc, 1)} ms/s, ${fixed(idle.fullGc, 1)} ms/s of it in ${idle.fullCollections} full collections${idle.otherThreads === undefined ? '' : `; ${fixed(idle.otherThreads, 1)} ms/s off the main thread`}`;

const list = (values: readonly number[], digits: number) =>
  values.map((value) => fixed(value, digits)).join(', ');

/**
 * The ratio bare/product of CPU per update, at BENCH_RATE and unpaced, as the median of the
 * rounds' ratios (each round's product beside the same round's bare grammY), and the product's
 * unpaced throughput and p99 at BENCH_RATE by round with their medians (with a single round, the
 * lines above hold those).
 */
function reportRounds(product: readonly Windows[], bare: readonly Windows[] | undefined) {
  const throughput = product.map(({ max }) => max.count / max.seconds);
  const p99 = product.map(({ paced }) => percentile(paced.latencies, 99));
  const cpu = (side: readonly Windows[]) =>
    list(
      side.map(({ paced }) => paced.cpuPerUpdate),
      2,
    );
  if (product.length > 1)
    print(
      `rounds        product unpaced ${fixed(median(throughput), 0)} updates/s (median of ${product.length} rounds: ${list(throughput, 0)}); p99 at ${RATE}/s ${fixed(median(p99), 1)} ms (${list(p99, 1)}); CPU per update at ${RATE}/s ${cpu(product)} ms${bare ? `, bare grammY ${cpu(bare)} ms` : ''}`,
    );
  if (!bare) return;
  const ratios = (window: keyof Windows) =>
    product.map((round, index) => bare[index]![window].cpuPerUpdate / round[window].cpuPerUpdate);
  const atRate = ratios('paced');
  const unpaced = ratios('max');
  const each = (values: number[]) =>
    values.length > 1 ? ` (median of ${values.length} rounds: ${list(values, 2)})` : '';
  print(
    `ratio         bare/product ${fixed(median(atRate))} at ${RATE}/s${each(atRate)}, ${fixed(median(unpaced))} unpaced${each(unpaced)}`,
  );
}

function report(
  tenants: number,
  mode: Mode,
  product: Run,
  bare: Run | undefined,
  rounds: { product: Windows[]; bare: Windows[] },
  perTenantBase: number | undefined,
) {
  const { cold, ready, max, paced } = product;
  const restart = `${fixed(ready.startupMs / 1000)} s; from process start ${fixed(ready.processMs / 1000)} s (product modules load in ${fixed(ready.importMs / 1000)} s)`;
  print(
    cold
      ? `start-up      first start ${fixed(cold.startupMs / 1000)} s (${mode === 'webhook' ? `sets ${tenants} webhooks` : 'deletes the webhooks'}), restart ${restart}`
      : `start-up      ${restart}`,
  );
  print(
    `throughput    ${fixed(max.count / max.seconds, 0)} updates/s sustained over ${fixed(max.seconds, 1)} s; latency p50 ${fixed(percentile(max.latencies, 50), 1)} ms, p99 ${fixed(percentile(max.latencies, 99), 1)} ms; errors ${max.errors}`,
  );
  print(
    `at ${RATE}/s     achieved ${fixed(paced.count / paced.seconds, 0)} updates/s; latency p50 ${fixed(percentile(paced.latencies, 50), 1)} ms, p99 ${fixed(percentile(paced.latencies, 99), 1)} ms; errors ${paced.errors}`,
  );
  print(
    `cpu/update    product ${fixed(paced.cpuPerUpdate)} ms at ${RATE}/s (${fixed(paced.systemShare, 0)}% in the kernel), ${fixed(max.cpuPerUpdate)} ms unpaced (${max.handled} updates, ${fixed(max.productCpuShare, 0)}% of a core); at ${RATE}/s: simulator ${fixed(paced.simCpuPerUpdate)} ms, PostgreSQL ${paced.postgresCpuPerUpdate?.toFixed(2) ?? 'n/a'} ms; load average ${fixed(max.loadAverage, 1)}`,
  );
  print(
    `per update    ${fixed(max.perUpdate.queries)} database round trips, ${fixed(max.perUpdate.apiCalls)} Bot API requests, ${fixed(max.perUpdate.connections, 3)} new Bot API connections`,
  );
  if (bare)
    print(
      `bare grammY   ${fixed(bare.paced.cpuPerUpdate)} ms CPU per update at ${RATE}/s, ${fixed(bare.max.cpuPerUpdate)} ms unpaced (${fixed(bare.max.count / bare.max.seconds, 0)} updates/s, p99 ${fixed(percentile(bare.paced.latencies, 99), 1)} ms at ${RATE}/s); load average ${fixed(bare.max.loadAverage, 1)}`,
    );
  reportRounds([product, ...rounds.product], bare ? [bare, ...rounds.bare] : undefined);
  print(
    `idle          product ${fixed(product.idle.cpu, 1)} ms CPU/s (${corePercent(product.idle.cpu)}; ${fixed(product.idle.queries, 1)} database round trips/s, ${fixed(product.idle.apiCalls, 1)} Bot API requests/s; ${gcShare(product.idle)}${product.dueJobs > 0 ? `; ${product.dueJobs} start-up jobs still due` : ''})${bare ? `, bare grammY ${fixed(bare.idle.cpu, 1)} ms CPU/s (${corePercent(bare.idle.cpu)}; ${gcShare(bare.idle)})` : ''}`,
  );
  if (product.profileFile) print(`profile       ${product.profileFile}`);
  const perTenant =
    perTenantBase !== undefined && tenants > 1
      ? `, ${fixed((product.idleRss - perTenantBase) / (tenants - 1) / 1024, 1)} KB per idle tenant (vs 1 tenant)`
      : '';
  print(
    `memory        RSS idle ${mb(product.idleRss)}${perTenant}; after load ${mb(product.busyRss)}${bare ? `; bare grammY idle ${mb(bare.idleRss)}` : ''}`,
  );
}

/** The product's idle RSS at 1 tenant, by mode: what "per idle tenant" is counted from. */
const oneTenantRss = new Map<Mode, number>();

async function benchmark(tenants: number): Promise<void> {
  const scratch = await createScratchDatabase(ADMIN_URL, 'rf_bench');
  const sim = await startTelegramSim({ recordCalls: false, maxMessagesPerChat: 20 });
  const secretKey = randomBytes(32);
  const botsFile = join(tmpdir(), `rf-bench-bots-${process.pid}.json`);
  try {
    // Tenants, created as an operator would, with bot info cached and onboarding steps off.
    const setupStarted = performance.now();
    const database = await openDatabase({
      url: scratch.url,
      appUrl: scratch.appUrl,
      logger: createSilentLogger(),
      poolMax: 20,
    });
    const app = createApp({ database, secrets: createSecretBox(secretKey), logger: createSilentLogger() });
    const bots: SimBot[] = [];
    for (let i = 0; i < tenants; i += 1) bots.push(sim.addBot({ username: `bench_${i}_bot` }));
    for (let i = 0; i < tenants; i += 50) {
      await Promise.all(
        bots.slice(i, i + 50).map(async (bot) => {
          const created = await app.platform.tenants.create({
            name: bot.username,
            token: bot.token,
            botInfo: {
              id: bot.id,
              is_bot: true,
              first_name: bot.firstName,
              username: bot.username,
              can_join_groups: true,
              can_read_all_group_messages: false,
              supports_inline_queries: false,
              can_connect_to_business: false,
              has_main_web_app: false,
            },
            username: bot.username,
          });
          if (!created.ok) throw new Error(created.error.message);
          const settings = app.forTenant(created.value.tenant.id).settings;
          await settings.set('language_selection_enabled', false, 'operator');
          await settings.set('skip_rules_acceptance', true, 'operator');
          await settings.set('support_username', '@bench_support', 'operator');
        }),
      );
      if (tenants >= 5000 && (i + 50) % 1000 === 0)
        process.stderr.write(`  set up ${i + 50} of ${tenants} tenants\n`);
    }
    await database.close();
    writeFileSync(
      botsFile,
      JSON.stringify(
        bots.map((bot) => ({
          id: bot.id,
          token: bot.token,
          username: bot.username,
          firstName: bot.firstName,
        })),
      ),
    );
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const databaseName = new URL(scratch.url).pathname.slice(1);
    const customers: Customer[] = Array.from({ length: USERS }, (_, i) => ({
      bot: bots[i % bots.length]!,
      user: sim.user({ firstName: `User${i}` }),
      started: false,
    }));

    for (const mode of MODES) {
      const env = {
        BENCH_DATABASE_URL: scratch.url,
        BENCH_DATABASE_APP_URL: scratch.appUrl,
        BENCH_API_ROOT: sim.apiRoot,
        BENCH_SECRET_KEY: secretKey.toString('hex'),
        BENCH_PORT: String(await freePort()),
        BENCH_MODE: mode,
        BENCH_BOTS_FILE: botsFile,
      };
      const common = { database: databaseName, sim, customers, tenants, mode };
      const profile = PROFILE ? `/tmp/prof/fleet-${mode}-${tenants}-${Date.now()}.cpuprofile` : undefined;
      const product = await exercise(SERVER, env, { ...common, cold: true, profile });
      const bare = BASELINE
        ? await exercise(BARE, env, { ...common, cold: false, profile: undefined })
        : undefined;
      // further rounds, the side going first alternating so that a drift of the machine's speed
      // falls on both
      const rounds: { product: Windows[]; bare: Windows[] } = { product: [], bare: [] };
      for (let round = 2; round <= ROUNDS; round += 1) {
        const order = !BASELINE
          ? (['product'] as const)
          : round % 2 === 0
            ? (['bare', 'product'] as const)
            : (['product', 'bare'] as const);
        for (const side of order)
          rounds[side].push(await rematch(side === 'product' ? SERVER : BARE, env, common));
      }
      print(
        `\n== ${tenants} tenant${tenants === 1 ? '' : 's'}, ${mode} mode (${USERS} concurrent customers; setup ${fixed(setupSeconds, 1)} s)`,
      );
      if (tenants === 1) oneTenantRss.set(mode, product.idleRss);
      report(tenants, mode, product, bare, rounds, oneTenantRss.get(mode));
    }
  } finally {
    rmSync(botsFile, { force: true });
    await sim.close();
    await scratch.drop();
  }
}

print(
  `Remnafleet fleet benchmark: ${MODES.join(' and ')} mode, PostgreSQL at ${new URL(ADMIN_URL).host}, Node ${process.version}, product from ${FROM === 'dist' ? 'dist/ (node --enable-source-maps)' : 'src/ (node --import tsx)'}${BASELINE ? ', against bare grammY bots' : ''}${ROUNDS > 1 ? `, ${ROUNDS} rounds` : ''}`,
);
print('latency = from the update entering the simulator to the bot reply reaching it');
for (const tenants of TENANT_COUNTS) await benchmark(tenants);
