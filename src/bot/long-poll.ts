import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { GrammyError } from 'grammy';
import type { Update } from 'grammy/types';

/** What a long poll asks for besides the offset. */
export interface LongPollParams {
  readonly offset: number;
  readonly limit: number;
  readonly timeout: number;
  readonly allowed_updates: readonly string[];
}

/** Telegram's answer when it refuses a call. */
interface Refusal {
  readonly ok: false;
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
}

/** Network trouble (refused, reset, timed out, an answer that is not Telegram's JSON): poll again later. */
export class LongPollNetworkError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'LongPollNetworkError';
  }
}

/**
 * `getUpdates` over Node's HTTP client with a keep-alive agent, without grammY's client: an idle
 * polled fleet spends nearly all its CPU renewing long polls (one per bot every 50 s, 200 a second
 * at 10,000 bots), and grammY's general client (node-fetch, an AbortController and its transformers
 * per call) costs about three times as much per empty poll as this (docs/benchmarks.md). Everything
 * else a bot calls still goes through grammY. A refusal is a `GrammyError`, as grammY throws it, so
 * 401 and 409 are handled the same way; `onCall` records each call for the metrics.
 */
export function createLongPoller(options: {
  readonly apiRoot: string;
  /** A poll not answered within its timeout and this margin is given up and made again. */
  readonly graceMs?: number;
  readonly onCall?: (errorCode: number | 'network' | undefined) => void;
}) {
  const secure = options.apiRoot.startsWith('https:');
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const request = secure ? httpsRequest : httpRequest;
  const root = new URL(options.apiRoot);
  const graceMs = options.graceMs ?? 30_000;

  const poll = (token: string, params: LongPollParams, signal: AbortSignal): Promise<Update[]> =>
    new Promise<Update[]>((resolve, reject) => {
      const body = JSON.stringify(params);
      const fail = (error: Error) => {
        options.onCall?.('network');
        reject(error);
      };
      const req = request(
        {
          protocol: root.protocol,
          hostname: root.hostname,
          port: root.port,
          // the token is in the path, as the Bot API wants it: never logged from here
          path: `${root.pathname.replace(/\/$/, '')}/bot${token}/getUpdates`,
          method: 'POST',
          agent,
          signal,
          timeout: params.timeout * 1000 + graceMs,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) =>
            fail(new LongPollNetworkError('getUpdates answer cut off', { cause: error })),
          );
          res.on('end', () => {
            let answer: { ok: true; result: Update[] } | Refusal;
            try {
              answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch (error) {
              fail(
                new LongPollNetworkError(`getUpdates answered HTTP ${res.statusCode} without JSON`, {
                  cause: error,
                }),
              );
              return;
            }
            if (answer.ok) {
              options.onCall?.(undefined);
              resolve(answer.result);
              return;
            }
            options.onCall?.(answer.error_code);
            reject(new GrammyError("Call to 'getUpdates' failed!", answer, 'getUpdates', { ...params }));
          });
        },
      );
      req.on('timeout', () => req.destroy(new LongPollNetworkError('getUpdates was not answered in time')));
      req.on('error', (error) =>
        fail(
          signal.aborted || error instanceof LongPollNetworkError
            ? error
            : new LongPollNetworkError(`getUpdates failed: ${error.message}`, { cause: error }),
        ),
      );
      req.end(body);
    });

  return {
    poll,
    /** Closes the connections kept alive (shutdown). */
    close: () => agent.destroy(),
  };
}

export type LongPoller = ReturnType<typeof createLongPoller>;
