import type { IncomingMessage } from 'node:http';

/** Past this (or after DRAIN_TIMEOUT_MS), a client still sending is cut off. */
export const DRAIN_MAX_BYTES = 32 * 1024 * 1024;
export const DRAIN_TIMEOUT_MS = 15_000;

/**
 * Reads, and throws away, what is left of a request body we refuse (413) before answering.
 *
 * Fastify answers a body over the limit at once with `Connection: close`, and Node then closes the
 * socket while the client is still sending: unread bytes in the kernel turn the close into a TCP
 * reset, and a reset makes the client drop the answer it had not read yet, so it only sees the
 * connection die. Reading to the end first makes the answer arrive. Bounded, so a client cannot
 * hold the connection by sending forever: beyond the bounds it gets the reset.
 * Resolves to whether the body was read to its end.
 */
export function drainRequestBody(
  raw: IncomingMessage,
  limits: { maxBytes?: number; timeoutMs?: number } = {},
): Promise<boolean> {
  if (raw.complete || raw.readableEnded || raw.destroyed) return Promise.resolve(raw.complete);
  const maxBytes = limits.maxBytes ?? DRAIN_MAX_BYTES;
  return new Promise((resolve) => {
    let read = 0;
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onFail);
      raw.off('close', onClose);
      resolve(complete);
    };
    const onData = (chunk: Buffer | string) => {
      read += chunk.length;
      if (read > maxBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(false);
    const onClose = () => finish(raw.complete);
    const timer = setTimeout(onFail, limits.timeoutMs ?? DRAIN_TIMEOUT_MS);
    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('error', onFail);
    raw.once('close', onClose);
    raw.resume();
  });
}

/** The status of an error thrown by Fastify or a route (500 when it carries none). */
export const statusOf = (error: unknown): number =>
  typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number'
    ? error.statusCode
    : 500;
