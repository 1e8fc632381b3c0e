import { randomBytes } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import type { App } from '../app.js';
import type { Fleet } from '../bot/fleet.js';
import type { Logger } from '../shared/logger.js';
import { type ApiOptions, apiPlugin } from './api/index.js';
import { zarinpalCallbackRoutes } from './payments/zarinpal-callback.js';

export interface ServerDeps {
  readonly fleet: Fleet;
  readonly app: App;
  readonly logger: Logger;
  /** The management REST API under /api: the operator token and rate limits. */
  readonly api: Omit<ApiOptions, 'app'>;
}

const botIdParam = z.object({ botId: z.coerce.number().int().positive() });
const update = z.object({ update_id: z.number().int().nonnegative() }).passthrough();

/** One HTTP server: Telegram webhooks, the management REST API (and, later, payment callbacks). */
export function createServer({ fleet, app, logger, api }: ServerDeps) {
  const server = Fastify({
    loggerInstance: logger.child({ component: 'http' }),
    // unguessable and unique across processes: error bodies and logs carry it
    genReqId: () => `req_${randomBytes(12).toString('base64url')}`,
    // a line per webhook request would drown the logs at fleet scale; handlers log what matters
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  });

  server.get('/health', async () => ({ status: 'ok', bots: fleet.status().length }));

  // One route for every bot, by numeric tenant id; the per-bot secret header proves the sender.
  server.post('/tg/:botId', async (request, reply) => {
    const params = botIdParam.safeParse(request.params);
    const body = update.safeParse(request.body);
    if (!params.success || !body.success) return reply.code(400).send({ ok: false });
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
    if (outcome === 'unknown_bot') return reply.code(404).send({ ok: false });
    if (outcome === 'forbidden') return reply.code(401).send({ ok: false });
    return reply.code(200).send({ ok: true });
  });

  void server.register(apiPlugin, { prefix: '/api', app, ...api });
  // the customer's browser, back from the Zarinpal gateway
  void server.register(zarinpalCallbackRoutes, { app });

  return server;
}

export type HttpServer = ReturnType<typeof createServer>;
