import type { z } from 'zod';
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
}

/** A job as data: name, payload schema and handler (a throw means "retry with backoff"). */
export interface JobDefinition<P = unknown> {
  readonly name: string;
  readonly payload: z.ZodType<P>;
  readonly handler: (ctx: JobContext<P>) => Promise<void>;
  /**
   * A run taking longer counts as failed and is retried (default 60 s). Independent of the lease,
   * which the runner keeps extending while the handler runs.
   */
  readonly timeoutMs?: number;
  /** Delay before attempt n+1 (default: exponential from 1 s, capped at 5 min, with jitter). */
  readonly backoffMs?: (attempt: number) => number;
}

export const defineJob = <P>(definition: JobDefinition<P>): JobDefinition<P> => definition;

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

/** A list of jobs with different payload types; each validates its own payload before running. */
// biome-ignore lint/suspicious/noExplicitAny: the payload type is checked per job by its zod schema
export type AnyJobDefinition = JobDefinition<any>;
