import { randomBytes } from 'node:crypto';
import type { FleetCoordination, LiveInstance } from '../modules/fleet/fleet-coordination.js';
import type { BotId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';

/**
 * Polling mode with several processes on one PostgreSQL: Telegram answers one getUpdates per bot at
 * a time, so each bot is polled by the one process holding its lease (bot_poll_leases, migration
 * 0026). Every process keeps every bot ready (jobs send through any of them, the recovery sweep
 * handles any bot's unfinished updates) and polls only the bots it holds.
 *
 * Each heartbeat a process renews its row and its leases, then moves towards its fair share of the
 * bots: `fairShare` of the live processes, oldest first taking the odd ones. Above it, it stops
 * polling the surplus and only then lets the leases go, so a newcomer takes them without anyone
 * polling twice; below it, it takes free leases (never taken, let go, or run out: a process killed
 * or cut off stops heartbeating and its leases run out after `leaseMs`). A process that could not
 * renew for most of a lease stops polling on its own (it may have been declared dead), and polls
 * again once a heartbeat goes through and finds the leases still its own.
 */
export interface PollLeaseOptions {
  /** This process among the others (INSTANCE_ID); unique per running process. */
  readonly instanceId: string;
  /** How often leases are renewed and the share recomputed (default 5 s). */
  readonly heartbeatMs?: number;
  /** How long a lease outlives its last renewal (default 15 s): a dead process's bots move after it. */
  readonly leaseMs?: number;
}

export const DEFAULT_POLL_HEARTBEAT_MS = 5000;
export const DEFAULT_POLL_LEASE_MS = 15_000;

export interface PollLeaseDeps {
  readonly store: FleetCoordination;
  readonly options: PollLeaseOptions;
  readonly logger: Logger;
  /** The bots this process could poll now (started, token accepted). */
  candidates(): BotId[];
  /** Starts polling the bot here (nothing when it polls already or is not ready). */
  startPolling(botId: BotId): void;
  /** Stops polling the bot; resolves once its getUpdates is no longer in flight. */
  stopPolling(botId: BotId): Promise<void>;
  isPolling(botId: BotId): boolean;
}

/**
 * How many of `total` bots the process `me` should poll: an even share, the first `total mod n`
 * processes in `instances` (oldest first) taking one more. Every process computes the same answer
 * from the same view, and the shares add up to `total`.
 */
export function fairShare(instances: readonly LiveInstance[], me: string, total: number): number {
  const index = instances.findIndex((instance) => instance.instanceId === me);
  const count = index < 0 ? instances.length + 1 : instances.length;
  const position = index < 0 ? instances.length : index;
  return Math.floor(total / count) + (position < total % count ? 1 : 0);
}

export function createPollLeases(deps: PollLeaseDeps) {
  const { store } = deps;
  const instanceId = deps.options.instanceId;
  const heartbeatMs = deps.options.heartbeatMs ?? DEFAULT_POLL_HEARTBEAT_MS;
  const leaseMs = deps.options.leaseMs ?? DEFAULT_POLL_LEASE_MS;
  if (!(heartbeatMs > 0 && leaseMs >= 2 * heartbeatMs)) {
    throw new Error(`poll lease (${leaseMs} ms) must be at least twice the heartbeat (${heartbeatMs} ms)`);
  }
  /** Stop polling when no renewal went through for this long: the lease may be taken any moment. */
  const fenceAfterMs = leaseMs - Math.min(heartbeatMs, leaseMs / 4);
  const log = deps.logger.child({ component: 'poll-leases', instanceId });
  /** A process's own mark in its row: another process under the same INSTANCE_ID is noticed. */
  const processKey = randomBytes(8).toString('hex');
  const held = new Set<BotId>();
  let beats = 0;
  /** performance.now() when the last renewal that went through was sent. */
  let renewedAt = Number.NEGATIVE_INFINITY;
  let fenced = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let fenceTimer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let warnedShared = false;

  const fenceIfLate = async (): Promise<void> => {
    if (fenced || held.size === 0 || performance.now() - renewedAt < fenceAfterMs) return;
    fenced = true;
    log.warn(
      { bots: held.size, sinceRenewalMs: Math.round(performance.now() - renewedAt) },
      'poll leases not renewed in time: polling stopped until a heartbeat goes through',
    );
    await Promise.all([...held].map((botId) => deps.stopPolling(botId)));
  };

  const beat = async (): Promise<void> => {
    const sentAt = performance.now();
    const candidates = deps.candidates();
    const answer = await store.beat({
      instanceId,
      processKey,
      continuing: beats > 0,
      leaseMs,
      candidates,
    });
    beats++;
    if (stopped) return;
    renewedAt = sentAt;
    fenced = false;
    if (answer.sharedInstanceId && !warnedShared) {
      warnedShared = true;
      log.error(
        'another running process uses this INSTANCE_ID: every process needs its own (or none, for a random one)',
      );
    }
    const holding = new Set(answer.held);
    for (const botId of [...held]) {
      if (holding.has(botId)) continue;
      held.delete(botId);
      log.warn({ botId }, 'poll lease lost to another process: polling stopped here');
      await deps.stopPolling(botId);
    }
    for (const botId of holding) held.add(botId);
    const target = fairShare(answer.instances, instanceId, candidates.length);
    if (held.size > target) {
      // highest ids go: every process lets go of the same kind, so shares settle in one move
      const surplus = [...held].sort((a, b) => b - a).slice(0, held.size - target);
      // polling stops before the lease goes: whoever takes it next is the only one polling
      await Promise.all(surplus.map((botId) => deps.stopPolling(botId)));
      for (const botId of surplus) held.delete(botId);
      await store.release(instanceId, surplus);
      log.info({ released: surplus, target, instances: answer.instances.length }, 'bots handed to others');
    } else if (held.size < target) {
      const free = candidates.filter((botId) => !held.has(botId));
      const taken = await store.acquire({ instanceId, leaseMs, botIds: free, limit: target - held.size });
      for (const botId of taken) held.add(botId);
      if (taken.length > 0)
        log.info({ taken, target, instances: answer.instances.length }, 'poll leases taken');
    }
    if (stopped) return;
    for (const botId of held) if (!deps.isPolling(botId)) deps.startPolling(botId);
  };

  const tick = (): Promise<void> => {
    ticking ??= beat()
      .catch(async (error: unknown) => {
        log.warn({ err: error }, 'poll lease heartbeat failed');
        await fenceIfLate();
      })
      .finally(() => {
        ticking = undefined;
      });
    return ticking;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, heartbeatMs);
    timer.unref();
  };

  return {
    instanceId,

    /** First heartbeat now (the bots started already), then every `heartbeatMs`. */
    async start(): Promise<void> {
      await tick();
      if (stopped) return;
      schedule();
      fenceTimer = setInterval(() => void fenceIfLate(), Math.max(50, Math.round(heartbeatMs / 2)));
      fenceTimer.unref();
    },

    /** Whether this process holds the bot's lease now (polling restarts only then). */
    holds: (botId: BotId): boolean => held.has(botId) && !fenced && !stopped,

    /** Runs a heartbeat now (tests). */
    beat: tick,

    /** The bots held here, lowest id first. */
    held: (): BotId[] => [...held].sort((a, b) => a - b),

    /**
     * After the fleet stopped polling: the leases go at once, so the others take the bots at their
     * next heartbeat instead of after the lease. Failing (database gone), they run out instead.
     */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (fenceTimer) clearInterval(fenceTimer);
      await ticking;
      held.clear();
      await store
        .leave(instanceId, processKey)
        .catch((error: unknown) => log.warn({ err: error }, 'could not let go of the poll leases'));
    },
  };
}

export type PollLeases = ReturnType<typeof createPollLeases>;
