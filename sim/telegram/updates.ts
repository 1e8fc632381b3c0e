// Per-bot update queue with getUpdates long polling. Updates stay queued until confirmed (a later
// getUpdates offset, or a 2xx from the webhook), exactly as Telegram keeps them for a bot nobody polls.
import { type ApiError, conflict, TERMINATED_BY_OTHER_POLL } from './api-error.js';
import type { UpdateBody, WireUpdate } from './wire.js';

export interface PendingUpdate {
  readonly update: WireUpdate;
  /** Updates with the same key are delivered to a webhook strictly one after another. */
  readonly chatKey: string;
  /** Extra deliveries requested by tests (to prove deduplication on the bot side). */
  extraDeliveries: number;
  /** Failed webhook attempts, for the retry backoff. */
  attempts: number;
  /** A redelivery already handed to getUpdates; confirmed by the client's next call. */
  returned: boolean;
}

/**
 * The longest Telegram holds a `getUpdates` long poll open, in seconds, whatever is asked
 * (tdlib/telegram-bot-api#562: 300 asked, answered empty after 50.6 s).
 */
export const MAX_POLL_TIMEOUT_SECONDS = 50;

export interface PollRequest {
  offset: number | undefined;
  limit: number;
  timeoutSeconds: number;
  signal: AbortSignal;
}

interface Poller {
  readonly limit: number;
  finish(error?: ApiError): void;
}

/** Acknowledged updates kept for `redeliver`; small, as a thousand bots each keep their own. */
const RECENT_LIMIT = 32;

/** Update types Telegram sends when allowed_updates is empty or was never set. */
const EXCLUDED_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

export function isUpdateAllowed(type: string, allowed: readonly string[] | undefined): boolean {
  if (allowed === undefined || allowed.length === 0) return !EXCLUDED_BY_DEFAULT.has(type);
  return allowed.includes(type);
}

export function updateType(body: UpdateBody): string {
  for (const key of Object.keys(body)) if (key !== 'update_id') return key;
  return 'unknown';
}

interface HasId {
  id?: unknown;
}

/** Telegram orders webhook deliveries per chat; updates without a chat are ordered per user. */
export function chatKeyOf(body: UpdateBody, updateId: number): string {
  const payload = body[updateType(body)] as Record<string, unknown> | undefined;
  if (payload && typeof payload === 'object') {
    const chat = (payload.chat ?? (payload.message as { chat?: unknown } | undefined)?.chat) as
      | HasId
      | undefined;
    if (typeof chat?.id === 'number') return `c${chat.id}`;
    const from = (payload.from ?? payload.user) as HasId | undefined;
    if (typeof from?.id === 'number') return `c${from.id}`;
  }
  return `u${updateId}`;
}

export class UpdateQueue {
  /** Unconfirmed updates in id order (ids only grow, so Map insertion order is id order). */
  readonly pending = new Map<number, PendingUpdate>();
  /** Redeliveries of already-confirmed updates; their ids are below the confirmed offset. */
  readonly replays: PendingUpdate[] = [];
  private readonly recent: WireUpdate[] = [];
  private nextId: number;
  private poller: Poller | undefined;
  /** Polls terminated by a later one (409): two pollers of one bot overlapped. */
  conflicts = 0;
  private flushScheduled = false;

  constructor(firstUpdateId: number) {
    this.nextId = firstUpdateId;
  }

  get size(): number {
    return this.pending.size + this.replays.length;
  }

  allocateId(): number {
    return this.nextId++;
  }

  jump(by: number): void {
    this.nextId += Math.max(0, Math.floor(by));
  }

  push(update: WireUpdate, chatKey: string): PendingUpdate {
    const entry: PendingUpdate = { update, chatKey, extraDeliveries: 0, attempts: 0, returned: false };
    this.pending.set(update.update_id, entry);
    return entry;
  }

  /** Removes a delivered update; returns the entry to deliver again if a duplicate was requested. */
  acknowledge(entry: PendingUpdate): PendingUpdate | undefined {
    const id = entry.update.update_id;
    if (this.pending.get(id) === entry) this.pending.delete(id);
    else {
      const index = this.replays.indexOf(entry);
      if (index >= 0) this.replays.splice(index, 1);
    }
    this.remember(entry.update);
    if (entry.extraDeliveries <= 0) return undefined;
    // Tracked as a replay so it counts as pending and survives a switch to long polling.
    const again: PendingUpdate = {
      update: entry.update,
      chatKey: entry.chatKey,
      extraDeliveries: entry.extraDeliveries - 1,
      attempts: 0,
      returned: false,
    };
    this.replays.push(again);
    return again;
  }

