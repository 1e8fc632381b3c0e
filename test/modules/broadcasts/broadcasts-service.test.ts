import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { broadcastRecipients, jobs, subscriptions } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import type { Audience } from '../../../src/modules/broadcasts/segments.js';
import type { BotId, CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { expectErr, expectOk } from '../helpers.js';

let nextTelegramId = 7_700_000_000;
const DAY = 86_400_000;

describe.each(BACKENDS)('broadcasts on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const db = () => t.database.handle.db;
  const freshShop = async (): Promise<TenantServices> =>
    t.app.forTenant((await createTenant(t.app)).tenant.id);

  const customer = async (
    shop: TenantServices,
    language: 'fa' | 'en' | 'ru',
    options: {
      subscriptions?: { isTrial: boolean; expiresInDays: number }[];
      banned?: boolean;
      unreachable?: boolean;
    } = {},
  ): Promise<CustomerId> => {
    const { customer: row } = await shop.customers.register(
      { telegramId: nextTelegramId++, firstName: 'C' },
      language,
    );
    const id = row.id as CustomerId;
    await inTenant(db(), shop.botId, async (tx) => {
      let ordinal = 1;
      for (const sub of options.subscriptions ?? []) {
        await tx.insert(subscriptions).values({
          botId: shop.botId,
          customerId: id,
          isTrial: sub.isTrial,
          status: sub.expiresInDays > 0 ? 'active' : 'expired',
          panelUsername: `rf${shop.botId}c${id}s${ordinal}`,
          ordinal: ordinal++,
          expiresAt: new Date(Date.now() + sub.expiresInDays * DAY),
        });
      }
      if (options.banned) await tx.execute(sql`UPDATE customers SET is_blocked = true WHERE id = ${id}`);
      if (options.unreachable)
        await tx.execute(sql`UPDATE customers SET unreachable_since = now() WHERE id = ${id}`);
    });
    return id;
  };

  /** Lets the bot send again now (the tests do not wait for the pace). */
  const resetPace = (botId: BotId) =>
    inTenant(db(), botId, (tx) =>
      tx.execute(sql`UPDATE broadcast_pace SET next_send_at = now() - interval '1 second', slots = '{}'`),
    );

  const recipientStatuses = (botId: BotId, broadcastId: number) =>
    inTenant(db(), botId, (tx) =>
      tx
        .select({ customerId: broadcastRecipients.customerId, status: broadcastRecipients.status })
        .from(broadcastRecipients)
        .where(sql`${broadcastRecipients.broadcastId} = ${broadcastId}`),
    );

  /** A shop with one customer of every kind the segments tell apart. */
  const segmentedShop = async () => {
    const shop = await freshShop();
    const c = {
      active: await customer(shop, 'fa', { subscriptions: [{ isTrial: false, expiresInDays: 10 }] }),
      expired: await customer(shop, 'en', { subscriptions: [{ isTrial: false, expiresInDays: -1 }] }),
      trial: await customer(shop, 'fa', { subscriptions: [{ isTrial: true, expiresInDays: 2 }] }),
      nothing: await customer(shop, 'ru'),
      // an expired paid subscription beside a running one: active, not expired
      renewed: await customer(shop, 'en', {
        subscriptions: [
          { isTrial: false, expiresInDays: -30 },
          { isTrial: false, expiresInDays: 20 },
        ],
      }),
      banned: await customer(shop, 'fa', {
        subscriptions: [{ isTrial: false, expiresInDays: 10 }],
        banned: true,
      }),
      unreachable: await customer(shop, 'en', { unreachable: true }),
    };
    return { shop, c };
  };

  it('counts each segment, never with banned or unreachable customers', async () => {
    const { shop } = await segmentedShop();
    const count = (audience: Audience) => shop.broadcasts.countRecipients(audience);
    expect(await count({ segment: 'all' })).toBe(5);
    expect(await count({ segment: 'active' })).toBe(2);
    expect(await count({ segment: 'expired' })).toBe(1);
    expect(await count({ segment: 'never_bought' })).toBe(2);
    expect(await count({ segment: 'trial_only' })).toBe(1);
    expect(await count({ segment: 'language', language: 'fa' })).toBe(2);
    expect(await count({ segment: 'language', language: 'en' })).toBe(2);
    expect(await count({ segment: 'language', language: 'ru' })).toBe(1);
  });

  it('materialises exactly the segment at confirmation and queues its delivery', async () => {
    const { shop, c } = await segmentedShop();
    const broadcast = expectOk(
      await shop.broadcasts.create({ text: 'Hello', audience: { segment: 'active' }, origin: 'api' }),
    );
    expect(broadcast).toMatchObject({ status: 'sending', total: 2, segment: 'active', text: 'Hello' });
    const rows = await recipientStatuses(shop.botId, broadcast.id);
    expect(rows.map((row) => row.customerId).sort()).toEqual([c.active, c.renewed].sort());
    expect(rows.every((row) => row.status === 'pending')).toBe(true);
    const queued = await inTenant(db(), shop.botId, (tx) =>
      tx.select({ dedupeKey: jobs.dedupeKey }).from(jobs).where(sql`${jobs.name} = 'broadcast-deliver'`),
    );
    expect(queued.map((job) => job.dedupeKey)).toContain(`broadcast-deliver:${broadcast.id}:0`);
    // a customer joining later is not added
    await customer(shop, 'fa', { subscriptions: [{ isTrial: false, expiresInDays: 5 }] });
    expect((await shop.broadcasts.progress(broadcast.id))?.broadcast.total).toBe(2);
  });

  it('refuses an empty segment, a caption too long for a photo, a bad button link and a shop with broadcasts off', async () => {
    const shop = await freshShop();
    await customer(shop, 'fa');
    expect(
      expectErr(await shop.broadcasts.create({ text: 'x', audience: { segment: 'active' }, origin: 'api' }))
        .code,
    ).toBe('empty');
    expect(await shop.broadcasts.list()).toEqual([]);
    const caption = expectErr(
      await shop.broadcasts.create({
        text: 'x'.repeat(1025),
        photo: 'AgAD',
        audience: { segment: 'all' },
        origin: 'api',
      }),
    );
    expect(caption).toMatchObject({ code: 'invalid', field: 'text' });
    const button = expectErr(
      await shop.broadcasts.create({
        text: 'x',
        button: { text: 'Go', url: 'javascript:alert(1)' },
        audience: { segment: 'all' },
        origin: 'api',
      }),
    );
    expect(button).toMatchObject({ code: 'invalid', field: 'button.url' });
    const photo = expectErr(
      await shop.broadcasts.create({
        text: 'x',
        photo: 'file:///etc/passwd',
        audience: { segment: 'all' },
        origin: 'api',
      }),
    );
    expect(photo).toMatchObject({ code: 'invalid', field: 'photo' });
    // a tg:// link and an operator's photo (the master bot's file id, uploaded by this bot)
    const operators = expectOk(
      await shop.broadcasts.create({
        text: 'x',
        photo: 'AgACAgIAAxkBAAIB',
        photoBotId: shop.botId,
        button: { text: 'Support', url: 'tg://resolve?domain=support' },
        audience: { segment: 'all' },
        origin: 'operator',
      }),
    );
    expect(operators).toMatchObject({
      photo: 'AgACAgIAAxkBAAIB',
      photoBotId: shop.botId,
      button: { text: 'Support', url: 'tg://resolve?domain=support' },
    });
    await shop.flags.set('broadcasts', false);
    expect(
      expectErr(await shop.broadcasts.create({ text: 'x', audience: { segment: 'all' }, origin: 'admin' }))
        .code,
    ).toBe('disabled');
  });

  it('claims a second of sends at a time on the bot clock, which 20 concurrent runs share', async () => {
    const shop = await freshShop();
    for (let i = 0; i < 12; i += 1) await customer(shop, 'fa');
    const broadcast = expectOk(
      await shop.broadcasts.create({ text: 'Hi', audience: { segment: 'all' }, origin: 'api' }),
    );
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, attempt) =>
        shop.broadcasts.delivery.claimRun(broadcast.id, {
          step: attempt,
          attempt: 1,
          ratePerSecond: 5,
          batchSize: 5,
        }),
      ),
    );
    const batches = runs.filter((run) => run.kind === 'batch');
    expect(batches).toHaveLength(1);
    expect(batches[0]?.kind === 'batch' && batches[0].recipients).toHaveLength(5);
    for (const run of runs.filter((r) => r.kind !== 'batch')) {
      expect(run.kind).toBe('wait');
      // the bot's five slots are held by the run sending: the others look again within a second
      expect(run.kind === 'wait' && run.delayMs).toBeGreaterThan(500);
      expect(run.kind === 'wait' && run.delayMs).toBeLessThanOrEqual(1000);
    }
    // a broadcast of the same bot waits on the same clock
    const other = expectOk(
      await shop.broadcasts.create({ text: 'Again', audience: { segment: 'all' }, origin: 'api' }),
    );
    expect(
      (
        await shop.broadcasts.delivery.claimRun(other.id, {
          step: 0,
          attempt: 1,
          ratePerSecond: 5,
          batchSize: 5,
        })
      ).kind,
    ).toBe('wait');
  });

  it("paces by the bot's slots: each comes free when the run that used it says (a second after its send came back)", async () => {
    const shop = await freshShop();
    for (let i = 0; i < 8; i += 1) await customer(shop, 'fa');
    const broadcast = expectOk(
      await shop.broadcasts.create({ text: 'Hi', audience: { segment: 'all' }, origin: 'api' }),
    );
    const delivery = shop.broadcasts.delivery;
    const claim = (step: number, inlineWaitMs = 0) =>
      delivery.claimRun(broadcast.id, {
        step,
        attempt: 1,
        ratePerSecond: 5,
        batchSize: 5,
        inlineWaitMs,
        spreadMs: 300,
      });
    const first = await claim(0);
    if (first.kind !== 'batch') throw new Error(first.kind);
    expect(first.recipients.map((r) => r.startInMs)).toEqual([0, 0, 0, 0, 0]);
    // all five slots are held while the run sends: nobody else may send for this bot
    const held = await claim(1, 500);
    expect(held).toMatchObject({ kind: 'wait', delayMs: 1000 });
    // the five sends came back 200, 200, 100, 0 and 0 ms before the run ended: their slots are
    // free a second after that
    const finished = await delivery.finishRun(broadcast.id, 0, {
      outcomes: first.recipients.map((r) => ({ customerId: r.customerId, status: 'sent' as const })),
      retry: [],
      slots: first.slots,
      slotFreeAt: [800, 800, 900, 1000, 1000].map((ms) => performance.now() + ms),
      ratePerSecond: 5,
      next: false,
    });
    expect(finished.delayMs).toBeGreaterThan(700);
    expect(finished.delayMs).toBeLessThanOrEqual(800);
    // the next run claims the three left, each to be sent when its slot comes free
    const next = await claim(2, 1000);
    if (next.kind !== 'batch') throw new Error(next.kind);
    const starts = next.recipients.map((r) => r.startInMs);
    expect(starts).toHaveLength(3);
    expect(starts[0]).toBeGreaterThan(650);
    expect(starts[0]).toBeLessThanOrEqual(800);
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(99);
    expect(starts[2]! - starts[0]!).toBeLessThanOrEqual(101);
  });

  it('never hands out a recipient twice: what a dead run claimed becomes unknown, the rest is delivered', async () => {
    const shop = await freshShop();
    for (let i = 0; i < 7; i += 1) await customer(shop, 'en');
    const broadcast = expectOk(
      await shop.broadcasts.create({ text: 'Hi', audience: { segment: 'all' }, origin: 'api' }),
    );
    const delivery = shop.broadcasts.delivery;
    const first = await delivery.claimRun(broadcast.id, {
      step: 0,
      attempt: 1,
      ratePerSecond: 25,
      batchSize: 3,
    });
    if (first.kind !== 'batch') throw new Error(`expected a batch, got ${first.kind}`);
    // the run sent one and was marked, then died before marking the other two
    await delivery.markOutcomes(broadcast.id, [
      { customerId: first.recipients[0]!.customerId, status: 'sent' },
    ]);
    await resetPace(shop.botId);
    const retried = await delivery.claimRun(broadcast.id, {
      step: 0,
      attempt: 2,
      ratePerSecond: 25,
      batchSize: 10,
    });
    if (retried.kind !== 'batch') throw new Error(`expected a batch, got ${retried.kind}`);
    const firstIds = first.recipients.map((r) => r.customerId);
    expect(retried.recipients.map((r) => r.customerId).filter((id) => firstIds.includes(id))).toEqual([]);
    expect(retried.recipients).toHaveLength(4);
    await delivery.markOutcomes(
      broadcast.id,
      retried.recipients.map((r) => ({ customerId: r.customerId, status: 'sent' as const })),
    );
    await resetPace(shop.botId);
    const last = await delivery.claimRun(broadcast.id, {
      step: 1,
      attempt: 1,
      ratePerSecond: 25,
      batchSize: 10,
    });
    expect(last.kind).toBe('finished');
    const progress = await shop.broadcasts.progress(broadcast.id);
    expect(progress?.broadcast.status).toBe('done');
    expect(progress?.counts).toMatchObject({ sent: 5, unknown: 2, pending: 0, sending: 0 });
  });

  it('gives rows back on a 429 and on 5xx (a few times), marks 403 customers unreachable', async () => {
    const shop = await freshShop();
    const ids = [await customer(shop, 'fa'), await customer(shop, 'fa'), await customer(shop, 'fa')];
    const broadcast = expectOk(
      await shop.broadcasts.create({ text: 'Hi', audience: { segment: 'all' }, origin: 'api' }),
    );
    const delivery = shop.broadcasts.delivery;
    const run = await delivery.claimRun(broadcast.id, {
      step: 0,
      attempt: 1,
      ratePerSecond: 25,
      batchSize: 3,
    });
    if (run.kind !== 'batch') throw new Error(run.kind);
    const [blocked, limited, flaky] = run.recipients.map((r) => r.customerId) as [number, number, number];
    await delivery.markOutcomes(broadcast.id, [{ customerId: blocked, status: 'blocked' }]);
    await delivery.flooded(broadcast.id, 3000, [limited]);
    await delivery.retryLater(broadcast.id, [flaky]);
    // the 429 paused the bot's clock for three seconds
    const paused = await delivery.claimRun(broadcast.id, {
      step: 1,
      attempt: 1,
      ratePerSecond: 25,
      batchSize: 3,
    });
    expect(paused.kind).toBe('wait');
    expect(paused.kind === 'wait' && paused.delayMs).toBeGreaterThan(2000);
    expect((await shop.customers.get(blocked as CustomerId))?.unreachableSince).toBeInstanceOf(Date);
    expect((await shop.customers.get(ids.find((id) => id !== blocked)!))?.unreachableSince).toBeNull();
    // 5xx twice more: the third attempt fails for good; the 429'd row is not counted as an attempt
    for (let step = 2; step <= 3; step += 1) {
      await resetPace(shop.botId);
      const again = await delivery.claimRun(broadcast.id, {
        step,
        attempt: 1,
        ratePerSecond: 25,
        batchSize: 3,
      });
      if (again.kind !== 'batch') throw new Error(again.kind);
      expect(again.recipients.map((r) => r.customerId).sort()).toEqual(
        step === 2 ? [limited, flaky].sort() : [flaky],
      );
      if (step === 2) await delivery.markOutcomes(broadcast.id, [{ customerId: limited, status: 'sent' }]);
      await delivery.retryLater(broadcast.id, [flaky]);
    }
    const progress = await shop.broadcasts.progress(broadcast.id);
    expect(progress?.counts).toMatchObject({ sent: 1, blocked: 1, failed: 1, pending: 0 });
  });

  it('cancels: pending recipients are never sent, and a finished broadcast cannot be cancelled', async () => {
    const shop = await freshShop();
    for (let i = 0; i < 4; i += 1) await customer(shop, 'ru');
    const broadcast = expectOk(
      await shop.broadcasts.create({ text: 'Hi', audience: { segment: 'all' }, origin: 'api' }),
    );
    const run = await shop.broadcasts.delivery.claimRun(broadcast.id, {
      step: 0,
      attempt: 1,
      ratePerSecond: 25,
      batchSize: 1,
    });
    expect(run.kind).toBe('batch');
    expect(expectOk(await shop.broadcasts.cancel(broadcast.id)).status).toBe('cancelled');
    expect(expectErr(await shop.broadcasts.cancel(broadcast.id)).code).toBe('finished');
    const progress = await shop.broadcasts.progress(broadcast.id);
    expect(progress?.counts).toMatchObject({ cancelled: 3, sending: 1, pending: 0 });
    await resetPace(shop.botId);
    const after = await shop.broadcasts.delivery.claimRun(broadcast.id, {
      step: 1,
      attempt: 1,
      ratePerSecond: 25,
      batchSize: 5,
    });
    expect(after.kind).toBe('stopped');
    expect(await shop.broadcasts.delivery.claimReport(broadcast.id)).toBe(true);
    expect(await shop.broadcasts.delivery.claimReport(broadcast.id)).toBe(false);
    expect(expectErr(await shop.broadcasts.cancel(999_999)).code).toBe('not_found');
  });

  it("keeps shops apart: B's broadcast holds only B's customers and A cannot see or cancel it", async () => {
    const a = await freshShop();
    const b = await freshShop();
    const aCustomer = await customer(a, 'fa');
    const bCustomer = await customer(b, 'fa');
    const broadcast = expectOk(
      await b.broadcasts.create({ text: 'B only', audience: { segment: 'all' }, origin: 'api' }),
    );
    expect((await recipientStatuses(b.botId, broadcast.id)).map((row) => row.customerId)).toEqual([
      bCustomer,
    ]);
    expect(await a.broadcasts.get(broadcast.id)).toBeUndefined();
    expect(await a.broadcasts.progress(broadcast.id)).toBeUndefined();
    expect(await a.broadcasts.list()).toEqual([]);
    expect(expectErr(await a.broadcasts.cancel(broadcast.id)).code).toBe('not_found');
    expect(
      (
        await a.broadcasts.delivery.claimRun(broadcast.id, {
          step: 0,
          attempt: 1,
          ratePerSecond: 25,
          batchSize: 5,
        })
      ).kind,
    ).toBe('missing');
    expect((await b.broadcasts.get(broadcast.id))?.status).toBe('sending');
    expect(aCustomer).not.toBe(bCustomer);
  });
});
