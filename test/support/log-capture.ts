import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/shared/logger.js';

/*
 * Log output held in memory and checked for secrets. Test apps (createTestApp, the API and fleet
 * harnesses) log through `testLogs` at debug level, so every test run also checks that no card
 * number, merchant id, bot token, panel token or API token reached a log line.
 */

export type SecretKind = 'card number' | 'merchant id' | 'bot token' | 'panel token' | 'api token';

export interface SecretLeak {
  readonly kind: SecretKind;
  readonly secret: string;
  readonly line: string;
}

export interface LogCapture {
  /** The app's own logger (createLogger: the same redaction as production), writing here. */
  readonly logger: Logger;
  /** The lines written so far, oldest first (at most MAX_LINES, the newest kept). */
  readonly lines: readonly string[];
  /** How many lines were written in all. */
  readonly written: number;
  /** A value that must never appear in a log line; found in lines already written too. */
  remember(kind: SecretKind, value: string): void;
  leaks(): SecretLeak[];
  /** Throws naming each secret found and the line it was in. */
  expectNoLeaks(): void;
}

const MAX_LINES = 20_000;
/** The shape of a Telegram bot token, known or not. */
const BOT_TOKEN = /(?<![\w-])\d{5,15}:[\w-]{35}(?![\w-])/g;
/** Sixteen digits on their own, or in fours as the bot shows them: a card number when Luhn passes. */
// not after a decimal point: a float's fraction (a response time) is not a card number
const SIXTEEN_DIGITS = /(?<![\d.])\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}(?!\d)/g;

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function createLogCapture(level = 'debug'): LogCapture {
  const lines: string[] = [];
  const secrets = new Map<string, SecretKind>();
  const found: SecretLeak[] = [];
  let written = 0;

  const check = (line: string) => {
    for (const [secret, kind] of secrets) if (line.includes(secret)) found.push({ kind, secret, line });
    for (const match of line.matchAll(BOT_TOKEN)) {
      if (!secrets.has(match[0])) found.push({ kind: 'bot token', secret: match[0], line });
    }
    for (const match of line.matchAll(SIXTEEN_DIGITS)) {
      const digits = match[0].replace(/\D/g, '');
      if (passesLuhn(digits) && !secrets.has(digits))
        found.push({ kind: 'card number', secret: digits, line });
    }
  };

  const sink = new Writable({
    write(chunk, _encoding, done) {
      // pino writes one line per call
      const line = String(chunk);
      written++;
      check(line);
      lines.push(line);
      if (lines.length > MAX_LINES) lines.shift();
      done();
    },
  });

  return {
    logger: createLogger({ level }, sink),
    lines,
    get written() {
      return written;
    },
    remember(kind, value) {
      if (value.length < 6 || secrets.has(value)) return;
      secrets.set(value, kind);
      for (const line of lines) if (line.includes(value)) found.push({ kind, secret: value, line });
    },
    leaks: () => [...found],
    expectNoLeaks() {
      if (found.length === 0) return;
      const report = found
        .slice(0, 5)
        .map((leak) => `${leak.kind} ${leak.secret} in: ${leak.line.slice(0, 2000)}`)
        .join('\n');
      throw new Error(`${found.length} secret(s) reached the logs:\n${report}`);
    },
  };
}

/** The capture every test app of this test file logs through. */
export const testLogs: LogCapture = createLogCapture('debug');

/** Records a value tests create that must never be logged (a token, a merchant id...). */
export const rememberSecret = (kind: SecretKind, value: string): void => testLogs.remember(kind, value);
