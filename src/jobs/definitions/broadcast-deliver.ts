import { z } from 'zod';
import type { BroadcastSendResult } from '../../bot/notices/broadcast-notices.js';
import type {
  Broadcast,
  BroadcastsService,
  ClaimedRecipient,
  SendOutcome,
} from '../../modules/broadcasts/broadcasts-service.js';
import type { Logger } from '../../shared/logger.js';
import { defineJob, type JobContext, type JobDeps } from '../define.js';

/** Sends of one run in flight at once: a second's worth goes out in a few round trips. */
const PARALLEL_SENDS = 5;
/**
 * The next step is due this much before the bot's clock allows it, and a run waits out a wait this
 * short itself: the runner's claim and the run's own claim take a moment, which would otherwise be
 * lost every second.
 */
const LEAD_MS = 40;
/** The admin's progress message is edited at most this often. */
export const PROGRESS_EVERY_MS = 3_000;

export const broadcastDeliverKey = (broadcastId: number) => `broadcast-deliver:${broadcastId}`;

type Payload = { broadcastId: number; step: number };

/**
 * Delivers a broadcast, one second's worth of sends per run: a run claims up to the bot's rate
 * (`broadcast_rate_per_second`, reserved on the bot's send clock in the database, so every
 * broadcast of the bot and every process share it), sends, marks each group of sends at once, and
 * queues the next step of the chain for when the clock allows. A run holds a runner slot only while
 * it sends (well under a second), never while it waits for the pace, so many shops broadcast at
 * once, each at its own bot's pace, without starving the other jobs.
 *
 * Never twice: a recipient is claimed (`sending`) before its send and marked right after; a run that
 * dies in between leaves its rows `sending`, and the next attempt of its step counts them `unknown`
 * and does not send them again (a duplicate is worse than a gap; the report shows them). A 429 moves
 * the bot's clock past retry_after and gives the unsent rows back, pausing all of the bot's
 * broadcasts; a 403 marks the customer unreachable.
 */
export const broadcastDeliver = defineJob<Payload>({
  name: 'broadcast-deliver',
  payload: z.object({ broadcastId: z.number().int().positive(), step: z.number().int().min(0) }),
  // one job per step: a retried step cannot fork the chain (its next step exists already)
  dedupeKey: ({ broadcastId, step }) => `${broadcastDeliverKey(broadcastId)}:${step}`,
  // a bot not running here, or the database away for a while: keep trying for hours
  maxAttempts: 500,
  backoffMs: (attempt) => Math.min(60_000, 1000 * attempt),
  timeoutMs: 60_000,
  handler: deliverStep,
});

async function deliverStep(job: JobContext<Payload>, { app, notices }: JobDeps): Promise<void> {
  const { botId, payload, logger } = job;
  const services = app.forTenant(botId);
  const delivery = services.broadcasts.delivery;
  const id = payload.broadcastId;
  // before claiming anything: a bot not running in this process throws RetryLater here
  const sender = notices.broadcastSender(botId);
  const rate = await services.settings.get('broadcast_rate_per_second');
  const claim = (inlineWaitMs: number) =>
    delivery.claimRun(id, {
      step: payload.step,
      attempt: job.attempt,
      ratePerSecond: rate,
      batchSize: Math.min(PARALLEL_SENDS, rate),
      budget: rate,
      inlineWaitMs,
    });
  let run = await claim(LEAD_MS * 2);
  if (run.kind === 'soon') {
    const { delayMs } = run;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    // no second wait inline: if the clock moved meanwhile, the next step is queued for it
    run = await claim(0);
  }
  switch (run.kind) {
    case 'missing':
      return;
    case 'stopped':
    case 'finished':
      await report(job, { app, notices });
      return;
    case 'wait':
    case 'draining':
      // the next step was queued with the claim
      return;
    case 'soon':
      throw new Error('a claim without an inline wait cannot answer "soon"');
    case 'batch':
      break;
    default: {
      const never: never = run;
      throw new Error(`unknown delivery run ${String(never)}`);
    }
  }
  const sent = await sendRun(job, run.broadcast, run.recipients, rate, sender.send, delivery);
  // the next second's worth goes a second after this run's LAST send (a 429 moved it further):
  // counted from the first, a run whose sends took a while under load would let the next one's
  // overlap it, and any one second could hold more than the bot's pace
  await delivery.scheduleNext(id, payload.step, {
    sends: sent.claimed,
    ratePerSecond: rate,
    elapsedMs: 0,
    pauseMs: sent.floodMs,
    leadMs: LEAD_MS,
  });
  if (run.broadcast.progressMessageId !== null && (await delivery.claimProgressEdit(id, PROGRESS_EVERY_MS))) {
    await notices.broadcastProgress(botId, id, logger);
  }
}

