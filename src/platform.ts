import type { App } from './app.js';
import { createFleet, type Fleet } from './bot/fleet.js';
import { createBotHandler } from './bot/handler.js';
import { createTranslator } from './bot/i18n.js';
import { createNotices } from './bot/notices/notices.js';
import type { PollLeaseOptions } from './bot/poll-leases.js';
import type { BackupMaker } from './db/backup.js';
import { createServer, type HttpServer } from './http/server.js';
import { provisionOrder } from './jobs/definitions/provision-order.js';
import { zarinpalReconcile } from './jobs/definitions/zarinpal-reconcile.js';
import { ALL_JOBS } from './jobs/index.js';
import { createJobRunner, type JobRunner } from './jobs/runner.js';
import { StartupError } from './shared/errors.js';
import type { Logger } from './shared/logger.js';
import { createMetrics, type Metrics } from './shared/metrics.js';

export interface PlatformOptions {
  readonly apiRoot: string;
  readonly mode: 'polling' | 'webhook';
  readonly publicBaseUrl?: string | undefined;
  readonly secretKey: Buffer;
  readonly http: { readonly host: string; readonly port: number };
  readonly masterBotToken?: string | undefined;
  readonly operatorTelegramIds?: readonly number[];
  readonly reconcileIntervalMs?: number;
  readonly healthProbeIntervalMs?: number;
  /**
   * Polling mode with several processes on one PostgreSQL: this process's INSTANCE_ID and lease
   * timing; each bot is polled by the process holding its lease. Absent: every bot polled here.
   */
  readonly pollLeases?: PollLeaseOptions | undefined;
  /** Longest 429 wait honoured inside an update (default 30 s); tests shorten it. */
  readonly maxRetryDelaySeconds?: number;
  /**
   * Aborted by a shutdown that comes while starting (a fleet of a thousand bots takes a while):
   * the bots not started yet give up, the start rejects with the abort reason once nothing more
   * touches the database, and the caller closes it.
   */
  readonly signal?: AbortSignal;
  /** Management REST API: OPERATOR_API_TOKEN (unset: tenant tokens only) and requests per minute per token. */
  readonly api?: { readonly operatorToken?: string | undefined; readonly rateLimitPerMinute?: number };
  /** The panel's webhooks (REMNAWAVE_WEBHOOK_SECRET); absent: no POST /panel/webhook. */
  readonly panelWebhook?: { readonly secret: string; readonly maxAgeSeconds: number } | undefined;
  /** The shops' Mini Apps: how old an initData may be (MINI_APP_INIT_DATA_MAX_AGE_SECONDS, default a day). */
  readonly miniApp?: { readonly maxAgeSeconds?: number } | undefined;
  /**
   * The process's metrics (main.ts builds them first, so the panel adapter records too); absent: the
   * platform keeps its own. `token` (METRICS_TOKEN) opens GET /metrics and GET /health/bots.
   */
  readonly monitoring?: { readonly metrics?: Metrics | undefined; readonly token?: string | undefined };
  /** DAILY_BACKUP=on: the daily backup job's backups (sent to the operators by the master bot). */
  readonly backups?: BackupMaker | undefined;
  /** Background jobs (provisioning, notices, pruning); tests may shorten the retry delays. */
  readonly jobs?: {
    readonly concurrency?: number;
    readonly pollIntervalMs?: number;
    /** Wake for delayed jobs when due rather than at the next poll (default true; see the runner). */
    readonly wakeForDelayedJobs?: boolean;
    readonly provisionBackoffMs?: (attempt: number) => number;
    /** How often every tenant's pending Zarinpal payments are reconciled (default 60 s). */
    readonly zarinpalReconcileEveryMs?: number;
    /** How soon a job that messages customers is looked at again during maintenance (default 30 s). */
    readonly maintenanceRecheckMs?: number;
  };
}

export interface Platform {
  readonly fleet: Fleet;
  readonly server: HttpServer;
  readonly jobs: JobRunner;
  /** What GET /metrics shows (tests read it directly). */
  readonly metrics: Metrics;
  /** Where the HTTP server listens, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  /** Stops taking updates, finishes the ones in flight; the caller closes the database after. */
  stop(): Promise<void>;
}

/** Makes sure the master bot of MASTER_BOT_TOKEN is the master tenant. */
async function ensureMaster(
  app: App,
  token: string,
  operators: readonly number[],
  logger: Logger,
): Promise<void> {
  const tenants = app.platform.tenants;
  const master = await tenants.getMaster();
  if (!master) {
    const created = await tenants.create({
      name: 'Master',
      token,
      isMaster: true,
      adminTelegramIds: [...operators],
    });
    if (!created.ok) throw new StartupError(`MASTER_BOT_TOKEN: ${created.error.message}`);
    logger.info({ botId: created.value.tenant.id }, 'master bot registered');
    return;
  }
  if ((await tenants.revealToken(master.id)) !== token) {
    const changed = await tenants.changeToken(master.id, token);
    if (!changed.ok) throw new StartupError(`MASTER_BOT_TOKEN: ${changed.error.message}`);
  }
  if (operators.some((id) => !master.adminTelegramIds.includes(id))) {
    await tenants.update(master.id, {
      adminTelegramIds: [...new Set([...master.adminTelegramIds, ...operators])],
    });
  }
}

