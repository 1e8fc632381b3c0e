import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { domainError, parseOrThrow, SIM_ERRORS, SimHttpError } from './errors.js';

export type SimUserStatus = 'ACTIVE' | 'DISABLED' | 'LIMITED' | 'EXPIRED';
export type SimTrafficStrategy = 'NO_RESET' | 'DAY' | 'WEEK' | 'MONTH' | 'MONTH_ROLLING';

export interface SimDevice {
  hwid: string;
  platform: string | null;
  osVersion: string | null;
  deviceModel: string | null;
  userAgent: string | null;
  /** Address the device fetched the subscription from. */
  requestIp: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SimDeviceInfo {
  platform?: string | null | undefined;
  osVersion?: string | null | undefined;
  deviceModel?: string | null | undefined;
  userAgent?: string | null | undefined;
  requestIp?: string | null | undefined;
}

/** 3.x users are identified by numeric `id` (and `username`, `shortUuid`); they have no `uuid`. */
interface SimUserRecord {
  id: number;
  shortUuid: string;
  username: string;
  status: SimUserStatus;
  trafficLimitBytes: number;
  trafficLimitStrategy: SimTrafficStrategy;
  expireAt: Date;
  telegramId: number | null;
  email: string | null;
  description: string | null;
  tag: string | null;
  hwidDeviceLimit: number | null;
  externalSquadUuid: string | null;
  activeInternalSquads: string[];
  usedTrafficBytes: number;
  lifetimeUsedTrafficBytes: number;
  onlineAt: Date | null;
  firstConnectedAt: Date | null;
  vlessUuid: string;
  trojanPassword: string;
  ssPassword: string;
  subRevokedAt: Date | null;
  lastTrafficResetAt: Date | null;
  subLastOpenedAt: Date | null;
  subLastUserAgent: string | null;
  createdAt: Date;
  updatedAt: Date;
  devices: SimDevice[];
  /** Bytes added per UTC day, for the bandwidth-stats endpoint. */
  dailyUsage: Map<string, number>;
}

/** What the test controls hand out: a detached copy, with the subscription URL filled in. */
export type SimUser = Omit<SimUserRecord, 'dailyUsage'> & { subscriptionUrl: string };

/** Fields a test may overwrite directly, bypassing the panel's rules (e.g. an expiry in the past). */
export type SimUserPatch = Partial<
  Pick<
    SimUserRecord,
    | 'status'
    | 'expireAt'
    | 'trafficLimitBytes'
    | 'usedTrafficBytes'
    | 'telegramId'
    | 'hwidDeviceLimit'
    | 'description'
    | 'tag'
    | 'activeInternalSquads'
  >
>;

export interface SimSquad {
  uuid: string;
  name: string;
  viewPosition: number;
  createdAt: Date;
}

export interface SimNode {
  uuid: string;
  name: string;
  address: string;
  port: number;
  countryCode: string;
  isConnected: boolean;
  isDisabled: boolean;
  usersOnline: number;
  trafficUsedBytes: number;
}

type ErrorDef = { code: string; status: number; message: string };

/** A user is referred to by numeric id or by username. */
export type SimUserRef = number | string;

export type AddDeviceResult = 'added' | 'exists' | 'limit-reached';

const STATUSES = ['ACTIVE', 'DISABLED', 'LIMITED', 'EXPIRED'] as const;
const STRATEGIES = ['NO_RESET', 'DAY', 'WEEK', 'MONTH', 'MONTH_ROLLING'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isoDateTime = z.iso.datetime({ offset: true, local: true, message: 'Invalid date format' });
const tag = z
  .string()
  .regex(/^[A-Z0-9_]+$/, 'Tag can only contain uppercase letters, numbers, underscores')
  .max(16, 'Tag must be less than 16 characters');
const squadList = z.array(z.string().regex(GUID, 'Invalid uuid'));

/* Request schemas follow the panel's contract: same limits and messages, unknown keys ignored. */

const createUserSchema = z.object({
  username: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'Username can only contain letters, numbers, underscores and dashes')
    .max(36, 'Username must be less than 36 characters')
    .min(3, 'Username must be at least 3 characters'),
  status: z.enum(STATUSES).optional(),
  expireAt: isoDateTime,
  trafficLimitBytes: z.number().int().min(0).optional(),
  trafficLimitStrategy: z.enum(STRATEGIES).optional(),
  description: z.string().optional(),
  tag: tag.nullable().optional(),
  telegramId: z.number().int().nullable().optional(),
  email: z.email().nullable().optional(),
  hwidDeviceLimit: z.number().int().min(0).optional(),
  activeInternalSquads: squadList.optional(),
  externalSquadUuid: z.string().regex(GUID).nullable().optional(),
});

// A `uuid` key is stripped like any unknown key: on its own it identifies nobody.
const updateUserSchema = z
  .object({
    id: z.number().int().optional(),
    username: z.string().optional(),
    status: z.enum(['ACTIVE', 'DISABLED'], {
      message: "You can't change status to LIMITED or EXPIRED. These statuses handled by Remnawave.",
    }),
    trafficLimitBytes: z.number().int().min(0),
    trafficLimitStrategy: z.enum(STRATEGIES),
    expireAt: isoDateTime,
    description: z.string().nullable(),
    tag: tag.nullable(),
    telegramId: z.number().int().nullable(),
    email: z.email().nullable(),
    hwidDeviceLimit: z.number().int().min(0).nullable(),
    activeInternalSquads: squadList,
    externalSquadUuid: z.string().regex(GUID).nullable(),
  })
  .partial({
    status: true,
    trafficLimitBytes: true,
    trafficLimitStrategy: true,
    expireAt: true,
    description: true,
    tag: true,
    telegramId: true,
    email: true,
    hwidDeviceLimit: true,
    activeInternalSquads: true,
    externalSquadUuid: true,
  })
  .refine((b) => b.id !== undefined || b.username !== undefined, {
    message: 'Either id or username must be provided',
  });

export interface SimStoreOptions {
  clock: () => Date;
  subscriptionBaseUrl: () => string;
  /** Device limit applied to users whose own limit is null. 0 = unlimited. */
  hwidFallbackDeviceLimit: number;
}

export function createSimStore(opts: SimStoreOptions) {
  const { clock } = opts;
  const users = new Map<number, SimUserRecord>();
  const squads: SimSquad[] = [];
  let nextUserId = 1;

  const nodes: SimNode[] = [
    {
      uuid: randomUUID(),
      name: 'sim-de-1',
      address: '10.0.0.1',
      port: 2222,
      countryCode: 'DE',
      isConnected: true,
      isDisabled: false,
      usersOnline: 0,
      trafficUsedBytes: 0,
    },
    {
      uuid: randomUUID(),
      name: 'sim-nl-1',
      address: '10.0.0.2',
      port: 2222,
      countryCode: 'NL',
      isConnected: true,
      isDisabled: false,
      usersOnline: 0,
      trafficUsedBytes: 0,
    },
  ];

  function addSquad(name: string): string {
    const squad: SimSquad = { uuid: randomUUID(), name, viewPosition: squads.length + 1, createdAt: clock() };
    squads.push(squad);
    return squad.uuid;
  }

  addSquad('Default-Squad');
  addSquad('Premium-Squad');

  // EXPIRED and LIMITED are never decided on read or write: like the panel, only its sweeps set
  // them (every 30 s and 45 s there), so a client reading a status right after a change sees what
  // the real panel would answer, not what the next sweep will make of it.

  /** The panel's expiry job: ACTIVE or LIMITED users past `expireAt` become EXPIRED. */
  function sweepExpired(): number[] {
    const now = clock();
    const changed: number[] = [];
    for (const user of users.values()) {
      if (
        (user.status === 'ACTIVE' || user.status === 'LIMITED') &&
        user.expireAt.getTime() < now.getTime()
      ) {
        user.status = 'EXPIRED';
        user.updatedAt = now;
        changed.push(user.id);
      }
    }
    return changed;
  }

  /** The panel's traffic job: ACTIVE users with a limit and usage at or over it become LIMITED. */
  function sweepLimited(): number[] {
    const now = clock();
    const changed: number[] = [];
    for (const user of users.values()) {
      if (
        user.status === 'ACTIVE' &&
        user.trafficLimitBytes > 0 &&
        user.usedTrafficBytes >= user.trafficLimitBytes
      ) {
        user.status = 'LIMITED';
        user.updatedAt = now;
        changed.push(user.id);
      }
    }
    return changed;
  }

  function lookup(ref: SimUserRef): SimUserRecord | undefined {
    if (typeof ref === 'number') return users.get(ref);
    for (const user of users.values()) if (user.username === ref) return user;
    return undefined;
  }

  function mustGet(ref: SimUserRef, notFound: ErrorDef = SIM_ERRORS.USER_BY_PARAMS_NOT_FOUND): SimUserRecord {
    const user = lookup(ref);
    if (!user) throw domainError(notFound);
    return user;
  }

  function byShortUuid(shortUuid: string): SimUserRecord | undefined {
    for (const user of users.values()) if (user.shortUuid === shortUuid) return user;
    return undefined;
  }

  function squadExists(uuid: string): boolean {
    return squads.some((s) => s.uuid === uuid);
  }

  function subscriptionUrl(user: SimUserRecord): string {
    return `${opts.subscriptionBaseUrl()}/${user.shortUuid}`;
  }

  function effectiveDeviceLimit(user: SimUserRecord): number {
    return user.hwidDeviceLimit ?? opts.hwidFallbackDeviceLimit;
  }

  function addUsage(user: SimUserRecord, bytes: number): void {
    const day = clock().toISOString().slice(0, 10);
    user.dailyUsage.set(day, (user.dailyUsage.get(day) ?? 0) + bytes);
  }

  function createUser(body: unknown): SimUserRecord {
    const input = parseOrThrow(createUserSchema, body);
    if (lookup(input.username)) throw domainError(SIM_ERRORS.USERNAME_ALREADY_EXISTS);
    // The real panel fails inside its transaction with a generic A018 when a squad does not exist.
    if (input.activeInternalSquads?.some((uuid) => !squadExists(uuid))) {
      throw domainError(SIM_ERRORS.CREATE_USER_ERROR);
    }
    const now = clock();
    const user: SimUserRecord = {
      id: nextUserId++,
      shortUuid: newShortUuid(),
      username: input.username,
      status: input.status ?? 'ACTIVE',
      trafficLimitBytes: input.trafficLimitBytes ?? 0,
      trafficLimitStrategy: input.trafficLimitStrategy ?? 'NO_RESET',
      expireAt: new Date(input.expireAt),
      telegramId: input.telegramId ?? null,
      email: input.email ?? null,
      description: input.description ?? null,
      tag: input.tag ?? null,
      hwidDeviceLimit: input.hwidDeviceLimit ?? null,
      externalSquadUuid: input.externalSquadUuid ?? null,
      activeInternalSquads: [...new Set(input.activeInternalSquads ?? [])],
      usedTrafficBytes: 0,
      lifetimeUsedTrafficBytes: 0,
      onlineAt: null,
      firstConnectedAt: null,
      vlessUuid: randomUUID(),
      trojanPassword: newSecret(),
      ssPassword: newSecret(),
      subRevokedAt: null,
      lastTrafficResetAt: null,
      subLastOpenedAt: null,
      subLastUserAgent: null,
      createdAt: now,
      updatedAt: now,
      devices: [],
      dailyUsage: new Map(),
    };
    users.set(user.id, user);
    return user;
  }

  function updateUser(body: unknown): SimUserRecord {
    const input = parseOrThrow(updateUserSchema, body);
    const now = clock();
    // Same check as the contract's refine, but against the sim clock so tests can move time.
    if (input.expireAt !== undefined && new Date(input.expireAt).getTime() <= now.getTime()) {
      throw new SimHttpError(400, 'Validation failed', {
        validationErrors: [
          { code: 'custom', message: 'Expiration date cannot be in the past', path: ['expireAt'] },
        ],
      });
    }
    // Unlike the GET routes (A063), the update answers A025 for a user it cannot find.
    const user = input.id !== undefined ? lookup(input.id) : lookup(input.username ?? '');
    if (!user) throw domainError(SIM_ERRORS.USER_NOT_FOUND);
    if (input.activeInternalSquads?.some((uuid) => !squadExists(uuid))) {
      throw domainError(SIM_ERRORS.UPDATE_USER_ERROR);
    }

    // The panel's own rules, judged against the user as it was: an explicit status wins; a raised
    // (or removed) limit re-activates a LIMITED user and a new future expiry an EXPIRED one. Usage
    // is not looked at: a user still over its limit answers ACTIVE until the next sweep.
    let status = input.status;
    if (
      input.trafficLimitBytes !== undefined &&
      user.status === 'LIMITED' &&
      (input.trafficLimitBytes === 0 || input.trafficLimitBytes > user.trafficLimitBytes)
    ) {
      status = 'ACTIVE';
    }
    if (
      user.status === 'EXPIRED' &&
      input.expireAt !== undefined &&
      input.status === undefined &&
      new Date(input.expireAt).getTime() !== user.expireAt.getTime()
    ) {
      status = 'ACTIVE';
    }

    if (input.trafficLimitBytes !== undefined) user.trafficLimitBytes = input.trafficLimitBytes;
    if (input.trafficLimitStrategy !== undefined) user.trafficLimitStrategy = input.trafficLimitStrategy;
    if (input.expireAt !== undefined) user.expireAt = new Date(input.expireAt);
    if (input.description !== undefined) user.description = input.description;
    if (input.tag !== undefined) user.tag = input.tag;
    if (input.telegramId !== undefined) user.telegramId = input.telegramId;
    if (input.email !== undefined) user.email = input.email;
    if (input.hwidDeviceLimit !== undefined) user.hwidDeviceLimit = input.hwidDeviceLimit;
    if (input.externalSquadUuid !== undefined) user.externalSquadUuid = input.externalSquadUuid;
    if (input.activeInternalSquads !== undefined) {
      user.activeInternalSquads = [...new Set(input.activeInternalSquads)];
    }
    if (status !== undefined) user.status = status;
    user.updatedAt = now;
    return user;
  }

  function enableUser(id: number): SimUserRecord {
    const user = mustGet(id, SIM_ERRORS.USER_NOT_FOUND);
    if (user.status !== 'DISABLED') throw domainError(SIM_ERRORS.USER_ALREADY_ENABLED);
    user.status = 'ACTIVE';
    user.updatedAt = clock();
    return user;
  }

  function disableUser(id: number): SimUserRecord {
    const user = mustGet(id, SIM_ERRORS.USER_NOT_FOUND);
    if (user.status === 'DISABLED') throw domainError(SIM_ERRORS.USER_ALREADY_DISABLED);
    user.status = 'DISABLED';
    user.updatedAt = clock();
    return user;
  }

  function resetTraffic(id: number): SimUserRecord {
    const user = mustGet(id, SIM_ERRORS.USER_NOT_FOUND);
    const now = clock();
    user.usedTrafficBytes = 0;
    user.lastTrafficResetAt = now;
    user.updatedAt = now;
    if (user.status === 'LIMITED') user.status = 'ACTIVE';
    return user;
  }

  function revokeSubscription(id: number, shortUuid?: string): SimUserRecord {
    const user = mustGet(id, SIM_ERRORS.USER_NOT_FOUND);
    const now = clock();
    user.shortUuid = shortUuid ?? newShortUuid();
    user.vlessUuid = randomUUID();
    user.trojanPassword = newSecret();
    user.ssPassword = newSecret();
    user.subRevokedAt = now;
    user.updatedAt = now;
    return user;
  }

  function deleteUser(id: number): void {
    if (!users.has(id)) throw domainError(SIM_ERRORS.USER_NOT_FOUND);
    users.delete(id);
  }

  function streamUsers(filter: {
    telegramId?: number | undefined;
    email?: string | undefined;
    tag?: string | undefined;
    cursor?: number | undefined;
    size: number;
  }): { users: SimUserRecord[]; nextCursor: string | null; hasMore: boolean } {
    const matching = [...users.values()]
      .filter((u) => filter.telegramId === undefined || u.telegramId === filter.telegramId)
      .filter((u) => filter.email === undefined || u.email === filter.email)
      .filter((u) => filter.tag === undefined || u.tag === filter.tag)
      .filter((u) => filter.cursor === undefined || u.id > filter.cursor)
      .sort((a, b) => a.id - b.id);
    const page = matching.slice(0, filter.size);
    const hasMore = matching.length > page.length;
    const last = page.at(-1);
    return { users: page, nextCursor: hasMore && last ? String(last.id) : null, hasMore };
  }

  function resolve(ref: {
    id?: number | undefined;
    username?: string | undefined;
    shortUuid?: string | undefined;
  }) {
    const user =
      ref.id !== undefined
        ? lookup(ref.id)
        : ref.username !== undefined
          ? lookup(ref.username)
          : ref.shortUuid !== undefined
            ? byShortUuid(ref.shortUuid)
            : undefined;
    if (!user) throw domainError(SIM_ERRORS.USER_BY_PARAMS_NOT_FOUND);
    return { id: user.id, shortUuid: user.shortUuid, username: user.username };
  }

  function addDevice(ref: SimUserRef, hwid: string, info: SimDeviceInfo = {}): AddDeviceResult {
    const user = mustGet(ref);
    const now = clock();
    const existing = user.devices.find((d) => d.hwid === hwid);
    if (existing) {
      existing.updatedAt = now;
      if (info.requestIp) existing.requestIp = info.requestIp;
      return 'exists';
    }
    const limit = effectiveDeviceLimit(user);
    if (limit > 0 && user.devices.length >= limit) return 'limit-reached';
    user.devices.push({
      hwid,
      platform: info.platform ?? null,
      osVersion: info.osVersion ?? null,
      deviceModel: info.deviceModel ?? null,
      userAgent: info.userAgent ?? null,
      requestIp: info.requestIp ?? null,
      createdAt: now,
      updatedAt: now,
    });
    return 'added';
  }

  // The panel's device calls answer A025 for a missing user, and deleting a device the user does
  // not have is a 404 A204 (so a retried delete whose first answer was lost meets it).
  function deleteDevice(userId: number, hwid: string): SimUserRecord {
    const user = mustGet(userId, SIM_ERRORS.USER_NOT_FOUND);
    if (!user.devices.some((d) => d.hwid === hwid)) throw domainError(SIM_ERRORS.HWID_DEVICE_NOT_FOUND);
    user.devices = user.devices.filter((d) => d.hwid !== hwid);
    return user;
  }

  function deleteAllDevices(userId: number): SimUserRecord {
    const user = mustGet(userId, SIM_ERRORS.USER_NOT_FOUND);
    user.devices = [];
    return user;
  }

  function setUsage(ref: SimUserRef, bytes: number): SimUserRecord {
    const user = mustGet(ref);
    const now = clock();
    const delta = bytes - user.usedTrafficBytes;
    if (delta > 0) {
      user.lifetimeUsedTrafficBytes += delta;
      addUsage(user, delta);
      user.onlineAt = now;
      user.firstConnectedAt ??= now;
      const node = nodes[0];
      if (node) node.trafficUsedBytes += delta;
    }
    user.usedTrafficBytes = Math.max(0, bytes);
    user.updatedAt = now;
    return user;
  }

  function patchUser(ref: SimUserRef, patch: SimUserPatch): SimUserRecord {
    const user = mustGet(ref);
    Object.assign(user, patch);
    user.updatedAt = clock();
    return user;
  }

  function usage(id: number, start: string, end: string) {
    const user = mustGet(id, SIM_ERRORS.USER_NOT_FOUND);
    const categories: string[] = [];
    for (
      let day = new Date(`${start}T00:00:00Z`);
      day.getTime() <= new Date(`${end}T00:00:00Z`).getTime() && categories.length < 366;
      day = new Date(day.getTime() + 86_400_000)
    ) {
      categories.push(day.toISOString().slice(0, 10));
    }
    const sparklineData = categories.map((day) => user.dailyUsage.get(day) ?? 0);
    const total = sparklineData.reduce((a, b) => a + b, 0);
    // All traffic is attributed to the first node: enough for a bot that only shows totals.
    const node = nodes[0];
    const nodeInfo = node
      ? { uuid: node.uuid, name: node.name, color: '#3b82f6', countryCode: node.countryCode, total }
      : null;
    return {
      categories,
      sparklineData,
      topNodes: nodeInfo && total > 0 ? [nodeInfo] : [],
      series: nodeInfo && total > 0 ? [{ ...nodeInfo, data: sparklineData }] : [],
    };
  }

  function snapshot(user: SimUserRecord): SimUser {
    const { dailyUsage: _daily, devices, activeInternalSquads, ...rest } = user;
    return {
      ...rest,
      expireAt: new Date(rest.expireAt),
      activeInternalSquads: [...activeInternalSquads],
      devices: devices.map((d) => ({ ...d })),
      subscriptionUrl: subscriptionUrl(user),
    };
  }

  return {
    nodes,
    squads,
    addSquad,
    lookup,
    mustGet,
    byShortUuid,
    sweepExpired,
    sweepLimited,
    createUser,
    updateUser,
    enableUser,
    disableUser,
    resetTraffic,
    revokeSubscription,
    deleteUser,
    streamUsers,
    resolve,
    addDevice,
    deleteDevice,
    deleteAllDevices,
    setUsage,
    patchUser,
    usage,
    snapshot,
    subscriptionUrl,
    squadMembers: (uuid: string) =>
      [...users.values()].filter((u) => u.activeInternalSquads.includes(uuid)).length,
    allUsers: () => [...users.values()],
  };
}

export type SimStore = ReturnType<typeof createSimStore>;
export type { SimUserRecord };

function newShortUuid(): string {
  // Same alphabet and length family as the panel's nanoid-based short uuids.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(16);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

function newSecret(): string {
  return randomBytes(12).toString('base64url');
}
