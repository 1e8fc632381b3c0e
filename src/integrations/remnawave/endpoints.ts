import { z } from 'zod';
import {
  createUserBodySchema,
  internalSquadListSchema,
  panelDeviceListSchema,
  panelNodeListSchema,
  panelUserPageSchema,
  panelUserSchema,
  resolvedUserSchema,
  systemMetadataSchema,
  systemStatsSchema,
  updateUserBodySchema,
  usageDateSchema,
  userIdInputSchema,
  usernameInputSchema,
  userUsageSchema,
} from './schemas.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One panel call described as data, in the spirit of the panel's own contract package:
 * `request` validates the caller's input locally and shapes it, `path`/`query`/`body` place it on
 * the wire, `response` parses the unwrapped `{response: ...}` payload.
 */
export interface Endpoint<TInput, TRequest, TOutput> {
  readonly name: string;
  readonly method: HttpMethod;
  readonly request: z.ZodType<TRequest, TInput>;
  readonly path: (request: TRequest) => string;
  readonly query: ((request: TRequest) => Record<string, string>) | null;
  readonly body: ((request: TRequest) => unknown) | null;
  readonly response: z.ZodType<TOutput, unknown>;
  /**
   * Whether the client may repeat the call after a timeout, a dropped connection, 429 or 5xx.
   * Only calls whose effect is the same however often they land (reads, absolute PATCH, delete,
   * enable/disable, reset, revoke) are marked; create and extend are not.
   */
  readonly retrySafe: boolean;
}

interface EndpointDef<TRequestSchema extends z.ZodType, TResponseSchema extends z.ZodType> {
  name: string;
  method: HttpMethod;
  request: TRequestSchema;
  path: (request: z.output<TRequestSchema>) => string;
  query?: (request: z.output<TRequestSchema>) => Record<string, string>;
  body?: (request: z.output<TRequestSchema>) => unknown;
  response: TResponseSchema;
  retrySafe: boolean;
}

export function defineEndpoint<TRequestSchema extends z.ZodType, TResponseSchema extends z.ZodType>(
  def: EndpointDef<TRequestSchema, TResponseSchema>,
): Endpoint<z.input<TRequestSchema>, z.output<TRequestSchema>, z.output<TResponseSchema>> {
  // TypeScript cannot see that a generic schema S is a ZodType<output<S>, input<S>>; it always is.
  return {
    name: def.name,
    method: def.method,
    request: def.request as z.ZodType<z.output<TRequestSchema>, z.input<TRequestSchema>>,
    path: def.path,
    query: def.query ?? null,
    body: def.body ?? null,
    response: def.response as z.ZodType<z.output<TResponseSchema>, unknown>,
    retrySafe: def.retrySafe,
  };
}

const noInput = z.undefined().optional();
const asBody = <T>(request: T): T => request;
/** 204 or whatever a given panel version sends back: the caller only needs "it worked". */
const ignoredBody = z.unknown().transform((): void => undefined);

const byUserId = userIdInputSchema;

