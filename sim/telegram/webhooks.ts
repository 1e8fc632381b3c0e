// Webhook delivery: sequential per chat, concurrent across chats up to max_connections, retried with
// exponential backoff until the bot answers 2xx, like Telegram does.
import { type Agent, type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PendingUpdate, UpdateQueue } from './updates.js';
import { nowSeconds, telegramJson } from './util.js';

export interface WebhookConfig {
  readonly url: string;
  readonly secretToken: string | undefined;
  readonly maxConnections: number;
  readonly ipAddress: string | undefined;
}

export interface WebhookTiming {
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly timeoutMs: number;
}

export interface WebhookDeps {
  readonly timing: WebhookTiming;
  readonly agents: { http: Agent; https: Agent };
  /** Executes a method the bot returned in its webhook response body (a "webhook reply"). */
  readonly onReply: (method: string, params: Record<string, unknown>) => void;
}

type DeliveryResult = { ok: true; reply: Record<string, unknown> | undefined } | { ok: false; error: string };

const MAX_RESPONSE_BYTES = 1024 * 1024;

export class WebhookDelivery {
  config: WebhookConfig | undefined;
  lastErrorDate: number | undefined;
  lastErrorMessage: string | undefined;

  private readonly chatQueues = new Map<string, PendingUpdate[]>();
  /** Chats with queued updates and nothing in flight, in the order they became ready. */
  private readonly ready = new Set<string>();
  /** Chats with an update in flight or waiting for a retry. */
  private readonly busy = new Set<string>();
  private activeRequests = 0;
  /** Bumped on every reset so late results of an old configuration are ignored. */
  private generation = 0;
  private readonly requests = new Set<ClientRequest>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly queue: UpdateQueue,
    private readonly deps: WebhookDeps,
  ) {}

  get active(): boolean {
    return this.config !== undefined;
  }

  set(config: WebhookConfig): void {
    this.reset();
    this.config = config;
    // Whatever is still unconfirmed (including redeliveries) goes out through the new webhook.
    for (const entry of this.queue.replays) this.enqueue(entry);
    for (const entry of this.queue.pending.values()) this.enqueue(entry);
    this.pump();
  }

  delete(): void {
    this.reset();
    this.config = undefined;
    this.lastErrorDate = undefined;
    this.lastErrorMessage = undefined;
  }

  onEnqueue(entry: PendingUpdate): void {
    this.enqueue(entry);
    this.pump();
  }

  /** Stops all in-flight deliveries and timers; unacknowledged updates stay in the queue. */
  reset(): void {
    this.generation++;
    for (const req of this.requests) req.destroy();
    this.requests.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.chatQueues.clear();
    this.ready.clear();
    this.busy.clear();
    this.activeRequests = 0;
  }

  private enqueue(entry: PendingUpdate): void {
    let queue = this.chatQueues.get(entry.chatKey);
    if (!queue) {
      queue = [];
      this.chatQueues.set(entry.chatKey, queue);
    }
    queue.push(entry);
    if (!this.busy.has(entry.chatKey)) this.ready.add(entry.chatKey);
  }

  private pump(): void {
    const config = this.config;
    if (!config) return;
    while (this.activeRequests < config.maxConnections && this.ready.size > 0) {
      const key = this.ready.values().next().value as string;
      this.ready.delete(key);
      const entry = this.chatQueues.get(key)?.[0];
      if (!entry) continue;
      this.busy.add(key);
      this.attempt(config, key, entry);
    }
  }

  private attempt(config: WebhookConfig, key: string, entry: PendingUpdate): void {
    const generation = this.generation;
    this.activeRequests++;
    void this.post(config, telegramJson(entry.update)).then((result) => {
      if (generation !== this.generation) return;
      this.activeRequests--;
      if (result.ok) this.delivered(key, entry, result.reply);
      else this.failed(key, entry, result.error);
      this.pump();
    });
  }

  private delivered(key: string, entry: PendingUpdate, reply: Record<string, unknown> | undefined): void {
    let queue = this.chatQueues.get(key);
    if (!queue) {
      queue = [];
      this.chatQueues.set(key, queue);
    }
    if (queue[0] === entry) queue.shift();
    const again = this.queue.acknowledge(entry);
    // A requested duplicate goes right after the original, still in order within the chat.
    if (again) queue.unshift(again);
    if (queue.length === 0) this.chatQueues.delete(key);
    this.busy.delete(key);
    if (queue.length > 0) this.ready.add(key);
    if (reply && typeof reply.method === 'string') {
      const { method, ...params } = reply;
      this.deps.onReply(method, params);
    }
  }

  private failed(key: string, entry: PendingUpdate, error: string): void {
    this.lastErrorDate = nowSeconds();
    this.lastErrorMessage = error;
    entry.attempts++;
    const { retryBaseMs, retryMaxMs } = this.deps.timing;
    const delay = Math.min(retryBaseMs * 2 ** (entry.attempts - 1), retryMaxMs);
    const generation = this.generation;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (generation !== this.generation) return;
      // The chat stays busy during the backoff so later updates of that chat cannot overtake.
      this.busy.delete(key);
      this.ready.add(key);
      this.pump();
    }, delay);
    this.timers.add(timer);
  }

  private post(config: WebhookConfig, body: string): Promise<DeliveryResult> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: DeliveryResult): void => {
        if (settled) return;
        settled = true;
        this.requests.delete(req);
        resolve(result);
      };
      let url: URL;
      try {
        url = new URL(config.url);
      } catch {
        // Unreachable in practice: setWebhook validates the URL.
        resolve({ ok: false, error: 'Invalid webhook URL' });
        return;
      }
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      };
      if (config.secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = config.secretToken;
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const req = send(url, {
        method: 'POST',
        headers,
        agent: secure ? this.deps.agents.https : this.deps.agents.http,
        timeout: this.deps.timing.timeoutMs,
      });
      this.requests.add(req);
      req.on('timeout', () => {
        settle({ ok: false, error: 'Read timeout expired' });
        req.destroy();
      });
      req.on('error', (error: NodeJS.ErrnoException) =>
        settle({ ok: false, error: describeNetworkError(error) }),
      );
      req.on('response', (res: IncomingMessage) => readResponse(res, settle));
      req.end(body);
    });
  }
}

function readResponse(res: IncomingMessage, settle: (result: DeliveryResult) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
  });
  res.on('error', (error: NodeJS.ErrnoException) =>
    settle({ ok: false, error: describeNetworkError(error) }),
  );
  res.on('end', () => {
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      settle({
        ok: false,
        error: `Wrong response from the webhook: ${status} ${res.statusMessage ?? ''}`.trim(),
      });
      return;
    }
    settle({ ok: true, reply: parseReply(res.headers['content-type'], Buffer.concat(chunks)) });
  });
}

function parseReply(contentType: string | undefined, body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0 || !contentType?.includes('json')) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
      return 'Connection reset by peer';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Failed to resolve host: Name or service not known';
    default:
      return error.message || String(error.code);
  }
}
