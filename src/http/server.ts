import Fastify, { LogController } from 'fastify';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import type { Fleet } from '../bot/fleet.js';
import type { Logger } from '../shared/logger.js';

export interface ServerDeps {
  readonly fleet: Fleet;
  readonly logger: Logger;
}

const botIdParam = z.object({ botId: z.coerce.number().int().positive() });
const update = z.object({ update_id: z.number().int().nonnegative() }).passthrough();

/** One HTTP server: Telegram webhooks (and, later, payment callbacks and the REST API). */
export function createServer({ fleet, logger }: ServerDeps) {
  const server = Fastify({
    loggerInstance: logger.child({ component: 'http' }),
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
    const outcome = await fleet.handleWebhook(
      params.data.botId,
      typeof secret === 'string' ? secret : undefined,
      body.data as unknown as Update,
    );
    if (outcome === 'unknown_bot') return reply.code(404).send({ ok: false });
    if (outcome === 'forbidden') return reply.code(401).send({ ok: false });
    return reply.code(200).send({ ok: true });
  });

  return server;
}

export type HttpServer = ReturnType<typeof createServer>;
