import { join } from 'node:path';
import { type App, createApp } from './app.js';
import type { Config } from './config.js';
import { type DatabaseHandle, openDatabase } from './db/database.js';
import { checkEncryptionKey } from './db/key-check.js';
import { createRemnawaveClient } from './integrations/remnawave/client.js';
import { createRemnawavePanel } from './integrations/remnawave/vpn-panel.js';
import { createZarinpalGateways } from './integrations/zarinpal/payment-gateway.js';
import { createSecretBox } from './shared/crypto.js';
import type { Logger } from './shared/logger.js';
import { type Metrics, meterCalls } from './shared/metrics.js';

export interface Runtime {
  readonly database: DatabaseHandle;
  readonly app: App;
  close(): Promise<void>;
}

/**
 * Database (migrated, its role and ENCRYPTION_KEY checked) and business core: what both the
 * service and the CLI stand on. A refusal to start is a StartupError with a one-line message.
 */
export async function openRuntime(
  config: Config,
  logger: Logger,
  /** The process's metrics: panel calls are counted there. */
  options: { readonly metrics?: Metrics } = {},
): Promise<Runtime> {
  const database = await openDatabase({
    url: config.database.url,
    appUrl: config.database.appUrl,
    dataDir: join(config.database.dataDir, 'pglite'),
    poolMax: config.database.poolMax,
    logger: logger.child({ component: 'db' }),
  });
  if (database.migrations?.applied.length) {
    logger.info({ applied: database.migrations.applied }, 'database migrated');
  }
  const secrets = createSecretBox(config.encryptionKey);
  // before anything reads a token: with another key the fleet would run no bot at all
  await checkEncryptionKey(database, config.encryptionKey, secrets).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const adapter = config.remnawave
    ? createRemnawavePanel(
        createRemnawaveClient({
          baseUrl: config.remnawave.url,
          apiToken: config.remnawave.token,
          extraHeaders: config.remnawave.extraHeaders,
          logger: logger.child({ component: 'remnawave' }),
        }),
      )
    : undefined;
  const metrics = options.metrics;
  const panel = adapter && metrics ? meterCalls(adapter, metrics.panelCall) : adapter;
  if (!panel) logger.warn('REMNAWAVE_URL is not set: paid orders wait until a panel is configured');
  if (!config.http.publicBaseUrl) {
    logger.warn('PUBLIC_BASE_URL is not set: Zarinpal payments are off (the gateway must call back to us)');
  }
  const zarinpal = {
    gateways: createZarinpalGateways({
      baseUrl: config.zarinpal.baseUrl,
      sandboxBaseUrl: config.zarinpal.sandboxBaseUrl,
    }),
    callbackBaseUrl: config.http.publicBaseUrl,
  };
  const app = createApp({
    database,
    secrets,
    logger,
    panel,
    zarinpal,
    publicBaseUrl: config.http.publicBaseUrl,
  });
  try {
    await app.start();
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    database,
    app,
    async close() {
      await app.stop();
      await database.close();
    },
  };
}

/** Reads `.env` from the working directory when there is one; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
