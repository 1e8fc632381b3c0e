import { loadConfig } from './config.js';
import { createBackupMaker } from './db/backup.js';
import { type Platform, startPlatform } from './platform.js';
import { loadDotEnv, openRuntime } from './runtime.js';
import { ConfigError, StartupError } from './shared/errors.js';
import { createLogger } from './shared/logger.js';
import { createMetrics } from './shared/metrics.js';

class ShutdownDuringStart extends Error {
  constructor() {
    super('shut down while starting');
  }
}

/** The composition root: the only place that reads the environment. */
async function main(): Promise<void> {
  loadDotEnv();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  const metrics = createMetrics();
  const runtime = await openRuntime(config, logger, { metrics });
  if (runtime.database.kind === 'pglite' && config.instance.named) {
    logger.warn(
      { instanceId: config.instance.id },
      'INSTANCE_ID is set but the database is embedded (no DATABASE_URL): it serves this one process, which polls every bot; several instances need PostgreSQL',
    );
  }

  // Installed before the bots start: a signal while a large fleet is still starting stops the
  // starts first and closes the database after, instead of pulling it from under them.
  let platform: Platform | undefined;
  const starting = new AbortController();
  let stopping = false;
  const stop = async (running: Platform) => {
    await running.stop();
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new updates, finishing the ones in flight');
    // while starting, the start rejects once its bots gave up and the catch below closes the database
    if (platform) await stop(platform);
    else starting.abort(new ShutdownDuringStart());
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  platform = await startPlatform(runtime.app, logger, {
    apiRoot: config.telegram.apiRoot,
    mode: config.telegram.mode,
    publicBaseUrl: config.http.publicBaseUrl,
    secretKey: config.encryptionKey,
    http: config.http,
    jobs: { concurrency: config.jobConcurrency },
    masterBotToken: config.telegram.masterBotToken,
    // one embedded database is one process: leases only where several can share the database
    pollLeases:
      runtime.database.kind === 'postgres'
        ? {
            instanceId: config.instance.id,
            heartbeatMs: config.instance.heartbeatMs,
            leaseMs: config.instance.leaseMs,
          }
        : undefined,
    operatorTelegramIds: config.operators.telegramIds,
    api: { operatorToken: config.operators.apiToken, rateLimitPerMinute: config.api.rateLimitPerMinute },
    panelWebhook: config.remnawaveWebhook,
    miniApp: { maxAgeSeconds: config.miniApp.initDataMaxAgeSeconds },
    monitoring: { metrics, token: config.metrics.token },
    backups: config.backup.daily
      ? createBackupMaker({ dumpEmbedded: runtime.database.dumpEmbedded, ownerUrl: config.database.url })
      : undefined,
    signal: starting.signal,
  }).catch(async (error: unknown) => {
    // close the database cleanly (the embedded one writes its files) before reporting
    await runtime.close().catch(() => undefined);
    if (error instanceof ShutdownDuringStart) {
      logger.info('stopped');
      process.exit(0);
    }
    throw error;
  });
  // the signal came after the bots had started, while the jobs were starting
  if (stopping) return stop(platform);
  logger.info(
    {
      database: runtime.database.kind,
      mode: config.telegram.mode,
      instanceId: config.instance.id,
      http: platform.url,
      bots: platform.fleet.status().length,
    },
    'remnafleet started',
  );
}

try {
  await main();
} catch (error) {
  // an expected refusal (database unreachable, port in use, wrong key, unsafe role): the one line
  // says what to fix, a stack trace would only bury it
  if (!(error instanceof StartupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
