import { getMaxListeners, setMaxListeners } from 'node:events';
import { z } from 'zod';
import type { BroadcastSendResult } from '../../bot/notices/broadcast-notices.js';
import type { Broadcast, DeliveryRun, SendOutcome } from '../../modules/broadcasts/broadcasts-service.js';
import type { Logger } from '../../shared/logger.js';
import { defineJob, type JobContext, type JobDeps } from '../define.js';

/**
 * The next step is due this much before the bot's clock allows it, and a run claims when the clock
 * allows sends within twice that and waits out the rest itself: the runner's pick-up and the claim
 * take a moment, which would otherwise be lost every second.
 */
const LEAD_MS = 100;
/**
 * A run claims the bot's slots that come free within this much of the first, and sends each when it
 * does: a second's sends come back over a few dozen milliseconds, and their slots with them.
 */
const SPREAD_MS = 150;
/** The admin's progress message is edited at most this often. */
export const PROGRESS_EVERY_MS = 3_000;

export const broadcastDeliverKey = (broadcastId: number) => `broadcast-deliver:${broadcastId}`;

type Payload = { broadcastId: number; step: number };

/**
 * Delivers a broadcast, one second's worth of sends per run: a run claims up to the bot's rate
 * (`broadcast_rate_per_second`, reserved on the bot's send clock in the database, so every
 * broadcast of the bot and every process share it), sends them all at once, marks every outcome
 * and queues the next step of the chain for a second after its last send, in one transaction that
 * also completes the run's job (`completeIn`: no transaction of the runner's own per step). Runs
 * are in the runner's `paced` lane: a run holds a slot only while it sends (well under a second),
 * never while it waits for the pace, so many shops broadcast at once, each at its own bot's pace,
 * without waiting for or starving the other jobs.
 *
 * Never twice: a recipient is claimed (`sending`) before its send and marked right after; a run that
 * dies in between leaves its rows `sending`, and the next attempt of its step counts them `unknown`
 * and does not send them again (a duplicate is worse than a gap; the report shows them): at most one
 * second's worth per bot and crash. A 429 moves the bot's clock past retry_after and gives the
 * unsent rows back, pausing all of the bot's broadcasts; a 403 marks the customer unreachable.
 */
export const broadcastDeliver = defineJob<Payload>({
  name: 'broadcast-deliver',
  lane: 'paced',
  messagesCustomers: true,
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
  const run = await delivery.claimRun(id, {
    step: payload.step,
    attempt: job.attempt,
    ratePerSecond: rate,
    batchSize: rate,
    inlineWaitMs: LEAD_MS * 2,
    spreadMs: SPREAD_MS,
    complete: job.completeIn,
  });
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
    case 'batch':
      break;
    default: {
      const never: never = run;
      throw new Error(`unknown delivery run ${String(never)}`);
    }
  }
  const sent = await sendAll(job, run, sender.send);
  const { editProgress } = await delivery.finishRun(id, payload.step, {
    ...sent,
    slots: run.slots,
    ratePerSecond: rate,
    next: sent.stop === undefined,
    leadMs: LEAD_MS,
    progressEveryMs: run.broadcast.progressMessageId === null ? undefined : PROGRESS_EVERY_MS,
    complete: job.completeIn,
  });
  if (sent.flood) logLimit(logger, sent.flood.pauseMs, sent.flood.unsent.length, sent.stop);
  if (sent.stop !== undefined) throw sent.stop;
  if (editProgress) await notices.broadcastProgress(botId, id, logger);
}

/** Waits `ms`, or until the run is aborted (then the claimed rows go back: nothing was sent). */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

async function report(job: JobContext<Payload>, { app, notices }: JobDeps): Promise<void> {
  const delivery = app.forTenant(job.botId).broadcasts.delivery;
  if (await delivery.claimReport(job.payload.broadcastId)) {
    await notices.broadcastReport(job.botId, job.payload.broadcastId, job.logger);
  }
}

/** What a run's sends came to, for `Delivery.finishRun`. */
interface RunOutcome {
  readonly outcomes: SendOutcome[];
  /** 5xx: nothing taken, tried again later. */
  readonly retry: number[];
  /** A 429 (or the bot unable to send, or the run aborted): the bot's pause, and the rows not sent. */
  readonly flood?: { pauseMs: number; unsent: number[] } | undefined;
  /** The bot cannot send at all (401), or the run was aborted: this attempt fails once marked. */
  readonly stop?: unknown;
  /** For each send that went out, when (`performance.now()`) its slot of the bot's pace comes free. */
  readonly slotFreeAt: number[];
}

/**
 * Sends to every claimed recipient (a second's worth at most, the bot's rate), each when its slot of
 * the bot's pace comes free, and sorts the answers. A run aborted before a send gives that row back.
 */
async function sendAll(
  job: JobContext<Payload>,
  { broadcast, recipients, readAt }: Extract<DeliveryRun, { kind: 'batch' }>,
  send: (broadcast: Broadcast, chatId: number, signal: AbortSignal) => Promise<BroadcastSendResult>,
): Promise<RunOutcome> {
  // every send (and its wait) listens to the run's signal: a second's worth at once is expected
  setMaxListeners(Math.max(getMaxListeners(job.signal), recipients.length * 2 + 10), job.signal);
  const results = await Promise.all(
    recipients.map(async (recipient) => {
      const waitMs = readAt + recipient.startInMs - performance.now();
      if (waitMs > 0) await sleep(waitMs, job.signal);
      if (job.signal.aborted) return { recipient, result: undefined, answeredAt: 0 };
      const result = await send(broadcast, recipient.chatId, job.signal);
      return { recipient, result, answeredAt: performance.now() };
    }),
  );
  const outcomes: SendOutcome[] = [];
  const retry: number[] = [];
  const unsent: number[] = [];
  const slotFreeAt: number[] = [];
  let floodMs: number | undefined;
  let stop: unknown;
  for (const { recipient, result, answeredAt } of results) {
    const customerId = recipient.customerId;
    if (result === undefined) {
      // aborted before its send: nothing went out
      unsent.push(customerId);
      stop = job.signal.reason ?? new Error('aborted');
      continue;
    }
    // a second after the answer came back: Telegram took the send at some moment before, so no
    // second holds more than the bot's rate as Telegram counts them, however long sends take
    slotFreeAt.push(answeredAt + 1_000);
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
        unsent.push(customerId);
        break;
      case 'retry':
        retry.push(customerId);
        break;
      case 'stop':
        stop = result.error;
        unsent.push(customerId);
        break;
      default: {
        const never: never = result;
        throw new Error(`unknown send result ${String(never)}`);
      }
    }
  }
  if (floodMs === undefined && stop === undefined) return { outcomes, retry, slotFreeAt };
  return {
    outcomes,
    retry,
    flood: { pauseMs: floodMs ?? (unsent.length > 0 ? 5_000 : 0), unsent },
    stop,
    slotFreeAt,
  };
}

function logLimit(logger: Logger, pauseMs: number, unsent: number, stop: unknown): void {
  if (stop !== undefined) logger.warn({ err: stop, unsent }, 'broadcast stopped: the bot cannot send now');
  else logger.info({ pauseMs, unsent }, 'broadcast paused: Telegram asked the bot to wait (429)');
}
