// Bounded log of API calls, plus a live feed that works even when recording is off, so waitForCall
// keeps working in benchmarks that disable the log to keep memory flat.
import type { CallFilter, CallRecord } from './types.js';
import { Emitter, refId } from './util.js';

export class CallLog {
  private entries: CallRecord[] = [];
  private seq = 0;
  /** Every call as it is logged, and each bot's own calls (a waiter naming its bot hears only those). */
  private readonly appended = new Emitter<CallRecord>();
  private readonly appendedByBot = new Map<number, Emitter<CallRecord>>();

  constructor(
    readonly enabled: boolean,
    private readonly max: number,
  ) {}

  /** Whether anyone will look at a record; lets the hot path skip building it. */
  get wanted(): boolean {
    return this.enabled || this.appended.size > 0 || this.appendedByBot.size > 0;
  }

  /**
   * Calls `listener` with each call logged from now on, of bot `botId` only when given: a
   * benchmark waits for hundreds of bots' replies at once, and each call then wakes only the
   * waiters of its own bot instead of all of them.
   */
  onAppended(botId: number | undefined, listener: (record: CallRecord) => void): () => void {
    if (botId === undefined) return this.appended.on(listener);
    let emitter = this.appendedByBot.get(botId);
    if (!emitter) {
      emitter = new Emitter<CallRecord>();
      this.appendedByBot.set(botId, emitter);
    }
    const off = emitter.on(listener);
    return () => {
      off();
      if (emitter.size === 0 && this.appendedByBot.get(botId) === emitter) this.appendedByBot.delete(botId);
    };
  }

  nextSeq(): number {
    return ++this.seq;
  }

  get lastSeq(): number {
    return this.seq;
  }

  add(record: CallRecord): void {
    if (this.enabled) {
      this.entries.push(record);
      // Trim in chunks so the array is not shifted on every call once full.
      if (this.entries.length > this.max + Math.max(1, Math.floor(this.max / 10))) {
        this.entries = this.entries.slice(this.entries.length - this.max);
      }
    }
    this.appended.emit(record);
    if (record.botId !== undefined) this.appendedByBot.get(record.botId)?.emit(record);
  }

  list(filter: CallFilter = {}): CallRecord[] {
    const out = this.entries.filter((record) => matchesCall(record, filter));
    return out.length > this.max ? out.slice(out.length - this.max) : out;
  }

  clear(): void {
    this.entries = [];
  }

  /** Recent calls, one line each, for timeout messages. */
  describeRecent(count: number, botId?: number): string {
    if (!this.enabled) return '  (call recording is disabled: recordCalls: false)';
    const recent = this.entries
      .filter((record) => botId === undefined || record.botId === botId)
      .filter((record) => !(record.method.toLowerCase() === 'getupdates' && record.ok))
      .slice(-count);
    if (recent.length === 0) return '  (no calls recorded)';
    return recent.map(describeCall).join('\n');
  }
}

export function matchesCall(record: CallRecord, filter: CallFilter): boolean {
  if (filter.since !== undefined && record.seq <= filter.since) return false;
  if (filter.botId !== undefined && record.botId !== refId(filter.botId)) return false;
  if (filter.method !== undefined && record.method.toLowerCase() !== filter.method.toLowerCase())
    return false;
  if (filter.ok !== undefined && record.ok !== filter.ok) return false;
  if (filter.chatId !== undefined && String(record.params.chat_id) !== String(filter.chatId)) return false;
  if (filter.match && !filter.match(record.params, record)) return false;
  return true;
}

export function describeFilter(filter: CallFilter): string {
  const parts: string[] = [];
  if (filter.botId !== undefined) parts.push(`bot ${refId(filter.botId)}`);
  parts.push(filter.method ?? 'any method');
  if (filter.chatId !== undefined) parts.push(`chat ${filter.chatId}`);
  if (filter.ok !== undefined) parts.push(filter.ok ? 'ok' : 'failed');
  if (filter.since !== undefined) parts.push(`after #${filter.since}`);
  if (filter.match) parts.push('matching predicate');
  return parts.join(' ');
}

function describeCall(record: CallRecord): string {
  const params = truncate(JSON.stringify(record.params), 160);
  const outcome = record.response
    ? record.response.ok
      ? 'ok'
      : `${record.response.error_code} ${record.response.description}`
    : 'connection dropped';
  return `  #${record.seq} bot ${record.botId ?? '?'} ${record.method} ${params} -> ${outcome}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
