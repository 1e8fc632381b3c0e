/**
 * `npm run bench:broadcast`: broadcasts at Telegram's pace, and no duplicate across a `kill -9`.
 *
 * 100 shops with 1,000 customers each (100,000 recipients) each send one broadcast to everyone,
 * all at once, through the Telegram simulator with its flood limits on (30 sends a second per bot,
 * 429 with retry_after beyond). The delivering service runs in a child process (fleet, job runner
 * and its default concurrency, as `npm start` runs them); when 40 % of the messages went out the
 * child is killed with SIGKILL and a new one started on the same database, which takes the jobs
 * over once their leases run out and finishes. The simulator lives in this process and keeps every
 * chat, so duplicates are counted where customers would see them.
 *
 * Printed: the allowed rate (shops × broadcast_rate_per_second), the delivery rate before the kill
 * (every shop sending) and over the whole run without the downtime, the 429s the simulator answered,
 * and duplicates (target 0), with the recipients left `unknown` by the killed process (claimed, maybe
 * sent, never sent again) and those missing; and the CPU time per 1,000 sends of the product (the
 * delivering processes, PGlite included when it is the database), of the simulator (this process)
 * and of this machine's PostgreSQL (all of its processes: other work on it counts too), which tell
 * how much of the machine the rate needs whatever else runs on it.
 *
 * `BENCH_CPU_PROF=<dir>` writes a CPU profile of each delivering process there (node --cpu-prof;
 * the killed one's is lost); `BENCH_LOG=info` shows their logs.
 *
 * Database: embedded PGlite in a temporary directory by default (the child reopens it after the
 * kill); PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set (an owner connection string: a
 * scratch database is created and dropped).
 *
 * Options: --shops 100 --recipients 100000 (in all) --kill-at 0.4 (fraction sent before the kill;
 * 0 for no kill) --concurrency N (the job runner's, default the production default).
 * Quick run: npm run bench:broadcast -- --shops 10 --recipients 5000
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Api } from 'grammy';
import { startTelegramSim } from '../sim/telegram/index.js';
import { createApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { platformDb } from '../src/db/tenant-tx.js';
import { startPlatform } from '../src/platform.js';
import { createSecretBox } from '../src/shared/crypto.js';
import type { BotId } from '../src/shared/ids.js';
import { createLogger, createSilentLogger } from '../src/shared/logger.js';
import { createScratchDatabase, TEST_ENCRYPTION_KEY } from '../test/support/database.js';

const { values: args } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    shops: { type: 'string', default: '100' },
    recipients: { type: 'string', default: '100000' },
    'kill-at': { type: 'string', default: '0.4' },
    concurrency: { type: 'string' },
  },
});

const TEXT = 'Bench broadcast: new servers are online';
const RATE = 25;

/** What the parent tells the child, through its environment. */
interface ChildConfig {
  readonly apiRoot: string;
  readonly dataDir?: string | undefined;
  readonly url?: string | undefined;
  readonly appUrl?: string | undefined;
  readonly concurrency?: number | undefined;
}

const print = (line = '') => process.stdout.write(`${line}\n`);

if (args.child) await runChild(JSON.parse(process.env.BENCH_BROADCAST_CHILD ?? '{}') as ChildConfig);
else await runParent();

/**
 * CPU time (ms) of this machine's PostgreSQL processes, the exited backends included (in the
 * postmaster's children's times); 0 where /proc is not there.
 */
function postgresCpuMs(): number {
  const tick = 10; // ms: USER_HZ is 100 on Linux
  let total = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (!stat.slice(open + 1, close).startsWith('postgres')) continue;
    const fields = stat.slice(close + 2).split(' ');
    // fields from the state on: utime 11, stime 12, cutime 13, cstime 14 (0-based here)
    total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * tick;
  }
  return total;
}

