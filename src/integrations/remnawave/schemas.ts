import { z } from 'zod';

/*
 * Response schemas are lenient on purpose: panels older or newer than the contract we checked
 * (3.3.2 / contract 3.4.15) add or drop fields, send big counters as strings, and leave optional
 * fields out. Unknown keys are stripped from users so proxy secrets (vlessUuid, trojanPassword,
 * ssPassword) never reach our objects, logs or database.
 */

export const USER_STATUSES = ['ACTIVE', 'DISABLED', 'LIMITED', 'EXPIRED'] as const;
export type PanelUserStatus = (typeof USER_STATUSES)[number];

export const TRAFFIC_LIMIT_STRATEGIES = ['NO_RESET', 'DAY', 'WEEK', 'MONTH', 'MONTH_ROLLING'] as const;
export type TrafficLimitStrategy = (typeof TRAFFIC_LIMIT_STRATEGIES)[number];

/** Only these two can be set by hand; LIMITED and EXPIRED are the panel's to decide. */
export type SettableUserStatus = 'ACTIVE' | 'DISABLED';

export const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,36}$/;
export const TAG_PATTERN = /^[A-Z0-9_]{1,16}$/;

// ---------------------------------------------------------------------------------------------
// Lenient primitives

const NUMERIC_STRING = /^-?\d+(\.\d+)?$/;

/** A number, or a numeric string (bigint columns are serialised as strings by some endpoints). */
export const numeric = z.union([z.number(), z.string().trim().regex(NUMERIC_STRING).transform(Number)]);

const numericOrNull = numeric.nullish().transform((v) => v ?? null);
const numericOrZero = numeric.nullish().transform((v) => v ?? 0);
const textOrNull = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const boolOrFalse = z
  .boolean()
  .nullish()
  .transform((v) => v ?? false);

export const dateTime = z.union([z.string(), z.number(), z.date()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'Invalid date' });
    return z.NEVER;
  }
  return date;
});

const dateTimeOrNull = dateTime.nullish().transform((v) => v ?? null);

// ---------------------------------------------------------------------------------------------
// Users

export interface PanelSquadRef {
  uuid: string;
  name: string;
}

