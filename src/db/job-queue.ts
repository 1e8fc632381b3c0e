import { sql } from 'drizzle-orm';
import type { BotId } from '../shared/ids.js';
import type { Database, DatabaseHandle } from './database.js';
import type { JobStatus } from './schema.js';
import { inPlatform, type TenantTx } from './tenant-tx.js';

/** Both drivers answer raw queries with `{ rows }`; the generic database type leaves it unknown. */
const rowsOf = <Row = Record<string, unknown>>(result: unknown): Row[] => (result as { rows: Row[] }).rows;

/** Woken on every enqueue (delivered at commit), so a runner needs no tight polling. */
export const JOBS_CHANNEL = 'remnafleet_jobs';

export interface EnqueueInput {
  readonly name: string;
  readonly payload?: Record<string, unknown>;
  /** At most one job per key and tenant, ever (until pruned): enqueueing twice is harmless. */
  readonly dedupeKey?: string;
  readonly delayMs?: number;
  readonly maxAttempts?: number;
}

/**
 * One claim of a job. `attempts` grows by one on every claim and nothing else writes it, so it is
 * the claim's fencing token: a worker whose lease was taken over holds a smaller number and its
 * heartbeat, completion and failure writes match no row.
 */
export type JobClaim = Pick<JobRow, 'id' | 'attempts'>;

export interface JobRow {
  readonly id: number;
  readonly botId: BotId;
  readonly name: string;
  readonly payload: Record<string, unknown>;
  readonly attempts: number;
  readonly maxAttempts: number;
}

/**
 * Enqueues inside the caller's transaction, so a job exists exactly when the state change that
 * needs it was committed. Returns false when a job with the same dedupe key already exists.
 */
export async function enqueueJob(tx: TenantTx, input: EnqueueInput): Promise<boolean> {
  // one statement: the insert, and the runners' wake-up when it inserted (delivered at commit)
  const result = await tx.execute(sql`
    WITH added AS (
      INSERT INTO jobs (bot_id, name, payload, dedupe_key, run_at, max_attempts)
      VALUES (${tx.botId}, ${input.name}, ${JSON.stringify(input.payload ?? {})}::jsonb,
              ${input.dedupeKey ?? null},
              now() + make_interval(secs => ${(input.delayMs ?? 0) / 1000}),
              ${input.maxAttempts === undefined ? sql`DEFAULT` : input.maxAttempts})
      ON CONFLICT DO NOTHING
      RETURNING id)
    SELECT pg_notify(${JOBS_CHANNEL}, '') FROM added`);
  return rowsOf(result).length > 0;
}

/**
 * Marks a claimed job done inside its tenant's transaction (`JobContext.completeIn`): false when
 * the claim no longer holds it (another worker's now, or finished), as `complete` is.
 */
export async function completeJobIn(
  tx: TenantTx,
  claim: JobClaim & { readonly botId: BotId },
): Promise<boolean> {
  if (tx.botId !== claim.botId) throw new Error(`job ${claim.id} is not this tenant's`);
  const result = await tx.execute(sql`
    UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL,
           finished_at = now(), updated_at = now()
     WHERE bot_id = ${tx.botId} AND id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'running'
    RETURNING id`);
  return rowsOf(result).length > 0;
}

/**
 * The queue as the runner sees it: across tenants, in platform transactions. Claims use
 * `FOR UPDATE SKIP LOCKED`, so several processes share the work without taking a job twice; a
 * claim is a short lease that its worker extends while the handler runs, and a job whose lease ran
 * out (its worker died or stalled) is claimed again. Writes after the claim are conditional on it.
 */
/**
 * Which shops a schedule concerns besides its feature (each value is a condition of
 * `enqueueForActiveTenants`): those with a subscription (sold or imported, in any state); the shops
 * resellers opened through the master bot (the registry's `reseller_signup_id`: the only shops with
 * a reseller plan); those with a card-to-card receipt waiting for review (their bot ids alone, from
 * `shops_with_pending_receipts()`, migration 0032).
 */
export type ScheduledShops = 'with-subscriptions' | 'reseller-shops' | 'pending-receipts';

