import { and, eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { bots, type SubscriptionStatus, subscriptions } from '../../db/schema.js';
import type { PlatformDb, TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { panelUserLostAlert, panelUserLostOperatorAlert } from '../../jobs/definitions/panel-user-lost.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import type { BotId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { expiryWarningFromPanel, trafficWarningFromPanel } from '../lifecycle/subscription-notices.js';
import type { SettingsService } from '../settings/settings-service.js';
import { parsePanelUsername } from './panel-username.js';
import type { Subscription } from './subscriptions-service.js';

/*
 * The panel's webhook events (Remnawave: `{scope, event, timestamp, data, meta}`, `data` the user
 * object as its API returns it) applied to the subscription they are about. The panel sends them
 * concurrently, retries each up to 3 times and never in order, so every event is applied under a
 * lock on the subscription's row, compared with the last one applied (`panel_event_at`, the
 * panel's own `updatedAt`) and written as absolute values: the same event twice, or an older one
 * after a newer one, changes nothing.
 */

// ---------------------------------------------------------------------------------------------
// What the panel sends, parsed leniently: unknown fields pass (and are dropped: the user object
// carries its proxy secrets), the fields used are checked.

const NUMERIC_STRING = /^\d{1,19}$/;
/** A whole number, or a numeric string (the panel's webhooks serialise bigint counters as strings). */
const counter = z
  .union([z.number().int().nonnegative(), z.string().trim().regex(NUMERIC_STRING).transform(Number)])
  .refine(Number.isSafeInteger, 'is too large');
const instant = z.union([z.string().min(1).max(64), z.number()]).transform((value, ctx) => {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'is not a date' });
    return z.NEVER;
  }
  return date;
});
const optionalInstant = instant.nullish().transform((value) => value ?? null);

const PANEL_STATUSES = ['ACTIVE', 'DISABLED', 'LIMITED', 'EXPIRED'] as const;
type PanelStatus = (typeof PANEL_STATUSES)[number];

const userTraffic = z.object({
  usedTrafficBytes: counter.nullish(),
  firstConnectedAt: optionalInstant,
});

/** The panel user as an event carries it: 3.x nests traffic under `userTraffic`, older panels did not. */
const panelEventUser = z
  .object({
    id: counter.nullish(),
    username: z.string().min(1).max(64),
    status: z.enum(PANEL_STATUSES),
    shortUuid: z.string().min(1).max(64).nullish(),
    subscriptionUrl: z.string().min(1).max(2048).nullish(),
    expireAt: instant,
    trafficLimitBytes: counter.nullish(),
    usedTrafficBytes: counter.nullish(),
    firstConnectedAt: optionalInstant,
    lastTrafficResetAt: optionalInstant,
    userTraffic: userTraffic.nullish(),
    updatedAt: instant,
  })
  .transform((user) => ({
    id: user.id ?? null,
    username: user.username,
    status: user.status,
    shortUuid: user.shortUuid ?? null,
    subscriptionUrl: user.subscriptionUrl ?? null,
    expireAt: user.expireAt,
    trafficLimitBytes: user.trafficLimitBytes ?? 0,
    usedTrafficBytes: user.userTraffic?.usedTrafficBytes ?? user.usedTrafficBytes ?? 0,
    firstConnectedAt: user.userTraffic?.firstConnectedAt ?? user.firstConnectedAt,
    lastTrafficResetAt: user.lastTrafficResetAt,
    updatedAt: user.updatedAt,
  }));

export type PanelEventUser = z.output<typeof panelEventUser>;

/** The envelope every delivery has; `data` is read once the event is known to be one of ours. */
export const panelWebhookBody = z.object({
  scope: z.string().max(64).optional(),
  event: z.string().min(1).max(128),
  timestamp: instant.optional(),
  data: z.unknown(),
  meta: z.unknown().optional(),
});
export type PanelWebhookBody = z.output<typeof panelWebhookBody>;

/** Events carrying the user object as `data`. */
const USER_EVENTS = [
  'user.created',
  'user.modified',
  'user.enabled',
  'user.disabled',
  'user.expired',
  'user.limited',
  'user.revoked',
  'user.deleted',
  'user.traffic_reset',
  'user.first_connected',
  'user.bandwidth_usage_threshold_reached',
  'user.not_connected',
  // the panel's pre-expiry reminders: one event with `meta.expiration` (signed hours) since 2.8,
  // one event per interval before
  'user.expiration',
  'user.expires_in_72_hours',
  'user.expires_in_48_hours',
  'user.expires_in_24_hours',
  'user.expired_24_hours_ago',
] as const;
/** Events carrying `{ user, hwidUserDevice }` as `data`. */
const DEVICE_EVENTS = ['user_hwid_devices.added', 'user_hwid_devices.deleted'] as const;