/** The delivering service: the platform on the shared database, until every broadcast is over. */
async function runChild(config: ChildConfig): Promise<void> {
  const logger = process.env.BENCH_LOG
    ? createLogger({ level: process.env.BENCH_LOG as 'info' })
    : createSilentLogger();
  const database = await openDatabase({
    url: config.url,
    appUrl: config.appUrl,
    dataDir: config.dataDir,
    migrate: false,
    poolMax: 20,
    logger,
  });
  const app = createApp({ database, secrets: createSecretBox(TEST_ENCRYPTION_KEY), logger });
  await app.start();
  const platform = await startPlatform(app, logger, {
    apiRoot: config.apiRoot,
    mode: 'polling',
    secretKey: TEST_ENCRYPTION_KEY,
    http: { host: '127.0.0.1', port: 0 },
    ...(config.concurrency ? { jobs: { concurrency: config.concurrency } } : {}),
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  // the child killed with SIGKILL says nothing more: it reports its CPU time as it goes
  const cpuReport = setInterval(() => {
    const cpu = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: Math.round((cpu.user + cpu.system) / 1000) })}\n`);
  }, 500);
  cpuReport.unref();
  const shops = (await app.platform.tenants.findAll({ limit: 10_000 })).map((tenant) => tenant.id);
  // light on the database it shares with the delivery: every few seconds, only shops not done yet
  const open = new Set(shops);
  while (open.size > 0) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const botId of [...open]) {
      const [latest] = await app.forTenant(botId).broadcasts.list({ limit: 1 });
      if (latest?.status !== 'sending') open.delete(botId);
      else break;
    }
  }
  const counts: Record<string, number> = {};
  for (const botId of shops) {
    const services = app.forTenant(botId);
    for (const broadcast of await services.broadcasts.list({ limit: 5 })) {
      const progress = await services.broadcasts.progress(broadcast.id);
      for (const [status, n] of Object.entries(progress?.counts ?? {}))
        counts[status] = (counts[status] ?? 0) + n;
    }
  }
  const cpu = process.cpuUsage();
  process.stdout.write(
    `${JSON.stringify({ done: true, counts, cpuMs: Math.round((cpu.user + cpu.system) / 1000) })}\n`,
  );
  await platform.stop();
  await app.stop();
  await database.close();
  process.exit(0);
}

async function runParent(): Promise<void> {
  const shopsCount = Number(args.shops);
  const recipients = Number(args.recipients);
  const killAt = Number(args['kill-at']);
  const concurrency = args.concurrency ? Number(args.concurrency) : undefined;
  const perShop = Math.floor(recipients / shopsCount);
  if (!(shopsCount >= 1 && perShop >= 1)) throw new Error('--shops and --recipients must be positive');
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const logger = createSilentLogger();

  print(
    `bench:broadcast: ${shopsCount} shops × ${perShop} recipients = ${shopsCount * perShop}, ` +
      `rate ${RATE}/s per bot, simulator limit 30/s per bot, kill -9 at ${Math.round(killAt * 100)} %`,
  );
  const sim = await startTelegramSim({
    recordCalls: false,
    maxMessagesPerChat: 5,
    rateLimit: { perBotPerSecond: 30 },
  });
  const scratch = adminUrl ? await createScratchDatabase(adminUrl, 'rf_bench') : undefined;
  const dataDir = scratch ? undefined : await mkdtemp(join(tmpdir(), 'rf-bench-broadcast-'));
  print(`database: ${scratch ? 'PostgreSQL (scratch database)' : `PGlite in ${dataDir}`}`);

  // --- seed: shops, their bots in the simulator, customers who started them, one broadcast each
  const seedStarted = Date.now();
  const database = await openDatabase({ url: scratch?.url, appUrl: scratch?.appUrl, dataDir, logger });
  const app = createApp({ database, secrets: createSecretBox(TEST_ENCRYPTION_KEY), logger });
  const bots: { id: BotId; bot: ReturnType<typeof sim.addBot> }[] = [];
  const db = platformDb(database.db);
  for (let s = 0; s < shopsCount; s += 1) {
    const bot = sim.addBot({ username: `bench_${s}_bot` });
    const created = await app.platform.tenants.create({ name: `Bench ${s}`, token: bot.token });
    if (!created.ok) throw new Error(created.error.message);
    const botId = created.value.tenant.id;
    bots.push({ id: botId, bot });
    const firstUser = 100_000_000 + s * perShop;
    await db.tenant(botId).statement(`
      INSERT INTO customers (bot_id, telegram_id, language, referral_code)
      SELECT ${botId}, ${firstUser} + g, 'fa', 'b${botId}c' || g FROM generate_series(0, ${perShop - 1}) g`);
    for (let i = 0; i < perShop; i += 1) sim.user({ id: firstUser + i, firstName: `U${i}` }).start(bot);
    // the /start updates are only there to open the chats: nobody is to answer them
    await new Api(bot.token, { apiRoot: sim.apiRoot }).deleteWebhook({ drop_pending_updates: true });
  }
  for (const { id } of bots) {
    const created = await app
      .forTenant(id)
      .broadcasts.create({ text: TEXT, audience: { segment: 'all' }, origin: 'api' });
    if (!created.ok) throw new Error(created.error.message);
  }
  await database.close();
  const total = shopsCount * perShop;
  print(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);

  // --- deliver: a child process, killed with SIGKILL part of the way, then another to finish
  const config: ChildConfig = {
    apiRoot: sim.apiRoot,
    dataDir,
    url: scratch?.url,
    appUrl: scratch?.appUrl,
    concurrency,
  };
  const script = fileURLToPath(import.meta.url);
  interface Child {
    readonly child: ChildProcess;
    readonly ready: Promise<void>;
    readonly done: Promise<Record<string, number> | undefined>;
    /** The child's CPU time as it last said (a killed child's is that of its last report). */
    cpuMs: number;
  }
  const startChild = (): Child => {
    const profile = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF]
      : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', script, '--child'], {
      env: { ...process.env, BENCH_BROADCAST_CHILD: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let onReady: () => void = () => {};
    let onDone: (counts: Record<string, number> | undefined) => void = () => {};
    const handle: Child = {
      child,
      ready: new Promise<void>((resolve) => {
        onReady = resolve;
      }),
      done: new Promise((resolve) => {
        onDone = resolve;
      }),
      cpuMs: 0,
    };
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      let message: { ready?: boolean; done?: boolean; counts?: Record<string, number>; cpuMs?: number };
      try {
        message = JSON.parse(line);
      } catch {
        return; // not ours
      }
      if (message.cpuMs !== undefined) handle.cpuMs = message.cpuMs;
      if (message.ready) onReady();
      if (message.done) onDone(message.counts);
    });
    child.once('exit', () => {
      onReady();
      onDone(undefined);
    });
    return handle;
  };
  const accepted = () => sim.rateLimitStats().accepted;
  /** Sends accepted by the simulator, sampled every 100 ms: when the first and last went out. */
  const samples: { at: number; sent: number }[] = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), sent: accepted() }), 100);

  const first = startChild();
  await first.ready;
  const phase1Start = Date.now();
  const parentCpuAtStart = process.cpuUsage();
  const pgCpuAtStart = scratch ? postgresCpuMs() : undefined;
  let killedAt: number | undefined;
  let sentAtKill = 0;
  if (killAt > 0) {
    while (accepted() < total * killAt) await new Promise((resolve) => setTimeout(resolve, 20));
    first.child.kill('SIGKILL');
    killedAt = Date.now();
    sentAtKill = accepted();
    await new Promise((resolve) => first.child.once('exit', resolve));
    print(`killed the delivering process (SIGKILL) after ${sentAtKill} sends`);
  }
  const children = [first];
  let final: Record<string, number> | undefined;
  let restarted: { at: number; sent: number } | undefined;
  if (killAt > 0) {
    const second = startChild();
    children.push(second);
    await second.ready;
    restarted = { at: Date.now(), sent: accepted() };
    final = await second.done;
    await new Promise((resolve) => second.child.once('exit', resolve));
  } else {
    final = await first.done;
    await new Promise((resolve) => first.child.once('exit', resolve));
  }
  clearInterval(sampler);
  const parentCpu = process.cpuUsage(parentCpuAtStart);
  const pgCpu = pgCpuAtStart === undefined ? undefined : postgresCpuMs() - pgCpuAtStart;
  samples.push({ at: Date.now(), sent: accepted() });

  // --- figures
  const allowed = shopsCount * RATE;
  const firstSend = samples.find((sample) => sample.sent > 0)?.at ?? phase1Start;
  const lastSample = samples.at(-1)!;
  const lastSend = samples.find((sample) => sample.sent === lastSample.sent)?.at ?? lastSample.at;
  // a run sends a second's worth at once, so the last run's sends stand for one more second
  const phase1Seconds = ((killedAt ?? lastSend) - firstSend) / 1000 + (killedAt ? 0 : 1);
  const phase1Rate = (killedAt ? sentAtKill : lastSample.sent) / phase1Seconds;
  // downtime: from the kill to the first send of the new process
  const resumed = restarted
    ? samples.find((sample) => sample.at >= restarted!.at && sample.sent > restarted!.sent)
    : undefined;
  const downtime = killedAt && resumed ? (resumed.at - killedAt) / 1000 : 0;
  const activeSeconds = (lastSend - firstSend) / 1000 + 1 - downtime;
  const overallRate = lastSample.sent / activeSeconds;

  let duplicates = 0;
  let received = 0;
  let missing = 0;
  for (let s = 0; s < shopsCount; s += 1) {
    const { bot } = bots[s]!;
    for (let i = 0; i < perShop; i += 1) {
      const n = sim
        .chat(bot, 100_000_000 + s * perShop + i)
        .messages.filter((m) => m.fromBot && m.text === TEXT).length;
      received += Math.min(n, 1);
      if (n > 1) duplicates += n - 1;
      if (n === 0) missing += 1;
    }
  }
  const limited = sim.rateLimitStats().limited;
  const pct = (value: number) => `${((value / allowed) * 100).toFixed(1)} %`;
  print();
  print(`allowed rate:                 ${allowed} msg/s (${shopsCount} bots × ${RATE}/s)`);
  print(
    `delivery rate before the kill: ${phase1Rate.toFixed(0)} msg/s = ${pct(phase1Rate)} of allowed ` +
      `(${phase1Seconds.toFixed(1)} s, all shops sending)`,
  );
  if (killedAt) {
    print(
      `downtime (kill → first send of the new process): ${downtime.toFixed(1)} s (job leases run out: 15 s)`,
    );
    print(
      `delivery rate overall without the downtime: ${overallRate.toFixed(0)} msg/s = ${pct(overallRate)} ` +
        `(${activeSeconds.toFixed(1)} s active)`,
    );
  }
  print(`429 answers from the simulator: ${limited}`);
  print(
    `machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  );
  const perThousand = (ms: number) => `${(((ms / lastSample.sent) * 1000) / 1000).toFixed(2)} s`;
  const childCpu = children.reduce((sum, child) => sum + child.cpuMs, 0);
  print(
    `CPU per 1,000 sends: product ${perThousand(childCpu)}, simulator (this process) ` +
      `${perThousand((parentCpu.user + parentCpu.system) / 1000)}` +
      (pgCpu === undefined ? '' : `, PostgreSQL ${perThousand(pgCpu)}`),
  );
  print(`recipients: ${total}; received once or more: ${received}; missing: ${missing}`);
  print(`duplicates (a recipient got it more than once): ${duplicates}   (target 0)`);
  print(`final states: ${JSON.stringify(final ?? {})}`);
  print(
    'missing = recipients the killed process had claimed ("unknown": maybe sent, never sent again) and ' +
      'whose send had not reached the simulator',
  );
  await sim.close();
  await scratch?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}
