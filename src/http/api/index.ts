import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { createAuthenticator } from './auth.js';
import { registerBotRoutes } from './bots-routes.js';
import { registerBroadcastRoutes } from './broadcasts-routes.js';
import { registerCardRoutes } from './cards-routes.js';
import { registerConfigRoutes } from './config-routes.js';
import { registerCustomerRoutes } from './customers-routes.js';
import { ApiError, installErrorHandling } from './errors.js';
import { registerFeatureRoutes } from './features-routes.js';
import { registerGroupRoutes } from './groups-routes.js';
import { registerHelpRoutes } from './help-routes.js';
import { registerMaintenanceRoutes } from './maintenance-routes.js';
import { registerModerationRoutes } from './moderation-routes.js';
import { registerOpenApi } from './openapi.js';
import { registerPackRoutes } from './packs-routes.js';
import { registerPaymentRoutes } from './payments-routes.js';
import { registerPlanRoutes } from './plans-routes.js';
import { registerPromoRoutes } from './promo-routes.js';
import { registerResellerRoutes } from './resellers-routes.js';
import { type ApiContext, createRouter, useZodForValidation } from './route.js';
import { registerTicketRoutes } from './tickets-routes.js';
import { registerWalletBillingRoutes } from './wallet-billing-routes.js';

export interface ApiOptions {
  readonly app: App;
  /** OPERATOR_API_TOKEN; unset: only tenant tokens work. */
  readonly operatorToken: string | undefined;
  /** Requests per token (or per address without a valid token) and window; default 300 a minute. */
  readonly rateLimit?: { readonly max: number; readonly timeWindowMs?: number };
}

export const DEFAULT_RATE_LIMIT = { max: 300, timeWindowMs: 60_000 } as const;

/**
 * The management REST API, mounted under /api: /api/v1/* (token required), the OpenAPI document
 * at /api/v1/openapi.json and the docs page at /api/docs (both public). Routes only translate
 * HTTP to calls on `app` and back; the rules live in the modules.
 */
export async function apiPlugin(api: FastifyInstance, options: ApiOptions): Promise<void> {
  installErrorHandling(api);
  api.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await registerOpenApi(api);

  const auth = createAuthenticator(options.app, options.operatorToken);
  const context: ApiContext = { app: options.app, auth };
  const limits = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };

  await api.register(
    async (v1) => {
      useZodForValidation(v1);
      // JSON only: anything else is a 415 rather than a string the body schema then refuses
      v1.removeContentTypeParser('text/plain');
      await v1.register(rateLimit, { global: false });
      // In this order: who is calling, then count the request against that caller (or its address
      // when the token is missing or wrong, so guessing tokens is limited too), then refuse strangers.
      v1.addHook('onRequest', auth.resolve);
      v1.addHook(
        'onRequest',
        v1.rateLimit({
          max: limits.max,
          timeWindow: limits.timeWindowMs,
          keyGenerator: auth.rateKey,
          errorResponseBuilder: (_request, context) =>
            new ApiError(
              'rate_limited',
              `rate limit of ${context.max} requests exceeded, retry in ${context.after}`,
            ),
        }),
      );
      v1.addHook('onRequest', async (request) => {
        auth.principal(request);
      });

      const router = createRouter(v1, context);
      registerBotRoutes(router, context);
      registerFeatureRoutes(router, context);
      registerConfigRoutes(router, context);
      registerPlanRoutes(router, context);
      registerPackRoutes(router, context);
      registerWalletBillingRoutes(router, context);
      registerBroadcastRoutes(router, context);
      registerHelpRoutes(router, context);
      registerGroupRoutes(router, context);
      registerPromoRoutes(router, context);
      registerCardRoutes(router, context);
      registerCustomerRoutes(router, context);
      registerModerationRoutes(router, context);
      registerPaymentRoutes(router, context);
      registerTicketRoutes(router, context);
      registerMaintenanceRoutes(router, context);
      registerResellerRoutes(router, context);
    },
    { prefix: '/v1' },
  );
}