export type PanelUserEventName = (typeof USER_EVENTS)[number] | (typeof DEVICE_EVENTS)[number];

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/** The hours before the expiry a pre-expiry reminder is about; undefined for one sent after it. */
const PRE_EXPIRY_HOURS: Partial<Record<PanelUserEventName, number>> = {
  'user.expires_in_72_hours': 72,
  'user.expires_in_48_hours': 48,
  'user.expires_in_24_hours': 24,
};
const expirationMeta = z.object({ expiration: z.number().finite() });

export interface PanelUserEvent {
  readonly name: PanelUserEventName;
  readonly user: PanelEventUser;
  /** When the panel sent it (the envelope's signed timestamp), if it said. */
  readonly sentAt: Date | undefined;
  /** A pre-expiry reminder: the hours before the expiry it is about. */
  readonly hoursBeforeExpiry: number | undefined;
}

/** Where a delivery goes: a subscription of one shop, or nowhere (accepted and ignored). */
export type RoutedPanelEvent =
  | { readonly kind: 'user'; readonly botId: BotId; readonly event: PanelUserEvent }
  | {
      readonly kind: 'ignored';
      /** `scope`: nodes, service, billing...; `event`: a user event nothing here uses; `foreign`: not a user of this fleet. */
      readonly reason: 'scope' | 'event' | 'foreign';
      /** For the log: the user's panel username when the event named one. */
      readonly username?: string | undefined;
      /**
       * `foreign`: the event, for a shop whose subscriptions keep names this fleet did not give
       * (imported from a single-tenant installation): `panelUserOwners` finds that shop.
       */
      readonly event?: PanelUserEvent;
    };

/** Why `data` could not be read: the delivery is malformed (the HTTP edge answers 400). */
export class MalformedPanelEvent extends Error {
  override name = 'MalformedPanelEvent';
}

const scopeOf = (body: PanelWebhookBody): string => body.scope ?? body.event.split('.')[0] ?? '';

function hoursBeforeExpiry(name: PanelUserEventName, meta: unknown): number | undefined {
  if (name !== 'user.expiration') return PRE_EXPIRY_HOURS[name];
  // `meta.expiration` is negative before the expiry (-72, -24...) and positive after it
  const parsed = expirationMeta.safeParse(meta);
  return parsed.success && parsed.data.expiration < 0 ? -parsed.data.expiration : undefined;
}

/**
 * Reads a delivery and finds the shop it is about from the deterministic panel username
 * (`rf<bot>c<customer>[s<n>]`): events of other scopes, user events nothing uses and users this
 * fleet did not create are ignored. Throws `MalformedPanelEvent` when a used event's `data` is not
 * a panel user.
 */
export function routePanelEvent(body: PanelWebhookBody): RoutedPanelEvent {
  const scope = scopeOf(body);
  if (scope !== 'user' && scope !== 'user_hwid_devices') return { kind: 'ignored', reason: 'scope' };
  const name = body.event;
  if (!isOneOf(USER_EVENTS, name) && !isOneOf(DEVICE_EVENTS, name))
    return { kind: 'ignored', reason: 'event' };
  const raw = isOneOf(DEVICE_EVENTS, name)
    ? (z.object({ user: z.unknown() }).safeParse(body.data).data?.user ?? null)
    : body.data;
  const parsed = panelEventUser.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'data'))];
    throw new MalformedPanelEvent(`${name}: unreadable user (${fields.join(', ')})`);
  }
  const user = parsed.data;
  const event = { name, user, sentAt: body.timestamp, hoursBeforeExpiry: hoursBeforeExpiry(name, body.meta) };
  const named = parsePanelUsername(user.username);
  if (!named) return { kind: 'ignored', reason: 'foreign', username: user.username, event };
  return { kind: 'user', botId: named.botId, event };
}

/**
 * The shop a panel user belongs to when its name is not one this fleet gives (`rf<bot>c<customer>`):
 * a shop imported from a single-tenant installation keeps its users' panel names. One platform
 * query on an index of the name; undefined when no shop, or more than one, has a subscription of it.
 */
