import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import {
  integerLiteral,
  preparedStatement,
  runPrepared,
  runScript,
  textLiteral,
} from '../../../src/db/script.js';
import { inPlatform, inTenantPrepared, inTenantStatement, platformDb } from '../../../src/db/tenant-tx.js';
import {
  createFinishQueue,
  type StoredUpdate,
  storeAsReceived,
} from '../../../src/modules/updates/updates-service.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

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

    const admission = await shop.updates.admit({
      update: { update_id: nextUpdateId++ },
      sessionKey: '1',
      telegramId,
    });
    expect(admission).toEqual({ duplicate: false, attempt: 1, session: undefined, customer: expected });
    if (admission.duplicate) throw new Error('unreachable');
    expect(admission.customer?.createdAt).toBeInstanceOf(Date);
    expect(admission.customer?.createdAt.getTime()).toBe(expected?.createdAt.getTime());

    // a customer with every nullable column empty
    const bare = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    expect(
      await shop.updates.admit({
        update: { update_id: nextUpdateId++ },
        sessionKey: undefined,
        telegramId: bare.customer.telegramId,
      }),
    ).toEqual({
      duplicate: false,
      attempt: 1,
      session: undefined,
      customer: await shop.customers.get(bare.customer.id),
    });
  });

  it('claims an update once and loads the session of its key', async () => {
    const shop = await freshShop();
    const key = `-100'5\\"; select 1 --`;
    await shop.sessions.write(key, { awaiting: 'receipt', nested: { n: [1, 'two'] } });
    const updateId = nextUpdateId++;
    const input = { update: { update_id: updateId }, sessionKey: key, telegramId: nextTelegramId++ };
    expect(await shop.updates.admit(input)).toEqual({
      duplicate: false,
      attempt: 1,
      session: { awaiting: 'receipt', nested: { n: [1, 'two'] } },
      customer: undefined,
    });
    expect(await shop.updates.admit(input)).toEqual({ duplicate: true });
    expect(await shop.updates.admit({ ...input, sessionKey: undefined, telegramId: undefined })).toEqual({
      duplicate: true,
    });
    expect(
      await shop.updates.admit({
        update: { update_id: nextUpdateId++ },
        sessionKey: 'other',
        telegramId: undefined,
      }),
    ).toEqual({ duplicate: false, attempt: 1, session: undefined, customer: undefined });
  });

  it('drops all but one of concurrent deliveries of the same update', async () => {
    const shop = await freshShop();
    const input = { update: { update_id: nextUpdateId++ }, sessionKey: '7', telegramId: undefined };
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
      await shop.updates.admit({
        update: { update_id: nextUpdateId++ },
        sessionKey: undefined,
        telegramId: undefined,
      }),
    ).toEqual({ duplicate: false, attempt: 1, session: undefined, customer: undefined });
  });

  it('commits asynchronously only the statements marked so, and only their own transaction', async () => {
    const db = t.database.handle.db;
    const setting = 'SELECT current_setting($1) AS v';
    const lazy = preparedStatement('rf_test_lazy_commit', ['text'], setting, { asyncCommit: true });
    const plain = preparedStatement('rf_test_plain_commit', ['text'], setting);
    const shop = await freshShop();
    for (let i = 0; i < 3; i += 1) {
      expect(await inTenantPrepared(db, shop.botId, lazy, [textLiteral('synchronous_commit')])).toEqual([
        { v: 'off' },
      ]);
      expect(await inTenantPrepared(db, shop.botId, plain, [textLiteral('synchronous_commit')])).toEqual([
        { v: 'on' },
      ]);
    }
    expect(await runScript(db, `SELECT current_setting('synchronous_commit') AS v`)).toEqual([{ v: 'on' }]);
  });

  it('stores an update as the text it was received in, when told so, and writes it out otherwise', async () => {
    const shop = await freshShop();
    const payloadOf = async (updateId: number) =>
      inTenantStatement<{ big: string; text: string }>(
        t.database.handle.db,
        shop.botId,
        `SELECT payload->>'big' AS big, payload->'message'->>'text' AS text FROM update_inbox
          WHERE update_id = ${integerLiteral(updateId)}`,
      );
    // a number beyond what a JavaScript number holds exactly shows which text was stored
    const received = (updateId: number) =>
      `{"update_id":${updateId},"big":12345678901234567891,"message":{"text":"\\u0633\\u0644\\u0627\\u0645 \\ud83d\\ude00"}}`;
    const asReceived = nextUpdateId++;
    const update = JSON.parse(received(asReceived)) as StoredUpdate;
    storeAsReceived(update, received(asReceived));
    await shop.updates.admit({ update, sessionKey: undefined, telegramId: undefined });
    expect(await payloadOf(asReceived)).toEqual([{ big: '12345678901234567891', text: 'سلام 😀' }]);

    const rewritten = nextUpdateId++;
    await shop.updates.admit({
      update: JSON.parse(received(rewritten)) as StoredUpdate,
      sessionKey: undefined,
      telegramId: undefined,
    });
    expect(await payloadOf(rewritten)).toEqual([{ big: '12345678901234567000', text: 'سلام 😀' }]);
  });

  describe('the inbox', () => {
    /** Ends the claim's lease now, as if its time had passed. */
    const expireLease = (shop: TenantServices, updateId: number) =>
      inTenantStatement(
        t.database.handle.db,
        shop.botId,
        `UPDATE update_inbox SET lease_until = now() - interval '1 second'
          WHERE update_id = ${integerLiteral(updateId)}`,
      );

    it('keeps the body of a claimed update until it is finished, with the session', async () => {
      const shop = await freshShop();
      const update = { update_id: nextUpdateId++, message: { text: 'سلام\u0000\ud800 hi' } };
      expect(await shop.updates.admit({ update, sessionKey: '5', telegramId: undefined })).toMatchObject({
        duplicate: false,
        attempt: 1,
      });
      // NUL and a lone surrogate cannot be stored in jsonb: they become U+FFFD, nothing else changes
      expect(await shop.updates.get(update.update_id)).toMatchObject({
        state: 'handling',
        attempts: 1,
        payload: { update_id: update.update_id, message: { text: 'سلام\ufffd\ufffd hi' } },
      });
      expect(await shop.updates.finish(update.update_id, { key: '5', data: { awaiting: 'x' } })).toBe(true);
      expect(await shop.updates.get(update.update_id)).toMatchObject({ state: 'done', payload: null });
      expect(await shop.sessions.read('5')).toEqual({ awaiting: 'x' });
      // finished: a redelivery is a duplicate, even after the lease
      await expireLease(shop, update.update_id);
      expect(await shop.updates.admit({ update, sessionKey: '5', telegramId: undefined })).toEqual({
        duplicate: true,
      });
      expect(await shop.updates.finish(update.update_id)).toBe(false);
    });

    it('finishes updates of several shops in one go, each in its own shop and only the attempt it names', async () => {
      const a = await freshShop();
      const b = await freshShop();
      const admitted = async (shop: TenantServices) => {
        const update = { update_id: nextUpdateId++ };
        await shop.updates.admit({ update, sessionKey: undefined, telegramId: undefined });
        return update.update_id;
      };
      const [first, second, reclaimed] = [await admitted(a), await admitted(a), await admitted(a)];
      const ofB = await admitted(b);
      const notB = await admitted(b);
      // handled again since: the first attempt's late finish must leave the second's claim alone
      await expireLease(a, reclaimed);
      await a.updates.admit({
        update: { update_id: reclaimed },
        sessionKey: undefined,
        telegramId: undefined,
      });
      const errors: number[] = [];
      const queue = createFinishQueue({
        db: platformDb(t.database.handle.db),
        onError: (_error, count) => errors.push(count),
      });
      queue.add(a.botId, first, 1);
      queue.add(b.botId, ofB, 1);
      queue.add(a.botId, reclaimed, 1);
      // shop a naming shop b's update: row-level security keeps it to shop a's rows
      queue.add(a.botId, notB, 1);
      await queue.flush();
      const state = async (shop: TenantServices, updateId: number) =>
        (await shop.updates.get(updateId))?.state;
      expect(await state(a, first)).toBe('done');
      expect(await state(b, ofB)).toBe('done');
      expect(await a.updates.get(reclaimed)).toMatchObject({ state: 'handling', attempts: 2 });
      expect(await state(b, notB)).toBe('handling');
      // without a flush, sent a few milliseconds later
      queue.add(a.botId, second, 1);
      await vi.waitFor(async () => expect(await state(a, second)).toBe('done'));
      await queue.close();
      expect(errors).toEqual([]);
    });

    it('tries a batch of finishes again when it fails, and sends at once after closing', async () => {
      const shop = await freshShop();
      const admitted = async () => {
        const update = { update_id: nextUpdateId++ };
        await shop.updates.admit({ update, sessionKey: undefined, telegramId: undefined });
        return update.update_id;
      };
      const real = platformDb(t.database.handle.db);
      let failures = 1;
      const errors: number[] = [];
      const queue = createFinishQueue({
        db: {
          ...real,
          tenantsStatements: (parts, options) =>
            failures-- > 0
              ? Promise.reject(new Error('connection lost'))
              : real.tenantsStatements(parts, options),
        },
        onError: (_error, count) => errors.push(count),
      });
      const [one, two] = [await admitted(), await admitted()];
      queue.add(shop.botId, one, 1);
      queue.add(shop.botId, two, 1);
      await vi.waitFor(async () => expect((await shop.updates.get(two))?.state).toBe('done'), 5_000);
      expect((await shop.updates.get(one))?.state).toBe('done');
      expect(errors).toEqual([2]);
      await queue.close();
      const late = await admitted();
      queue.add(shop.botId, late, 1);
      await vi.waitFor(async () => expect((await shop.updates.get(late))?.state).toBe('done'));
    });

    it('hands an unfinished update to one handler again once its lease has run out', async () => {
      const shop = await freshShop();
      const update = { update_id: nextUpdateId++ };
      const input = { update, sessionKey: undefined, telegramId: undefined };
      await shop.updates.admit(input);
      // the first handler died: while its lease holds, a redelivery is a duplicate
      expect(await shop.updates.admit(input)).toEqual({ duplicate: true });
      expect((await t.app.platform.updates.find()).some((u) => u.updateId === update.update_id)).toBe(false);
      await expireLease(shop, update.update_id);
      const found = (await t.app.platform.updates.find()).filter((u) => u.botId === shop.botId);
      expect(found).toEqual([
        { botId: shop.botId, updateId: update.update_id, attempts: 1, payload: update },
      ]);
      // two handlers at once (two processes sweeping): one claims it
      const claims = await Promise.all([shop.updates.admit(input), shop.updates.admit(input)]);
      expect(claims.filter((claim) => !claim.duplicate)).toEqual([
        { duplicate: false, attempt: 2, session: undefined, customer: undefined },
      ]);
      // the lease doubles with every attempt, so an update that keeps failing is not hammered
      const row = await shop.updates.get(update.update_id);
      const leaseSeconds = (row!.leaseUntil!.getTime() - Date.now()) / 1000;
      expect(leaseSeconds).toBeGreaterThan(100);
      expect(leaseSeconds).toBeLessThanOrEqual(120);
    });

    it('a released update is found at once; a failed one is never handled again', async () => {
      const shop = await freshShop();
      const released = { update_id: nextUpdateId++ };
      await shop.updates.admit({ update: released, sessionKey: undefined, telegramId: undefined });
      await shop.updates.release(released.update_id);
      expect((await t.app.platform.updates.find()).map((u) => u.updateId)).toContain(released.update_id);
      await shop.updates.fail(released.update_id);
      expect((await t.app.platform.updates.find()).map((u) => u.updateId)).not.toContain(released.update_id);
      expect(
        await shop.updates.admit({ update: released, sessionKey: undefined, telegramId: undefined }),
      ).toEqual({ duplicate: true });
      expect(await shop.updates.get(released.update_id)).toMatchObject({
        state: 'failed',
        payload: released,
      });
    });

    it('stores a polled batch once; the handler claims each stored update', async () => {
      const shop = await freshShop();
      const batch = [{ update_id: nextUpdateId++, message: { text: 'a' } }, { update_id: nextUpdateId++ }];
      expect(await shop.updates.receive(batch)).toEqual(batch.map((u) => u.update_id));
      // fetched again (the offset did not move): nothing new
      expect(await shop.updates.receive(batch)).toEqual([]);
      expect(await shop.updates.get(batch[0]!.update_id)).toMatchObject({
        state: 'received',
        attempts: 0,
        payload: batch[0],
      });
      expect(
        await shop.updates.admit({ update: batch[0]!, sessionKey: undefined, telegramId: undefined }),
      ).toMatchObject({ duplicate: false, attempt: 1 });
      expect(
        await shop.updates.admit({ update: batch[0]!, sessionKey: undefined, telegramId: undefined }),
      ).toEqual({ duplicate: true });
    });

    it("one tenant's unfinished updates are invisible to another; the sweep cannot write them", async () => {
      const a = await freshShop();
      const b = await freshShop();
      const update = { update_id: nextUpdateId++ };
      await b.updates.admit({ update, sessionKey: undefined, telegramId: undefined });
      expect(await a.updates.get(update.update_id)).toBeUndefined();
      await a.updates.release(update.update_id);
      await a.updates.fail(update.update_id);
      expect(await b.updates.get(update.update_id)).toMatchObject({ state: 'handling' });
      // a platform transaction sees the updates in hand, and can neither change nor remove them
      await inPlatform(t.database.handle.db, async (tx) => {
        await tx.execute(sql`UPDATE update_inbox SET state = 'failed' WHERE bot_id = ${b.botId}`);
        await tx.execute(sql`DELETE FROM update_inbox WHERE bot_id = ${b.botId}`);
      });
      expect(await b.updates.get(update.update_id)).toMatchObject({ state: 'handling' });
      await b.updates.finish(update.update_id);
      expect(await b.updates.get(update.update_id)).toMatchObject({ state: 'done' });
    });

    it("prunes every shop's finished updates in one platform call, keeps unfinished ones and, in a shop's own transaction, nothing", async () => {
      const shops = [await freshShop(), await freshShop()];
      const done = shops.map(() => ({ update_id: nextUpdateId++ }));
      const open = shops.map(() => ({ update_id: nextUpdateId++ }));
      for (const [index, shop] of shops.entries()) {
        for (const update of [done[index]!, open[index]!])
          await shop.updates.admit({ update, sessionKey: undefined, telegramId: undefined });
        await shop.updates.finish(done[index]!.update_id);
      }
      const later = new Date(Date.now() + 60_000);
      // a tenant's transaction gets nothing from the function, not even its own shop's rows
      const inShop = await inTenantStatement<{ removed: number }>(
        t.database.handle.db,
        shops[0]!.botId,
        `SELECT prune_updates('${later.toISOString()}'::timestamptz)::int AS removed`,
      );
      expect(inShop[0]?.removed).toBe(0);
      for (const [index, shop] of shops.entries())
        expect(await shop.updates.get(done[index]!.update_id)).toMatchObject({ state: 'done' });
      // the platform's retention: a clock before the updates keeps everything, one after them
      // forgets the finished ones, and the ids of those still in hand stay
      expect(await t.app.platform.updates.prune(new Date(Date.now() - 60_000))).toBe(0);
      expect(await t.app.platform.updates.prune(later)).toBeGreaterThanOrEqual(2);
      for (const [index, shop] of shops.entries()) {
        expect(await shop.updates.get(done[index]!.update_id)).toBeUndefined();
        expect(await shop.updates.get(open[index]!.update_id)).toMatchObject({ state: 'handling' });
      }
    });
  });

  it('builds scripts only from safe literals', async () => {
    const json = JSON.stringify({ text: 'a "quote", a \\ and it\'s\n', name: 'علی' });
    for (const value of [
      "it's",
      'back\\slash',
      "\\'; drop table customers; --",
      'فارسی',
      '',
      "''",
      '\\',
      json,
      // the dollar quote's own tag inside the text, or split across its end
      '$t$',
      'x$t',
      '$t$t$',
      '$t0$ $t$',
      '$',
      'خوش آمدید $$',
    ]) {
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
