import { z } from 'zod';
import type { FeatureFlag } from '../../modules/feature-flags/feature-flags-service.js';
import {
  FEATURE_KEYS,
  FEATURES,
  type FeatureKey,
  isFeatureKey,
} from '../../modules/feature-flags/features.js';
import { ApiError, fromServiceError } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { listOf } from './schemas.js';

export const featureView = z.object({
  key: z.string(),
  enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  source: z
    .enum(['default', 'tenant'])
    .meta({ description: '`tenant` when set for this bot, else the default' }),
  default: z.boolean(),
  description: z.string(),
});

const toFeatureView = (flag: FeatureFlag): z.infer<typeof featureView> => ({
  key: flag.key,
  enabled: flag.enabled,
  config: { ...flag.config },
  source: flag.source,
  default: FEATURES[flag.key].default,
  description: FEATURES[flag.key].description,
});

const keyParams = botIdParams.extend({
  key: z.string().meta({ description: `One of: ${FEATURE_KEYS.join(', ')}` }),
});

const setBody = z.strictObject({
  enabled: z.boolean(),
  config: z.record(z.string(), z.unknown()).optional(),
});

/**
 * An unknown key is a 404 naming the keys there are; this includes switches removed until their
 * feature is built, even when a database still holds a row for one.
 */
const featureKey = (key: string): FeatureKey => {
  if (!isFeatureKey(key)) {
    throw new ApiError('not_found', `unknown feature "${key}"; expected one of: ${FEATURE_KEYS.join(', ')}`);
  }
  return key;
};

/**
 * Feature switches are operator-controlled (the specification: "per tenant, operator-controlled"):
 * a tenant token may read them, only the operator token may set or reset them.
 */
export function registerFeatureRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'features';

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/features',
      tag,
      summary: 'Feature switches of a bot',
      responses: { 200: { description: 'Every feature, set or default', schema: listOf(featureView) } },
    },
    async ({ services }) => ({ items: (await services.flags.list()).map(toFeatureView) }),
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/features/:key',
      tag,
      summary: 'One feature switch',
      params: keyParams,
      responses: { 200: { description: 'The feature', schema: featureView } },
    },
    async ({ services, params }) => toFeatureView(await services.flags.get(featureKey(params.key))),
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/features/:key',
      tag,
      summary: 'Switch a feature on or off',
      description: 'Takes effect in the running bot within a second. Operator only.',
      operatorOnly: true,
      params: keyParams,
      body: setBody,
      responses: { 200: { description: 'The feature', schema: featureView } },
    },
    async ({ services, params, body }) => {
      const set = await services.flags.set(featureKey(params.key), body.enabled, body.config ?? {});
      if (!set.ok) throw fromServiceError(set.error);
      return toFeatureView(set.value);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/features/:key',
      tag,
      summary: 'Reset a feature to its default',
      description: 'Operator only. Answers the feature as it now is.',
      operatorOnly: true,
      params: keyParams,
      responses: { 200: { description: 'The feature, back to its default', schema: featureView } },
    },
    async ({ services, params }) => {
      const key = featureKey(params.key);
      const reset = await services.flags.delete(key);
      if (!reset.ok) throw fromServiceError(reset.error);
      return toFeatureView(await services.flags.get(key));
    },
  );
}
