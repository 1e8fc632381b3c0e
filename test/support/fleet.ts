import { type RemnawaveSim, startRemnawaveSim } from '../../sim/remnawave/index.js';
import type { RateLimitOptions, SimBot, TelegramSim } from '../../sim/telegram/index.js';
import { startTelegramSim } from '../../sim/telegram/index.js';
import { startZarinpalSim, type ZarinpalSim } from '../../sim/zarinpal/index.js';
import { createRemnawaveClient } from '../../src/integrations/remnawave/client.js';
import { createRemnawavePanel } from '../../src/integrations/remnawave/vpn-panel.js';
import { createZarinpalGateways } from '../../src/integrations/zarinpal/payment-gateway.js';
import { type Platform, startPlatform } from '../../src/platform.js';
import type { BotId } from '../../src/shared/ids.js';
import { type Backend, createTestApp, freePort, TEST_ENCRYPTION_KEY, type TestApp } from './database.js';
import { rememberSecret, testLogs } from './log-capture.js';

export interface FleetHarness {
  readonly sim: TelegramSim;
  /** The Remnawave panel simulator every tenant provisions on. */
  readonly panel: RemnawaveSim;
  /** The Zarinpal gateway simulator (production and sandbox hosts), when asked for. */
  readonly zarinpal: ZarinpalSim | undefined;
  readonly testApp: TestApp;
  readonly platform: Platform;
  /** A tenant whose bot lives in the simulator; started in the fleet before this resolves. */
  addTenant(
    name: string,
    options?: { isMaster?: boolean; adminTelegramIds?: number[] },
  ): Promise<ShopUnderTest>;
  close(): Promise<void>;
}

export interface ShopUnderTest {
  readonly id: BotId;
  readonly bot: SimBot;
  readonly apiToken: string;
}

/** The whole platform against the Telegram simulator, over real HTTP, as production runs it. */
export async function startFleetHarness(
  backend: Backend,
  mode: 'polling' | 'webhook',
  options: {
    zarinpal?: boolean;
    maxRetryDelaySeconds?: number;
    rateLimit?: RateLimitOptions;
    /** Every bot probed once per this interval (300 ms unless said: a test sees a probe at once). */
    healthProbeIntervalMs?: number;
    /** METRICS_TOKEN: opens GET /metrics and GET /health/bots. */
    metricsToken?: string;
  } = {},
): Promise<FleetHarness> {
  const sim = await startTelegramSim({
    webhookRetryBaseMs: 20,
    webhookRetryMaxMs: 200,
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  const panel = await startRemnawaveSim();
  rememberSecret('panel token', panel.apiToken);
  const panelClient = createRemnawaveClient({
    baseUrl: panel.baseUrl,
    apiToken: panel.apiToken,
    timeoutMs: 1000,
    retries: 1,
    retryBaseMs: 20,
  });
  const port = await freePort();
  const zarinpal = options.zarinpal ? await startZarinpalSim() : undefined;
  const testApp = await createTestApp(backend, {
    panel: createRemnawavePanel(panelClient),
    publicBaseUrl: `http://127.0.0.1:${port}`,
    // short timeouts and delays: a test sees a lost verify settled by reconciliation within seconds
    ...(zarinpal && {
      zarinpal: {
        gateways: createZarinpalGateways({
          baseUrl: zarinpal.baseUrl,
          sandboxBaseUrl: zarinpal.baseUrl,
          timeoutMs: 500,
          retries: 1,
          retryBaseMs: 10,
        }),
        callbackBaseUrl: `http://127.0.0.1:${port}`,
        reconcileAfterMs: 300,
        expireAfterMs: 60_000,
      },
    }),
  });
  const platform = await startPlatform(testApp.app, testLogs.logger, {
    apiRoot: sim.apiRoot,
    mode,
    publicBaseUrl: `http://127.0.0.1:${port}`,
    secretKey: TEST_ENCRYPTION_KEY,
    http: { host: '127.0.0.1', port },
    healthProbeIntervalMs: options.healthProbeIntervalMs ?? 300,
    ...(options.metricsToken === undefined ? {} : { monitoring: { token: options.metricsToken } }),
    ...(options.maxRetryDelaySeconds === undefined
      ? {}
      : { maxRetryDelaySeconds: options.maxRetryDelaySeconds }),
    // provisioning retries quickly, so a test sees the panel come back within a second
    jobs: {
      pollIntervalMs: 50,
      provisionBackoffMs: () => 100,
      zarinpalReconcileEveryMs: 200,
      maintenanceRecheckMs: 200,
    },
  });
  return {
    sim,
    panel,
    zarinpal,
    testApp,
    platform,
    async addTenant(name, options = {}) {
      const bot = sim.addBot({
        username: `${name.toLowerCase().replace(/\W/g, '')}_${Date.now() % 100_000}_bot`,
      });
      rememberSecret('bot token', bot.token);
      const created = await testApp.app.platform.tenants.create({ name, token: bot.token, ...options });
      if (!created.ok) throw new Error(created.error.message);
      rememberSecret('api token', created.value.apiToken);
      const id = created.value.tenant.id;
      await platform.fleet.refresh(id);
      // skip the language and rules steps unless a test wants them
      const settings = testApp.app.forTenant(id).settings;
      await settings.set('language_selection_enabled', false, 'operator');
      await settings.set('skip_rules_acceptance', true, 'operator');
      return { id, bot, apiToken: created.value.apiToken };
    },
    async close() {
      await platform.stop();
      await testApp.close();
      await sim.close();
      await panel.close();
      await zarinpal?.close();
    },
  };
}

/** Polls until `check` returns true, or fails with `message` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, message: string, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out: ${message}`);
}
