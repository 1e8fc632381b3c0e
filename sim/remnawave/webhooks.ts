import { createHmac } from 'node:crypto';

/*
 * The panel's outgoing webhooks, as Remnawave sends them: every event is its own delivery, posted
 * at once and concurrently with the others (the panel's queue runs 150 at a time), so they may
 * arrive in any order. The body is `{scope, event, timestamp, data, meta?}` serialised once; the
 * headers carry `X-Remnawave-Signature` (hex HMAC-SHA256 of those exact bytes with the secret) and
 * `X-Remnawave-Timestamp` (the same ISO instant as the body's `timestamp`). A delivery answered
 * with anything but 2xx, or not answered, is retried 3 times, 5 s apart, then dropped.
 */

export interface SimWebhookOptions {
  /** Where the panel posts (its WEBHOOK_URL). */
  url: string;
  /** Its WEBHOOK_SECRET_HEADER. */
  secret: string;
  /** Retries after a failed first attempt. Default 3, as the panel. */
  retries?: number | undefined;
  /** Wait between attempts. Default 5000 ms, as the panel; tests shorten it. */
  retryDelayMs?: number | undefined;
  /** One attempt's time limit. Default 10 s. */
  timeoutMs?: number | undefined;
  /**
   * Up to this long a random wait before each delivery's first attempt (default 0): deliveries
   * overtake each other, as they do when the panel's queue is busy.
   */
  jitterMs?: number | undefined;
}

export type SimWebhookScope = 'user' | 'user_hwid_devices' | 'node' | 'service';

export interface SimWebhookAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  at: Date;
  /** The answer's status; null when none came (refused, reset, timed out). */
  status: number | null;
  error: string | null;
}

export interface SimWebhookDelivery {
  seq: number;
  scope: SimWebhookScope;
  event: string;
  /** The panel user it is about, when it is about one. */
  username: string | null;
  /** The exact bytes posted, and the headers: a test can post them again. */
  body: string;
  headers: Record<string, string>;
  attempts: SimWebhookAttempt[];
  /** Answered 2xx at some attempt. */
  delivered: boolean;
  /** No attempt is left to make (delivered, given up, or the sim closed). */
  settled: boolean;
}

export function signWebhookBody(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function createWebhookSender(deps: { clock: () => Date; options?: SimWebhookOptions | undefined }) {
  let options = deps.options;
  let seq = 0;
  let closed = false;
  const log: SimWebhookDelivery[] = [];
  const inFlight = new Set<Promise<void>>();
  /** Pending waits between attempts: closing the sim ends them at once. */
  const waits = new Map<NodeJS.Timeout, () => void>();
  const aborts = new Set<AbortController>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || closed) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        waits.delete(timer);
        resolve();
      }, ms);
      waits.set(timer, resolve);
    });

  async function attempt(target: SimWebhookOptions, delivery: SimWebhookDelivery, number: number) {
    const abort = new AbortController();
    aborts.add(abort);
    const timeout = setTimeout(() => abort.abort(new Error('timed out')), target.timeoutMs ?? 10_000);
    const record: SimWebhookAttempt = { attempt: number, at: deps.clock(), status: null, error: null };
    delivery.attempts.push(record);
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: abort.signal,
      });
      record.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      return response.ok;
    } catch (error) {
      record.error =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      return false;
    } finally {
      clearTimeout(timeout);
      aborts.delete(abort);
    }
  }

  async function deliver(target: SimWebhookOptions, delivery: SimWebhookDelivery) {
    const retries = target.retries ?? 3;
    await wait(Math.floor(Math.random() * (target.jitterMs ?? 0)));
    for (let number = 1; number <= 1 + retries && !closed; number++) {
      if (await attempt(target, delivery, number)) {
        delivery.delivered = true;
        break;
      }
      if (number <= retries) await wait(target.retryDelayMs ?? 5000);
    }
    delivery.settled = true;
  }

  return {
    /** Points the panel at a receiver (or none: events are then not sent, as with WEBHOOK_ENABLED=false). */
    configure(next: SimWebhookOptions | null): void {
      options = next ?? undefined;
    },
    /** Sends one event now, without waiting for it; nothing when no receiver is configured. */
    send(scope: SimWebhookScope, event: string, data: unknown, meta?: Record<string, unknown>): void {
      const target = options;
      if (!target || closed) return;
      const timestamp = deps.clock().toISOString();
      const body = JSON.stringify({ scope, event, timestamp, data, ...(meta ? { meta } : {}) });
      const user = (scope === 'user_hwid_devices' ? (data as { user?: unknown }).user : data) as
        | { username?: unknown }
        | undefined;
      const delivery: SimWebhookDelivery = {
        seq: ++seq,
        scope,
        event,
        username: typeof user?.username === 'string' ? user.username : null,
        body,
        headers: {
          'content-type': 'application/json',
          'x-remnawave-signature': signWebhookBody(target.secret, body),
          'x-remnawave-timestamp': timestamp,
          'user-agent': 'Remnawave',
        },
        attempts: [],
        delivered: false,
        settled: false,
      };
      log.push(delivery);
      const running = deliver(target, delivery).finally(() => inFlight.delete(running));
      inFlight.add(running);
    },
    /** Every delivery so far, oldest first (copies). */
    deliveries: (): SimWebhookDelivery[] =>
      log.map((d) => ({ ...d, headers: { ...d.headers }, attempts: d.attempts.map((a) => ({ ...a })) })),
    /** Resolves once every delivery sent so far has been delivered or given up. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    clear(): void {
      log.length = 0;
    },
    /** Stops retrying and aborts what is in flight. */
    close(): void {
      closed = true;
      for (const [timer, resolve] of waits) {
        clearTimeout(timer);
        resolve();
      }
      waits.clear();
      for (const abort of aborts) abort.abort(new Error('sim closed'));
    },
  };
}

export type WebhookSender = ReturnType<typeof createWebhookSender>;
