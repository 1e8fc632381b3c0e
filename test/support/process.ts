import type { RemnawaveSim } from '../../sim/remnawave/index.js';
import type { TelegramSim } from '../../sim/telegram/index.js';
import { type App, createApp } from '../../src/app.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { createRemnawaveClient } from '../../src/integrations/remnawave/client.js';
import { createRemnawavePanel } from '../../src/integrations/remnawave/vpn-panel.js';
import { type Platform, startPlatform } from '../../src/platform.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import type { Logger } from '../../src/shared/logger.js';
import { TEST_ENCRYPTION_KEY } from './database.js';
import { rememberSecret, testLogs } from './log-capture.js';

/** One service process, as `npm start` builds it: its own connections, app, bots, HTTP and jobs. */
export interface ServiceProcess {
  readonly app: App;
  readonly platform: Platform;
  readonly database: DatabaseHandle;
  /** Ends it: after a simulated kill its database calls fail, so this only lets go of its resources. */
  stop(): Promise<void>;
}

/**
 * Starts a service process on an existing PostgreSQL database (migrated already) with the service
 * login `appUrl`, which a test may route through a proxy to lose its connections.
 */
export async function startServiceProcess(options: {
  readonly ownerUrl: string;
  readonly appUrl: string;
  readonly sim: TelegramSim;
  readonly panel: RemnawaveSim;
  readonly mode?: 'polling' | 'webhook';
  /** Webhook mode: the port Telegram posts to (the HTTP server listens there). */
  readonly port?: number;
  readonly logger?: Logger;
  /**
   * Polls for jobs once a minute instead of every 50 ms (a job enqueued by an update still wakes
   * it at once): the statements it sends are then nearly all the updates' own.
   */
  readonly quiet?: boolean;
}): Promise<ServiceProcess> {
  const logger = options.logger ?? testLogs.logger;
  const database = await openDatabase({
    url: options.ownerUrl,
    appUrl: options.appUrl,
    migrate: false,
    poolMax: 5,
    connectTimeoutMs: 1000,
    logger,
  });
  rememberSecret('panel token', options.panel.apiToken);
  const panel = createRemnawavePanel(
    createRemnawaveClient({
      baseUrl: options.panel.baseUrl,
      apiToken: options.panel.apiToken,
      timeoutMs: 1000,
      retries: 1,
      retryBaseMs: 20,
    }),
  );
  const app = createApp({ database, secrets: createSecretBox(TEST_ENCRYPTION_KEY), logger, panel });
  await app.start();
  const port = options.port ?? 0;
  const platform = await startPlatform(app, logger, {
    apiRoot: options.sim.apiRoot,
    mode: options.mode ?? 'polling',
    publicBaseUrl: `http://127.0.0.1:${port}`,
    secretKey: TEST_ENCRYPTION_KEY,
    http: { host: '127.0.0.1', port },
    // quiet: the process touches the database only for what it is sent (updates, notified jobs),
    // so a test can count the steps of one update
    jobs: {
      pollIntervalMs: options.quiet ? 60_000 : 50,
      wakeForDelayedJobs: !options.quiet,
      provisionBackoffMs: () => 100,
    },
  });
  return {
    app,
    platform,
    database,
    async stop() {
      await platform.stop();
      await app.stop();
      await database.close();
    },
  };
}
