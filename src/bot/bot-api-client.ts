import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { GrammyError } from 'grammy';

/** Telegram's answer when it refuses a call. */
interface Refusal {
  readonly ok: false;
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
}

/**
 * Network trouble (refused, reset, timed out, an answer that is not Telegram's JSON): the call may
 * or may not have reached Telegram.
 */
export class BotApiNetworkError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'BotApiNetworkError';
  }
}

/** How one call went, for the metrics: Telegram's error code, `network`, or undefined when it succeeded. */
export type CallOutcome = number | 'network' | undefined;

/**
 * Keep-alive agents the bots are spread over. An agent finds a socket it frees in its list of
 * sockets in use (a linear search): spread, each list stays short however many calls are in
 * flight. (Long polls, one per polled bot, once made the lists 10,000 long and the search a sixth
 * of an idle fleet's CPU; they have connections of their own now: src/bot/long-poll.ts.)
 */
const AGENTS = 64;

/**
 * Bot API calls with JSON parameters over Node's HTTP client and keep-alive agents, without
 * grammY's client, for what a fleet sends in bulk: broadcasts (2,500 a second for 100 shops).
 * grammY's general client (node-fetch, an AbortController and its transformers per call) costs
 * about three times as much per call (docs/benchmarks.md); everything else a bot calls still goes
 * through grammY, with its auto-retry, and through `fetch` below. Long polls have a connection
 * per bot of their own (src/bot/long-poll.ts). A refusal is a `GrammyError`,
 * as grammY throws it, so callers handle 401, 403, 409 and 429 the same way; `onCall` records
 * each call for the metrics. The token is in the path, as the Bot API wants it, and never in an
 * error from here.
 */
export function createBotApiClient(options: {
  readonly apiRoot: string;
  readonly onCall?: (method: string, outcome: CallOutcome) => void;
}) {
  const secure = options.apiRoot.startsWith('https:');
  const agents = Array.from({ length: AGENTS }, () =>
    secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true }),
  );
  /** A bot's calls always take the same agent, so its kept-alive socket is the one it reuses. */
  const agentOf = (token: string) => agents[(Number.parseInt(token, 10) || 0) % AGENTS]!;
  const request = secure ? httpsRequest : httpRequest;
  const root = new URL(options.apiRoot);
  /**
   * The requests in flight of each signal, which its abort destroys: one listener per signal (a
   * broadcast run's lasts as long as the run) instead of Node's per request (`signal` given to
   * `http.request` adds an abort listener and a stream watcher to every request).
   */
  const bySignal = new WeakMap<AbortSignal, Set<ClientRequest>>();
  const cancelOnAbort = (signal: AbortSignal, req: ClientRequest) => {
    let requests = bySignal.get(signal);
    if (!requests) {
      const inFlight = new Set<ClientRequest>();
      bySignal.set(signal, inFlight);
      signal.addEventListener(
        'abort',
        () => {
          for (const pending of inFlight) pending.destroy(abortReason(signal));
          inFlight.clear();
        },
        { once: true },
      );
      requests = inFlight;
    }
    requests.add(req);
    req.once('close', () => requests.delete(req));
  };
  const basePath = root.pathname.replace(/\/$/, '');

  /**
   * Calls `method` with JSON `params`: its result, a `GrammyError` when Telegram refuses, a
   * `BotApiNetworkError` when no answer came within `timeoutMs` or the network failed, the signal's
   * reason when aborted.
   */
  const call = <R>(
    token: string,
    method: string,
    params: object,
    { signal, timeoutMs }: { readonly signal?: AbortSignal | undefined; readonly timeoutMs: number },
  ): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const body = JSON.stringify(params);
      const fail = (error: Error) => {
        options.onCall?.(method, 'network');
        reject(error);
      };
      const req = request(
        {
          protocol: root.protocol,
          hostname: root.hostname,
          port: root.port,
          path: `${basePath}/bot${token}/${method}`,
          method: 'POST',
          agent: agentOf(token),
          timeout: timeoutMs,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          readBody(
            res,
            (error) => fail(new BotApiNetworkError(`${method} answer cut off`, { cause: error })),
            (text) => {
              let answer: { ok: true; result: R } | Refusal;
              try {
                answer = JSON.parse(text);
              } catch (error) {
                fail(
                  new BotApiNetworkError(`${method} answered HTTP ${res.statusCode} without JSON`, {
                    cause: error,
                  }),
                );
                return;
              }
              if (answer.ok) {
                options.onCall?.(method, undefined);
                resolve(answer.result);
                return;
              }
              options.onCall?.(method, answer.error_code);
              reject(new GrammyError(`Call to '${method}' failed!`, answer, method, { ...params }));
            },
          );
        },
      );
      req.on('timeout', () => req.destroy(new BotApiNetworkError(`${method} was not answered in time`)));
      req.on('error', (error) =>
        fail(
          signal?.aborted || error instanceof BotApiNetworkError
            ? error
            : new BotApiNetworkError(`${method} failed: ${error.message}`, { cause: error }),
        ),
      );
      if (signal) cancelOnAbort(signal, req);
      req.end(body);
    });

  /**
   * A `fetch` for grammY's own client (`client.fetch` of every fleet bot): grammY keeps its
   * transformers, timeouts and webhook replies, and its requests go over these keep-alive agents
   * instead of node-fetch's machinery (Headers, Body, Response and their streams per call). It does
   * what grammY asks of a fetch and no more: a POST with a JSON string or a multipart stream
   * (uploads) as body, and an answer whose `json()` grammY reads whatever the status.
   */
  const fetch = (url: string, init: FetchInit = {}): Promise<FetchAnswer> =>
    new Promise<FetchAnswer>((resolve, reject) => {
      const { body, signal } = init;
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const headers: Record<string, string | number> = { ...init.headers };
      if (typeof body === 'string') headers['content-length'] = Buffer.byteLength(body);
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          // grammY asks for `${apiRoot}/bot${token}/${method}`: the token's bot id picks the agent
          agent: agentOf(url.slice(url.lastIndexOf('/bot') + 4)),
        },
        (res) =>
          readBody(res, reject, (text) =>
            resolve({ status: res.statusCode ?? 0, json: async () => JSON.parse(text) as unknown }),
          ),
      );
      req.on('error', reject);
      // grammY's signal of this call (its timeout): one listener, gone with the request, instead of
      // what `signal` given to `http.request` adds (a listener and a watcher of the stream's end)
      if (signal) {
        const abort = () => req.destroy(abortReason(signal));
        signal.addEventListener('abort', abort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', abort));
      }
      if (body === undefined || typeof body === 'string') req.end(body);
      else if (body instanceof Readable) {
        body.on('error', (error) => req.destroy(error));
        body.pipe(req);
      } else {
        req.destroy();
        reject(new TypeError('a Bot API request body is a JSON string or a multipart stream'));
      }
    });

  return {
    call,
    fetch,
    /** Closes the connections kept alive (shutdown). */
    close: () => {
      for (const agent of agents) agent.destroy();
    },
  };
}

/** What an aborted call rejects with: the signal's reason when it is an error. */
export const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error
    ? signal.reason
    : new Error('the call was aborted', { cause: signal.reason });

/** Reads an answer's body as text: `done` with it, or `failed` when the answer is cut off. */
function readBody(res: IncomingMessage, failed: (error: Error) => void, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('error', failed);
  res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
}

/** What grammY's client passes its `fetch`. */
interface FetchInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** The part of a fetch `Response` grammY's client reads. */
interface FetchAnswer {
  readonly status: number;
  json(): Promise<unknown>;
}

export type BotApiClient = ReturnType<typeof createBotApiClient>;
