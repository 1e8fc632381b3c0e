import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../src/app.js';
import {
  integerLiteral,
  preparedStatement,
  runPrepared,
  runScript,
  textLiteral,
} from '../../src/db/script.js';
import { inTenantPrepared, inTenantStatement } from '../../src/db/tenant-tx.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';

let nextTelegramId = 6_000_000_000;
let nextUpdateId = 1;

describe.each(BACKENDS)('update admission on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const freshShop = async (): Promise<TenantServices> =>
    t.app.forTenant((await createTenant(t.app)).tenant.id);

  it('returns the sender exactly as the customers service reads it', async () => {
    const shop = await freshShop();
    const referrer = await shop.customers.register({ telegramId: nextTelegramId++, firstName: 'R' }, 'en');
    const telegramId = nextTelegramId++;
    const { customer } = await shop.customers.register(
      { telegramId, username: "o'neil\\x", firstName: 'Ali', lastName: 'Rezaei' },
      'fa',
    );
    await shop.customers.acceptRules(customer.id);
    await shop.customers.setLanguage(customer.id, 'ru');
    expect(await shop.customers.setReferrer(customer.id, referrer.customer.referralCode)).toBe(true);
    const expected = await shop.customers.get(customer.id);
    expect(expected?.rulesAcceptedAt).toBeInstanceOf(Date);

    const admission = await shop.updates.admit({ updateId: nextUpdateId++, sessionKey: '1', telegramId });
    expect(admission).toEqual({ duplicate: false, session: undefined, customer: expected });
    if (admission.duplicate) throw new Error('unreachable');
    expect(admission.customer?.createdAt).toBeInstanceOf(Date);
    expect(admission.customer?.createdAt.getTime()).toBe(expected?.createdAt.getTime());

    // a customer with every nullable column empty
    const bare = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    expect(
      await shop.updates.admit({
        updateId: nextUpdateId++,
        sessionKey: undefined,
        telegramId: bare.customer.telegramId,
      }),
    ).toEqual({ duplicate: false, session: undefined, customer: await shop.customers.get(bare.customer.id) });
  });

  it('claims an update once and loads the session of its key', async () => {
    const shop = await freshShop();
    const key = `-100'5\\"; select 1 --`;
    await shop.sessions.write(key, { awaiting: 'receipt', nested: { n: [1, 'two'] } });
    const updateId = nextUpdateId++;
    const input = { updateId, sessionKey: key, telegramId: nextTelegramId++ };
    expect(await shop.updates.admit(input)).toEqual({
      duplicate: false,
      session: { awaiting: 'receipt', nested: { n: [1, 'two'] } },
      customer: undefined,
    });
    expect(await shop.updates.admit(input)).toEqual({ duplicate: true });
    expect(await shop.updates.admit({ ...input, sessionKey: undefined, telegramId: undefined })).toEqual({
      duplicate: true,
    });
    expect(
      await shop.updates.admit({ updateId: nextUpdateId++, sessionKey: 'other', telegramId: undefined }),
    ).toEqual({ duplicate: false, session: undefined, customer: undefined });
  });

  it('drops all but one of concurrent deliveries of the same update', async () => {
    const shop = await freshShop();
    const input = { updateId: nextUpdateId++, sessionKey: '7', telegramId: undefined };
    const results = await Promise.all(Array.from({ length: 5 }, () => shop.updates.admit(input)));
    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
  });

  it("a tenant statement sees and writes only its own tenant's rows (row-level security)", async () => {
    const a = await freshShop();
    const b = await freshShop();
    await b.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    const db = t.database.handle.db;
    const count = `SELECT count(*)::int AS n FROM customers WHERE bot_id = ${integerLiteral(b.botId)}`;
    expect(await inTenantStatement(db, a.botId, count)).toEqual([{ n: 0 }]);
    expect(await inTenantStatement(db, b.botId, count)).toEqual([{ n: 1 }]);
    await expect(
      inTenantStatement(
        db,
        a.botId,
        `INSERT INTO processed_updates (bot_id, update_id) VALUES (${integerLiteral(b.botId)}, 1)`,
      ),
    ).rejects.toThrow(/row-level security/);
    const countPrepared = preparedStatement(
      'rf_test_count_customers',
      ['bigint'],
      'SELECT count(*)::int AS n FROM customers WHERE bot_id = $1',
    );
    for (let i = 0; i < 3; i += 1) {
      expect(await inTenantPrepared(db, a.botId, countPrepared, [integerLiteral(b.botId)])).toEqual([
        { n: 0 },
      ]);
      expect(await inTenantPrepared(db, b.botId, countPrepared, [integerLiteral(b.botId)])).toEqual([
        { n: 1 },
      ]);
    }
    // the setting ends with the statement's transaction
    expect(await runScript(db, `SELECT coalesce(current_setting('app.bot_id', true), '') AS v`)).toEqual([
      { v: '' },
    ]);
  });

  it('prepares a statement once per connection and recovers when it is gone', async () => {
    const db = t.database.handle.db;
    const echo = preparedStatement('rf_test_echo', ['text', 'bigint'], 'SELECT $1::text AS v, $2::int AS n');
    // the first run prepares, then fails in the prelude: the next runs must still work
    await expect(runPrepared(db, 'SELECT 1/0', echo, [textLiteral('x'), '1'])).rejects.toThrow(/division/);
    for (let i = 0; i < 30; i += 1)
      expect(await runPrepared(db, 'SELECT 1', echo, [textLiteral(`v${i}`), integerLiteral(i)])).toEqual([
        { v: `v${i}`, n: i },
      ]);
    // dropped behind our back (the pool hands out the connection released last)
    await runScript(db, 'DEALLOCATE ALL');
    for (let i = 0; i < 5; i += 1)
      expect(await runPrepared(db, 'SELECT 1', echo, [textLiteral("it's"), 'NULL'])).toEqual([
        { v: "it's", n: null },
      ]);
    // admission keeps working after its statement was dropped too
    const shop = await freshShop();
    await runScript(db, 'DEALLOCATE ALL');
    expect(
      await shop.updates.admit({ updateId: nextUpdateId++, sessionKey: undefined, telegramId: undefined }),
    ).toEqual({ duplicate: false, session: undefined, customer: undefined });
  });

  it('builds scripts only from safe literals', async () => {
    for (const value of ["it's", 'back\\slash', "\\'; drop table customers; --", 'فارسی', '']) {
      const [row] = await runScript<{ v: string }>(
        t.database.handle.db,
        `SELECT 1; SELECT ${textLiteral(value)} AS v`,
      );
      expect(row?.v).toBe(value);
    }
    expect(() => textLiteral('a\0b')).toThrow();
    expect(integerLiteral(-42)).toBe('-42');
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
      expect(() => integerLiteral(bad)).toThrow();
  });
});
