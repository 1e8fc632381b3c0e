import { randomBytes } from 'node:crypto';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** Random string over [A-Za-z0-9_-]; 64 symbols, so masking a byte with 63 keeps it unbiased. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += TOKEN_ALPHABET[byte & 63];
  return out;
}

export function randomDigits(length: number): string {
  const bytes = randomBytes(length);
  let out = String((bytes[0]! % 9) + 1);
  for (let i = 1; i < length; i++) out += String(bytes[i]! % 10);
  return out;
}

export const refId = (ref: number | { readonly id: number }): number =>
  typeof ref === 'number' ? ref : ref.id;

export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

const NON_ASCII = /[\u0080-\uffff]/;
/** `\uXXXX` for each UTF-16 code unit met so far: an update repeats the same few hundred letters. */
const ESCAPES: string[] = [];
const escapeUnit = (unit: number): string => (ESCAPES[unit] ??= `\\u${unit.toString(16).padStart(4, '0')}`);

/**
 * JSON as the Bot API writes it (webhook bodies and every answer): each character beyond ASCII as
 * a `\uXXXX` escape, so Persian text comes as `\u06xx` escapes and an emoji as the escapes of its
 * surrogate pair (tdlib's JsonBuilder, which the Bot API server serialises with). Runs for every
 * update and answer, so it copies ASCII runs whole instead of calling back per character.
 */
export function telegramJson(value: unknown): string {
  const json = JSON.stringify(value);
  const first = json.search(NON_ASCII);
  if (first < 0) return json;
  let out = json.slice(0, first);
  let from = first;
  for (let i = first; i < json.length; i++) {
    const unit = json.charCodeAt(i);
    if (unit < 0x80) continue;
    if (from < i) out += json.slice(from, i);
    out += escapeUnit(unit);
    from = i + 1;
  }
  return from < json.length ? out + json.slice(from) : out;
}

/** Minimal synchronous signal; listeners may unsubscribe while being notified. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(value: T): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) listener(value);
  }

  get size(): number {
    return this.listeners.size;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface WaitUntilOptions<T> {
  /** Returns the awaited value, or undefined to keep waiting. */
  probe: () => T | undefined;
  /** Registers `wake` to be called whenever the probe might have a new answer. */
  subscribe: (wake: () => void) => () => void;
  timeoutMs: number;
  /** Aborted when the simulator closes, so no test hangs on a dead simulator. */
  signal: AbortSignal;
  describe: () => string;
}

export function waitUntil<T>(opts: WaitUntilOptions<T>): Promise<T> {
  const first = opts.probe();
  if (first !== undefined) return Promise.resolve(first);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, value?: T): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      opts.signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(value as T);
    };
    const wake = (): void => {
      if (settled) return;
      const value = opts.probe();
      if (value !== undefined) finish(undefined, value);
    };
    const onAbort = (): void => finish(new Error(`telegram sim closed while waiting: ${opts.describe()}`));
    const unsubscribe = opts.subscribe(wake);
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${opts.timeoutMs} ms: ${opts.describe()}`)),
      opts.timeoutMs,
    );
    if (opts.signal.aborted) onAbort();
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  });
}
