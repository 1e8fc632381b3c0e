import type { z } from 'zod';
import type { App } from '../app.js';
import type { Notices } from '../bot/notices/notices.js';
import type { BackupMaker } from '../db/backup.js';
import type { ScheduledShops } from '../db/job-queue.js';
import type { TenantTx } from '../db/tenant-tx.js';
import type { FeatureKey } from '../modules/feature-flags/features.js';
import type { BotId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';

export interface JobContext<P> {
  /** The tenant the job belongs to: every job is a tenant's. */
  readonly botId: BotId;
  readonly payload: P;
  /** 1 on the first run. */
  readonly attempt: number;
  readonly isLastAttempt: boolean;
  readonly logger: Logger;
  /**
   * Aborted when the run timed out or this worker lost the job's lease to another worker: its
   * result will not be recorded, so a handler may stop early (e.g. pass it to `fetch`).
   */
  readonly signal: AbortSignal;
  /**
   * Marks this run's job done inside `tx`, the run's last transaction, so what the run records and
   * its completion commit together and the runner writes nothing more when the handler returns: a
   * transaction saved per run, for jobs that run many times a second (a broadcast's steps).
   * Conditional on this run's claim, as the runner's own completion is. A handler that calls it
   * must not swallow a failure of that transaction (the runner would then not record the run; the
   * job runs again after its lease).
   */
  readonly completeIn: (tx: TenantTx) => Promise<void>;
}

/**
 * What every handler may use, built once by the composition root (src/platform.ts): the business
 * core, and the customer and admin notices sent through the tenant's running bot. Job files import
 * these as types only, so a module that enqueues a job does not load the bot.
 */
export interface JobDeps {
  readonly app: App;
  readonly notices: Notices;
  /** Makes database backups for the daily backup job; absent unless DAILY_BACKUP=on. */
  readonly backups?: BackupMaker | undefined;
}

/**
 * Enqueued for every active tenant once per interval (the window number is the dedupe key, so
 * several processes enqueue it once). `feature` narrows it to tenants with that feature switched on
 * (its stored value, else its default), `only` to the shops it can concern: a schedule that cannot
 * apply to a shop costs that shop nothing, which in a fleet of thousands of idle shops is most of them.
 */
export interface JobSchedule {
  readonly everyMs: number;
  readonly feature?: FeatureKey;
  readonly only?: ScheduledShops;
}

/** A job as data: name, payload schema, handler and optional schedule, in one file under src/jobs/. */
export interface JobDefinition<P = unknown> {
  readonly name: string;
  readonly payload: z.ZodType<P>;
  /** A throw means "retry with backoff" (see RetryLater and PermanentJobError). */
  readonly handler: (job: JobContext<P>, deps: JobDeps) => Promise<void>;
  readonly schedule?: JobSchedule;
  /**
   * A run taking longer counts as failed and is retried (default 60 s). Independent of the lease,
   * which the runner keeps extending while the handler runs.
   */
  readonly timeoutMs?: number;
  /** Delay before attempt n+1 (default: exponential from 1 s, capped at 5 min, with jitter). */
  readonly backoffMs?: (attempt: number) => number;
  /** Runs before the job fails for good (default 20; the job's row keeps it). */
  readonly maxAttempts?: number;
  /**
   * The job writes to the shop's customers (a notice, a broadcast, an answer): while the shop or the
   * whole platform is in maintenance it is not run but put back for later (`maintenanceRecheckMs`),
   * which counts as no attempt, and it runs once maintenance ends. Jobs for admins, operators or
   * the panel (provisioning, traffic sync, billing, alerts) leave it unset and keep running.
   */
  readonly messagesCustomers?: boolean;
  /**
   * At most one job per key and tenant, ever (until pruned), so enqueueing twice is harmless:
   * e.g. `provision:<order id>`. Without it every enqueue adds a job.
   */
  readonly dedupeKey?: (payload: P) => string;
  /**
   * `paced`: a job that mostly waits on an outside pace (a broadcast's sends at its bot's rate) runs
   * in the runner's own lane for such jobs, beside the general concurrency, so many shops' runs at
   * once neither wait for the other jobs nor starve them.
   */
  readonly lane?: 'paced';
}

export const defineJob = <P>(definition: JobDefinition<P>): JobDefinition<P> => definition;

/** The payload type of a job definition, for producers. */
export type JobPayload<J> = J extends JobDefinition<infer P> ? P : never;

/** Thrown by a handler to be run again after exactly `delayMs`, e.g. when a dependency said when. */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** Thrown by a handler when retrying cannot help (bad data): the job fails at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** What a platform-wide job's handler is told: no tenant, no payload; the window it runs for. */
export interface PlatformJobContext {
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** The start of the window this run is for (every process computes the same one). */
  readonly windowStart: Date;
}

/**
 * A job for the whole fleet, not for one tenant: run once per window of `everyMs` by whichever
 * process claims the window first (`platform_schedule_runs`). It keeps no row in `jobs` (a job row
 * is always a tenant's) and is not retried: the next window runs it again, so it must be a sweep
 * that catches up, like pruning.
 */
export interface PlatformJobDefinition {
  readonly name: string;
  readonly scope: 'platform';
  readonly everyMs: number;
  /** A run taking longer is aborted (default 60 s). */
  readonly timeoutMs?: number;
  readonly handler: (job: PlatformJobContext, deps: JobDeps) => Promise<void>;
}

export const definePlatformJob = (
  definition: Omit<PlatformJobDefinition, 'scope'>,
): PlatformJobDefinition => ({
  ...definition,
  scope: 'platform',
});

/** A list of jobs with different payload types; each validates its own payload before running. */
// biome-ignore lint/suspicious/noExplicitAny: the payload type is checked per job by its zod schema
export type AnyJobDefinition = JobDefinition<any>;

/** Anything the runner runs: tenant jobs (queued, retried) and platform-wide ones (per window). */
export type AnyJob = AnyJobDefinition | PlatformJobDefinition;

export const isPlatformJob = (job: AnyJob): job is PlatformJobDefinition =>
  'scope' in job && job.scope === 'platform';
