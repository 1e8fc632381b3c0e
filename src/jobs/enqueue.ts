import { enqueueJob } from '../db/job-queue.js';
import type { TenantTx } from '../db/tenant-tx.js';
import type { JobDefinition } from './define.js';

export interface EnqueueOptions {
  /** Runs no earlier than this from now. */
  readonly delayMs?: number;
  /** Overrides the definition's key, e.g. a schedule window or a flood window. */
  readonly dedupeKey?: string;
}

/**
 * Enqueues `job` for the transaction's tenant, inside that transaction: the job exists exactly when
 * the change that needs it commits. The payload is typed by the definition and checked against its
 * schema here too, so a bad payload fails the producer, not a worker minutes later. False when a
 * job with the same dedupe key already exists.
 */
export async function enqueue<P>(
  tx: TenantTx,
  job: JobDefinition<P>,
  // the definition alone decides the type: a literal is checked against it, not widened
  payload: NoInfer<P>,
  options: EnqueueOptions = {},
): Promise<boolean> {
  const parsed = job.payload.parse(payload);
  const dedupeKey = options.dedupeKey ?? job.dedupeKey?.(parsed);
  return enqueueJob(tx, {
    name: job.name,
    payload: parsed as Record<string, unknown>,
    ...(dedupeKey === undefined ? {} : { dedupeKey }),
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    ...(job.maxAttempts === undefined ? {} : { maxAttempts: job.maxAttempts }),
  });
}
