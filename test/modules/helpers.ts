import { type App, createApp } from '../../src/app.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import type { Result } from '../../src/shared/result.js';
import { TEST_ENCRYPTION_KEY, type TestApp } from '../support/database.js';

/** The value of a successful result; fails the test with the error otherwise. */
export function expectOk<T, E>(result: Result<T, E>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The error of a failed result; fails the test when it succeeded. */
export function expectErr<T, E>(result: Result<T, E>): E {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}

/** Polls `probe` until it returns true or `timeoutMs` has passed; resolves to the last answer. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 1000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A second instance of the service on the same database, as another process would be: on PGlite
 * (one connection) a second app on the same handle, with its own caches; on PostgreSQL a second
 * pool and listen connection as well.
 */
export async function secondInstance(t: TestApp): Promise<{ app: App; close(): Promise<void> }> {
  const logger = createSilentLogger();
  let handle: DatabaseHandle = t.database.handle;
  let ownHandle = false;
  if (t.database.url !== undefined) {
    handle = await openDatabase({ url: t.database.url, appUrl: t.database.appUrl, logger, migrate: false });
    ownHandle = true;
  }
  const app = createApp({ database: handle, secrets: createSecretBox(TEST_ENCRYPTION_KEY), logger });
  await app.start();
  return {
    app,
    async close() {
      await app.stop();
      if (ownHandle) await handle.close();
    },
  };
}

/** Appends the Luhn check digit to 15 digits (an implementation independent of the service's). */
export function withLuhnDigit(fifteen: string): string {
  if (!/^\d{15}$/.test(fifteen)) throw new Error('expected 15 digits');
  let sum = 0;
  // from the right, the check digit will be position 0: the last of the 15 digits is doubled
  [...fifteen].reverse().forEach((char, index) => {
    let digit = Number(char);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  });
  return `${fifteen}${(10 - (sum % 10)) % 10}`;
}