  /** Marks an update for one more delivery; works for pending and recently confirmed updates. */
  redeliver(updateId: number): PendingUpdate | 'marked' | undefined {
    const pending =
      this.pending.get(updateId) ?? this.replays.find((entry) => entry.update.update_id === updateId);
    if (pending) {
      pending.extraDeliveries++;
      return 'marked';
    }
    const past = this.recent.find((update) => update.update_id === updateId);
    if (!past) return undefined;
    const entry: PendingUpdate = {
      update: past,
      chatKey: chatKeyOf(past, updateId),
      extraDeliveries: 0,
      attempts: 0,
      returned: false,
    };
    this.replays.push(entry);
    return entry;
  }

  clear(): void {
    this.pending.clear();
    this.replays.length = 0;
  }

  // ------------------------------------------------------------------------------------ polling

  poll(request: PollRequest): Promise<WireUpdate[]> {
    // Like Telegram: any getUpdates, long or not, terminates the one already waiting.
    if (this.poller) {
      this.conflicts++;
      this.poller.finish(conflict(TERMINATED_BY_OTHER_POLL));
    }
    this.confirm(request.offset);
    const batch = this.collect(request.limit);
    if (batch.length > 0 || request.timeoutSeconds <= 0 || request.signal.aborted)
      return Promise.resolve(batch);
    return new Promise<WireUpdate[]>((resolve, reject) => {
      const onAbort = (): void => poller.finish();
      const seconds = Math.min(request.timeoutSeconds, MAX_POLL_TIMEOUT_SECONDS);
      const timer = setTimeout(() => poller.finish(), seconds * 1000);
      const poller: Poller = {
        limit: request.limit,
        finish: (error) => {
          if (this.poller !== poller) return;
          this.poller = undefined;
          clearTimeout(timer);
          request.signal.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve(request.signal.aborted ? [] : this.collect(request.limit));
        },
      };
      this.poller = poller;
      request.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Answers a waiting long poll soon; batched so a burst of updates goes out in one response. */
  wake(): void {
    if (!this.poller || this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.size > 0) this.poller?.finish();
    });
  }

  /** Releases a waiting long poll, with an error (webhook set) or empty (simulator closing). */
  releasePoller(error?: ApiError): void {
    this.poller?.finish(error);
  }

  private confirm(offset: number | undefined): void {
    // A redelivery handed out by the previous call counts as confirmed by this one.
    for (let i = this.replays.length - 1; i >= 0; i--) {
      const entry = this.replays[i]!;
      if (entry.returned) this.confirmEntry(entry, () => this.replays.splice(i, 1));
    }
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      // Negative offset: keep only the last -offset updates, forget everything before them.
      let drop = this.pending.size + offset;
      for (const entry of [...this.pending.values()]) {
        if (drop-- <= 0) break;
        this.confirmEntry(entry, () => this.pending.delete(entry.update.update_id));
      }
      return;
    }
    for (const [id, entry] of this.pending) {
      if (id >= offset) break;
      this.confirmEntry(entry, () => this.pending.delete(id));
    }
  }

  private confirmEntry(entry: PendingUpdate, remove: () => void): void {
    remove();
    this.remember(entry.update);
    if (entry.extraDeliveries > 0) {
      this.replays.push({ ...entry, extraDeliveries: entry.extraDeliveries - 1, returned: false });
    }
  }

  private collect(limit: number): WireUpdate[] {
    const batch: WireUpdate[] = [];
    for (const entry of this.replays) {
      if (batch.length >= limit) return batch;
      if (entry.returned) continue;
      entry.returned = true;
      batch.push(entry.update);
    }
    for (const entry of this.pending.values()) {
      if (batch.length >= limit) break;
      batch.push(entry.update);
    }
    return batch;
  }

  private remember(update: WireUpdate): void {
    this.recent.push(update);
    if (this.recent.length > RECENT_LIMIT) this.recent.shift();
  }
}
