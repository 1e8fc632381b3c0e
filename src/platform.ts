import type { App } from './app.js';
import { createFleet, type Fleet } from './bot/fleet.js';
import { createBotHandler } from './bot/handler.js';
import { createTranslator } from './bot/i18n.js';
import { createServer, type HttpServer } from './http/server.js';
import type { Logger } from './shared/logger.js';

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
}

export interface Platform {
  readonly fleet: Fleet;
  readonly server: HttpServer;
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
    if (!created.ok) throw new Error(`MASTER_BOT_TOKEN: ${created.error.message}`);
    logger.info({ botId: created.value.tenant.id }, 'master bot registered');
    return;
  }
  if ((await tenants.revealToken(master.id)) !== token) {
    const changed = await tenants.changeToken(master.id, token);
    if (!changed.ok) throw new Error(`MASTER_BOT_TOKEN: ${changed.error.message}`);
  }
  if (operators.some((id) => !master.adminTelegramIds.includes(id))) {
    await tenants.update(master.id, {
      adminTelegramIds: [...new Set([...master.adminTelegramIds, ...operators])],
    });
  }
}

/** Bots, HTTP server and their wiring on top of the business core. */
export async function startPlatform(app: App, logger: Logger, options: PlatformOptions): Promise<Platform> {
  if (options.masterBotToken) {
    await ensureMaster(app, options.masterBotToken, options.operatorTelegramIds ?? [], logger);
  }
  const translator = createTranslator();
  const handler = createBotHandler({ logger, translator });
  const fleet = createFleet({
    app,
    handler,
    translator,
    logger,
    options: {
      apiRoot: options.apiRoot,
      mode: options.mode,
      publicBaseUrl: options.publicBaseUrl,
      secretKey: options.secretKey,
      ...(options.reconcileIntervalMs ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
      ...(options.healthProbeIntervalMs ? { healthProbeIntervalMs: options.healthProbeIntervalMs } : {}),
    },
  });
  const server = createServer({ fleet, logger });
  const url = await server.listen({ host: options.http.host, port: options.http.port });
  await fleet.start();
  return {
    fleet,
    server,
    url,
    async stop() {
      // No new requests (Fastify answers 503, so Telegram keeps those updates for later), the
      // updates in flight finish, then connections still held open (webhook retries) are cut.
      const closing = server.close();
      await fleet.stop();
      server.server.closeAllConnections();
      await closing;
    },
  };
}