export const remnawaveEndpoints = {
  createUser: defineEndpoint({
    name: 'users.create',
    method: 'POST',
    request: createUserBodySchema,
    path: () => '/api/users',
    body: asBody,
    response: panelUserSchema,
    // Not retried: the panel has no idempotency keys, so a lost answer must be reconciled by username.
    retrySafe: false,
  }),

  getUserById: defineEndpoint({
    name: 'users.getById',
    method: 'GET',
    request: byUserId,
    path: (r) => `/api/users/${r.id}`,
    response: panelUserSchema,
    retrySafe: true,
  }),

  getUserByUsername: defineEndpoint({
    name: 'users.getByUsername',
    method: 'GET',
    request: usernameInputSchema,
    path: (r) => `/api/users/by-username/${encodeURIComponent(r.username)}`,
    response: panelUserSchema,
    retrySafe: true,
  }),

  streamUsers: defineEndpoint({
    name: 'users.stream',
    method: 'GET',
    request: z.object({
      telegramId: z.number().int().optional(),
      cursor: z.string().min(1).optional(),
      size: z.number().int().positive().optional(),
    }),
    path: () => '/api/users/stream',
    query: (r) => {
      const query: Record<string, string> = {};
      if (r.telegramId !== undefined) query.telegramId = String(r.telegramId);
      if (r.cursor !== undefined) query.cursor = r.cursor;
      if (r.size !== undefined) query.size = String(r.size);
      return query;
    },
    response: panelUserPageSchema,
    retrySafe: true,
  }),

  resolveUser: defineEndpoint({
    name: 'users.resolve',
    method: 'POST',
    request: z.union([
      z.strictObject({ id: z.number().int().positive() }),
      z.strictObject({ username: z.string().min(1) }),
      z.strictObject({ shortUuid: z.string().min(1) }),
    ]),
    path: () => '/api/users/resolve',
    body: asBody,
    response: resolvedUserSchema,
    retrySafe: true,
  }),

  updateUser: defineEndpoint({
    name: 'users.update',
    method: 'PATCH',
    request: updateUserBodySchema,
    path: () => '/api/users',
    body: asBody,
    response: panelUserSchema,
    retrySafe: true,
  }),

  enableUser: defineEndpoint({
    name: 'users.enable',
    method: 'POST',
    request: byUserId,
    path: (r) => `/api/users/${r.id}/actions/enable`,
    response: panelUserSchema,
    retrySafe: true,
  }),

  disableUser: defineEndpoint({
    name: 'users.disable',
    method: 'POST',
    request: byUserId,
    path: (r) => `/api/users/${r.id}/actions/disable`,
    response: panelUserSchema,
    retrySafe: true,
  }),

  resetTraffic: defineEndpoint({
    name: 'users.resetTraffic',
    method: 'POST',
    request: byUserId,
    path: (r) => `/api/users/${r.id}/actions/reset-traffic`,
    response: panelUserSchema,
    retrySafe: true,
  }),

  revokeSubscription: defineEndpoint({
    name: 'users.revoke',
    method: 'POST',
    request: byUserId,
    path: (r) => `/api/users/${r.id}/actions/revoke`,
    body: () => ({}),
    response: panelUserSchema,
    // A repeat issues yet another short uuid; the goal (old link dead, new link returned) still holds.
    retrySafe: true,
  }),

  deleteUser: defineEndpoint({
    name: 'users.delete',
    method: 'DELETE',
    request: byUserId,
    path: (r) => `/api/users/${r.id}`,
    response: ignoredBody,
    retrySafe: true,
  }),

  getDevices: defineEndpoint({
    name: 'hwid.list',
    method: 'GET',
    request: byUserId,
    path: (r) => `/api/hwid/devices/${r.id}`,
    response: panelDeviceListSchema,
    retrySafe: true,
  }),

  deleteDevice: defineEndpoint({
    name: 'hwid.delete',
    method: 'POST',
    request: z.object({ userId: z.number().int().positive(), hwid: z.string().min(1) }),
    path: () => '/api/hwid/devices/delete',
    body: asBody,
    response: panelDeviceListSchema,
    retrySafe: true,
  }),

  deleteAllDevices: defineEndpoint({
    name: 'hwid.deleteAll',
    method: 'POST',
    request: z.object({ userId: z.number().int().positive() }),
    path: () => '/api/hwid/devices/delete-all',
    body: asBody,
    response: panelDeviceListSchema,
    retrySafe: true,
  }),

  getUserUsage: defineEndpoint({
    name: 'bandwidth.userUsage',
    method: 'GET',
    request: z.object({ id: z.number().int().positive(), start: usageDateSchema, end: usageDateSchema }),
    path: (r) => `/api/bandwidth-stats/users/${r.id}`,
    query: (r) => ({ start: r.start, end: r.end }),
    response: userUsageSchema,
    retrySafe: true,
  }),

  getInternalSquads: defineEndpoint({
    name: 'internalSquads.list',
    method: 'GET',
    request: noInput,
    path: () => '/api/internal-squads',
    response: internalSquadListSchema,
    retrySafe: true,
  }),

  getNodes: defineEndpoint({
    name: 'nodes.list',
    method: 'GET',
    request: noInput,
    path: () => '/api/nodes',
    response: panelNodeListSchema,
    retrySafe: true,
  }),

  getSystemStats: defineEndpoint({
    name: 'system.stats',
    method: 'GET',
    request: noInput,
    path: () => '/api/system/stats',
    response: systemStatsSchema,
    retrySafe: true,
  }),

  getSystemMetadata: defineEndpoint({
    name: 'system.metadata',
    method: 'GET',
    request: noInput,
    path: () => '/api/system/metadata',
    response: systemMetadataSchema,
    retrySafe: true,
  }),
} as const;

export type RemnawaveEndpoints = typeof remnawaveEndpoints;
