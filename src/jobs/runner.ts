import { setTimeout as sleep } from 'node:timers/promises';
import { completeJobIn, type JobQueue, type JobRow } from '../db/job-queue.js';
import { FEATURES } from '../modules/feature-flags/features.js';
import type { Logger } from '../shared/logger.js';
import {
  type AnyJob,
  isPlatformJob,
  type JobDefinition,
  type JobDeps,
  type JobSchedule,
  PermanentJobError,
  type PlatformJobDefinition,
  RetryLater,
} from './define.js';

/** Per job name: a shorter schedule or retry delay (tests and the demo). */
export interface JobOverride {
  readonly everyMs?: number;
  readonly backoffMs?: (attempt: number) => number;
}

export interface JobRunnerOptions {
  /** Jobs run at the same time in this process (default 4). */
  readonly concurrency?: number;
  /**
   * Jobs of the `paced` lane (broadcast sends) run at the same time in this process, beside
   * `concurrency` (default 128): a run mostly waits for its bot's pace, and holds no slot between runs.
   */
  readonly pacedConcurrency?: number;
  /**
   * The longest the loop sleeps while enqueues are heard (default 15 s). It wakes on every enqueue
   * (a notification), when the next job is due (a delayed one, or a running one whose lease runs
   * out: its worker may have died) and when a schedule's window opens; the poll itself only finds
   * what another process put off without waking anyone, such as a retry whose worker then died.
   */
  readonly pollIntervalMs?: number;
  /**
   * The longest the loop sleeps while enqueues are not heard (the listening connection is down;
   * default 1 s, or `pollIntervalMs` when shorter).
   */
  readonly unheardPollIntervalMs?: number;
  /**
   * Wake when the next delayed job (a retry, a notice at its moment, a broadcast's next second) is
   * due, or a schedule's window opens, rather than at the next poll (default true). Tests that need
   * a quiet process between notifications turn it off.
   */
  readonly wakeForDelayedJobs?: boolean;
  readonly overrides?: Readonly<Record<string, JobOverride>>;
  /**
   * How long a claim holds a job without a heartbeat (default 15 s): a job whose worker died is
   * taken by another runner this long after the worker's last heartbeat at the latest.
   */
  readonly leaseMs?: number;
  /** How often a running job's lease is pushed forward (default a third of the lease). */
  readonly heartbeatMs?: number;
  /**
   * How long a job that messages customers waits before it is looked at again while its shop (or
   * the platform) is in maintenance (default 30 s).
   */
  readonly maintenanceRecheckMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_LEASE_MS = 15_000;
export const DEFAULT_PACED_CONCURRENCY = 128;

/** Runs `work`, rejecting (and calling `abort`) once `timeoutMs` has passed; the timer never outlives it. */
async function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  abort: (error: Error) => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const defaultBackoffMs = (attempt: number): number => {
  const base = Math.min(300_000, 1000 * 2 ** Math.min(attempt - 1, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
};

/**
 * Runs the PostgreSQL job queue: claims due jobs across tenants, runs each with a timeout, retries
 * failures with backoff, and enqueues the definitions' schedules. Several processes may run it:
 * each claim is a short lease kept alive by a heartbeat, so a dead process's jobs move on in seconds.
 */
export function createJobRunner(deps: {
  readonly queue: JobQueue;
  readonly logger: Logger;
  /** Every job this process runs (src/jobs/index.ts); each schedule comes with its definition. */
  readonly definitions: readonly AnyJob[];
  /** What handlers use: the business core and the notices. */
  readonly jobDeps: JobDeps;
  readonly options?: JobRunnerOptions;
}) {
  const { queue, logger } = deps;
  const store = queue.store;
  const options = deps.options ?? {};
  const concurrency = options.concurrency ?? 4;
  const pacedConcurrency = options.pacedConcurrency ?? DEFAULT_PACED_CONCURRENCY;
  const pollIntervalMs = options.pollIntervalMs ?? 15_000;
  const unheardPollIntervalMs = Math.min(pollIntervalMs, options.unheardPollIntervalMs ?? 1000);
  const wakeForDelayedJobs = options.wakeForDelayedJobs ?? true;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const heartbeatMs = options.heartbeatMs ?? Math.round(leaseMs / 3);
  const maintenanceRecheckMs = options.maintenanceRecheckMs ?? 30_000;
  /** The jobs that write to customers: they wait while their shop or the platform is in maintenance. */
  const customerMessagingNames = deps.definitions
    .filter((definition) => !isPlatformJob(definition) && definition.messagesCustomers === true)
    .map((definition) => definition.name);
  // a heartbeat at or past the lease would let a live worker's job be taken between two beats
  if (!(heartbeatMs > 0 && heartbeatMs < leaseMs)) {
    throw new Error(
      `job heartbeat (${heartbeatMs} ms) must be positive and shorter than the lease (${leaseMs} ms)`,
    );
  }
  const byName = new Map<string, JobDefinition<unknown>>();
  const schedules: (JobSchedule & { name: string; maxAttempts: number })[] = [];
  const platformJobs: PlatformJobDefinition[] = [];
  const names = new Set<string>();
  for (const definition of deps.definitions) {
    if (names.has(definition.name)) throw new Error(`two jobs are named "${definition.name}"`);
    names.add(definition.name);
    const override = options.overrides?.[definition.name] ?? {};
    if (isPlatformJob(definition)) {
      platformJobs.push({ ...definition, everyMs: override.everyMs ?? definition.everyMs });
      continue;
    }
    byName.set(definition.name, {
      ...definition,
      ...(override.backoffMs ? { backoffMs: override.backoffMs } : {}),
    });
    if (definition.schedule) {
      schedules.push({
        ...definition.schedule,
        everyMs: override.everyMs ?? definition.schedule.everyMs,
        name: definition.name,
        maxAttempts: definition.maxAttempts ?? 3,
      });
    }
  }
  const pacedNames = deps.definitions
    .filter((definition) => !isPlatformJob(definition) && definition.lane === 'paced')
    .map((definition) => definition.name);
  const inFlight = new Set<Promise<void>>();
  /** The paced lane's runs (also in `inFlight`, which stop and drain wait for). */
  const pacedInFlight = new Set<Promise<void>>();
  let running = false;
  /**
   * Ends the loop's sleep: a job enqueued, one finished (room to claim), stop. A wake-up that comes
   * while the loop is claiming is kept, and the loop goes round again at once instead of sleeping a
   * poll interval past it.
   */
  let woken = false;
  let endSleep: (() => void) | undefined;
  const wake = () => {
    woken = true;
    endSleep?.();
  };
  let loop: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let lastScheduleTick = 0;
  /** When the loop last went round: a loop stuck longer than a few polls is not alive (/health). */
  let lastTurnAt = 0;
  /** The last window of each schedule this process has enqueued (or claimed): one write per window. */
  const doneWindows = new Map<string, number>();

  /**
   * Extends the job's lease every `heartbeatMs` while its handler runs, only while this claim still
   * holds it, so a live worker keeps a long job and a dead one loses it within one short lease.
   */
  const keepLease = (job: JobRow, log: Logger, completedIn: () => boolean) => {
    const controller = new AbortController();
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let beat: Promise<void> | undefined;
    const extend = async () => {
      try {
        const held = await store.extend(job, leaseMs);
        if (stopped) return;
        // the handler completed the job in its own transaction: nothing left to hold
        if (!held && completedIn()) return;
        if (!held) {
          log.warn('lost the lease: another worker took this job; this run will not be recorded');
          controller.abort(new Error('lease lost to another worker'));
          return;
        }
      } catch (error) {
        // keep trying: the lease survives a few missed beats, and lapses (to another worker) if not
        if (!stopped) log.warn({ err: error }, 'job lease heartbeat failed');
      }
      if (!stopped) schedule();
    };
    const schedule = () => {
      timer = setTimeout(() => {
        beat = extend();
      }, heartbeatMs);
      timer.unref();
    };
    schedule();
    return {
      signal: controller.signal,
      abort: (reason: Error) => controller.abort(reason),
      /** Waits for a beat in flight, so none lands (and reports a loss) after the outcome's write. */
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await beat;
      },
    };
  };

  const execute = async (job: JobRow): Promise<void> => {
    const definition = byName.get(job.name);
    const log = logger.child({ job: job.name, jobId: job.id, botId: job.botId, attempt: job.attempts });
    /** The handler marked the job done in its own transaction (`completeIn`). */
    let completedIn = false;
    const record = async (write: Promise<boolean>) => {
      // after completeIn, a failure write finds the job done (that transaction committed) or running
      if (!(await write) && !completedIn)
        log.warn('another worker holds this job now; leaving its state alone');
    };
    if (!definition) {
      log.error('no handler for this job name; failing it');
      await record(store.fail(job, `unknown job "${job.name}"`, { final: true, delayMs: 0 }));
      return;
    }
    const payload = definition.payload.safeParse(job.payload);
    if (!payload.success) {
      log.error({ issues: payload.error.issues }, 'invalid job payload; failing it');
      await record(store.fail(job, `invalid payload: ${payload.error.message}`, { final: true, delayMs: 0 }));
      return;
    }
    // customers are not written to while their shop or the platform is in maintenance: the job
    // waits, without spending an attempt, and runs once it ends (src/modules/maintenance/)
    if (definition.messagesCustomers) {
      let waits: boolean;
      try {
        waits = await deps.jobDeps.app.platform.maintenance.isOn(job.botId);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const final = job.attempts >= job.maxAttempts;
        log.warn({ err: message }, 'could not tell whether the shop is in maintenance; will retry');
        const delayMs = (definition.backoffMs ?? defaultBackoffMs)(job.attempts);
        await record(store.fail(job, message, { final, delayMs }));
        return;
      }
      if (waits) {
        log.debug({ retryInMs: maintenanceRecheckMs }, 'shop in maintenance: job deferred');
        await record(store.defer(job, maintenanceRecheckMs));
        // the shop's (or, in the platform's maintenance, every shop's) other waiting notices too, in
        // one statement: a long maintenance costs a claim per shop and period, not per job
        const platformWide = (await deps.jobDeps.app.platform.maintenance.get()).on;
        await store.postpone(
          customerMessagingNames,
          maintenanceRecheckMs,
          platformWide ? undefined : job.botId,
        );
        return;
      }
    }
    const timeoutMs = definition.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = performance.now();
    const lease = keepLease(job, log, () => completedIn);
    let failure: { error: unknown } | undefined;
    try {
      await withTimeout(
        definition.handler(
          {
            botId: job.botId,
            payload: payload.data,
            attempt: job.attempts,
            isLastAttempt: job.attempts >= job.maxAttempts,
            logger: log,
            signal: lease.signal,
            completeIn: async (tx) => {
              if (await completeJobIn(tx, job)) completedIn = true;
            },
          },
          deps.jobDeps,
        ),
        timeoutMs,
        lease.abort,
      );
    } catch (error) {
      failure = { error };
    } finally {
      await lease.stop();
    }
    if (!failure) {
      if (!completedIn) await record(store.complete(job));
      log.debug({ ms: Math.round(performance.now() - started) }, 'job done');
      return;
    }
    const { error } = failure;
    const message = error instanceof Error ? error.message : String(error);
    const final = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
    const delayMs =
      error instanceof RetryLater ? error.delayMs : (definition.backoffMs ?? defaultBackoffMs)(job.attempts);
    if (final) log.error({ err: error }, 'job failed for good');
    else log.warn({ err: message, retryInMs: delayMs }, 'job failed; will retry');
    await record(store.fail(job, message, { final, delayMs }));
  };

  const tickSchedules = async () => {
    const now = Date.now();
    if (now - lastScheduleTick < 1000) return;
    lastScheduleTick = now;
    for (const schedule of schedules) {
      // the window number makes the key: every process computes the same one, the first insert wins
      const window = Math.floor(now / schedule.everyMs);
      // once this process has enqueued a window, later ticks in it would only find the keys taken
      if (doneWindows.get(schedule.name) === window) continue;
      await store.enqueueForActiveTenants(schedule.name, `${schedule.name}:${window}`, {
        maxAttempts: schedule.maxAttempts,
        ...(schedule.feature
          ? { feature: { key: schedule.feature, default: FEATURES[schedule.feature].default } }
          : {}),
        ...(schedule.only ? { only: schedule.only } : {}),
      });
      doneWindows.set(schedule.name, window);
    }
    for (const job of platformJobs) {
      const window = Math.floor(now / job.everyMs);
      if (doneWindows.get(job.name) === window) continue;
      // the first process to claim the window runs it; the others skip it
      const claimed = await store.claimWindow(job.name, new Date(window * job.everyMs));
      doneWindows.set(job.name, window);
      if (claimed) track(runPlatformJob(job, new Date(window * job.everyMs)));
    }
  };

  const runPlatformJob = async (job: PlatformJobDefinition, windowStart: Date): Promise<void> => {
    const log = logger.child({ job: job.name, window: windowStart.toISOString() });
    const controller = new AbortController();
    try {
      await withTimeout(
        job.handler({ logger: log, signal: controller.signal, windowStart }, deps.jobDeps),
        job.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        (error) => controller.abort(error),
      );
    } catch (error) {
      // not retried: the next window sweeps again
      log.error({ err: error }, 'platform job failed; the next window runs it again');
    }
  };

  const track = (work: Promise<void>) => {
    const task = work
      .catch((error: unknown) => logger.error({ err: error }, 'job bookkeeping failed'))
      .finally(() => {
        inFlight.delete(task);
        wake();
      });
    inFlight.add(task);
  };

  /** Everything that runs by windows: the schedules and the platform jobs. */
  const windowed: readonly { name: string; everyMs: number }[] = [...schedules, ...platformJobs];
  /** Milliseconds until the next schedule's window opens (its enqueue, or a platform job's run). */
  const msUntilNextWindow = (now: number): number => {
    let next = Number.POSITIVE_INFINITY;
    for (const { name, everyMs } of windowed) {
      const window = Math.floor(now / everyMs);
      // a window this process has not done yet (the tick waits a second between its rounds)
      const opens = doneWindows.get(name) === window ? (window + 1) * everyMs : lastScheduleTick + 1000;
      next = Math.min(next, opens - now);
    }
    return next;
  };

  const run = async () => {
    while (running) {
      lastTurnAt = Date.now();
      woken = false;
      /** How long the loop sleeps next: a poll interval, or less when something is due sooner. */
      let wait = unheardPollIntervalMs;
      try {
        await tickSchedules();
        const pacedFree = pacedNames.length > 0 ? pacedConcurrency - pacedInFlight.size : 0;
        const generalFree = concurrency - (inFlight.size - pacedInFlight.size);
        const free = Math.max(0, generalFree) + Math.max(0, pacedFree);
        const jobs =
          free > 0
            ? await store.claim(generalFree, leaseMs, { paced: { names: pacedNames, limit: pacedFree } })
            : [];
        for (const job of jobs) {
          const paced = pacedNames.includes(job.name);
          const task = execute(job)
            .catch((error: unknown) => logger.error({ err: error, jobId: job.id }, 'job bookkeeping failed'))
            .finally(() => {
              inFlight.delete(task);
              pacedInFlight.delete(task);
              wake();
            });
          inFlight.add(task);
          if (paced) pacedInFlight.add(task);
        }
        // a full batch suggests more are due: look again at once
        if (jobs.length > 0 && jobs.length === free) continue;
        // a missed notification is only caught by the poll: poll often while none can be heard
        if (queue.isListening()) wait = pollIntervalMs;
        if (wakeForDelayedJobs) {
          // with room to spare, wake when the next job is due rather than a poll later
          const dueMs = free > jobs.length ? await store.msUntilNextDue() : undefined;
          const soonest = Math.min(dueMs ?? Number.POSITIVE_INFINITY, msUntilNextWindow(Date.now()));
          wait = Math.min(wait, Math.max(5, Math.ceil(soonest)));
        }
      } catch (error) {
        logger.error({ err: error }, 'job runner loop failed; retrying');
      }
      if (!running || woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait).unref();
        endSleep = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      endSleep = undefined;
    }
  };

  return {
    async start(): Promise<void> {
      if (running) return;
      running = true;
      unlisten = await queue.onEnqueue(wake);
      loop = run();
    },
    /** Stops claiming and waits for the jobs in flight (a job cut short is retried after its lease). */
    async stop(): Promise<void> {
      running = false;
      wake();
      await loop;
      await Promise.allSettled([...inFlight]);
      await unlisten?.();
      unlisten = undefined;
    },
    /**
     * `alive` while the loop goes round (it waits at most a poll interval between turns; a turn
     * stuck on the database for 30 s or two polls is `stalled`), `stopped` before start or after stop.
     */
    state(): 'alive' | 'stalled' | 'stopped' {
      if (!running) return 'stopped';
      return Date.now() - lastTurnAt <= Math.max(30_000, 2 * pollIntervalMs) ? 'alive' : 'stalled';
    },
    /** Runs until no job is due (tests and the demo). */
    async drain(timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (inFlight.size === 0 && (await store.countDue()) === 0) return;
        wake();
        await sleep(20);
      }
      throw new Error(`jobs still due after ${timeoutMs} ms`);
    },
    store,
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
