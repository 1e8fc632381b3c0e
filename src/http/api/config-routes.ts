import { z } from 'zod';
import { isSettingKey, SETTING_KEYS, SETTINGS, type SettingKey } from '../../modules/settings/registry.js';
import type { SettingView } from '../../modules/settings/settings-service.js';
import type { Principal } from './auth.js';
import { ApiError, fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { listOf } from './schemas.js';

export const settingView = z.object({
  key: z.string(),
  value: z.unknown(),
  source: z
    .enum(['default', 'tenant'])
    .meta({ description: '`tenant` when set for this bot, else the default' }),
  default: z.unknown(),
  tenantEditable: z.boolean().meta({ description: 'Whether a tenant token may change it' }),
  group: z.string(),
  description: z.string(),
  expects: z.string().meta({ description: 'What a valid value looks like' }),
});

const toSettingView = (view: SettingView): z.infer<typeof settingView> => ({ ...view });

const keyParams = botIdParams.extend({
  key: z.string().meta({ description: `One of: ${SETTING_KEYS.join(', ')}` }),
});

const setBody = z.strictObject({
  value: z.unknown().meta({ description: 'The new value; its type depends on the key (see `expects`)' }),
});

/**
 * An unknown key is a 404 naming the keys there are; this includes settings removed until their
 * feature is built, even when a database still holds a value for one.
 */
const settingKey = (key: string): SettingKey => {
  if (!isSettingKey(key)) {
    throw new ApiError('not_found', `unknown setting "${key}"; expected one of: ${SETTING_KEYS.join(', ')}`);
  }
  return key;
};

/** A tenant token changes only the settings the registry marks tenant-editable; the rest are the operator's. */
const actorFor = (principal: Principal, key: SettingKey) => {
  if (principal.role === 'operator') return 'operator' as const;
  if (!SETTINGS[key].tenantEditable) {
    throw new ApiError('forbidden', `setting "${key}" can only be changed by the operator`);
  }
  return 'tenant' as const;
};

export function registerConfigRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'config';

  const viewOf = async (list: () => Promise<SettingView[]>, key: SettingKey) => {
    const view = (await list()).find((setting) => setting.key === key);
    if (!view) throw notFound(`setting "${key}"`);
    return toSettingView(view);
  };

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/config',
      tag,
      summary: 'Settings of a bot',
      responses: { 200: { description: 'Every setting, set or default', schema: listOf(settingView) } },
    },
    async ({ services }) => ({ items: (await services.settings.list()).map(toSettingView) }),
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/config/:key',
      tag,
      summary: 'One setting',
      params: keyParams,
      responses: { 200: { description: 'The setting', schema: settingView } },
    },
    async ({ services, params }) => viewOf(services.settings.list, settingKey(params.key)),
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/config/:key',
      tag,
      summary: 'Change a setting',
      description:
        'Validated by the key’s type and range (400 names what it expects). A tenant token may change only ' +
        '`tenantEditable` settings (403 otherwise). Takes effect in the running bot within a second.',
      params: keyParams,
      body: setBody,
      responses: { 200: { description: 'The setting', schema: settingView } },
    },
    async ({ services, params, body, principal }) => {
      const key = settingKey(params.key);
      const set = await services.settings.set(key, body.value, actorFor(principal, key));
      if (!set.ok) {
        throw new ApiError('invalid_request', set.error.message, [
          { field: 'body.value', message: set.error.message },
        ]);
      }
      return viewOf(services.settings.list, key);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/config/:key',
      tag,
      summary: 'Reset a setting to its default',
      description: 'Same permissions as changing it. Answers the setting as it now is.',
      params: keyParams,
      responses: { 200: { description: 'The setting, back to its default', schema: settingView } },
    },
    async ({ services, params, principal }) => {
      const key = settingKey(params.key);
      const reset = await services.settings.reset(key, actorFor(principal, key));
      if (!reset.ok) throw fromServiceError(reset.error);
      return viewOf(services.settings.list, key);
    },
  );
}
