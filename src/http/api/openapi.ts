import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export const OPENAPI_INFO = {
  title: 'Remnafleet management API',
  version: '1',
  description:
    'Manage the tenant bots of a Remnafleet deployment: bots, feature switches, settings, plans, cards ' +
    'and customers.\n\n' +
    'Authenticate with `X-API-Token: <token>` or `Authorization: Bearer <token>`. The operator token ' +
    '(`OPERATOR_API_TOKEN`) reaches every bot; a tenant token (shown once when its bot is created) reaches ' +
    'only its own bot, and any other bot id answers 404. Operator-only operations answer 403 to a tenant ' +
    'token.\n\n' +
    'Errors are always `{ "error": { "code", "message", "requestId", "fields"? } }`; the request id is ' +
    'also in the `X-Request-Id` header. Lists take `?limit=` (default 50, at most 200) and `?offset=` and ' +
    'answer `{ items, total, nextOffset }`. Requests are rate limited per token (429 with Retry-After).',
};

/**
 * Collects the routes registered after it in this scope (the /api/v1 ones) into an OpenAPI 3
 * document: served as JSON at /api/v1/openapi.json and as a docs page at /api/docs.
 */
export async function registerOpenApi(api: FastifyInstance): Promise<void> {
  await api.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: OPENAPI_INFO,
      components: {
        securitySchemes: {
          apiToken: { type: 'apiKey', in: 'header', name: 'X-API-Token' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiToken: [] }, { bearer: [] }],
      tags: [
        { name: 'bots', description: 'Tenant bots (operator: all; tenant: its own)' },
        { name: 'features', description: 'Feature switches (set by the operator)' },
        { name: 'config', description: 'Typed settings with defaults' },
        { name: 'plans', description: 'What customers can buy' },
        { name: 'cards', description: 'Cards for card-to-card payments' },
        { name: 'customers', description: 'Customers and their balances' },
      ],
    },
  });
  // the page links its assets absolutely; they live under this plugin's own prefix (/api)
  await api.register(swaggerUi, { routePrefix: '/docs', indexPrefix: api.prefix });
  api.get('/v1/openapi.json', { schema: { hide: true } }, async () => api.swagger());
}
