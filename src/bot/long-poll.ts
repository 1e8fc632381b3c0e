import { channel } from 'node:diagnostics_channel';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import { abortReason, BotApiNetworkError, type CallOutcome } from './bot-api-client.js';

/**
 * Published with each long poll sent (nothing is built when no one listens): the benchmark counts
 * the Bot API requests of a polled fleet with it, as it counts `http.request`'s with Node's own channel.
 */
const longPollChannel = channel('remnafleet:long-poll');

/** The longest header block accepted from the Bot API (its real answers have a few hundred bytes). */
const MAX_HEAD_BYTES = 64 * 1024;

/** What a long poll asks for besides the offset. */
export interface LongPollParams {
  readonly offset: number;
  readonly limit: number;
  readonly timeout: number;
  readonly allowed_updates: readonly string[];
}

/** One polled bot's long polls: `getUpdates`, one at a time, over a connection kept for them. */
export interface LongPollConnection {
  /**
   * The next updates (none when the poll ends empty); a `GrammyError` when Telegram refuses, a
   * `BotApiNetworkError` when no answer came within the poll's timeout and `graceMs` or the network
   * failed, the signal's reason when aborted (the connection is closed then).
   */
  poll(params: LongPollParams, signal: AbortSignal, graceMs?: number): Promise<Update[]>;
  /** Closes the connection; a poll in flight fails. */
  close(): void;
}

/** What a response's head says about its body. */
type Framing =
  | { readonly kind: 'length'; remaining: number }
  | { readonly kind: 'chunked' }
  | { readonly kind: 'close' };

/**
 * A polled bot's connection to the Bot API for its long polls: one socket, one request at a time,
 * written as one message and read with a small HTTP/1.1 response reader (a status line, headers,
 * a body framed by Content-Length, chunked, or the connection's end). An idle polled fleet does
 * little but renew its long polls, 200 a second at 10,000 bots, each held for 50 s: through
 * `http.request` each one built a `ClientRequest`, an `IncomingMessage`, their streams, listeners
 * and the agent's bookkeeping, all kept alive for the poll's 50 s and so promoted out of the young
 * generation before they became garbage (docs/benchmarks.md). Everything else a bot calls goes
 * through Node's HTTP client (`createBotApiClient`).
 *
 * A reused connection the server closed while it sat idle fails the next request before any answer
 * arrives; that request is sent once more on a new connection (a poll only asks: repeating it with
 * the same offset is harmless). The token is in the request's path, never in an error from here.
 */
