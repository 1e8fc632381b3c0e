import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { checkEncryptionKey } from '../../src/db/key-check.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import { StartupError } from '../../src/shared/errors.js';
import {
  BACKENDS,
  createTenant,
  createTestApp,
  openTestDatabase,
  TEST_ENCRYPTION_KEY,
  type TestApp,
  type TestDatabase,
} from '../support/database.js';

const check = (database: TestDatabase, key: Buffer) =>
  checkEncryptionKey(database.handle, key, createSecretBox(key));

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
  throw new Error('the key was accepted');
}

describe.each(BACKENDS)('the ENCRYPTION_KEY check on %s', (backend) => {
  let database: TestDatabase | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await database?.close();
    t = undefined;
    database = undefined;
  });

  it('records the key at first start and refuses another one afterwards', async () => {
    database = await openTestDatabase(backend);
    const key = randomBytes(32);
    await check(database, key);
    await check(database, key);
    const [row] = await database.handle.query<{ value: string }>(
      'SELECT check_value AS value FROM encryption_key_check',
    );
    // a check value, not the key
    expect(row?.value).toMatch(/^v1:/);
    expect(row?.value).not.toContain(key.toString('hex'));
    expect(row?.value).not.toContain(key.toString('base64'));
    expect(await refusal(check(database, randomBytes(32)))).toMatch(
      /^ENCRYPTION_KEY: is not the key the secrets in this database were sealed with/,
    );
  });

  it('at first start, refuses a key that opens none of the stored tokens', async () => {
    // tenants stored before the check existed, under the test key
    t = await createTestApp(backend);
    await createTenant(t.app, 'Before');
    expect(await refusal(check(t.database, randomBytes(32)))).toMatch(/^ENCRYPTION_KEY: /);
    // nothing recorded by the refusal: the right key is still accepted, and then kept
    await check(t.database, TEST_ENCRYPTION_KEY);
    expect(await refusal(check(t.database, randomBytes(32)))).toMatch(/^ENCRYPTION_KEY: /);
  });

  it('records one key when two processes start at once', async () => {
    database = await openTestDatabase(backend);
    const [first, second] = [randomBytes(32), randomBytes(32)];
    const outcomes = await Promise.allSettled([check(database, first), check(database, second)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('cannot be rewritten by the service role', async () => {
    database = await openTestDatabase(backend);
    await check(database, randomBytes(32));
    for (const statement of [
      `UPDATE encryption_key_check SET check_value = 'v1:x'`,
      'DELETE FROM encryption_key_check',
    ]) {
      await expect(database.handle.query(statement), statement).rejects.toThrow(/permission denied/);
    }
  });
});