export function createPanelUserOwners({ db }: { db: PlatformDb }) {
  return {
    async shopOf(username: string): Promise<BotId | undefined> {
      const rows = await db.transaction((tx) =>
        tx
          .selectDistinct({ botId: subscriptions.botId })
          .from(subscriptions)
          .where(eq(subscriptions.panelUsername, username))
          .limit(2),
      );
      return rows.length === 1 ? (rows[0]!.botId as BotId) : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Applying one event to the subscription it is about

export type PanelEventOutcome =
  /** Applied (mirrored, marked or a notice claimed; possibly nothing new, on a repeat). */
  | { readonly status: 'applied'; readonly subscriptionId: number; readonly effects: readonly Effect[] }
  /** Older than an event already applied: nothing changed. */
  | { readonly status: 'stale'; readonly subscriptionId: number }
  /** About a panel user the subscription no longer has (lost, or replaced by a new one). */
  | { readonly status: 'superseded'; readonly subscriptionId: number }
  /** No such subscription in this shop, or the shop is not active (deleted or suspended). */
  | { readonly status: 'unknown' };

/** What an applied event did, for the log. */
export type Effect = 'mirrored' | 'new_link' | 'traffic_period' | 'first_connected' | 'lost' | 'notice';

const SUBSCRIPTION_STATUS = {
  ACTIVE: 'active',
  DISABLED: 'disabled',
  LIMITED: 'limited',
  EXPIRED: 'expired',
} as const satisfies Record<PanelStatus, SubscriptionStatus>;

/** An expiry the panel rounds to the millisecond or the second is still the same expiry. */
const EXPIRY_TOLERANCE_MS = 1000;

/**
 * Whether the panel user in the event is the entitlement this shop holds (same expiry and traffic
 * limit). Only then are its status and usage this subscription's: an event from before a renewal
 * or a pack that provisioning has not pushed yet (or has pushed since, and whose own events are
 * still on their way) describes a quota that is no longer the customer's, and provisioning sets
 * the status when it converges.
 */
const describesEntitlement = (row: Subscription, user: PanelEventUser): boolean =>
  row.expiresAt !== null &&
  Math.abs(row.expiresAt.getTime() - user.expireAt.getTime()) < EXPIRY_TOLERANCE_MS &&
  row.trafficLimitBytes === user.trafficLimitBytes;

/** The share of the traffic limit used, in percent; NaN for an unlimited user. */
const percentUsed = (user: PanelEventUser): number =>
  user.trafficLimitBytes > 0 ? (user.usedTrafficBytes * 100) / user.trafficLimitBytes : Number.NaN;

export interface PanelEventsDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
  readonly logger: Logger;
}

/** The settings a notice claim needs, read before the transaction (settings have their own). */
interface NoticeSettings {
  readonly warningDays: readonly number[];
  readonly trafficPercents: readonly number[];
}

/**
 * A shop's side of the panel's webhooks: `apply` one event, routed to this shop by
 * `routePanelEvent`, to the subscription it names.
 */
export function createPanelEventsService({ tenant, clock, settings, logger }: PanelEventsDeps) {
  const { botId } = tenant;

  const noticeSettings = async (event: PanelUserEvent): Promise<NoticeSettings> => {
    const needsWarnings = event.hoursBeforeExpiry !== undefined;
    const needsTraffic = event.name === 'user.bandwidth_usage_threshold_reached';
    const [warningDays, trafficPercents] = await Promise.all([
      needsWarnings ? settings.get('renewal_warning_days') : [],
      needsTraffic ? settings.get('traffic_warning_percents') : [],
    ]);
    return { warningDays, trafficPercents };
  };

  /** The shop is one the fleet serves (a suspended or deleted shop's panel users are left alone). */
  const isServed = async (tx: TenantTx): Promise<{ isMaster: boolean } | undefined> => {
    const [shop] = await tx
      .select({ isActive: bots.isActive, isMaster: bots.isMaster })
      .from(bots)
      .where(eq(bots.id, botId));
    return shop?.isActive ? { isMaster: shop.isMaster } : undefined;
  };

  /** The subscription the username names, locked: concurrent events for it apply one at a time. */
  const lockSubscription = async (tx: TenantTx, username: string): Promise<Subscription | undefined> => {
    const [row] = await tx
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.botId, botId), eq(subscriptions.panelUsername, username)))
      .for('update');
    return row as Subscription | undefined;
  };

  /** The panel deleted the user: the entitlement stays; the shop's admins and the operators are told. */
  const markLost = async (tx: TenantTx, row: Subscription, isMaster: boolean): Promise<boolean> => {
    if (row.lostAt !== null) return false;
    const lostAt = clock.now();
    await tx
      .update(subscriptions)
      .set({ lostAt, updatedAt: lostAt })
      .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, row.id)));
    const alert = { subscriptionId: row.id, lostAt: lostAt.toISOString() };
    await enqueue(tx, panelUserLostAlert, alert);
    // the master bot's own shop: its admins are the operators, told once above
    if (!isMaster) await enqueue(tx, panelUserLostOperatorAlert, alert);
    return true;
  };

  /** Writes what a fresh event says of the panel user; returns what changed. */
  const mirror = async (tx: TenantTx, row: Subscription, event: PanelUserEvent): Promise<Effect[]> => {
    const { user, name } = event;
    const effects: Effect[] = [];
    const set: PgUpdateSetSource<typeof subscriptions> = {
      // the newest panel state applied so far; an event older than this is stale
      panelEventAt: user.updatedAt,
      updatedAt: clock.now(),
    };
    if (describesEntitlement(row, user)) {
      set.status = SUBSCRIPTION_STATUS[user.status];
      set.usedTrafficBytes = user.usedTrafficBytes;
      effects.push('mirrored');
    }
    // the link of the newest state seen: a revoke's, or a later event's that overtook it
    const link =
      user.shortUuid && user.subscriptionUrl ? { short: user.shortUuid, url: user.subscriptionUrl } : null;
    if (link && (link.short !== row.panelShortUuid || link.url !== row.subscriptionUrl)) {
      set.panelShortUuid = link.short;
      set.subscriptionUrl = link.url;
      effects.push('new_link');
    }
    if (name === 'user.traffic_reset') {
      // a new traffic period, whose notices are new ones; a repeat never moves it back
      const startedAt = user.lastTrafficResetAt ?? user.updatedAt;
      set.usedTrafficBytes = 0;
      set.trafficPeriodStartedAt = sql`greatest(${subscriptions.trafficPeriodStartedAt}, ${startedAt.toISOString()}::timestamptz)`;
      effects.push('traffic_period');
    }
    await tx
      .update(subscriptions)
      .set(set)
      .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, row.id)));
    return effects;
  };

  /** The first connection is a fact whatever order events come in: kept once, never moved. */
  const recordFirstConnection = async (tx: TenantTx, row: Subscription, event: PanelUserEvent) => {
    if (row.firstConnectedAt !== null) return false;
    const at = event.user.firstConnectedAt ?? event.sentAt ?? clock.now();
    await tx
      .update(subscriptions)
      .set({ firstConnectedAt: at })
      .where(and(eq(subscriptions.botId, botId), eq(subscriptions.id, row.id)));
    return true;
  };

  /**
   * The panel's own reminders claim the notice this shop's planner would send for the same
   * threshold and period, so the customer gets one, whichever comes first.
   */
  const claimNotices = async (
    tx: TenantTx,
    row: Subscription,
    event: PanelUserEvent,
    fresh: boolean,
    notices: NoticeSettings,
  ): Promise<boolean> => {
    if (event.hoursBeforeExpiry !== undefined) {
      // judged against this shop's expiry, not the panel's: a renewal moves it away
      return expiryWarningFromPanel(tx, row, clock.now(), notices.warningDays);
    }
    if (event.name === 'user.bandwidth_usage_threshold_reached' && fresh) {
      // a threshold of a quota the customer no longer has (renewed, a pack bought) is not theirs
      if (!describesEntitlement(row, event.user)) return false;
      return trafficWarningFromPanel(tx, row, percentUsed(event.user), notices.trafficPercents);
    }
    return false;
  };

  return {
    /**
     * Applies one panel event to the subscription it names, in one transaction holding the row's
     * lock. Idempotent and order-tolerant: state is mirrored only from an event at least as new as
     * the last applied; a deletion, a first connection and the notices are facts kept once.
     */
    async apply(event: PanelUserEvent): Promise<PanelEventOutcome> {
      if (isOneOf(DEVICE_EVENTS, event.name)) {
        // nothing is kept per device (the customer's device list is read from the panel); the user
        // object it carries is applied like any other
        logger.debug(
          { event: event.name, username: event.user.username, panelUserId: event.user.id },
          'panel device event',
        );
      }
      const notices = await noticeSettings(event);
      return tenant.transaction(async (tx): Promise<PanelEventOutcome> => {
        const shop = await isServed(tx);
        if (!shop) return { status: 'unknown' };
        const row = await lockSubscription(tx, event.user.username);
        if (!row) return { status: 'unknown' };
        const { user } = event;
        const subscriptionId = row.id;
        // a panel user the subscription no longer has (replaced since) or one the panel deleted
        const otherUser = user.id !== null && row.panelUserId !== null && user.id !== row.panelUserId;
        if (otherUser || (row.lostAt !== null && event.name !== 'user.deleted')) {
          return { status: 'superseded', subscriptionId };
        }
        if (event.name === 'user.deleted') {
          const lost = await markLost(tx, row, shop.isMaster);
          return { status: 'applied', subscriptionId, effects: lost ? ['lost'] : [] };
        }
        const fresh = row.panelEventAt === null || user.updatedAt.getTime() >= row.panelEventAt.getTime();
        const effects: Effect[] = [];
        if (fresh) effects.push(...(await mirror(tx, row, event)));
        if (event.name === 'user.first_connected' && (await recordFirstConnection(tx, row, event))) {
          effects.push('first_connected');
        }
        if (await claimNotices(tx, row, event, fresh, notices)) effects.push('notice');
        if (!fresh && effects.length === 0) return { status: 'stale', subscriptionId };
        return { status: 'applied', subscriptionId, effects };
      });
    },
  };
}

export type PanelEventsService = ReturnType<typeof createPanelEventsService>;
