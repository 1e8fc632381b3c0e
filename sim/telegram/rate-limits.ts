// Telegram's flood limits, when a test or benchmark asks for them: about 30 messages a second per
// bot overall (and optionally about one a second per chat), as token buckets. A send over the limit is refused with
// 429 and `parameters.retry_after` (whole seconds, at least 1), as Telegram does, and is not counted.
import { tooManyRequests } from './api-error.js';
import type { Params } from './params.js';

export interface RateLimitOptions {
  /** Messages a second a bot may send, and its largest burst (Telegram: about 30). */
  perBotPerSecond: number;
  /** Messages a second a bot may send to one chat (Telegram: about 1); off when absent. */
  perChatPerSecond?: number;
}

/** What the limiter counted since the simulator started. */
export interface RateLimitStats {
  /** Sends let through. */
  readonly accepted: number;
  /** Sends refused with 429. */
  readonly limited: number;
}

// Methods that post a message into a chat; edits, answers and reads are not counted.
const SENDING = new Set([
  'sendmessage',
  'sendphoto',
  'senddocument',
  'sendvideo',
  'sendanimation',
  'sendaudio',
  'sendvoice',
  'sendsticker',
  'sendmediagroup',
  'sendinvoice',
  'sendlocation',
  'sendpoll',
  'copymessage',
  'forwardmessage',
]);

/**
 * Token buckets per bot (and per bot and chat): a bucket holds up to the limit and refills at the
 * limit per second, so a bot sends about that many a second however it spreads them, and no burst
 * passes the limit. A send finding less than one token is refused with the whole seconds until one
 * is back.
 */
export class RateLimiter {
  private readonly bots = new Map<number, Bucket>();
  private readonly chats = new Map<string, Bucket>();
  private accepted = 0;
  private limited = 0;

  constructor(private readonly options: RateLimitOptions) {}

  /** Throws Telegram's 429 when this send is over a limit; otherwise counts it. */
  check(botId: number, method: string, params: Params, now = Date.now()): void {
    if (!SENDING.has(method.toLowerCase())) return;
    const bot = this.bucket(this.bots, botId, this.options.perBotPerSecond, now);
    const perChat = this.options.perChatPerSecond;
    const chat =
      perChat === undefined
        ? undefined
        : this.bucket(this.chats, `${botId}:${String(params.chat_id)}`, perChat, now);
    const waitMs = Math.max(bot.waitMs(), chat?.waitMs() ?? 0);
    if (waitMs > 0) {
      this.limited += 1;
      throw tooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
    }
    this.accepted += 1;
    bot.take();
    chat?.take();
  }

  stats(): RateLimitStats {
    return { accepted: this.accepted, limited: this.limited };
  }

  private bucket<K>(buckets: Map<K, Bucket>, key: K, perSecond: number, now: number): Bucket {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(perSecond, now);
      buckets.set(key, bucket);
    }
    bucket.refill(now);
    return bucket;
  }
}

class Bucket {
  private tokens: number;

  constructor(
    private readonly perSecond: number,
    private at: number,
  ) {
    this.tokens = perSecond;
  }

  refill(now: number): void {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
  }

  /** 0 when a token is there; else how long until one is. */
  waitMs(): number {
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.perSecond;
  }

  take(): void {
    this.tokens -= 1;
  }
}