/** A port or address the server cannot listen on, as a one-line refusal naming the variable. */
function listenRefused(http: { readonly host: string; readonly port: number }, error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  const where = `${http.host}:${http.port}`;
  if (code === 'EADDRINUSE') {
    return new StartupError(`HTTP_PORT: ${where} is already in use (another instance, or another program)`, {
      cause: error,
    });
  }
  if (code === 'EACCES') {
    return new StartupError(`HTTP_PORT: ${where} needs privileges this process does not have`, {
      cause: error,
    });
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new StartupError(`HTTP_HOST: "${http.host}" is not an address of this machine`, { cause: error });
  }
  return error;
}

/** Bots, HTTP server and their wiring on top of the business core. */
export async function startPlatform(app: App, logger: Logger, options: PlatformOptions): Promise<Platform> {
  if (options.masterBotToken) {
    await ensureMaster(app, options.masterBotToken, options.operatorTelegramIds ?? [], logger);
  }
  const translator = createTranslator();
  const handler = createBotHandler({ logger, translator, app, apiRoot: options.apiRoot });
  const ownMetrics = options.monitoring?.metrics === undefined;
  const metrics = options.monitoring?.metrics ?? createMetrics();
  const fleet = createFleet({
    app,
    handler,
    translator,
    logger,
    metrics,
    options: {
      apiRoot: options.apiRoot,
      mode: options.mode,
      publicBaseUrl: options.publicBaseUrl,
      secretKey: options.secretKey,
      ...(options.reconcileIntervalMs ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
      ...(options.healthProbeIntervalMs ? { healthProbeIntervalMs: options.healthProbeIntervalMs } : {}),
      ...(options.maxRetryDelaySeconds ? { maxRetryDelaySeconds: options.maxRetryDelaySeconds } : {}),
      ...(options.pollLeases ? { pollLeases: options.pollLeases } : {}),
    },
  });
  // set once the fleet has started; /health says `starting` until then
  let jobs: JobRunner | undefined;
  const server = createServer({
    fleet,
    app,
    logger,
    api: {
      operatorToken: options.api?.operatorToken,
      ...(options.api?.rateLimitPerMinute ? { rateLimit: { max: options.api.rateLimitPerMinute } } : {}),
    },
    panelWebhook: options.panelWebhook,
    miniApp: options.miniApp,
    monitoring: {
      metrics,
      token: options.monitoring?.token,
      jobs: () => jobs?.state() ?? 'starting',
    },
  });
  metrics.setSources({
    bots: () => fleet.status(),
    jobs: () => app.platform.jobs.store.metricsByName(),
    pool: () => app.platform.databasePool(),
  });
  const url = await server
    .listen({ host: options.http.host, port: options.http.port })
    .catch((error: unknown) => {
      throw listenRefused(options.http, error);
    });
  // stop the fleet as soon as the abort comes, so starts queued behind the ones in flight give up now
  const stopFleet = () => void fleet.stop();
  options.signal?.addEventListener('abort', stopFleet, { once: true });
  if (options.signal?.aborted) stopFleet();
  try {
    await fleet.start();
  } finally {
    options.signal?.removeEventListener('abort', stopFleet);
  }
  if (options.signal?.aborted) {
    await fleet.stop();
    await server.close();
    if (ownMetrics) metrics.close();
    options.signal.throwIfAborted();
  }
  jobs = createJobRunner({
    queue: app.platform.jobs,
    logger: logger.child({ component: 'jobs' }),
    definitions: ALL_JOBS,
    jobDeps: { app, notices: createNotices({ app, fleet, translator }), backups: options.backups },
    options: {
      overrides: {
        ...(options.jobs?.provisionBackoffMs
          ? { [provisionOrder.name]: { backoffMs: options.jobs.provisionBackoffMs } }
          : {}),
        ...(options.jobs?.zarinpalReconcileEveryMs
          ? { [zarinpalReconcile.name]: { everyMs: options.jobs.zarinpalReconcileEveryMs } }
          : {}),
      },
      ...(options.jobs?.concurrency ? { concurrency: options.jobs.concurrency } : {}),
      ...(options.jobs?.pollIntervalMs ? { pollIntervalMs: options.jobs.pollIntervalMs } : {}),
      ...(options.jobs?.wakeForDelayedJobs === false ? { wakeForDelayedJobs: false } : {}),
      ...(options.jobs?.maintenanceRecheckMs
        ? { maintenanceRecheckMs: options.jobs.maintenanceRecheckMs }
        : {}),
    },
  });
  await jobs.start();
  const runner = jobs;
  return {
    fleet,
    server,
    jobs: runner,
    url,
    metrics,
    async stop() {
      // jobs first: a notice job sends through the fleet's bots
      await runner.stop();
      // No new requests (Fastify answers 503, so Telegram keeps those updates for later), the
      // updates in flight finish, then connections still held open (webhook retries) are cut.
      const closing = server.close();
      await fleet.stop();
      server.server.closeAllConnections();
      await closing;
      if (ownMetrics) metrics.close();
    },
  };
}
