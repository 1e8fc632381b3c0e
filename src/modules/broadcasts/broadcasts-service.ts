import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import { broadcastDeliver, broadcastDeliverKey } from '../../jobs/definitions/broadcast-deliver.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Language } from '../../shared/language.js';
import { err, type Invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';
import type { FeatureFlagsService } from '../feature-flags/feature-flags-service.js';
import { type BroadcastContent, broadcastContent } from './broadcast-content.js';
import {
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
  holdSlots,
  insertBroadcast,
  lockPace,
  markOutcomes,
  type PaceState,
  pausePace,
  readySlots,
  releaseRecipients,
  releaseSlots,
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
/**
 * A send gives up after this long (broadcast-notices.ts): slots a run holds come back this much
 * (and a second) after its last planned send, even when the run died.
 */
export const SEND_TIMEOUT_MS = 15_000;
/** Slots held by a run show as further off than a second: a run waits at most this for them. */
const HELD_SLOT_RECHECK_MS = 1_000;

export interface NewBroadcastInput extends BroadcastContent {
  readonly audience: Audience;
  readonly origin: Broadcast['origin'];
  readonly createdBy?: number | null;
  /**
   * The bot whose file id `photo` is, when not this shop's (an operator's photo from the master
   * bot): each send fetches it through that bot and uploads it.
   */
  readonly photoBotId?: number | null;
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

/**
 * When a run should look at the bot's slots again: when the first comes free, but no later than a
 * second while other runs hold them (they give them back sooner, free a second after their sends),
 * and not before a 429's pause is over.
 */
const nextLookMs = (pace: PaceState, ready: readonly number[]): number =>
  Math.max(pace.pauseMs, Math.min(ready[0] ?? 0, HELD_SLOT_RECHECK_MS));

/** Queues step `step` of a broadcast's delivery chain (once: its dedupe key names the step). */
const enqueueStep = (tx: TenantTx, broadcastId: number, step: number, delayMs: number) =>
  enqueue(tx, broadcastDeliver, { broadcastId, step }, { delayMs });

/** What one delivery run may do now. */
export type DeliveryRun =
  /** No such broadcast (deleted with its shop). */
  | { readonly kind: 'missing' }
  /** Done or cancelled: nothing to send (the report may still be due). */
  | { readonly kind: 'stopped'; readonly broadcast: Broadcast }
  /** The bot's send clock (its pace, or a 429) says: not before `delayMs` (the next step is queued). */
  | { readonly kind: 'wait'; readonly delayMs: number }
  /**
   * Send these now (possibly none when all claimed were skipped), each `startInMs` after `readAt`,
   * when its slot of the bot's pace comes free; then `finishRun` with `slots`. More may follow.
   */
  | {
      readonly kind: 'batch';
      readonly broadcast: Broadcast;
      readonly recipients: readonly (ClaimedRecipient & { readonly startInMs: number })[];
      /**
       * When (`performance.now()`) the bot's clock was read: the sends' offsets count from then, not
       * from the claim's commit, which comes later by the rest of the transaction.
       */
      readonly readAt: number;
      /** The bot's slots this run holds, to give back with its sends' times. */
      readonly slots: { readonly mark: string; readonly count: number } | undefined;
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
          photoBotId: input.photoBotId ?? null,
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
       * One run's claim, in one transaction: settles what a dead run left claimed, looks at the bot's
       * send slots (its rate of them: each comes free a second after the send that used it came
       * back) and claims a recipient for each slot free within `spreadMs` of the first, at most
       * `batchSize`, holding those slots until the run gives them back (`finishRun`). When no slot is
       * free within `inlineWaitMs`, the chain's next step is queued for when one is.
       */
      async claimRun(
        id: number,
        run: {
          step: number;
          attempt: number;
          ratePerSecond: number;
          batchSize: number;
          /** A wait this short is waited out by the caller, not queued as the next step. */
          inlineWaitMs?: number;
          /** Slots free this much after the first are claimed too (their sends wait for them). */
          spreadMs?: number;
          /** The job's completion, committed with the next step when this run only queues it. */
          complete?: ((tx: TenantTx) => Promise<void>) | undefined;
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
          const pace = await lockPace(tx);
          const readAt = performance.now();
          const ready = readySlots(pace, run.ratePerSecond);
          const firstMs = ready[0] ?? 0;
          if (firstMs > (run.inlineWaitMs ?? 0)) {
            const delayMs = Math.ceil(nextLookMs(pace, ready));
            // the chain's next step, when a slot comes free, in this same transaction
            await enqueueStep(tx, id, run.step + 1, delayMs);
            await run.complete?.(tx);
            return { kind: 'wait', delayMs };
          }
          const usable = ready.filter((ms) => ms <= firstMs + (run.spreadMs ?? 0)).slice(0, run.batchSize);
          const { claimed, skipped } = await claimRecipients(tx, id, { ...run, limit: usable.length });
          if (claimed.length > 0) {
            const last = usable[claimed.length - 1] ?? 0;
            const mark = await holdSlots(tx, {
              rate: run.ratePerSecond,
              used: pace.slotMs.length,
              count: claimed.length,
              holdMs: last + SEND_TIMEOUT_MS + 1_000,
            });
            return {
              kind: 'batch',
              broadcast,
              recipients: claimed.map((recipient, index) => ({
                ...recipient,
                startInMs: Math.ceil(usable[index] ?? 0),
              })),
              slots: { mark, count: claimed.length },
              readAt,
            };
          }
          if (skipped > 0) return { kind: 'batch', broadcast, recipients: [], slots: undefined, readAt };
          if ((await countInFlight(tx, id)) > 0) {
            await enqueueStep(tx, id, run.step + 1, 2_000);
            await run.complete?.(tx);
            return { kind: 'draining', delayMs: 2_000 };
          }
          const done = await finishBroadcast(tx, id, 'done');
          return { kind: 'finished', broadcast: done ?? broadcast };
        });
      },

      /**
       * A run's end, in one transaction: marks its sends (5xx ones back to the queue, counted as an
       * attempt; after a 429, the unsent ones back without one and the bot's pause past
       * `retry_after`), gives the run's slots back (each used one free at `slotFreeAt`: a second
       * after its send came back), queues the chain's next step for when a slot is free (`leadMs`
       * early: the run waits out the rest itself) and claims the progress message's edit when one is
       * due. Without `next` (the bot cannot send at all) no step is queued: the caller's attempt
       * fails and is retried.
       */
      async finishRun(
        id: number,
        step: number,
        run: {
          outcomes: readonly SendOutcome[];
          retry: readonly number[];
          flood?: { pauseMs: number; unsent: readonly number[] } | undefined;
          slots: { mark: string; count: number } | undefined;
          /**
           * For each send that went out, when (`performance.now()`) its slot comes free: a moment,
           * not a delay, as the transaction's statements before the slots' take time of their own.
           */
          slotFreeAt: readonly number[];
          ratePerSecond: number;
          next: boolean;
          leadMs?: number;
          progressEveryMs?: number | undefined;
          /** The job's completion, committed with the marks and the next step (with `next` only). */
          complete?: ((tx: TenantTx) => Promise<void>) | undefined;
        },
      ): Promise<{ delayMs: number; editProgress: boolean }> {
        return tenant.transaction(async (tx) => {
          if (run.outcomes.length > 0) await markOutcomes(tx, id, run.outcomes);
          await releaseRecipients(tx, id, run.retry, {
            countsAsAttempt: true,
            maxAttempts: MAX_SEND_ATTEMPTS,
          });
          if (run.flood) {
            await pausePace(tx, run.flood.pauseMs);
            await releaseRecipients(tx, id, run.flood.unsent, {
              countsAsAttempt: false,
              maxAttempts: MAX_SEND_ATTEMPTS,
            });
          }
          const pace = run.slots
            ? await releaseSlots(tx, {
                ...run.slots,
                nextInMs: run.slotFreeAt.map((at) => at - performance.now()),
              })
            : await lockPace(tx);
          const delayMs = Math.ceil(nextLookMs(pace, readySlots(pace, run.ratePerSecond)));
          if (run.next) {
            await enqueueStep(tx, id, step + 1, Math.max(0, delayMs - (run.leadMs ?? 0)));
            await run.complete?.(tx);
          }
          const editProgress =
            run.progressEveryMs !== undefined && (await claimProgressEdit(tx, id, run.progressEveryMs));
          return { delayMs, editProgress };
        });
      },

      /** Marks sends (one statement per outcome). */
      markOutcomes: (id: number, outcomes: readonly SendOutcome[]): Promise<void> =>
        outcomes.length === 0
          ? Promise.resolve()
          : tenant.transaction((tx) => markOutcomes(tx, id, outcomes)),

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
