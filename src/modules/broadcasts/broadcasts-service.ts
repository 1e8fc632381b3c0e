import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { broadcastDeliver, broadcastDeliverKey } from '../../jobs/definitions/broadcast-deliver.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Language } from '../../shared/language.js';
import { err, type Invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';
import type { FeatureFlagsService } from '../feature-flags/feature-flags-service.js';
import { type BroadcastContent, broadcastContent } from './broadcast-content.js';
import {
  advancePace,
  type Broadcast,
  type BroadcastCounts,
  type ClaimedRecipient,
  claimProgressEdit,
  claimRecipients,
  claimReport,
  countAudience,
  countByStatus,
  countInFlight,
  finishBroadcast,
  insertBroadcast,
  lockPace,
  markOutcomes,
  paceFromFirstSend,
  pausePace,
  releaseRecipients,
  type SendOutcome,
  selectBroadcast,
  selectBroadcastPage,
  selectBroadcasts,
  settleDeadClaims,
} from './broadcast-repository.js';
import type { Audience } from './segments.js';

export type { Broadcast, BroadcastCounts, ClaimedRecipient, SendOutcome };

/** A 5xx from Telegram is tried again this many times in all before the recipient fails. */
export const MAX_SEND_ATTEMPTS = 3;
/**
 * A row claimed longer ago than this cannot still be in a live run (a run's timeout is far shorter):
 * it is settled as `unknown` even when no later attempt of its step came to say so.
 */
export const DEAD_CLAIM_AFTER_MS = 120_000;

export interface NewBroadcastInput extends BroadcastContent {
  readonly audience: Audience;
  readonly origin: Broadcast['origin'];
  readonly createdBy?: number | null;
  /** The admin message that will show progress and the final report. */
  readonly progress?: { readonly chatId: number; readonly messageId: number; readonly language: Language };
}

export type CreateBroadcastError =
  | Invalid
  | { readonly code: 'empty'; readonly message: string }
  | { readonly code: 'disabled'; readonly message: string };

export type CancelBroadcastError =
  | { readonly code: 'not_found' }
  | { readonly code: 'finished'; readonly broadcast: Broadcast };

/** Queues step `step` of a broadcast's delivery chain (once: its dedupe key names the step). */
const enqueueStep = (tx: TenantTx, broadcastId: number, step: number, delayMs: number) =>
  enqueue(tx, broadcastDeliver, { broadcastId, step }, { delayMs });

/** What one delivery run may do now. */
export type DeliveryRun =
  /** No such broadcast (deleted with its shop). */
  | { readonly kind: 'missing' }
  /** Done or cancelled: nothing to send (the report may still be due). */
  | { readonly kind: 'stopped'; readonly broadcast: Broadcast }
  /** The bot's clock allows it in a moment (`inlineWaitMs` or less): the caller waits and claims again. */
  | { readonly kind: 'soon'; readonly delayMs: number }
  /** The bot's send clock (its pace, or a 429) says: not before `delayMs` (the next step is queued). */
  | { readonly kind: 'wait'; readonly delayMs: number }
  /** Send these now (possibly none when all claimed were skipped); more may follow. */
  | {
      readonly kind: 'batch';
      readonly broadcast: Broadcast;
      readonly recipients: readonly ClaimedRecipient[];
    }
  /** Nothing left to claim, but another run still holds rows: look again shortly. */
  | { readonly kind: 'draining'; readonly delayMs: number }
  /** Everyone is settled: the broadcast is done now. */
  | { readonly kind: 'finished'; readonly broadcast: Broadcast };

/**
 * A shop's broadcasts: composing one (the segment as it is at confirmation becomes its recipient
 * list), following and cancelling it, and the steps the `broadcast-deliver` job takes to deliver it
 * at the bot's pace (claim a second's worth, send, mark each outcome).
 */
export function createBroadcastsService({ tenant, flags }: { tenant: TenantDb; flags: FeatureFlagsService }) {
  return {
    /** Whether the shop may broadcast (the `broadcasts` switch). */
    isEnabled: () => flags.isEnabled('broadcasts'),

    /** How many customers an audience reaches now (banned and unreachable ones never count). */
    countRecipients: (audience: Audience): Promise<number> =>
      tenant.transaction((tx) => countAudience(tx, audience)),

    /**
     * Confirms a broadcast: stores it with its recipients as the segment is now and queues its
     * delivery, in one transaction.
     */
    async create(input: NewBroadcastInput): Promise<Result<Broadcast, CreateBroadcastError>> {
      const content = parseInput(broadcastContent, {
        text: input.text,
        ...(input.photo === undefined ? {} : { photo: input.photo }),
        ...(input.button === undefined ? {} : { button: input.button }),
      });
      if (!content.ok) return content;
      if (input.origin !== 'operator' && !(await flags.isEnabled('broadcasts'))) {
        return err({ code: 'disabled', message: 'broadcasts are switched off for this shop' });
      }
      const created = await tenant.transaction(async (tx) => {
        const broadcast = await insertBroadcast(tx, {
          origin: input.origin,
          createdBy: input.createdBy ?? null,
          text: content.value.text,
          photo: content.value.photo ?? null,
          button: content.value.button ?? null,
          audience: input.audience,
          progress: input.progress ?? null,
        });
        if (broadcast) await enqueue(tx, broadcastDeliver, { broadcastId: broadcast.id, step: 0 });
        return broadcast;
      });
      if (!created) return err({ code: 'empty', message: 'nobody is in this segment' });
      return ok(created);
    },

    get: (id: number): Promise<Broadcast | undefined> => tenant.transaction((tx) => selectBroadcast(tx, id)),

    list: (page: { limit?: number; before?: number } = {}): Promise<Broadcast[]> =>
      tenant.transaction((tx) =>
        selectBroadcasts(tx, { limit: Math.min(Math.max(page.limit ?? 20, 1), 100), before: page.before }),
      ),

    /** One page of broadcasts, newest first (the REST API). */
    findPage: (page: { limit: number; offset: number }) =>
      tenant.transaction((tx) => selectBroadcastPage(tx, page)),

    /** The broadcast and how many recipients are in each state. */
    async progress(id: number): Promise<{ broadcast: Broadcast; counts: BroadcastCounts } | undefined> {
      return tenant.transaction(async (tx) => {
        const broadcast = await selectBroadcast(tx, id);
        if (!broadcast) return undefined;
        return { broadcast, counts: await countByStatus(tx, id) };
      });
    },

    /**
     * Stops a broadcast: recipients not claimed yet are never sent; a send already under way
     * finishes. The report follows from a delivery run.
     */
    async cancel(id: number): Promise<Result<Broadcast, CancelBroadcastError>> {
      return tenant.transaction(async (tx) => {
        const current = await selectBroadcast(tx, id, { lock: true });
        if (!current) return err({ code: 'not_found' as const });
        if (current.status !== 'sending') return err({ code: 'finished' as const, broadcast: current });
        const cancelled = await finishBroadcast(tx, id, 'cancelled');
        // a run now reports at once, rather than the chain's next step after its pause
        await enqueue(
          tx,
          broadcastDeliver,
          { broadcastId: id, step: 0 },
          { dedupeKey: `${broadcastDeliverKey(id)}:cancel` },
        );
        return ok(cancelled ?? current);
      });
    },

    /** The delivery's steps, for the `broadcast-deliver` job. */
    delivery: {
      /**
       * One run's claim, in one transaction: settles what a dead run left claimed, waits for the
       * bot's send clock, reserves it for `budget` sends (a second's worth) and claims the first
       * `batchSize` recipients; the run claims the rest of its budget as it marks (`markAndClaim`),
       * so a run that dies leaves at most one group of sends unknown.
       */
      async claimRun(
        id: number,
        run: {
          step: number;
          attempt: number;
          ratePerSecond: number;
          batchSize: number;
          budget?: number;
          /** A wait this short is left to the caller (`soon`) rather than queued as the next step. */
          inlineWaitMs?: number;
        },
      ): Promise<DeliveryRun> {
        return tenant.transaction(async (tx): Promise<DeliveryRun> => {
          const broadcast = await selectBroadcast(tx, id, { lock: true });
          if (!broadcast) return { kind: 'missing' };
          if (broadcast.status !== 'sending') return { kind: 'stopped', broadcast };
          // a first attempt can only find rows of dead runs long gone: look for those now and then
          if (run.attempt > 1 || run.step % 20 === 0) {
            await settleDeadClaims(tx, id, { ...run, staleAfterMs: DEAD_CLAIM_AFTER_MS });
          }
          const waitMs = await lockPace(tx);
          if (waitMs > 0 && waitMs <= (run.inlineWaitMs ?? 0))
            return { kind: 'soon', delayMs: Math.ceil(waitMs) };
          if (waitMs > 0) {
            // the chain's next step, when the clock allows, in this same transaction
            await enqueueStep(tx, id, run.step + 1, Math.ceil(waitMs));
            return { kind: 'wait', delayMs: Math.ceil(waitMs) };
          }
          const { claimed, skipped } = await claimRecipients(tx, id, { ...run, limit: run.batchSize });
          if (claimed.length > 0) {
            await advancePace(tx, Math.max(claimed.length, run.budget ?? 0), run.ratePerSecond);
            return { kind: 'batch', broadcast, recipients: claimed };
          }
          if (skipped > 0) return { kind: 'batch', broadcast, recipients: [] };
          if ((await countInFlight(tx, id)) > 0) {
            await enqueueStep(tx, id, run.step + 1, 2_000);
            return { kind: 'draining', delayMs: 2_000 };
          }
          const done = await finishBroadcast(tx, id, 'done');
          return { kind: 'finished', broadcast: done ?? broadcast };
        });
      },

      /**
       * After a batch: the bot's clock moves to a second's worth after the batch's first send
       * (`elapsedMs` ago). Returns how long until the next batch may go.
       */
      paceAfterBatch: (sends: number, ratePerSecond: number, elapsedMs: number): Promise<number> =>
        tenant.transaction((tx) => paceFromFirstSend(tx, sends, ratePerSecond, elapsedMs)),

      /**
       * After a run: moves the bot's clock as `paceAfterBatch` does and queues the chain's next step
       * for when the clock (or a 429's pause) allows, in one transaction. Returns that delay.
       */
      async scheduleNext(
        id: number,
        step: number,
        run: {
          sends: number;
          ratePerSecond: number;
          elapsedMs: number;
          pauseMs?: number | undefined;
          /** Queue the next step this much before the clock allows (it waits out the rest inline). */
          leadMs?: number;
        },
      ): Promise<number> {
        return tenant.transaction(async (tx) => {
          const paced =
            run.sends === 0 ? 0 : await paceFromFirstSend(tx, run.sends, run.ratePerSecond, run.elapsedMs);
          const delayMs = Math.ceil(Math.max(paced, run.pauseMs ?? 0));
          // due a little early: claiming takes a moment, and the run waits out the rest itself
          await enqueueStep(tx, id, step + 1, Math.max(0, delayMs - (run.leadMs ?? 0)));
          return delayMs;
        });
      },

      /** Marks sends as they come back (each group of sends in one statement). */
      markOutcomes: (id: number, outcomes: readonly SendOutcome[]): Promise<void> =>
        outcomes.length === 0
          ? Promise.resolve()
          : tenant.transaction((tx) => markOutcomes(tx, id, outcomes)),

      /**
       * Marks a group of sends (5xx ones back to the queue) and, in the same transaction, claims the
       * run's next group: one round trip per group. None when the broadcast stopped meanwhile.
       */
      markAndClaim: (
        id: number,
        settled: { outcomes: readonly SendOutcome[]; retry: readonly number[] },
        next: { step: number; attempt: number; limit: number } | undefined,
      ): Promise<ClaimedRecipient[]> =>
        tenant.transaction(async (tx) => {
          if (settled.outcomes.length > 0) await markOutcomes(tx, id, settled.outcomes);
          await releaseRecipients(tx, id, settled.retry, {
            countsAsAttempt: true,
            maxAttempts: MAX_SEND_ATTEMPTS,
          });
          if (!next || next.limit <= 0) return [];
          return (await claimRecipients(tx, id, next)).claimed;
        }),

      /**
       * Telegram answered 429: the bot's clock moves past `retryAfterMs`, pausing all of its
       * broadcasts, and the claimed rows not sent go back to the queue.
       */
      flooded: (id: number, retryAfterMs: number, unsent: readonly number[]): Promise<void> =>
        tenant.transaction(async (tx) => {
          await pausePace(tx, retryAfterMs);
          await releaseRecipients(tx, id, unsent, { countsAsAttempt: false, maxAttempts: MAX_SEND_ATTEMPTS });
        }),

      /** Telegram answered 5xx (nothing taken): tried again later, `MAX_SEND_ATTEMPTS` in all. */
      retryLater: (id: number, customerIds: readonly number[]): Promise<void> =>
        tenant.transaction((tx) =>
          releaseRecipients(tx, id, customerIds, { countsAsAttempt: true, maxAttempts: MAX_SEND_ATTEMPTS }),
        ),

      /** True at most once per `minIntervalMs` while sending: the caller edits the progress message. */
      claimProgressEdit: (id: number, minIntervalMs: number): Promise<boolean> =>
        tenant.transaction((tx) => claimProgressEdit(tx, id, minIntervalMs)),

      /** True once, for the caller that sends the final report. */
      claimReport: (id: number): Promise<boolean> => tenant.transaction((tx) => claimReport(tx, id)),
    },
  };
}

export type BroadcastsService = ReturnType<typeof createBroadcastsService>;
