import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import { domainError, parseOrThrow, SIM_ERRORS, SimHttpError } from './errors.js';
import {
  createFaultBook,
  matchesRequest,
  type SimFaultAction,
  type SimFaultHandle,
  type SimFaultSpec,
  type SimRequestMatch,
} from './faults.js';
import {
  type AddDeviceResult,
  createSimStore,
  type SimDevice,
  type SimDeviceInfo,
  type SimSquad,
  type SimUser,
  type SimUserPatch,
  type SimUserRecord,
  type SimUserRef,
} from './store.js';
import { createWebhookSender, type SimWebhookDelivery, type SimWebhookOptions } from './webhooks.js';

export interface RemnawaveSimOptions {
  /** 0 (default) picks a free port. */
  port?: number | undefined;
  /** Default 127.0.0.1. */
  host?: string | undefined;
  /** Default: a random token, readable from the returned sim. */
  apiToken?: string | undefined;
  /** Drop requests lacking `X-Forwarded-For` / `X-Forwarded-Proto: https`, as production panels do. Default true. */
  requireForwardedHeaders?: boolean | undefined;
  /** Base clock; `advanceTime` adds an offset on top. Default `() => new Date()`. */
  now?: (() => Date) | undefined;
  /** Subscription URLs are `{subscriptionBaseUrl}/{shortUuid}`. Default `{baseUrl}/api/sub`. */
  subscriptionBaseUrl?: string | undefined;
  /** Reported by `/api/system/metadata`. Default `3.3.2`. */
  version?: string | undefined;
  /** Page size of `/api/users/stream` when the request gives none. Default 250, as on 3.3.2. */
  streamPageSize?: number | undefined;
  /** Device limit for users whose own limit is null. Default 0 (unlimited). */
  hwidFallbackDeviceLimit?: number | undefined;
  /**
   * Every how often the sweep marking users EXPIRED runs (the panel's 30 s by default), in real
   * time against the sim clock. 0 runs it only when a test calls `runSweeps()`.
   */
  expireSweepMs?: number | undefined;
  /** Same for the sweep marking users over their traffic limit LIMITED (45 s by default). */
  limitSweepMs?: number | undefined;
  /**
   * What the API token may do, as the panel's token scopes: `*`, `<group>:*` or exact scopes such
   * as `users:by-id`. A call outside them answers 403 `Forbidden resource`. Default `['*']`.
   */
  apiTokenScopes?: readonly string[] | undefined;
  /**
   * Where the panel sends its webhooks and the secret it signs them with (WEBHOOK_URL and
   * WEBHOOK_SECRET_HEADER); none by default. `setWebhook` changes it later.
   */
  webhook?: SimWebhookOptions | undefined;
  /**
   * Usage thresholds (percent of the traffic limit) at which the panel sends
   * `user.bandwidth_usage_threshold_reached`, each once per quota. Default none, as the panel's.
   */
  bandwidthThresholds?: readonly number[] | undefined;
}

export type SimRequestOutcome = 'pending' | 'answered' | 'dropped' | 'hung' | 'committed-no-answer';

export interface SimRequestLogEntry {
  seq: number;
  method: string;
  path: string;
  /** Raw query string including `?`, or empty. */
  query: string;
  at: Date;
  /** Status sent, or null when no answer was sent. */
  status: number | null;
  outcome: SimRequestOutcome;
  /** Kind of the fault applied to this request, if any. */
  fault: SimFaultAction['kind'] | 'down' | null;
  /** Request headers, lower-cased, with `authorization` redacted. */
  headers: Record<string, string>;
}

export type SimDownMode = 'unavailable' | 'refuse';

export type UserJsonHook = (json: Record<string, unknown>) => Record<string, unknown>;

interface Reply {
  status: number;
  /** Wrapped as `{response: json}`. */
  json?: unknown;
  /** Sent as is (subscription content). */
  text?: { contentType: string; body: string; headers?: Record<string, string> };
}

interface RouteContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  remoteAddress: string | null;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** The token scope the panel requires (e.g. `users:by-id`); none for public routes. */
  scope: string | null;
  /** Subscription fetches come from VPN apps: no token and no proxy headers. */
  public?: boolean;
  handle: (ctx: RouteContext) => Reply;
}

const MAX_BODY_BYTES = 1_000_000;

