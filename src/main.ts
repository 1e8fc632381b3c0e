import { loadConfig } from './config.js';
import { startPlatform } from './platform.js';
import { loadDotEnv, openRuntime } from './runtime.js';
import { ConfigError, StartupError } from './shared/errors.js';
import { createLogger } from './shared/logger.js';

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
  const runtime = await openRuntime(config, logger);
  const platform = await startPlatform(runtime.app, logger, {
    apiRoot: config.telegram.apiRoot,
    mode: config.telegram.mode,
    publicBaseUrl: config.http.publicBaseUrl,
    secretKey: config.encryptionKey,
    http: config.http,
    masterBotToken: config.telegram.masterBotToken,
    operatorTelegramIds: config.operators.telegramIds,
    api: { operatorToken: config.operators.apiToken, rateLimitPerMinute: config.api.rateLimitPerMinute },
  }).catch(async (error: unknown) => {
    // close the database cleanly (the embedded one writes its files) before reporting
    await runtime.close().catch(() => undefined);
    throw error;
  });
  logger.info(
    {
      database: runtime.database.kind,
      mode: config.telegram.mode,
      http: platform.url,
      bots: platform.fleet.status().length,
    },
    'remnafleet started',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new updates, finishing the ones in flight');
    await platform.stop();
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
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