export function openLongPollConnection(options: {
  readonly apiRoot: string;
  readonly token: string;
  readonly onCall?: ((method: string, outcome: CallOutcome) => void) | undefined;
}): LongPollConnection {
  const root = new URL(options.apiRoot);
  const secure = root.protocol === 'https:';
  const port = Number(root.port) || (secure ? 443 : 80);
  const host = root.hostname.replace(/^\[(.*)\]$/, '$1');
  const path = `${root.pathname.replace(/\/$/, '')}/bot${options.token}/getUpdates`;
  const head = `POST ${path} HTTP/1.1\r\nHost: ${root.host}\r\nContent-Type: application/json\r\nContent-Length: `;

  let socket: Socket | undefined;
  /** The last request written, kept while the polls ask the same (an idle bot's always do). */
  let last: { readonly params: LongPollParams; readonly request: Buffer } | undefined;
  /** The socket's idle timeout as set. */
  let socketTimeoutMs = 0;
  /** Answers read on the current socket: one that has answered before may have been closed idle. */
  let answered = 0;
  let closed = false;
  let watched: AbortSignal | undefined;
  /** The poll in flight. */
  let pending:
    | {
        readonly params: LongPollParams;
        /** The request as it goes on the wire. */
        readonly request: Buffer;
        readonly timeoutMs: number;
        readonly resolve: (updates: Update[]) => void;
        readonly reject: (error: Error) => void;
        /** Sent on a socket that had answered before, and nothing of its answer read yet. */
        retryable: boolean;
      }
    | undefined;

  // the response being read
  let buffered: Buffer | undefined;
  let status = 0;
  let framing: Framing | undefined;
  let keepAlive = true;
  let chunks: Buffer[] = [];
  /** Chunked framing: the bytes left of the current chunk (-1: a size line comes next; -2: the trailers). */
  let chunkLeft = -1;

  const resetResponse = () => {
    buffered = undefined;
    status = 0;
    framing = undefined;
    keepAlive = true;
    chunks = [];
    chunkLeft = -1;
  };

  const settle = (outcome: { updates: Update[] } | { error: Error }) => {
    const poll = pending;
    pending = undefined;
    if (!poll) return;
    if ('updates' in outcome) poll.resolve(outcome.updates);
    else poll.reject(outcome.error);
  };

  const fail = (error: Error) => {
    options.onCall?.('getUpdates', 'network');
    settle({ error });
  };

  const drop = (target: Socket | undefined) => {
    if (!target) return;
    if (target === socket) {
      socket = undefined;
      resetResponse();
    }
    target.destroy();
  };

  /** The answer is complete: hand over its updates or Telegram's refusal. */
  const finishAnswer = () => {
    const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    const code = status;
    const reuse = keepAlive;
    const poll = pending;
    resetResponse();
    answered += 1;
    if (!reuse) drop(socket);
    if (!poll) return;
    let answer: { ok: true; result: Update[] } | { ok: false; error_code: number; description: string };
    try {
      answer = JSON.parse(text);
    } catch (error) {
      fail(new BotApiNetworkError(`getUpdates answered HTTP ${code} without JSON`, { cause: error }));
      return;
    }
    if (answer.ok) {
      options.onCall?.('getUpdates', undefined);
      settle({ updates: answer.result });
      return;
    }
    options.onCall?.('getUpdates', answer.error_code);
    settle({
      error: new GrammyError("Call to 'getUpdates' failed!", answer, 'getUpdates', { ...poll.params }),
    });
  };

  /** Reads the head out of `data`: the rest of `data`, or undefined while the head is incomplete. */
  const readHead = (data: Buffer): Buffer | undefined => {
    const end = data.indexOf('\r\n\r\n');
    if (end < 0) {
      if (data.length > MAX_HEAD_BYTES) throw new Error('header block too large');
      buffered = data;
      return undefined;
    }
    const lines = data.toString('latin1', 0, end).split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!statusLine) throw new Error('not an HTTP/1.x answer');
    status = Number(statusLine[2]);
    keepAlive = statusLine[1] === '1';
    let length: number | undefined;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error('malformed header line');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') {
        if (!/^\d+$/.test(value) || (length !== undefined && length !== Number(value)))
          throw new Error('bad Content-Length');
        length = Number(value);
      } else if (name === 'transfer-encoding') chunked = value.split(',').at(-1)?.trim() === 'chunked';
      else if (name === 'connection') {
        if (value.includes('close')) keepAlive = false;
        else if (value.includes('keep-alive')) keepAlive = true;
      }
    }
    if (status < 200) {
      // an interim answer (100 Continue): the real one follows
      status = 0;
      return data.subarray(end + 4);
    }
    framing = chunked
      ? { kind: 'chunked' }
      : length !== undefined
        ? { kind: 'length', remaining: length }
        : { kind: 'close' };
    if (framing.kind === 'close') keepAlive = false;
    return data.subarray(end + 4);
  };

  /** Reads body bytes; true when the answer is complete. */
  const readBody = (data: Buffer): boolean => {
    const frame = framing!;
    if (frame.kind === 'close') {
      if (data.length > 0) chunks.push(data);
      return false;
    }
    if (frame.kind === 'length') {
      if (data.length > frame.remaining) throw new Error('more bytes than Content-Length');
      if (data.length > 0) chunks.push(data);
      frame.remaining -= data.length;
      return frame.remaining === 0;
    }
    let rest = data;
    while (rest.length > 0) {
      if (chunkLeft > 0) {
        const take = Math.min(chunkLeft, rest.length);
        chunks.push(rest.subarray(0, take));
        chunkLeft -= take;
        rest = rest.subarray(take);
        // the chunk's closing CRLF is read with the next size line
        continue;
      }
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd < 0) {
        if (rest.length > MAX_HEAD_BYTES) throw new Error('chunk line too long');
        buffered = rest;
        return false;
      }
      const line = rest.toString('latin1', 0, lineEnd);
      rest = rest.subarray(lineEnd + 2);
      if (chunkLeft === 0) {
        // the CRLF after a chunk's data
        if (line !== '') throw new Error('chunk not followed by CRLF');
        chunkLeft = -1;
      } else if (chunkLeft === -2) {
        // the trailers end with an empty line
        if (line === '') {
          if (rest.length > 0) throw new Error('bytes after the answer');
          return true;
        }
      } else {
        const size = Number.parseInt(line.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new Error('bad chunk size');
        chunkLeft = size === 0 ? -2 : size;
      }
    }
    return false;
  };

  const onData = (target: Socket, data: Buffer) => {
    if (!pending) {
      // nothing was asked: a server that talks out of turn is not one to keep talking to
      drop(target);
      return;
    }
    pending.retryable = false;
    try {
      let rest = buffered ? Buffer.concat([buffered, data]) : data;
      buffered = undefined;
      while (framing === undefined) {
        const body = readHead(rest);
        // the head is not complete yet
        if (body === undefined) return;
        rest = body;
      }
      if (readBody(rest)) finishAnswer();
    } catch (error) {
      drop(target);
      fail(new BotApiNetworkError(`getUpdates answer unreadable: ${(error as Error).message}`));
    }
  };

  const onEnd = (target: Socket, error?: Error) => {
    if (target !== socket) return;
    const poll = pending;
    const readToClose = framing?.kind === 'close';
    if (readToClose && !error) {
      finishAnswer();
      drop(target);
      return;
    }
    drop(target);
    if (!poll || closed) return;
    if (poll.retryable) {
      // the server closed the connection while it sat idle: ask again on a new one
      poll.retryable = false;
      send();
      return;
    }
    fail(
      new BotApiNetworkError(
        error ? `getUpdates failed: ${error.message}` : 'getUpdates answer cut off',
        error ? { cause: error } : undefined,
      ),
    );
  };

  const connect = (): Socket => {
    answered = 0;
    socketTimeoutMs = 0;
    const target = secure
      ? connectTls({
          host,
          port,
          servername: /^[\d.:]+$/.test(host) ? undefined : host,
          ALPNProtocols: ['http/1.1'],
        })
      : connectTcp({ host, port });
    target.setNoDelay(true);
    target.on('data', (data: Buffer) => onData(target, data));
    target.on('end', () => onEnd(target));
    target.on('error', (error) => onEnd(target, error));
    target.on('close', () => onEnd(target));
    target.on('timeout', () => {
      if (target !== socket) return;
      const poll = pending;
      drop(target);
      if (poll) fail(new BotApiNetworkError('getUpdates was not answered in time'));
    });
    return target;
  };

  const send = () => {
    const poll = pending!;
    if (!socket) socket = connect();
    if (socketTimeoutMs !== poll.timeoutMs) {
      socket.setTimeout(poll.timeoutMs);
      socketTimeoutMs = poll.timeoutMs;
    }
    poll.retryable = answered > 0;
    socket.write(poll.request);
  };

  /** The request asking for `params`: the last one again when it asked the same. */
  const requestFor = (params: LongPollParams): Buffer => {
    const same =
      last &&
      last.params.offset === params.offset &&
      last.params.limit === params.limit &&
      last.params.timeout === params.timeout &&
      last.params.allowed_updates === params.allowed_updates;
    if (same) return last!.request;
    const body = JSON.stringify(params);
    const request = Buffer.from(`${head}${Buffer.byteLength(body)}\r\n\r\n${body}`);
    last = { params: { ...params }, request };
    return request;
  };

  return {
    poll(params, signal, graceMs = 30_000) {
      return new Promise<Update[]>((resolve, reject) => {
        if (signal.aborted) {
          reject(abortReason(signal));
          return;
        }
        if (closed) {
          reject(new BotApiNetworkError('getUpdates: the connection is closed'));
          return;
        }
        if (pending) {
          reject(new Error('a long poll is already in flight on this connection'));
          return;
        }
        if (signal !== watched) {
          watched = signal;
          signal.addEventListener(
            'abort',
            () => {
              if (watched !== signal) return;
              const poll = pending;
              pending = undefined;
              drop(socket);
              poll?.reject(abortReason(signal));
            },
            { once: true },
          );
        }
        pending = {
          params,
          request: requestFor(params),
          timeoutMs: params.timeout * 1000 + graceMs,
          resolve,
          reject,
          retryable: false,
        };
        if (longPollChannel.hasSubscribers) longPollChannel.publish(undefined);
        send();
      });
    },
    close() {
      closed = true;
      const poll = pending;
      pending = undefined;
      drop(socket);
      poll?.reject(new BotApiNetworkError('getUpdates: the connection was closed'));
    },
  };
}
