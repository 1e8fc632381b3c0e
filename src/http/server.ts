import { randomBytes } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import type { App } from '../app.js';
import type { Fleet } from '../bot/fleet.js';
import { storeAsReceived } from '../modules/updates/updates-service.js';
import { scrubUnstorableInput } from '../shared/input-safety.js';
import type { Logger } from '../shared/logger.js';
import { type ApiOptions, apiPlugin } from './api/index.js';
import { drainRequestBody, statusOf } from './drain.js';
import { type MiniAppOptions, miniAppRoutes } from './miniapp/miniapp-routes.js';
import { type MonitoringOptions, monitoringRoutes } from './monitoring.js';
import { type PanelWebhookOptions, panelWebhookRoutes } from './panel-webhook.js';
import { zarinpalCallbackRoutes } from './payments/zarinpal-callback.js';

export interface ServerDeps {
  readonly fleet: Fleet;
  readonly app: App;
  readonly logger: Logger;
  /** The management REST API under /api: the operator token and rate limits. */
  readonly api: Omit<ApiOptions, 'app'>;
  /** The panel's webhooks (REMNAWAVE_WEBHOOK_SECRET); absent: POST /panel/webhook does not exist. */
  readonly panelWebhook?: Omit<PanelWebhookOptions, 'app'> | undefined;
  /** The shops' Mini Apps (/app/<bot id>): the initData age limit and rate limit; absent: the defaults. */
  readonly miniApp?: Omit<MiniAppOptions, 'app' | 'fleet'> | undefined;
  /**
   * GET /metrics and GET /health/bots (behind METRICS_TOKEN), and the job runner's state for
   * /health; absent: neither route exists and /health says nothing of jobs.
   */
  readonly monitoring?:
    | (Omit<MonitoringOptions, 'fleet'> & {
        readonly jobs?: () => 'alive' | 'stalled' | 'stopped' | 'starting';
      })
    | undefined;
}

const botIdParam = z.object({ botId: z.coerce.number().int().positive() });
const update = z.object({ update_id: z.number().int().nonnegative() }).passthrough();

/**
 * Request ids, unguessable and unique across processes (error bodies and logs carry them): `req_`
 * and 12 random bytes in base64url. The bytes come from a pool refilled 4 KB at a time, one call
 * into OpenSSL per 341 requests instead of one per webhook (2 µs each, about 2 % of an update's
 * CPU). Not a UUID: its groups of four hex digits sometimes read as a card number to a log scanner
 * (the tests' caught one).
 */
export function requestIds(): () => string {
  const ID_BYTES = 12;
  let pool = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + ID_BYTES > pool.length) {
      pool = randomBytes(ID_BYTES * 341);
      at = 0;
    }
    at += ID_BYTES;
    return `req_${pool.toString('base64url', at - ID_BYTES, at)}`;
  };
}

/** One HTTP server: Telegram webhooks, the management REST API (and, later, payment callbacks). */
export function createServer({ fleet, app, logger, api, panelWebhook, monitoring, miniApp }: ServerDeps) {
  const server = Fastify({
    loggerInstance: logger.child({ component: 'http' }),
    genReqId: requestIds(),
    // a line per webhook request would drown the logs at fleet scale; handlers log what matters
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  });

  // 503 while the database is unreachable: a load balancer or monitor sees the outage, and the
  // updates that arrive meanwhile are deferred (answered 503 below), not lost. A change bus
  // reconnecting or a job runner stuck makes the process `degraded` but still able to take
  // updates, so it answers 200 and says which part is not well.
  server.get('/health', async (_request, reply) => {
    const database = (await app.platform.isDatabaseReachable()) ? 'up' : 'down';
    const changeBus = app.platform.isChangeBusConnected() ? 'connected' : 'disconnected';
    const jobs = monitoring?.jobs?.();
    const healthy =
      database === 'up' && changeBus === 'connected' && (jobs === undefined || jobs === 'alive');
    return reply.code(database === 'up' ? 200 : 503).send({
      status: healthy ? 'ok' : 'degraded',
      database,
      changeBus,
      ...(jobs === undefined ? {} : { jobs }),
      bots: fleet.status().length,
    });
  });

  void server.register(async (webhooks) => {
    // The update's JSON as it came, for the inbox (`storeAsReceived`): Fastify's own parser, with
    // its defences against prototype poisoning, which keeps the text it parsed.
    const parseJson = webhooks.getDefaultJsonParser('error', 'error');
    const bodyText = new WeakMap<object, string>();
    webhooks.addContentTypeParser(
      'application/json',
      { parseAs: 'string' },
      (request, text: string, done) => {
        // synchronous: it answers through `done` before it returns
        void parseJson(request, text, (error, parsed) => {
          // a leading byte order mark is dropped by the parser but refused by PostgreSQL
          if (!error && text.charCodeAt(0) !== 0xfeff) bodyText.set(request, text);
          done(error, parsed);
        });
      },
    );

    // One route for every bot, by numeric tenant id; the per-bot secret header proves the sender.
    webhooks.post('/tg/:botId', async (request, reply) => {
      const params = botIdParam.safeParse(request.params);
      const body = update.safeParse(request.body);
      if (!params.success || !body.success) return reply.code(400).send({ ok: false });
      // Telegram delivers an update until it is accepted, so text PostgreSQL cannot store is taken
      // with a replacement character rather than refused (or failing the handler on every delivery).
      const scrubbed = scrubUnstorableInput(body.data);
      if (scrubbed === 'too deep') return reply.code(400).send({ ok: false });
      const text = bodyText.get(request);
      if (scrubbed === 'unchanged' && text !== undefined) storeAsReceived(body.data, text);
      const secret = request.headers['x-telegram-bot-api-secret-token'];
      // A webhook reply (the update's answerCallbackQuery) goes out as the response body at once;
      // the update is still handled to completion before this handler returns.
      let replied = false;
      const outcome = await fleet.handleWebhook(
        params.data.botId,
        typeof secret === 'string' ? secret : undefined,
        body.data as unknown as Update,
        (json) => {
          replied = true;
          void reply.code(200).type('application/json').send(json);
        },
      );
      if (replied) return reply;
      // The same answer whether the bot exists or not, so the route cannot be used to list the shops.
      if (outcome === 'unknown_bot' || outcome === 'forbidden') return reply.code(401).send({ ok: false });
      // Telegram sends the update again later; by then the database is back
      if (outcome === 'deferred') return reply.code(503).send({ ok: false });
      return reply.code(200).send({ ok: true });
    });
  });

  // Outside /api (which answers its own error shape), a body over the limit is read to its end
  // before the 413 goes out, or the client sees a reset instead of the answer (see drain.ts).
  server.setErrorHandler(async (error, request) => {
    if (statusOf(error) === 413) await drainRequestBody(request.raw);
    throw error;
  });

  void server.register(apiPlugin, { prefix: '/api', app, ...api });
  // each shop's Mini App (/app/<bot id>/) and its API, authenticated by Telegram's initData
  void server.register(miniAppRoutes, { app, fleet, ...miniApp });
  // the customer's browser, back from the Zarinpal gateway
  void server.register(zarinpalCallbackRoutes, { app });
  // the panel's signed events; without a secret there is no route, so no unauthenticated door
  if (panelWebhook) void server.register(panelWebhookRoutes, { app, ...panelWebhook });
  if (monitoring)
    void server.register(monitoringRoutes, { fleet, metrics: monitoring.metrics, token: monitoring.token });

  return server;
}

export type HttpServer = ReturnType<typeof createServer>;
