import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type PaymentCreditedEvent, paymentCreditedChannel } from './metric-events.js';

/*
 * The process's Prometheus metrics (GET /metrics). One registry per platform, built by the
 * composition root and handed to the delivery layers that record (the fleet, the HTTP server, the
 * panel adapter); what the database knows (jobs, bots) is read when Prometheus scrapes, through the
 * sources the composition root sets. Business code never imports this: it publishes events
 * (metric-events.ts) that the registry subscribes to.
 */

/** A bot as the fleet reports it (FleetBotStatus), in the words the metrics need. */
export interface BotSample {
  readonly state: string;
  readonly health: string;
}

/** Jobs of one name in one state, and how long the oldest has waited (due) or run. */
export interface JobSample {
  readonly name: string;
  readonly status: 'queued' | 'running' | 'failed';
  readonly count: number;
  /** Queued: seconds since the oldest due one became due; running: since it was claimed; failed: null. */
  readonly oldestAgeSeconds: number | null;
}

export interface PoolSample {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

/** Read at scrape time; each is optional (a process without a job runner, the embedded database). */
export interface MetricSources {
  bots?: () => readonly BotSample[];
  jobs?: () => Promise<readonly JobSample[]>;
  pool?: () => PoolSample | undefined;
}

export type UpdateOutcome = 'handled' | 'failed' | 'deferred';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A label value kept short and free of ids (an error code, a method name). */
const label = (value: string): string => (/^[\w.-]{1,48}$/.test(value) ? value : 'other');

/** What a failed panel call says about why: the HTTP status, a timeout, the network, or its class. */
export function panelErrorCode(error: unknown): string {
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number') return String(status);
  const name = error instanceof Error ? error.name : '';
  if (/timeout/i.test(name)) return 'timeout';
  if (/network/i.test(name)) return 'network';
  if (/abort/i.test(name)) return 'aborted';
  return 'error';
}

export function createMetrics(options: { readonly processMetrics?: boolean } = {}) {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const sources: MetricSources = {};

  const updates = new Counter({
    name: 'remnafleet_updates_total',
    help: 'Telegram updates handled, by outcome (handled, failed: the handler failed, deferred: database unreachable)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const updateSeconds = new Histogram({
    name: 'remnafleet_update_duration_seconds',
    help: 'Time to handle one Telegram update, admission to finish',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const telegramCalls = new Counter({
    name: 'remnafleet_telegram_api_calls_total',
    help: 'Bot API requests made (each retry counts), by method',
    labelNames: ['method'] as const,
    registers,
  });
  const telegramErrors = new Counter({
    name: 'remnafleet_telegram_api_errors_total',
    help: 'Bot API requests that failed, by method and error code (network: no answer)',
    labelNames: ['method', 'code'] as const,
    registers,
  });
  const panelCalls = new Counter({
    name: 'remnafleet_panel_calls_total',
    help: 'Remnawave panel operations, by operation',
    labelNames: ['operation'] as const,
    registers,
  });
  const panelErrors = new Counter({
    name: 'remnafleet_panel_errors_total',
    help: 'Remnawave panel operations that failed, by operation and code (HTTP status, timeout, network)',
    labelNames: ['operation', 'code'] as const,
    registers,
  });
  const panelSeconds = new Histogram({
    name: 'remnafleet_panel_call_duration_seconds',
    help: 'Time of one Remnawave panel operation, retries included',
    labelNames: ['operation'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const paymentsCredited = new Counter({
    name: 'remnafleet_payments_credited_total',
    help: 'Payments credited to a balance, by method (c2c, zarinpal, stars, promo...) and ledger kind',
    labelNames: ['method', 'kind'] as const,
    registers,
  });
  // declared before the jobs gauges read it; its own collect waits for their read
  let readJobs: () => Promise<readonly JobSample[]> = () => Promise.resolve([]);
  const sourceUp = new Gauge({
    name: 'remnafleet_metrics_source_up',
    help: 'Whether a source read at scrape time answered (1) or failed (0), by source',
    labelNames: ['source'] as const,
    registers,
    async collect() {
      if (sources.jobs) await readJobs();
    },
  });

  new Gauge({
    name: 'remnafleet_bots',
    help: 'Bots of this process, by state and health',
    labelNames: ['state', 'health'] as const,
    registers,
    collect() {
      this.reset();
      const bots = sources.bots?.() ?? [];
      const counts = new Map<string, { state: string; health: string; n: number }>();
      for (const bot of bots) {
        const key = `${bot.state}\u0000${bot.health}`;
        const entry = counts.get(key) ?? { state: bot.state, health: bot.health, n: 0 };
        entry.n += 1;
        counts.set(key, entry);
      }
      for (const { state, health, n } of counts.values()) this.set({ state, health }, n);
    },
  });

  // The jobs gauges come from one query per scrape, shared by both.
  let jobsRead: Promise<readonly JobSample[]> | undefined;
  readJobs = (): Promise<readonly JobSample[]> => {
    const read = sources.jobs;
    if (!read) return Promise.resolve([]);
    jobsRead ??= read()
      .then((rows) => {
        sourceUp.set({ source: 'jobs' }, 1);
        return rows;
      })
      .catch(() => {
        sourceUp.set({ source: 'jobs' }, 0);
        return [];
      })
      .finally(() => {
        // the next scrape reads again
        setImmediate(() => {
          jobsRead = undefined;
        });
      });
    return jobsRead;
  };
  new Gauge({
    name: 'remnafleet_jobs',
    help: 'Jobs in the queue (all processes), by name and status: queued (due now), running, failed (kept 30 days)',
    labelNames: ['name', 'status'] as const,
    registers,
    async collect() {
      const rows = await readJobs();
      this.reset();
      for (const row of rows) this.set({ name: row.name, status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'remnafleet_jobs_oldest_age_seconds',
    help: 'Age of the oldest job by name and status: queued (since due), running (since claimed)',
    labelNames: ['name', 'status'] as const,
    registers,
    async collect() {
      const rows = await readJobs();
      this.reset();
      for (const row of rows) {
        if (row.oldestAgeSeconds !== null)
          this.set({ name: row.name, status: row.status }, row.oldestAgeSeconds);
      }
    },
  });
  new Gauge({
    name: 'remnafleet_db_pool_connections',
    help: 'Database pool connections of this process (PostgreSQL): total, idle, waiting (clients queued), max',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      const pool = sources.pool?.();
      if (!pool) return;
      this.set({ state: 'total' }, pool.total);
      this.set({ state: 'idle' }, pool.idle);
      this.set({ state: 'in_use' }, pool.total - pool.idle);
      this.set({ state: 'waiting' }, pool.waiting);
      this.set({ state: 'max' }, pool.max);
    },
  });

  const onPayment = (message: unknown) => {
    const event = message as PaymentCreditedEvent;
    paymentsCredited.inc({ method: label(event.method), kind: label(event.kind) });
  };
  paymentCreditedChannel.subscribe(onPayment);

  return {
    registry,
    /** Sets what is read at scrape time (the composition root, once the parts exist). */
    setSources(more: MetricSources): void {
      Object.assign(sources, more);
    },
    update(outcome: UpdateOutcome, seconds: number): void {
      updates.inc({ outcome });
      updateSeconds.observe({ outcome }, seconds);
    },
    /** One Bot API request and its outcome: undefined when it succeeded, else the error code or `network`. */
    telegramCall(method: string, errorCode: number | 'network' | undefined): void {
      const name = label(method);
      telegramCalls.inc({ method: name });
      if (errorCode !== undefined) telegramErrors.inc({ method: name, code: String(errorCode) });
    },
    panelCall(operation: string, seconds: number, error?: unknown): void {
      const name = label(operation);
      panelCalls.inc({ operation: name });
      panelSeconds.observe({ operation: name }, seconds);
      if (error !== undefined) panelErrors.inc({ operation: name, code: label(panelErrorCode(error)) });
    },
    /** The exposition text and its content type. */
    async scrape(): Promise<{ readonly contentType: string; readonly body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    /** Stops listening to business events (a platform stopped in a process that goes on). */
    close(): void {
      paymentCreditedChannel.unsubscribe(onPayment);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * `target` with each method that returns a promise timed and counted under its name (a port such
 * as the VPN panel); methods that answer at once pass through untouched.
 */
export function meterCalls<T extends object>(
  target: T,
  record: (operation: string, seconds: number, error?: unknown) => void,
): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result: unknown = Reflect.apply(value, object, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (answer: unknown) => {
            record(property, (performance.now() - started) / 1000);
            return answer;
          },
          (error: unknown) => {
            record(property, (performance.now() - started) / 1000, error);
            throw error;
          },
        );
      };
    },
  });
}
