import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Fleet } from '../bot/fleet.js';
import type { Metrics } from '../shared/metrics.js';

export interface MonitoringOptions {
  readonly metrics: Metrics;
  /**
   * METRICS_TOKEN: GET /metrics and GET /health/bots want `Authorization: Bearer <token>`. Absent:
   * both answer 404 (they say which shops run here and how they do, so never without a token).
   */
  readonly token: string | undefined;
  readonly fleet: Fleet;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares hashes, so neither the length nor the content of the token leaks through timing. */
function presentsToken(request: FastifyRequest, expected: Buffer): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), expected);
}

/** GET /metrics (Prometheus text format) and GET /health/bots (each bot's state and health). */
export const monitoringRoutes: FastifyPluginAsync<MonitoringOptions> = async (server, options) => {
  const expected = options.token === undefined ? undefined : digest(options.token);
  /** Answers 404 or 401 itself and says false when the request may not see the route. */
  const gate = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (!expected) {
      void reply.code(404).send({ ok: false });
      return false;
    }
    if (!presentsToken(request, expected)) {
      void reply.code(401).header('www-authenticate', 'Bearer').send({ ok: false });
      return false;
    }
    return true;
  };

  server.get('/metrics', async (request, reply) => {
    if (!gate(request, reply)) return reply;
    const { contentType, body } = await options.metrics.scrape();
    return reply.code(200).type(contentType).send(body);
  });

  server.get('/health/bots', async (request, reply) => {
    if (!gate(request, reply)) return reply;
    const bots = options.fleet.status();
    return reply.code(200).send({
      bots: bots.map((bot) => ({
        botId: bot.botId,
        name: bot.name,
        username: bot.username,
        state: bot.state,
        health: bot.health,
        // polling mode: whether this process polls the bot now (with several, the lease holder)
        polling: bot.polling,
      })),
    });
  });
};