export function createJobStore(db: Database) {
  return {
    /**
     * Claims up to `limit` due jobs. With `paced`, those jobs (by name) are a lane of their own: up to
     * `paced.limit` of them, and none of them within `limit`.
     */
    async claim(
      limit: number,
      leaseMs: number,
      lanes: { paced?: { names: readonly string[]; limit: number } } = {},
    ): Promise<JobRow[]> {
      const paced = lanes.paced && lanes.paced.names.length > 0 ? lanes.paced : undefined;
      if (limit <= 0 && (paced?.limit ?? 0) <= 0) return [];
      const due = sql`((status = 'queued' AND run_at <= now()) OR (status = 'running' AND locked_until < now()))`;
      const names = paced
        ? sql.join(
            paced.names.map((name) => sql`${name}`),
            sql`, `,
          )
        : undefined;
      const picked = paced
        ? sql`
            WITH general AS (
              SELECT id FROM jobs WHERE ${due} AND name NOT IN (${names})
               ORDER BY run_at, id LIMIT ${Math.max(0, limit)} FOR UPDATE SKIP LOCKED),
            paced AS (
              SELECT id FROM jobs WHERE ${due} AND name IN (${names})
               ORDER BY run_at, id LIMIT ${Math.max(0, paced.limit)} FOR UPDATE SKIP LOCKED)
            SELECT id FROM general UNION ALL SELECT id FROM paced`
        : sql`SELECT id FROM jobs WHERE ${due} ORDER BY run_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      return inPlatform(db, async (tx) => {
        const result = await tx.execute(sql`
          UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = now(),
                 locked_until = now() + make_interval(secs => ${leaseMs / 1000})
           WHERE id IN (${picked})
          RETURNING id, bot_id, name, payload, attempts, max_attempts`);
        return rowsOf(result).map((row) => ({
          id: Number(row.id),
          botId: Number(row.bot_id) as BotId,
          name: String(row.name),
          payload: (row.payload ?? {}) as Record<string, unknown>,
          attempts: Number(row.attempts),
          maxAttempts: Number(row.max_attempts),
        }));
      });
    },

    /**
     * Pushes the lease forward while the handler runs. False when the job is no longer this
     * claim's (another worker took it after the lease ran out, or it already finished).
     */
    async extend(claim: JobClaim, leaseMs: number): Promise<boolean> {
      const result = await inPlatform(db, (tx) =>
        tx.execute(sql`
          UPDATE jobs SET locked_until = now() + make_interval(secs => ${leaseMs / 1000}), updated_at = now()
           WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'running'
          RETURNING id`),
      );
      return rowsOf(result).length > 0;
    },

    /** False when another worker holds the job now: its state is left alone. */
    async complete(claim: JobClaim): Promise<boolean> {
      const result = await inPlatform(db, (tx) =>
        tx.execute(sql`
          UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL,
                 finished_at = now(), updated_at = now()
           WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'running'
          RETURNING id`),
      );
      return rowsOf(result).length > 0;
    },

    /**
     * Back to the queue after `delayMs`, or failed for good when `final`. False when another worker
     * holds the job now: its state is left alone.
     */
    async fail(claim: JobClaim, error: string, retry: { final: boolean; delayMs: number }): Promise<boolean> {
      const status: JobStatus = retry.final ? 'failed' : 'queued';
      const result = await inPlatform(db, (tx) =>
        tx.execute(sql`
          UPDATE jobs SET status = ${status}, locked_until = NULL, last_error = ${error.slice(0, 2000)},
                 run_at = now() + make_interval(secs => ${retry.delayMs / 1000}),
                 finished_at = CASE WHEN ${retry.final} THEN now() END, updated_at = now()
           WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'running'
          RETURNING id`),
      );
      return rowsOf(result).length > 0;
    },

    /**
     * Back to the queue after `delayMs` without running, as if this claim had not been an attempt:
     * `attempts` keeps growing (it is the claim's fencing token), so `max_attempts` grows with it.
     * For a job that must wait (its shop in maintenance). False when another worker holds it now.
     */
    async defer(claim: JobClaim, delayMs: number): Promise<boolean> {
      const result = await inPlatform(db, (tx) =>
        tx.execute(sql`
          UPDATE jobs SET status = 'queued', locked_until = NULL, max_attempts = max_attempts + 1,
                 run_at = now() + make_interval(secs => ${delayMs / 1000}), updated_at = now()
           WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'running'
          RETURNING id`),
      );
      return rowsOf(result).length > 0;
    },

    /**
     * Pushes the queued jobs of these names that would be due within `delayMs` to `delayMs` from
     * now, for one tenant (or every tenant, `botId` undefined), without claiming them: nothing is an
     * attempt. A shop in maintenance has its waiting notices put off in one statement rather than
     * claimed and deferred one by one. Returns how many were put off.
     */
    async postpone(names: readonly string[], delayMs: number, botId?: BotId): Promise<number> {
      if (names.length === 0) return 0;
      const listed = sql.join(
        names.map((name) => sql`${name}`),
        sql`, `,
      );
      return inPlatform(db, async (tx) => {
        const result = await tx.execute(sql`
          UPDATE jobs SET run_at = now() + make_interval(secs => ${delayMs / 1000}), updated_at = now()
           WHERE status = 'queued' AND name IN (${listed})
             AND run_at < now() + make_interval(secs => ${delayMs / 1000})
             AND (${botId ?? null}::bigint IS NULL OR bot_id = ${botId ?? null}::bigint)
          RETURNING id`);
        return rowsOf(result).length;
      });
    },

    /**
     * Enqueues `name` once per active tenant and `dedupeKey`: the schedules. With `feature`, only for
     * tenants with that feature on (their stored switch, else `feature.default`), read through the
     * flags' platform policy, which shows switches and nothing else.
     */
    async enqueueForActiveTenants(
      name: string,
      dedupeKey: string,
      options: {
        maxAttempts?: number;
        feature?: { key: string; default: boolean };
        /** Only the shops a schedule concerns. */
        only?: ScheduledShops;
      } = {},
    ): Promise<number> {
      const feature = options.feature;
      return inPlatform(db, async (tx) => {
        const result = await tx.execute(sql`
          INSERT INTO jobs (bot_id, name, payload, dedupe_key, max_attempts)
          SELECT b.id, ${name}, '{}'::jsonb, ${dedupeKey}, ${options.maxAttempts ?? 3} FROM bots b
           WHERE b.is_active
             AND (${feature?.key ?? null}::text IS NULL
                  OR coalesce((SELECT f.enabled FROM bot_feature_flags f
                                WHERE f.bot_id = b.id AND f.feature_key = ${feature?.key ?? null}::text),
                              ${feature?.default ?? false}::boolean))
             AND (${options.only ?? null}::text IS NULL
                  OR (${options.only ?? null}::text = 'with-subscriptions'
                      AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.bot_id = b.id))
                  OR (${options.only ?? null}::text = 'reseller-shops' AND b.reseller_signup_id IS NOT NULL)
                  OR (${options.only ?? null}::text = 'pending-receipts'
                      AND b.id IN (SELECT shops_with_pending_receipts())))
          ON CONFLICT DO NOTHING
          RETURNING id`);
        if (rowsOf(result).length > 0) await tx.execute(sql`select pg_notify(${JOBS_CHANNEL}, '')`);
        return rowsOf(result).length;
      });
    },

    /**
     * Claims the window of a platform-wide job for this process: true for the first caller only,
     * whichever process and however often it is asked.
     */
    async claimWindow(name: string, windowStart: Date): Promise<boolean> {
      const result = await inPlatform(db, (tx) =>
        tx.execute(sql`
          INSERT INTO platform_schedule_runs (name, window_start) VALUES (${name}, ${windowStart.toISOString()})
          ON CONFLICT DO NOTHING
          RETURNING name`),
      );
      return rowsOf(result).length > 0;
    },

    /** Forgets claimed windows older than `ageMs`. */
    async pruneWindows(ageMs: number): Promise<number> {
      return inPlatform(db, async (tx) => {
        const result = await tx.execute(sql`
          DELETE FROM platform_schedule_runs
           WHERE window_start < now() - make_interval(secs => ${ageMs / 1000})
          RETURNING name`);
        return rowsOf(result).length;
      });
    },

    /** Forgets finished jobs: done ones after `doneAgeMs`, failed ones after `failedAgeMs`. */
    async prune(doneAgeMs: number, failedAgeMs: number): Promise<number> {
      return inPlatform(db, async (tx) => {
        const result = await tx.execute(sql`
          DELETE FROM jobs
           WHERE (status = 'done' AND finished_at < now() - make_interval(secs => ${doneAgeMs / 1000}))
              OR (status = 'failed' AND finished_at < now() - make_interval(secs => ${failedAgeMs / 1000}))
          RETURNING id`);
        return rowsOf(result).length;
      });
    },

    /**
     * Milliseconds until the next job is due (0 when one is due now), undefined when none is queued
     * or running: an idle runner sleeps until then rather than a whole poll interval, so a delayed
     * job (a retry, a broadcast's next second) runs when it is due, and a running job whose worker
     * died is taken when its lease runs out.
     */
    async msUntilNextDue(): Promise<number | undefined> {
      const result = await inPlatform(db, (tx) =>
        tx.execute(sql`
          SELECT (extract(epoch FROM least(
                    (SELECT min(run_at) FROM jobs WHERE status = 'queued'),
                    (SELECT min(locked_until) FROM jobs WHERE status = 'running')) - now()) * 1000)::float8 AS ms`),
      );
      // no greatest(0, ...) in SQL: it ignores NULL, so an empty queue would read as "due now"
      // (least ignores NULL too, and is NULL only when both are)
      const ms = rowsOf<{ ms: number | null }>(result)[0]?.ms;
      return ms === null || ms === undefined ? undefined : Math.max(0, Number(ms));
    },

    /** Jobs running or due now (the runner's `drain`). */
    async countDue(): Promise<number> {
      const result = await inPlatform(db, (tx) =>
        tx.execute(sql`
          SELECT count(*)::int AS n FROM jobs
           WHERE status = 'running' OR (status = 'queued' AND run_at <= now())`),
      );
      return Number(rowsOf<{ n: number }>(result)[0]?.n ?? 0);
    },

    /** For operators and tests: counts by status, optionally for one job name. */
    async counts(name?: string): Promise<Record<JobStatus, number>> {
      const rows = await inPlatform(db, (tx) =>
        tx.execute(sql`
          SELECT status, count(*)::int AS n FROM jobs
           WHERE ${name ?? null}::text IS NULL OR name = ${name ?? null}
           GROUP BY status`),
      );
      const counts: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const row of rowsOf<{ status: JobStatus; n: number }>(rows)) counts[row.status] = Number(row.n);
      return counts;
    },

    /**
     * For GET /metrics, per name: queued (due now or later), running and failed (kept 30 days)
     * counts, and for queued and running the seconds since the oldest one became due.
     */
    async metricsByName(): Promise<
      {
        name: string;
        status: 'queued' | 'running' | 'failed';
        count: number;
        oldestAgeSeconds: number | null;
      }[]
    > {
      const rows = await inPlatform(db, (tx) =>
        tx.execute(sql`
          SELECT name, status, count(*)::int AS n,
                 extract(epoch FROM now() - min(run_at) FILTER (WHERE status <> 'failed' AND run_at <= now()))::float8 AS oldest
            FROM jobs
           WHERE status IN ('queued', 'running', 'failed')
           GROUP BY name, status`),
      );
      return rowsOf<{
        name: string;
        status: 'queued' | 'running' | 'failed';
        n: number;
        oldest: number | null;
      }>(rows).map((row) => ({
        name: row.name,
        status: row.status,
        count: Number(row.n),
        oldestAgeSeconds: row.oldest === null ? null : Math.max(0, Number(row.oldest)),
      }));
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;

/**
 * What a runner needs: the store, a wake-up call on every enqueue (and once after the listening
 * connection comes back, since notifications sent while it was down are lost), and whether
 * enqueues are heard right now.
 */
export function createJobQueue(database: DatabaseHandle) {
  return {
    store: createJobStore(database.db),
    onEnqueue: (listener: () => void) => database.listen(JOBS_CHANNEL, listener),
    isListening: () => database.isListening(),
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;