export async function startRemnawaveSim(opts: RemnawaveSimOptions = {}) {
  const host = opts.host ?? '127.0.0.1';
  const apiToken = opts.apiToken ?? `sim-${randomBytes(16).toString('hex')}`;
  const requireForwardedHeaders = opts.requireForwardedHeaders ?? true;
  const version = opts.version ?? '3.3.2';
  const streamPageSize = opts.streamPageSize ?? 250;
  const scopes = opts.apiTokenScopes ?? ['*'];
  const allowed = (scope: string) =>
    scopes.some((s) => s === '*' || s === scope || (s.endsWith(':*') && scope.startsWith(s.slice(0, -1))));
  const baseNow = opts.now ?? (() => new Date());
  let offsetMs = 0;
  const clock = (): Date => new Date(baseNow().getTime() + offsetMs);
  const startedAt = clock();

  let baseUrl = '';
  const store = createSimStore({
    clock,
    subscriptionBaseUrl: () => opts.subscriptionBaseUrl ?? `${baseUrl}/api/sub`,
    hwidFallbackDeviceLimit: opts.hwidFallbackDeviceLimit ?? 0,
  });
  const faults = createFaultBook();
  const webhooks = createWebhookSender({ clock, options: opts.webhook });
  const bandwidthThresholds = [...(opts.bandwidthThresholds ?? [])].sort((a, b) => a - b);
  /** The highest usage threshold each user's current quota has reached (the panel's lastTriggeredThreshold). */
  const lastThreshold = new Map<number, number>();
  const log: SimRequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  let down: SimDownMode | null = null;
  let closed = false;
  let userJsonHook: UserJsonHook | null = null;

  // ------------------------------------------------------------------------------------------
  // JSON shapes as a 3.x panel sends them (including fields our client must ignore)

  const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

  function userJson(user: SimUserRecord): Record<string, unknown> {
    const json: Record<string, unknown> = {
      id: user.id,
      shortUuid: user.shortUuid,
      username: user.username,
      status: user.status,
      trafficLimitBytes: user.trafficLimitBytes,
      trafficLimitStrategy: user.trafficLimitStrategy,
      expireAt: iso(user.expireAt),
      telegramId: user.telegramId,
      email: user.email,
      description: user.description,
      tag: user.tag,
      hwidDeviceLimit: user.hwidDeviceLimit,
      externalSquadUuid: user.externalSquadUuid,
      trojanPassword: user.trojanPassword,
      vlessUuid: user.vlessUuid,
      ssPassword: user.ssPassword,
      lastTriggeredThreshold: lastThreshold.get(user.id) ?? 0,
      subRevokedAt: iso(user.subRevokedAt),
      subLastUserAgent: user.subLastUserAgent,
      subLastOpenedAt: iso(user.subLastOpenedAt),
      lastTrafficResetAt: iso(user.lastTrafficResetAt),
      createdAt: iso(user.createdAt),
      updatedAt: iso(user.updatedAt),
      subscriptionUrl: store.subscriptionUrl(user),
      activeInternalSquads: user.activeInternalSquads.map((uuid) => ({
        uuid,
        name: store.squads.find((s) => s.uuid === uuid)?.name ?? '',
      })),
      userTraffic: {
        usedTrafficBytes: user.usedTrafficBytes,
        lifetimeUsedTrafficBytes: user.lifetimeUsedTrafficBytes,
        onlineAt: iso(user.onlineAt),
        firstConnectedAt: iso(user.firstConnectedAt),
        lastConnectedNodeUuid: user.onlineAt ? (store.nodes[0]?.uuid ?? null) : null,
      },
      happ: { cryptoLink: `happ://crypt3/sim-${user.shortUuid}` },
    };
    return userJsonHook ? userJsonHook(json) : json;
  }

  function devicesJson(user: SimUserRecord) {
    return {
      total: user.devices.length,
      devices: user.devices.map((d) => ({
        hwid: d.hwid,
        userId: user.id,
        platform: d.platform,
        osVersion: d.osVersion,
        deviceModel: d.deviceModel,
        userAgent: d.userAgent,
        requestIp: d.requestIp,
        createdAt: iso(d.createdAt),
        updatedAt: iso(d.updatedAt),
      })),
    };
  }

  // ------------------------------------------------------------------------------------------
  // Webhooks: what the panel tells its receiver after each change, as it serialises it (superjson
  // turns the bigint counters and the Telegram id into strings)

  function webhookUserJson(user: SimUserRecord): Record<string, unknown> {
    const json = userJson(user);
    return {
      ...json,
      trafficLimitBytes: String(user.trafficLimitBytes),
      telegramId: user.telegramId === null ? null : String(user.telegramId),
      userTraffic: {
        ...(json.userTraffic as Record<string, unknown>),
        usedTrafficBytes: String(user.usedTrafficBytes),
        lifetimeUsedTrafficBytes: String(user.lifetimeUsedTrafficBytes),
      },
    };
  }

  const userEvent = (event: string, user: SimUserRecord, meta?: Record<string, unknown>) =>
    webhooks.send('user', event, webhookUserJson(user), meta);

  function deviceEvent(event: 'added' | 'deleted', user: SimUserRecord, device: SimDevice | undefined) {
    if (!device) return;
    webhooks.send('user_hwid_devices', `user_hwid_devices.${event}`, {
      user: webhookUserJson(user),
      hwidUserDevice: {
        hwid: device.hwid,
        userId: user.id,
        platform: device.platform,
        osVersion: device.osVersion,
        deviceModel: device.deviceModel,
        userAgent: device.userAgent,
        requestIp: device.requestIp,
        createdAt: iso(device.createdAt),
        updatedAt: iso(device.updatedAt),
      },
    });
  }

  const deviceAdded = (user: SimUserRecord, hwid: string) =>
    deviceEvent(
      'added',
      user,
      user.devices.find((d) => d.hwid === hwid),
    );

  /** A new quota (a new limit, a reset) arms the usage thresholds again, as the panel does. */
  const rearmThresholds = (user: SimUserRecord) => lastThreshold.delete(user.id);

  /** The panel's threshold job: the highest threshold the usage reached beyond the last one sent. */
  function checkThresholds(user: SimUserRecord): void {
    if (user.trafficLimitBytes <= 0) return;
    const percent = (user.usedTrafficBytes * 100) / user.trafficLimitBytes;
    const reached = bandwidthThresholds.filter((t) => percent >= t && t > (lastThreshold.get(user.id) ?? 0));
    const highest = reached.at(-1);
    if (highest === undefined) return;
    lastThreshold.set(user.id, highest);
    userEvent('user.bandwidth_usage_threshold_reached', user);
  }

  /** The sweeps' verdicts, one event per user they changed. */
  const announce = (event: 'user.expired' | 'user.limited', ids: number[]): number[] => {
    for (const id of ids) {
      const user = store.lookup(id);
      if (user) userEvent(event, user);
    }
    return ids;
  };
  const sweepExpired = () => announce('user.expired', store.sweepExpired());
  const sweepLimited = () => announce('user.limited', store.sweepLimited());

  function deleteUser(id: number): void {
    const user = store.lookup(id);
    store.deleteUser(id);
    lastThreshold.delete(id);
    if (user) userEvent('user.deleted', user);
  }

  function squadJson(squad: SimSquad) {
    return {
      uuid: squad.uuid,
      viewPosition: squad.viewPosition,
      name: squad.name,
      info: { membersCount: store.squadMembers(squad.uuid), inboundsCount: 1 },
      inbounds: [],
      createdAt: iso(squad.createdAt),
      updatedAt: iso(squad.createdAt),
    };
  }

  function statsJson() {
    const users = store.allUsers();
    const now = clock().getTime();
    const statusCounts: Record<string, number> = { ACTIVE: 0, DISABLED: 0, LIMITED: 0, EXPIRED: 0 };
    for (const u of users) statusCounts[u.status] = (statusCounts[u.status] ?? 0) + 1;
    const onlineWithin = (ms: number) => users.filter((u) => u.onlineAt && now - u.onlineAt.getTime() <= ms);
    const totalBytes = store.nodes.reduce((sum, n) => sum + n.trafficUsedBytes, 0);
    return {
      cpu: { cores: 4, physicalCores: 2 },
      memory: { total: 8e9, free: 4e9, used: 4e9, active: 3e9, available: 5e9 },
      uptime: Math.round((now - startedAt.getTime()) / 1000),
      timestamp: now,
      users: { statusCounts, totalUsers: users.length },
      onlineStats: {
        onlineNow: onlineWithin(60_000).length,
        lastDay: onlineWithin(86_400_000).length,
        lastWeek: onlineWithin(7 * 86_400_000).length,
        neverOnline: users.filter((u) => !u.onlineAt).length,
      },
      // The real panel serialises this bigint counter as a string.
      nodes: { totalOnline: onlineWithin(60_000).length, totalBytesLifetime: String(totalBytes) },
    };
  }

  // ------------------------------------------------------------------------------------------
  // Routes (first match wins, so fixed paths come before `:id`)

  const userId = (raw: string | undefined): number => {
    if (raw === undefined || !/^\d+$/.test(raw)) {
      throw new SimHttpError(400, 'Validation failed', {
        validationErrors: [{ code: 'invalid_type', message: 'Expected number', path: ['id'] }],
      });
    }
    return Number(raw);
  };

  /** `scope` null makes a public route (no token, no proxy headers). */
  const route = (method: string, path: string, scope: string | null, handle: Route['handle']): Route => ({
    method,
    pattern: new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '([^/]+)')}$`),
    scope,
    handle,
    ...(scope === null ? { public: true } : {}),
  });

  const streamQuery = z.object({
    telegramId: z.coerce.number().int().optional(),
    email: z.string().optional(),
    tag: z.string().optional(),
    cursor: z.coerce.number().int().optional(),
    size: z.coerce.number().int().min(1).max(1000).optional(),
  });

  // 3.x users have no uuid: a `uuid` key is stripped, so on its own it resolves nobody.
  const resolveBody = z
    .object({
      id: z.number().int().optional(),
      username: z.string().optional(),
      shortUuid: z.string().optional(),
    })
    .refine((b) => Object.values(b).filter((v) => v !== undefined).length === 1, {
      message: 'Exactly one of id, shortUuid or username must be provided',
    });

  const deviceBody = z.object({ userId: z.number().int(), hwid: z.string().min(1) });
  const createDeviceBody = deviceBody.extend({
    platform: z.string().optional(),
    osVersion: z.string().optional(),
    deviceModel: z.string().optional(),
    userAgent: z.string().optional(),
  });
  const usageQuery = z.object({ start: z.iso.date(), end: z.iso.date() });

  const routes: Route[] = [
    route('POST', '/api/users', 'users:create', ({ body }) => {
      const user = store.createUser(body);
      userEvent('user.created', user);
      return { status: 201, json: userJson(user) };
    }),
    route('PATCH', '/api/users', 'users:update', ({ body }) => {
      const user = store.updateUser(body);
      if ((body as { trafficLimitBytes?: unknown }).trafficLimitBytes !== undefined) rearmThresholds(user);
      userEvent('user.modified', user);
      return { status: 200, json: userJson(user) };
    }),
    route('GET', '/api/users/stream', 'users:stream', ({ query }) => {
      const q = parseOrThrow(streamQuery, Object.fromEntries(query));
      const page = store.streamUsers({ ...q, size: q.size ?? streamPageSize });
      return {
        status: 200,
        json: { users: page.users.map(userJson), nextCursor: page.nextCursor, hasMore: page.hasMore },
      };
    }),
    route('POST', '/api/users/resolve', 'users:resolve', ({ body }) => ({
      status: 200,
      json: store.resolve(parseOrThrow(resolveBody, body)),
    })),
    route('GET', '/api/users/by-username/:username', 'users:by-username', ({ params }) => ({
      status: 200,
      json: userJson(store.mustGet(decodeURIComponent(params[0] ?? ''))),
    })),
    route('GET', '/api/users/by-short-uuid/:shortUuid', 'users:by-short-uuid', ({ params }) => {
      const user = store.byShortUuid(decodeURIComponent(params[0] ?? ''));
      if (!user) throw domainError(SIM_ERRORS.USER_BY_PARAMS_NOT_FOUND);
      return { status: 200, json: userJson(user) };
    }),
    route('GET', '/api/users/:id', 'users:by-id', ({ params }) => ({
      status: 200,
      json: userJson(store.mustGet(userId(params[0]))),
    })),
    route('DELETE', '/api/users/:id', 'users:delete', ({ params }) => {
      deleteUser(userId(params[0]));
      return { status: 204 };
    }),
    route('POST', '/api/users/:id/actions/enable', 'users:enable', ({ params }) => {
      const user = store.enableUser(userId(params[0]));
      userEvent('user.enabled', user);
      return { status: 200, json: userJson(user) };
    }),
    route('POST', '/api/users/:id/actions/disable', 'users:disable', ({ params }) => {
      const user = store.disableUser(userId(params[0]));
      userEvent('user.disabled', user);
      return { status: 200, json: userJson(user) };
    }),
    route('POST', '/api/users/:id/actions/reset-traffic', 'users:reset-traffic', ({ params }) => {
      const user = store.resetTraffic(userId(params[0]));
      rearmThresholds(user);
      userEvent('user.traffic_reset', user);
      return { status: 200, json: userJson(user) };
    }),
    route('POST', '/api/users/:id/actions/revoke', 'users:revoke-subscription', ({ params, body }) => {
      const revokeBody = parseOrThrow(z.object({ shortUuid: z.string().min(6).optional() }), body ?? {});
      const user = store.revokeSubscription(userId(params[0]), revokeBody.shortUuid);
      userEvent('user.revoked', user);
      return { status: 200, json: userJson(user) };
    }),
    route('GET', '/api/hwid/devices/:id', 'hwid-user-devices:list-by-user', ({ params }) => ({
      status: 200,
      json: devicesJson(store.mustGet(userId(params[0]), SIM_ERRORS.USER_NOT_FOUND)),
    })),
    route('POST', '/api/hwid/devices', 'hwid-user-devices:create', ({ body }) => {
      const { userId: id, hwid, ...info } = parseOrThrow(createDeviceBody, body);
      const result = store.addDevice(id, hwid, info);
      if (result === 'exists') throw domainError(SIM_ERRORS.HWID_DEVICE_EXISTS);
      if (result === 'limit-reached') throw domainError(SIM_ERRORS.HWID_DEVICE_LIMIT);
      const user = store.mustGet(id);
      deviceAdded(user, hwid);
      return { status: 200, json: devicesJson(user) };
    }),
    route('POST', '/api/hwid/devices/delete', 'hwid-user-devices:delete', ({ body }) => {
      const { userId: id, hwid } = parseOrThrow(deviceBody, body);
      const device = store.lookup(id)?.devices.find((d) => d.hwid === hwid);
      const user = store.deleteDevice(id, hwid);
      deviceEvent('deleted', user, device);
      return { status: 200, json: devicesJson(user) };
    }),
    route('POST', '/api/hwid/devices/delete-all', 'hwid-user-devices:delete-all', ({ body }) => {
      const { userId: id } = parseOrThrow(deviceBody.pick({ userId: true }), body);
      const devices = [...(store.lookup(id)?.devices ?? [])];
      const user = store.deleteAllDevices(id);
      for (const device of devices) deviceEvent('deleted', user, device);
      return { status: 200, json: devicesJson(user) };
    }),
    route('GET', '/api/bandwidth-stats/users/:id', 'bandwidth-stats:user-usage', ({ params, query }) => {
      const { start, end } = parseOrThrow(usageQuery, Object.fromEntries(query));
      return { status: 200, json: store.usage(userId(params[0]), start, end) };
    }),
    route('GET', '/api/internal-squads', 'internal-squads:list', () => ({
      status: 200,
      json: { total: store.squads.length, internalSquads: store.squads.map(squadJson) },
    })),
    route('GET', '/api/nodes', 'nodes:list', () => ({
      status: 200,
      json: store.nodes.map((n, i) => ({
        ...n,
        isConnecting: false,
        lastStatusChange: iso(startedAt),
        lastStatusMessage: null,
        xrayVersion: '25.8.3',
        nodeVersion: '2.1.0',
        xrayUptime: '3600',
        isTrafficTrackingActive: false,
        trafficResetDay: null,
        trafficLimitBytes: null,
        trafficUsedBytes: String(n.trafficUsedBytes),
        notifyPercent: null,
        viewPosition: i + 1,
        consumptionMultiplier: 1,
        tags: [],
        createdAt: iso(startedAt),
        updatedAt: iso(startedAt),
      })),
    })),
    route('GET', '/api/system/stats', 'system:stats', () => ({ status: 200, json: statsJson() })),
    route('GET', '/api/system/metadata', 'system:metadata', () => ({
      status: 200,
      json: {
        version,
        build: { time: iso(startedAt), number: 'sim' },
        git: { backend: { commitSha: 'sim', branch: 'sim', commitUrl: null } },
      },
    })),
    route('GET', '/api/sub/:shortUuid', null, ({ params, headers, remoteAddress }) =>
      subscription(decodeURIComponent(params[0] ?? ''), headers, remoteAddress),
    ),
  ];

  function subscription(
    shortUuid: string,
    headers: IncomingHttpHeaders,
    remoteAddress: string | null,
  ): Reply {
    const user = store.byShortUuid(shortUuid);
    if (!user) throw domainError(SIM_ERRORS.USER_BY_PARAMS_NOT_FOUND);
    const userAgent = header(headers, 'user-agent');
    const hwid = header(headers, 'x-hwid');
    let limited = false;
    if (hwid) {
      const info: SimDeviceInfo = {};
      const platform = header(headers, 'x-device-os');
      const osVersion = header(headers, 'x-ver-os');
      const deviceModel = header(headers, 'x-device-model');
      if (platform) info.platform = platform;
      if (osVersion) info.osVersion = osVersion;
      if (deviceModel) info.deviceModel = deviceModel;
      if (userAgent) info.userAgent = userAgent;
      // Behind its reverse proxy the panel sees the app's address in X-Forwarded-For.
      const requestIp = header(headers, 'x-forwarded-for')?.split(',')[0]?.trim() || remoteAddress;
      if (requestIp) info.requestIp = requestIp;
      const added = store.addDevice(user.id, hwid, info);
      limited = added === 'limit-reached';
      if (added === 'added') deviceAdded(user, hwid);
    }
    user.subLastOpenedAt = clock();
    user.subLastUserAgent = userAgent ?? null;
    const lines =
      user.status === 'ACTIVE' && !limited
        ? store.nodes.map(
            (n) => `vless://${user.vlessUuid}@${n.address}:443?security=reality&type=tcp#${n.name}`,
          )
        : [];
    return {
      status: 200,
      text: {
        contentType: 'text/plain; charset=utf-8',
        body: Buffer.from(lines.join('\n')).toString('base64'),
        headers: {
          'subscription-userinfo': `upload=0; download=${user.usedTrafficBytes}; total=${user.trafficLimitBytes}; expire=${Math.floor(user.expireAt.getTime() / 1000)}`,
          ...(limited ? { 'x-hwid-limit': 'true' } : {}),
        },
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // HTTP plumbing

  function dispatch(
    method: string,
    path: string,
    query: URLSearchParams,
    req: IncomingMessage,
    body: unknown,
  ): { reply: Reply } | { status: number; raw: unknown } {
    for (const r of routes) {
      if (r.method !== method) continue;
      const match = r.pattern.exec(path);
      if (!match) continue;
      if (!r.public && req.headers.authorization !== `Bearer ${apiToken}`) {
        return { status: 401, raw: { message: 'Unauthorized', statusCode: 401 } };
      }
      if (r.scope !== null && !allowed(r.scope)) {
        return { status: 403, raw: { message: 'Forbidden resource', error: 'Forbidden', statusCode: 403 } };
      }
      return {
        reply: r.handle({
          params: match.slice(1),
          query,
          body,
          headers: req.headers,
          remoteAddress: req.socket.remoteAddress ?? null,
        }),
      };
    }
    // Nest's own 404 for an unknown route; the client must not mistake it for "user not found".
    return { status: 404, raw: { message: `Cannot ${method} ${path}`, error: 'Not Found', statusCode: 404 } };
  }

  function sendJson(
    res: ServerResponse,
    status: number,
    payload: unknown,
    extraHeaders: Record<string, string> = {},
  ) {
    const text = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...extraHeaders,
    });
    res.end(text);
  }

  function errorBody(err: SimHttpError, path: string): unknown {
    if (err.validationErrors) {
      return { statusCode: err.status, message: 'Validation failed', errors: err.validationErrors };
    }
    if (err.errorCode) {
      return { timestamp: clock().toISOString(), path, message: err.message, errorCode: err.errorCode };
    }
    return { statusCode: err.status, message: err.message };
  }

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const path = url.pathname;
    const entry: SimRequestLogEntry = {
      seq: ++seq,
      method,
      path,
      query: url.search,
      at: clock(),
      status: null,
      outcome: 'pending',
      fault: null,
      headers: loggableHeaders(req.headers),
    };
    log.push(entry);

    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      entry.outcome = 'answered';
      sendJson(res, status, payload, headers);
    };
    const drop = () => {
      entry.outcome = 'dropped';
      req.socket.destroy();
    };

    if (down === 'unavailable') {
      entry.fault = 'down';
      entry.status = 503;
      entry.outcome = 'answered';
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html><body><h1>503 Service Unavailable</h1></body></html>');
      return;
    }

    const isPublic = routes.some((r) => r.public && r.method === method && r.pattern.test(path));
    if (requireForwardedHeaders && !isPublic && !hasForwardedHeaders(req.headers)) {
      drop();
      return;
    }

    const fault = faults.take(method, path);
    let commit: 'hang' | 'drop' | null = null;
    /** With `commit-then-hang`: answer after this long instead of never. */
    let answerAfterMs: number | undefined;
    if (fault) {
      entry.fault = fault.kind;
      switch (fault.kind) {
        case 'status': {
          const headers: Record<string, string> =
            fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
          answer(
            fault.status,
            fault.body ?? { statusCode: fault.status, message: 'Injected fault' },
            headers,
          );
          return;
        }
        case 'drop':
          drop();
          return;
        case 'hang':
          if (fault.delayMs === undefined) {
            entry.outcome = 'hung';
            return;
          }
          await wait(fault.delayMs);
          if (closed || req.socket.destroyed) return;
          break;
        case 'commit-then-hang':
          if (fault.delayMs === undefined) commit = 'hang';
          else answerAfterMs = fault.delayMs;
          break;
        case 'commit-then-drop':
          commit = 'drop';
          break;
      }
    }

    let status: number;
    let payload: unknown;
    let text: Reply['text'];
    try {
      const body = await readJsonBody(req);
      const result = dispatch(method, path, url.searchParams, req, body);
      if ('reply' in result) {
        status = result.reply.status;
        payload = result.reply.json === undefined ? undefined : { response: result.reply.json };
        text = result.reply.text;
      } else {
        status = result.status;
        payload = result.raw;
      }
    } catch (err) {
      const httpErr =
        err instanceof SimHttpError
          ? err
          : new SimHttpError(500, err instanceof Error ? err.message : 'error');
      status = httpErr.status;
      payload = errorBody(httpErr, path);
    }

    if (commit === 'hang') {
      entry.outcome = 'committed-no-answer';
      return;
    }
    if (commit === 'drop') {
      entry.outcome = 'committed-no-answer';
      req.socket.destroy();
      return;
    }
    if (answerAfterMs !== undefined) {
      await wait(answerAfterMs);
      if (closed || req.socket.destroyed) return;
    }

    if (text) {
      entry.status = status;
      entry.outcome = 'answered';
      res.writeHead(status, { 'content-type': text.contentType, ...(text.headers ?? {}) });
      res.end(text.body);
    } else if (payload === undefined) {
      entry.status = status;
      entry.outcome = 'answered';
      res.writeHead(status);
      res.end();
    } else {
      answer(status, payload);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Last resort: the sim must never crash the test process.
      if (!res.headersSent && !req.socket.destroyed) {
        sendJson(res, 500, { statusCode: 500, message: err instanceof Error ? err.message : 'sim error' });
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });

  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
    });

  // Real-time timers, like the panel's jobs; unref'd so a forgotten sim never holds the process.
  const sweepTimers: NodeJS.Timeout[] = [];
  const startSweep = (everyMs: number, sweep: () => number[]) => {
    if (everyMs <= 0) return;
    const timer = setInterval(sweep, everyMs);
    timer.unref();
    sweepTimers.push(timer);
  };
  startSweep(opts.expireSweepMs ?? 30_000, sweepExpired);
  startSweep(opts.limitSweepMs ?? 45_000, sweepLimited);

  await listen(opts.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}`;

  const userOrThrow = (ref: SimUserRef): SimUserRecord => {
    const user = store.lookup(ref);
    if (!user) throw new Error(`sim: no user ${String(ref)}`);
    return user;
  };

  return {
    baseUrl,
    port,
    apiToken,

    /** Closes at once, destroying hanging requests and keep-alive connections. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const timer of sweepTimers) clearInterval(timer);
      webhooks.close();
      await stopListening();
    },

    // --- clock
    now: clock,
    /** Moves the sim clock forward (or back with a negative value). */
    advanceTime(ms: number): void {
      offsetMs += ms;
    },
    /**
     * Runs the panel's status sweeps now, against the sim clock: ACTIVE or LIMITED users past their
     * expiry become EXPIRED, then ACTIVE users at or over their traffic limit become LIMITED.
     * Returns the ids each sweep changed. No API call sets these two statuses (`patchUser` can).
     */
    runSweeps(): { expired: number[]; limited: number[] } {
      const expired = sweepExpired();
      return { expired, limited: sweepLimited() };
    },

    // --- state
    users: (): SimUser[] => store.allUsers().map(store.snapshot),
    getUser(ref: SimUserRef): SimUser | undefined {
      const user = store.lookup(ref);
      return user ? store.snapshot(user) : undefined;
    },
    /**
     * Sets the user's current used traffic (absolute), as if nodes had reported it. Going over the
     * limit makes the user LIMITED at the next sweep (`runSweeps()`), not at once.
     */
    setUsage(ref: SimUserRef, bytes: number): SimUser {
      const connected = userOrThrow(ref).firstConnectedAt !== null;
      const user = store.setUsage(ref, bytes);
      if (!connected && user.firstConnectedAt !== null) userEvent('user.first_connected', user);
      checkThresholds(user);
      return store.snapshot(user);
    },
    /** Creates a user as `POST /api/users` would (same body, rules, errors and webhook), without HTTP. */
    createUser(body: Record<string, unknown>): SimUser {
      const user = store.createUser(body);
      userEvent('user.created', user);
      return store.snapshot(user);
    },
    /**
     * Writes fields directly, bypassing the panel's rules (e.g. an expiry in the past), as an admin
     * editing the user in the panel would: `user.modified` goes out.
     */
    patchUser(ref: SimUserRef, patch: SimUserPatch): SimUser {
      userOrThrow(ref);
      const user = store.patchUser(ref, patch);
      userEvent('user.modified', user);
      return store.snapshot(user);
    },
    /** Deletes a user as `DELETE /api/users/{id}` would (an admin deleting it in the panel). */
    deleteUser(ref: SimUserRef): void {
      deleteUser(userOrThrow(ref).id);
    },
    /** Registers a device as a VPN app fetching the subscription would; respects the device limit. */
    addDevice(ref: SimUserRef, hwid: string, info?: SimDeviceInfo): AddDeviceResult {
      const user = userOrThrow(ref);
      const result = store.addDevice(ref, hwid, info);
      if (result === 'added') deviceAdded(user, hwid);
      return result;
    },
    /**
     * The panel's pre-expiry reminder for one user (its notification job, when reminders are on):
     * `user.expiration` with `meta.expiration` = -hours (hours before the expiry; positive after it).
     */
    remindExpiration(ref: SimUserRef, hoursBeforeExpiry: number): void {
      userEvent('user.expiration', userOrThrow(ref), { expiration: -hoursBeforeExpiry });
    },
    addSquad: (name: string): string => store.addSquad(name),
    squads: (): SimSquad[] => store.squads.map((s) => ({ ...s })),
    /** Rewrites every user JSON the sim sends (extra fields, numbers as strings...); null to reset. */
    setUserJsonHook(hook: UserJsonHook | null): void {
      userJsonHook = hook;
    },

    // --- webhooks
    /** Points the panel's webhooks at a receiver, or turns them off (null). */
    setWebhook(options: SimWebhookOptions | null): void {
      webhooks.configure(options);
    },
    /** Every webhook delivery so far, oldest first, with its attempts and exact bytes. */
    webhookDeliveries: (): SimWebhookDelivery[] => webhooks.deliveries(),
    /** Resolves once every webhook sent so far was delivered or given up. */
    webhooksIdle: (): Promise<void> => webhooks.idle(),
    clearWebhookDeliveries(): void {
      webhooks.clear();
    },

    // --- request log
    requests: (match: SimRequestMatch = {}): SimRequestLogEntry[] =>
      log
        .filter((e) => matchesRequest(match, e.method, e.path))
        .map((e) => ({ ...e, headers: { ...e.headers } })),
    requestCount: (match: SimRequestMatch = {}): number =>
      log.filter((e) => matchesRequest(match, e.method, e.path)).length,
    clearRequestLog(): void {
      log.length = 0;
    },

    // --- faults
    addFault: (spec: SimFaultSpec): SimFaultHandle => faults.add(spec),
    clearFaults: (): void => faults.clear(),
    /**
     * `unavailable` (default): a proxy answers 503 to everything. `refuse`: nothing listens, so
     * connections are refused. Setting false restores service on the same port.
     */
    async setDown(isDown: boolean, mode: SimDownMode = 'unavailable'): Promise<void> {
      if (closed) return;
      const wasRefusing = down === 'refuse';
      down = isDown ? mode : null;
      if (isDown && mode === 'refuse' && !wasRefusing) await stopListening();
      if ((!isDown || mode !== 'refuse') && wasRefusing) await listen(port);
    },
  };
}

export type RemnawaveSim = Awaited<ReturnType<typeof startRemnawaveSim>>;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function loggableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = name === 'authorization' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function hasForwardedHeaders(headers: IncomingHttpHeaders): boolean {
  const forwardedFor = header(headers, 'x-forwarded-for');
  const proto = header(headers, 'x-forwarded-proto');
  return Boolean(forwardedFor?.trim()) && proto?.trim().toLowerCase() === 'https';
}

function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SimHttpError(413, 'Payload too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new SimHttpError(400, 'Body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}