async function report(job: JobContext<Payload>, { app, notices }: JobDeps): Promise<void> {
  const delivery = app.forTenant(job.botId).broadcasts.delivery;
  if (await delivery.claimReport(job.payload.broadcastId)) {
    await notices.broadcastReport(job.botId, job.payload.broadcastId, job.logger);
  }
}

type Delivery = BroadcastsService['delivery'];

/**
 * Sends a run's recipients PARALLEL_SENDS at a time: each group is marked, and the next group
 * claimed, in one transaction as soon as it comes back, up to `budget` sends. Returns the pause
 * Telegram asked for (ms) when a 429 stopped it (the group's unsent rows given back), and how many
 * were claimed in all.
 */
async function sendRun(
  job: JobContext<Payload>,
  broadcast: Broadcast,
  first: readonly ClaimedRecipient[],
  budget: number,
  send: (broadcast: Broadcast, chatId: number, signal: AbortSignal) => Promise<BroadcastSendResult>,
  delivery: Delivery,
): Promise<{ floodMs: number | undefined; claimed: number }> {
  const id = broadcast.id;
  let group: readonly ClaimedRecipient[] = first;
  let claimed = first.length;
  while (group.length > 0) {
    if (job.signal.aborted) {
      // not sent: back to the queue for the next attempt
      await delivery.flooded(
        id,
        0,
        group.map((r) => r.customerId),
      );
      throw job.signal.reason ?? new Error('aborted');
    }
    const results = await Promise.all(
      group.map(async (recipient) => ({
        recipient,
        result: await send(broadcast, recipient.chatId, job.signal),
      })),
    );
    const outcomes: SendOutcome[] = [];
    const retry: number[] = [];
    let floodMs: number | undefined;
    let stop: unknown;
    for (const { recipient, result } of results) {
      const customerId = recipient.customerId;
      switch (result.kind) {
        case 'sent':
        case 'blocked':
        case 'unknown':
          outcomes.push({ customerId, status: result.kind });
          break;
        case 'failed':
          outcomes.push({ customerId, status: 'failed', error: result.error });
          break;
        case 'flood':
          floodMs = Math.max(floodMs ?? 0, result.retryAfterMs);
          break;
        case 'retry':
          retry.push(customerId);
          break;
        case 'stop':
          stop = result.error;
          break;
        default: {
          const never: never = result;
          throw new Error(`unknown send result ${String(never)}`);
        }
      }
    }
    if (floodMs !== undefined || stop !== undefined) {
      await delivery.markAndClaim(id, { outcomes, retry }, undefined);
      const settled = new Set([...outcomes.map((o) => o.customerId), ...retry]);
      const unsent = group.filter((r) => !settled.has(r.customerId)).map((r) => r.customerId);
      const pauseMs = floodMs ?? 5_000;
      await delivery.flooded(id, pauseMs, unsent);
      logLimit(job.logger, pauseMs, unsent.length, stop);
      if (stop !== undefined) throw stop;
      return { floodMs: pauseMs, claimed };
    }
    const room = budget - claimed;
    group = await delivery.markAndClaim(
      id,
      { outcomes, retry },
      room > 0
        ? { step: job.payload.step, attempt: job.attempt, limit: Math.min(PARALLEL_SENDS, room) }
        : undefined,
    );
    claimed += group.length;
  }
  return { floodMs: undefined, claimed };
}

function logLimit(logger: Logger, pauseMs: number, unsent: number, stop: unknown): void {
  if (stop !== undefined) logger.warn({ err: stop, unsent }, 'broadcast stopped: the bot cannot send now');
  else logger.info({ pauseMs, unsent }, 'broadcast paused: Telegram asked the bot to wait (429)');
}
