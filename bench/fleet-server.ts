/**
 * The product side of `npm run bench:fleet`, in its own process so its memory and CPU are
 * measured alone: the platform in webhook or polling mode (BENCH_MODE) on PostgreSQL against the
 * simulator the parent runs.
 *
 * Messages from the parent: `rss`; `cpu` (CPU time of this process, and webhook updates answered,
 * database round trips, Bot API calls and new connections so far); `profile-start` /
 * `profile-stop` (a CPU profile of the window in between, written to `file`, and with
 * BENCH_PROFILE_ALLOC=1 a sampled allocation profile beside it, `.heapprofile`); `stop`.
 *
 * The product's modules are imported from BENCH_PRODUCT_ROOT (a file URL the parent sets): `src/`
 * when this file runs under `--import tsx` (the default), `dist/` with BENCH_FROM=dist, where the
 * parent runs this file transpiled to plain JavaScript under `node --enable-source-maps` as
 * `npm start` does, so no TypeScript loader sits in front of the product. Hence the imports below
 * from `../src` are types only: keep it that way (and import nothing else from the repository).
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';
import type * as AppModule from '../src/app.js';
import type * as DatabaseModule from '../src/db/database.js';
import type * as PlatformModule from '../src/platform.js';
import type * as CryptoModule from '../src/shared/crypto.js';
import type * as LoggerModule from '../src/shared/logger.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

// Round trips the product makes per update: queries sent to PostgreSQL (a script of several
// statements sent as one message counts once), HTTP requests to the Bot API (the simulator), and
// TCP connections opened for those (keep-alive misses; `pg` opens its sockets in a way this
// channel does not see).
const counts = { queries: 0, apiCalls: 0, connections: 0 };
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
// BENCH_QUERY_TALLY=1: the most frequent statements are printed to stderr when the process stops.
const tally = process.env.BENCH_QUERY_TALLY ? new Map<string, number>() : undefined;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  counts.queries += 1;
  if (tally) {
    const first = args[0] as string | { text?: string };
    const text = (typeof first === 'string' ? first : (first?.text ?? '?'))
      .replace(/\s+/g, ' ')
      .slice(0, 160);
    tally.set(text, (tally.get(text) ?? 0) + 1);
  }
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;
subscribe('http.client.request.start', () => {
  counts.apiCalls += 1;
});
// long polls go over connections of their own (src/bot/long-poll.ts), which publish each one here
subscribe('remnafleet:long-poll', () => {
  counts.apiCalls += 1;
});
// Garbage collection so far, from the runtime's own timing of each collection: all of it, and the
// full (mark-compact) collections apart, whose pauses grow with the heap
const gc = { ms: 0, fullMs: 0, full: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.ms += entry.duration;
    if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gc.fullMs += entry.duration;
      gc.full += 1;
    }
  }
}).observe({ entryTypes: ['gc'] });
subscribe('net.client.socket', () => {
  counts.connections += 1;
});

// The product's modules, from src/ (through tsx) or dist/; `.js` names resolve to the `.ts`
// sources under tsx. Loading them is timed apart from start-up proper (see `ready` below).
const importStarted = performance.now();
const productRoot = env('BENCH_PRODUCT_ROOT');
const product = <T>(path: string) => import(new URL(path, productRoot).href) as Promise<T>;
const [{ createApp }, { openDatabase }, { startPlatform }, { createSecretBox }, { createLogger }] =
  await Promise.all([
    product<typeof AppModule>('app.js'),
    product<typeof DatabaseModule>('db/database.js'),
    product<typeof PlatformModule>('platform.js'),
    product<typeof CryptoModule>('shared/crypto.js'),
    product<typeof LoggerModule>('shared/logger.js'),
  ]);
const importMs = performance.now() - importStarted;

// BENCH_PROFILE_STARTUP=FILE: a CPU profile of start-up (opening the database to serving) to FILE
const startupProfile = process.env.BENCH_PROFILE_STARTUP;
let startupProfiler: Session | undefined;
if (startupProfile) {
  startupProfiler = new Session();
  startupProfiler.connect();
  await startupProfiler.post('Profiler.enable');
  await startupProfiler.post('Profiler.setSamplingInterval', { interval: 500 });
  await startupProfiler.post('Profiler.start');
}

const started = performance.now();
const logger = createLogger({ level: 'error' });
const secretKey = Buffer.from(env('BENCH_SECRET_KEY'), 'hex');
const database = await openDatabase({
  url: env('BENCH_DATABASE_URL'),
  appUrl: env('BENCH_DATABASE_APP_URL'),
  logger,
  poolMax: 20,
});
const app = createApp({ database, secrets: createSecretBox(secretKey), logger });
await app.start();
const port = Number(env('BENCH_PORT'));
const mode = process.env.BENCH_MODE === 'polling' ? 'polling' : 'webhook';
const platform = await startPlatform(app, logger, {
  apiRoot: env('BENCH_API_ROOT'),
  mode,
  publicBaseUrl: `http://127.0.0.1:${port}`,
  secretKey,
  http: { host: '127.0.0.1', port },
});
const startupMs = performance.now() - started;
if (startupProfiler && startupProfile) {
  const { profile } = await startupProfiler.post('Profiler.stop');
  startupProfiler.disconnect();
  await writeFile(startupProfile, JSON.stringify(profile));
}

// Webhook mode: updates answered 200 (handled or dropped as duplicates), counted at the socket
// level so the product code is untouched. Polling mode: the updates the fleet's metrics counted.
let webhookUpdates = 0;
platform.server.server.on('request', (request, response) => {
  if (request.method !== 'POST' || !request.url?.startsWith('/tg/')) return;
  response.once('finish', () => {
    if (response.statusCode === 200) webhookUpdates += 1;
  });
});
const handledUpdates = platform.metrics.registry.getSingleMetric('remnafleet_updates_total');
const updates = async () => {
  if (mode === 'webhook' || !handledUpdates) return webhookUpdates;
  const { values } = await handledUpdates.get();
  return values.reduce((sum, { value }) => sum + value, 0);
};

const rss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};

let profiler: Session | undefined;

process.on('message', (message: { type: string; file?: string }) => {
  if (message.type === 'rss') process.send?.({ type: 'rss', rss: rss() });
  if (message.type === 'cpu') {
    void updates().then((handled) => {
      const { user, system } = process.cpuUsage();
      process.send?.({
        type: 'cpu',
        userUs: user,
        systemUs: system,
        updates: handled,
        ...counts,
        gc: { ...gc },
      });
    });
  }
  if (message.type === 'profile-start') {
    void (async () => {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
      if (process.env.BENCH_PROFILE_ALLOC) {
        // every sampled allocation, also those the collector has freed since: where the garbage comes from
        await profiler.post('HeapProfiler.enable');
        await profiler.post('HeapProfiler.startSampling', {
          samplingInterval: 16_384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      }
      process.send?.({ type: 'profile-started' });
    })();
  }
  if (message.type === 'profile-stop') {
    void (async () => {
      const { profile } = await profiler!.post('Profiler.stop');
      if (process.env.BENCH_PROFILE_ALLOC) {
        const heap = await profiler!.post('HeapProfiler.stopSampling');
        await writeFile(message.file!.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(heap.profile));
      }
      profiler!.disconnect();
      profiler = undefined;
      await writeFile(message.file!, JSON.stringify(profile));
      process.send?.({ type: 'profile-stopped', file: message.file });
    })();
  }
  if (message.type === 'stop') {
    void (async () => {
      await platform.stop();
      await app.stop();
      await database.close();
      if (tally)
        for (const [text, count] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, 15))
          process.stderr.write(`${String(count).padStart(8)}  ${text}\n`);
      process.exit(0);
    })();
  }
});
// startupMs: opening the database to serving webhooks (as in earlier runs); processMs: from this
// process's start (Node itself, the TypeScript loader if any, every module) to the same point.
process.send?.({
  type: 'ready',
  startupMs,
  importMs,
  processMs: performance.now(),
  bots: platform.fleet.status().length,
  rss: rss(),
});