/** 3.x identifies users by numeric `id` (2.x used a `uuid`, which 3.x users do not have). */
export interface PanelUser {
  id: number;
  shortUuid: string;
  username: string;
  status: PanelUserStatus;
  /** 0 means unlimited. */
  trafficLimitBytes: number;
  trafficLimitStrategy: TrafficLimitStrategy;
  expireAt: Date;
  telegramId: number | null;
  email: string | null;
  description: string | null;
  tag: string | null;
  /** 0 means unlimited, null means the panel's default. */
  hwidDeviceLimit: number | null;
  externalSquadUuid: string | null;
  /** Grants access to the user's configs: show it to the customer, do not log it. */
  subscriptionUrl: string;
  activeInternalSquads: PanelSquadRef[];
  usedTrafficBytes: number;
  lifetimeUsedTrafficBytes: number;
  onlineAt: Date | null;
  firstConnectedAt: Date | null;
  lastTrafficResetAt: Date | null;
  subRevokedAt: Date | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

const squadRefSchema = z.union([
  z.object({ uuid: z.string(), name: textOrNull }).transform(
    (s): PanelSquadRef => ({
      uuid: s.uuid,
      name: s.name ?? '',
    }),
  ),
  // Some builds list bare uuids.
  z.string().transform((uuid): PanelSquadRef => ({ uuid, name: '' })),
]);

const userTrafficSchema = z.object({
  usedTrafficBytes: numericOrZero,
  lifetimeUsedTrafficBytes: numericOrZero,
  onlineAt: dateTimeOrNull,
  firstConnectedAt: dateTimeOrNull,
});

export const panelUserSchema = z
  .object({
    id: numeric,
    shortUuid: z.string(),
    username: z.string(),
    status: z.enum(USER_STATUSES),
    trafficLimitBytes: numericOrZero,
    trafficLimitStrategy: z
      .enum(TRAFFIC_LIMIT_STRATEGIES)
      .nullish()
      .transform((v) => v ?? 'NO_RESET'),
    expireAt: dateTime,
    telegramId: numericOrNull,
    email: textOrNull,
    description: textOrNull,
    tag: textOrNull,
    hwidDeviceLimit: numericOrNull,
    externalSquadUuid: textOrNull,
    subscriptionUrl: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
    activeInternalSquads: z
      .array(squadRefSchema)
      .nullish()
      .transform((v) => v ?? []),
    // 3.x nests traffic under userTraffic; 2.x had the same fields at top level.
    userTraffic: userTrafficSchema.nullish(),
    usedTrafficBytes: numeric.nullish(),
    lifetimeUsedTrafficBytes: numeric.nullish(),
    onlineAt: dateTimeOrNull,
    firstConnectedAt: dateTimeOrNull,
    lastTrafficResetAt: dateTimeOrNull,
    subRevokedAt: dateTimeOrNull,
    createdAt: dateTimeOrNull,
    updatedAt: dateTimeOrNull,
  })
  .transform(
    (raw): PanelUser => ({
      id: raw.id,
      shortUuid: raw.shortUuid,
      username: raw.username,
      status: raw.status,
      trafficLimitBytes: raw.trafficLimitBytes,
      trafficLimitStrategy: raw.trafficLimitStrategy,
      expireAt: raw.expireAt,
      telegramId: raw.telegramId,
      email: raw.email,
      description: raw.description,
      tag: raw.tag,
      hwidDeviceLimit: raw.hwidDeviceLimit,
      externalSquadUuid: raw.externalSquadUuid,
      subscriptionUrl: raw.subscriptionUrl,
      activeInternalSquads: raw.activeInternalSquads,
      usedTrafficBytes: raw.userTraffic?.usedTrafficBytes ?? raw.usedTrafficBytes ?? 0,
      lifetimeUsedTrafficBytes:
        raw.userTraffic?.lifetimeUsedTrafficBytes ?? raw.lifetimeUsedTrafficBytes ?? 0,
      onlineAt: raw.userTraffic?.onlineAt ?? raw.onlineAt,
      firstConnectedAt: raw.userTraffic?.firstConnectedAt ?? raw.firstConnectedAt,
      lastTrafficResetAt: raw.lastTrafficResetAt,
      subRevokedAt: raw.subRevokedAt,
      createdAt: raw.createdAt,
      updatedAt: raw.updatedAt,
    }),
  );

export interface PanelUserPage {
  users: PanelUser[];
  nextCursor: string | null;
  hasMore: boolean;
}

export const panelUserPageSchema = z
  .object({
    users: z
      .array(panelUserSchema)
      .nullish()
      .transform((v) => v ?? []),
    nextCursor: z
      .union([z.string(), z.number()])
      .nullish()
      .transform((v) => (v === null || v === undefined || v === '' ? null : String(v))),
    hasMore: boolOrFalse,
  })
  .transform((p): PanelUserPage => p);

export interface ResolvedUser {
  id: number;
  username: string | null;
  shortUuid: string | null;
}

export const resolvedUserSchema = z
  .object({ id: numeric, username: textOrNull, shortUuid: textOrNull })
  .transform((r): ResolvedUser => r);

/** What to resolve a user by; exactly one key. */
export type UserRef = { id: number } | { username: string } | { shortUuid: string };

// ---------------------------------------------------------------------------------------------
// Inputs (validated locally before anything is sent)

const usernameSchema = z
  .string()
  .regex(USERNAME_PATTERN, 'username must be 3-36 characters of letters, digits, "_" and "-"');

const tagSchema = z.string().regex(TAG_PATTERN, 'tag must be 1-16 characters of A-Z, 0-9 and "_"');
const squadUuidsSchema = z.array(z.string().min(1)).readonly();
const positiveId = z.number().int().positive();

export interface CreateUserInput {
  /** Deterministic per tenant and customer: it is how a timed-out create is reconciled. */
  username: string;
  expireAt: Date;
  status?: SettableUserStatus | undefined;
  /** 0 (default) means unlimited. */
  trafficLimitBytes?: number | undefined;
  trafficLimitStrategy?: TrafficLimitStrategy | undefined;
  /** 0 means unlimited; null or omitted means the panel's default. */
  hwidDeviceLimit?: number | null | undefined;
  telegramId?: number | null | undefined;
  email?: string | null | undefined;
  description?: string | undefined;
  tag?: string | null | undefined;
  /** Without at least one squad the user gets no working configs. */
  activeInternalSquads?: readonly string[] | undefined;
  externalSquadUuid?: string | null | undefined;
}

export const createUserBodySchema = z
  .object({
    username: usernameSchema,
    expireAt: z.date().transform((d) => d.toISOString()),
    status: z.enum(['ACTIVE', 'DISABLED']).optional(),
    trafficLimitBytes: z.number().int().min(0).optional(),
    trafficLimitStrategy: z.enum(TRAFFIC_LIMIT_STRATEGIES).optional(),
    hwidDeviceLimit: z.number().int().min(0).nullable().optional(),
    telegramId: z.number().int().nullable().optional(),
    email: z.string().nullable().optional(),
    description: z.string().optional(),
    tag: tagSchema.nullable().optional(),
    activeInternalSquads: squadUuidsSchema.optional(),
    externalSquadUuid: z.string().nullable().optional(),
  })
  // The create contract has no nullable device limit: omitting it is how "panel default" is asked for.
  .transform(({ hwidDeviceLimit, ...rest }) =>
    hwidDeviceLimit === null || hwidDeviceLimit === undefined ? rest : { ...rest, hwidDeviceLimit },
  );

export interface UpdateUserInput {
  id: number;
  /** Absolute, so repeating the call is harmless. Must be in the future (panel answers 400 otherwise). */
  expireAt?: Date | undefined;
  status?: SettableUserStatus | undefined;
  trafficLimitBytes?: number | undefined;
  trafficLimitStrategy?: TrafficLimitStrategy | undefined;
  hwidDeviceLimit?: number | null | undefined;
  telegramId?: number | null | undefined;
  email?: string | null | undefined;
  description?: string | null | undefined;
  tag?: string | null | undefined;
  /** Replaces the whole set. */
  activeInternalSquads?: readonly string[] | undefined;
  externalSquadUuid?: string | null | undefined;
}

export const updateUserBodySchema = z.object({
  id: positiveId,
  expireAt: z
    .date()
    .transform((d) => d.toISOString())
    .optional(),
  status: z.enum(['ACTIVE', 'DISABLED']).optional(),
  trafficLimitBytes: z.number().int().min(0).optional(),
  trafficLimitStrategy: z.enum(TRAFFIC_LIMIT_STRATEGIES).optional(),
  hwidDeviceLimit: z.number().int().min(0).nullable().optional(),
  telegramId: z.number().int().nullable().optional(),
  email: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  tag: tagSchema.nullable().optional(),
  activeInternalSquads: squadUuidsSchema.optional(),
  externalSquadUuid: z.string().nullable().optional(),
});

export const userIdInputSchema = z.object({ id: positiveId });
export const usernameInputSchema = z.object({ username: z.string().min(1) });

// ---------------------------------------------------------------------------------------------
// Devices

export interface PanelDevice {
  hwid: string;
  userId: number | null;
  platform: string | null;
  osVersion: string | null;
  deviceModel: string | null;
  userAgent: string | null;
  /** Where the device last fetched the subscription from. */
  requestIp: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface PanelDeviceList {
  total: number;
  devices: PanelDevice[];
}

const panelDeviceSchema = z
  .object({
    hwid: z.string(),
    userId: numericOrNull,
    platform: textOrNull,
    osVersion: textOrNull,
    deviceModel: textOrNull,
    userAgent: textOrNull,
    requestIp: textOrNull,
    createdAt: dateTimeOrNull,
    updatedAt: dateTimeOrNull,
  })
  .transform((d): PanelDevice => d);

export const panelDeviceListSchema = z
  .object({
    total: numeric.nullish(),
    devices: z
      .array(panelDeviceSchema)
      .nullish()
      .transform((v) => v ?? []),
  })
  .transform((l): PanelDeviceList => ({ total: l.total ?? l.devices.length, devices: l.devices }));

// ---------------------------------------------------------------------------------------------
// Squads, nodes, stats, metadata, usage

export interface InternalSquad {
  uuid: string;
  name: string;
  viewPosition: number | null;
  membersCount: number | null;
  inboundsCount: number | null;
}

const internalSquadSchema = z
  .object({
    uuid: z.string(),
    name: z.string(),
    viewPosition: numericOrNull,
    info: z.object({ membersCount: numericOrNull, inboundsCount: numericOrNull }).nullish(),
  })
  .transform(
    (s): InternalSquad => ({
      uuid: s.uuid,
      name: s.name,
      viewPosition: s.viewPosition,
      membersCount: s.info?.membersCount ?? null,
      inboundsCount: s.info?.inboundsCount ?? null,
    }),
  );

export const internalSquadListSchema = z
  .object({
    internalSquads: z
      .array(internalSquadSchema)
      .nullish()
      .transform((v) => v ?? []),
  })
  .transform((l) => l.internalSquads);

export interface PanelNode {
  uuid: string;
  name: string;
  address: string | null;
  port: number | null;
  countryCode: string | null;
  isConnected: boolean;
  isDisabled: boolean;
  usersOnline: number | null;
  trafficUsedBytes: number | null;
  trafficLimitBytes: number | null;
  xrayVersion: string | null;
}

const panelNodeSchema = z
  .object({
    uuid: z.string(),
    name: z.string(),
    address: textOrNull,
    port: numericOrNull,
    countryCode: textOrNull,
    isConnected: boolOrFalse,
    isDisabled: boolOrFalse,
    usersOnline: numericOrNull,
    trafficUsedBytes: numericOrNull,
    trafficLimitBytes: numericOrNull,
    xrayVersion: textOrNull,
  })
  .transform((n): PanelNode => n);

export const panelNodeListSchema = z.array(panelNodeSchema);

/** Counters we read from `/api/system/stats`; everything else passes through untouched. */
export const systemStatsSchema = z.looseObject({
  uptime: numericOrNull,
  timestamp: numericOrNull,
  users: z
    .looseObject({
      totalUsers: numericOrZero,
      statusCounts: z
        .record(z.string(), numeric)
        .nullish()
        .transform((v) => v ?? {}),
    })
    .nullish()
    .transform((v) => v ?? { totalUsers: 0, statusCounts: {} }),
  onlineStats: z
    .looseObject({
      onlineNow: numericOrZero,
      lastDay: numericOrZero,
      lastWeek: numericOrZero,
      neverOnline: numericOrZero,
    })
    .nullish()
    .transform((v) => v ?? { onlineNow: 0, lastDay: 0, lastWeek: 0, neverOnline: 0 }),
  nodes: z
    .looseObject({ totalOnline: numericOrZero, totalBytesLifetime: numericOrZero })
    .nullish()
    .transform((v) => v ?? { totalOnline: 0, totalBytesLifetime: 0 }),
});

export type PanelSystemStats = z.output<typeof systemStatsSchema>;

export const systemMetadataSchema = z.looseObject({ version: z.string() });
export type PanelSystemMetadata = z.output<typeof systemMetadataSchema>;

export interface UsageNode {
  uuid: string;
  name: string;
  countryCode: string | null;
  total: number;
}

export interface UsageSeries extends UsageNode {
  data: number[];
}

export interface PanelUserUsage {
  /** One label per day (YYYY-MM-DD), aligned with `sparklineData`. */
  categories: string[];
  /** Bytes per day over all nodes. */
  sparklineData: number[];
  topNodes: UsageNode[];
  series: UsageSeries[];
  /** Sum of `sparklineData`. */
  totalBytes: number;
}

const usageNodeSchema = z.object({
  uuid: z.string(),
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  countryCode: textOrNull,
  total: numericOrZero,
});

export const userUsageSchema = z
  .object({
    categories: z
      .array(z.string())
      .nullish()
      .transform((v) => v ?? []),
    sparklineData: z
      .array(numeric)
      .nullish()
      .transform((v) => v ?? []),
    topNodes: z
      .array(usageNodeSchema)
      .nullish()
      .transform((v) => v ?? []),
    series: z
      .array(
        usageNodeSchema.extend({
          data: z
            .array(numeric)
            .nullish()
            .transform((v) => v ?? []),
        }),
      )
      .nullish()
      .transform((v) => v ?? []),
  })
  .transform(
    (u): PanelUserUsage => ({ ...u, totalBytes: u.sparklineData.reduce((sum, bytes) => sum + bytes, 0) }),
  );

/** `YYYY-MM-DD` in UTC, the format the bandwidth-stats endpoints take. */
export const usageDateSchema = z.union([
  z.date().transform((d) => d.toISOString().slice(0, 10)),
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD'),
]);
