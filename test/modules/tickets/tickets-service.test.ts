import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { jobs, supportTickets } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { asTicketId, subjectOf } from '../../../src/modules/tickets/tickets-service.js';
import type { Clock } from '../../../src/shared/clock.js';
import type { CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

let nextTelegramId = 7_500_000_000;

/** A clock the test moves: the per-minute limit is counted against it. */
const movableClock = () => {
  let now = Date.parse('2026-03-01T10:00:00Z');
  const clock: Clock & { advance(ms: number): void } = {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
  return clock;
};

describe.each(BACKENDS)('support tickets on %s', (backend) => {
  let t: TestApp;
  const clock = movableClock();
  beforeAll(async () => {
    t = await createTestApp(backend, { clock });
  });
  afterAll(() => t.close());

  const freshShop = async (): Promise<TenantServices> =>
    t.app.forTenant((await createTenant(t.app)).tenant.id);
  const newCustomer = async (shop: TenantServices): Promise<CustomerId> =>
    (await shop.customers.register({ telegramId: nextTelegramId++, firstName: 'Sara' }, 'fa')).customer.id;
  const deliveryJobs = (shop: TenantServices) =>
    inTenant(t.database.handle.db, shop.botId, (tx) =>
      tx
        .select({ key: jobs.dedupeKey })
        .from(jobs)
        .where(and(eq(jobs.botId, shop.botId), eq(jobs.name, 'ticket-deliver'))),
    );

  it('opens a ticket from the first message, keeps the history and queues each event for delivery', async () => {
    const shop = await freshShop();
    const customer = await newCustomer(shop);
    const opened = await shop.tickets.open(customer, { text: '  VPN does not   connect\nsince morning  ' });
    if (opened.status !== 'opened') throw new Error(opened.status);
    expect(opened.ticket).toMatchObject({
      customerId: customer,
      status: 'open',
      subject: 'VPN does not connect since morning',
    });
    const id = opened.ticket.id;

    const answer = await shop.tickets.addAdminMessage(id, { text: 'Which app?' }, { adminTelegramId: 99 });
    expect(answer).toMatchObject({ status: 'added', ticket: { status: 'answered' } });
    const photo = await shop.tickets.addCustomerMessage(customer, id, {
      text: 'this one',
      file: { kind: 'photo', fileId: 'photo-1' },
    });
    expect(photo).toMatchObject({ status: 'added', ticket: { status: 'open' } });
    expect(await shop.tickets.close(id, { author: 'admin', adminTelegramId: 99 })).toMatchObject({
      status: 'changed',
      ticket: { status: 'closed' },
    });
    expect(await shop.tickets.close(id, { author: 'admin' })).toMatchObject({ status: 'unchanged' });
    expect(await shop.tickets.addAdminMessage(id, { text: 'late' })).toMatchObject({ status: 'closed' });
    expect(await shop.tickets.addCustomerMessage(customer, id, { text: 'late' })).toMatchObject({
      status: 'closed',
    });
    expect(await shop.tickets.reopen(id, { author: 'customer', customerId: customer })).toMatchObject({
      status: 'changed',
      ticket: { status: 'open', closedAt: null },
    });

    const history = await shop.tickets.history(id);
    expect(history.map((m) => [m.kind, m.author, m.text, m.fileKind])).toEqual([
      ['message', 'customer', 'VPN does not   connect\nsince morning', null],
      ['message', 'admin', 'Which app?', null],
      ['message', 'customer', 'this one', 'photo'],
      ['closed', 'admin', null, null],
      ['reopened', 'customer', null, null],
    ]);
    expect(history[1]?.adminTelegramId).toBe(99);
    expect((await shop.tickets.history(id, 2)).map((m) => m.kind)).toEqual(['closed', 'reopened']);
    expect((await deliveryJobs(shop)).map((j) => j.key).sort()).toEqual(
      history.map((m) => `ticket-deliver:${m.id}`).sort(),
    );
    const first = await shop.tickets.getEvent(history[0]!.id);
    expect(first).toMatchObject({ isFirst: true, ticket: { id } });
    expect((await shop.tickets.getEvent(history[2]!.id))?.isFirst).toBe(false);
  });

  it('refuses empty messages and cuts the subject to a line', async () => {
    const shop = await freshShop();
    const customer = await newCustomer(shop);
    expect(await shop.tickets.open(customer, { text: '   ' })).toEqual({ status: 'empty' });
    const fileOnly = await shop.tickets.open(customer, { file: { kind: 'document', fileId: 'doc-1' } });
    expect(fileOnly).toMatchObject({ status: 'opened', ticket: { subject: '' } });
    expect(subjectOf('x'.repeat(200))).toHaveLength(80);
  });

  it('a customer sees and changes only their own tickets', async () => {
    const shop = await freshShop();
    const alice = await newCustomer(shop);
    const bob = await newCustomer(shop);
    const opened = await shop.tickets.open(alice, { text: 'help' });
    if (opened.status !== 'opened') throw new Error(opened.status);
    const id = opened.ticket.id;
    expect(await shop.tickets.getForCustomer(bob, id)).toBeUndefined();
    expect(await shop.tickets.addCustomerMessage(bob, id, { text: 'mine?' })).toEqual({
      status: 'not_found',
    });
    expect(await shop.tickets.close(id, { author: 'customer', customerId: bob })).toEqual({
      status: 'not_found',
    });
    expect(await shop.tickets.findForCustomer(bob)).toEqual([]);
    expect((await shop.tickets.findForCustomer(alice)).map((ticket) => ticket.id)).toEqual([id]);
    expect((await shop.tickets.history(id)).length).toBe(1);
  });

  it('limits open tickets per customer, also under 20 concurrent attempts', async () => {
    const shop = await freshShop();
    await shop.settings.set('ticket_max_open', 3, 'tenant');
    await shop.settings.set('ticket_messages_per_minute', 60, 'tenant');
    const customer = await newCustomer(shop);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) => shop.tickets.open(customer, { text: `problem ${n}` })),
    );
    expect(outcomes.filter((o) => o.status === 'opened')).toHaveLength(3);
    expect(outcomes.filter((o) => o.status === 'too_many_open')).toHaveLength(17);
    expect(outcomes.find((o) => o.status === 'too_many_open')).toEqual({ status: 'too_many_open', limit: 3 });
    expect(await shop.tickets.canOpen(customer)).toEqual({ ok: false, limit: 3 });

    // closing one makes room; reopening it past the limit is refused
    const [first, second] = outcomes.flatMap((o) => (o.status === 'opened' ? [o.ticket.id] : []));
    await shop.tickets.close(first!, { author: 'customer', customerId: customer });
    expect(await shop.tickets.canOpen(customer)).toEqual({ ok: true });
    expect(await shop.tickets.open(customer, { text: 'another' })).toMatchObject({ status: 'opened' });
    expect(await shop.tickets.reopen(first!, { author: 'customer', customerId: customer })).toEqual({
      status: 'too_many_open',
      limit: 3,
    });
    // an admin may reopen whatever the customer's count
    expect(await shop.tickets.reopen(first!, { author: 'admin' })).toMatchObject({ status: 'changed' });
    expect(second).toBeDefined();
  });

  it('limits messages per minute per customer, also under 20 concurrent attempts', async () => {
    const shop = await freshShop();
    await shop.settings.set('ticket_messages_per_minute', 5, 'tenant');
    const customer = await newCustomer(shop);
    const opened = await shop.tickets.open(customer, { text: 'first' });
    if (opened.status !== 'opened') throw new Error(opened.status);
    const id = opened.ticket.id;
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        shop.tickets.addCustomerMessage(customer, id, { text: `more ${n}` }),
      ),
    );
    // the opening message counts: four more fit in the minute
    expect(outcomes.filter((o) => o.status === 'added')).toHaveLength(4);
    expect(outcomes.filter((o) => o.status === 'too_fast')).toHaveLength(16);
    expect(await shop.tickets.open(customer, { text: 'new one' })).toEqual({ status: 'too_fast', limit: 5 });
    // admins' answers are not counted against the customer
    expect(await shop.tickets.addAdminMessage(id, { text: 'slow down' })).toMatchObject({ status: 'added' });
    // closing is never refused, but reopening counts like a message: toggling cannot flood the admins
    const actor = { author: 'customer', customerId: customer } as const;
    expect(await shop.tickets.close(id, actor)).toMatchObject({ status: 'changed' });
    expect(await shop.tickets.reopen(id, actor)).toEqual({ status: 'too_fast', limit: 5 });
    clock.advance(61_000);
    expect(await shop.tickets.reopen(id, actor)).toMatchObject({ status: 'changed' });
    expect(await shop.tickets.addCustomerMessage(customer, id, { text: 'a minute later' })).toMatchObject({
      status: 'added',
    });
    const fromCustomer = (await shop.tickets.history(id)).filter((m) => m.author === 'customer');
    expect(fromCustomer.map((m) => m.kind)).toEqual([
      ...Array.from({ length: 5 }, () => 'message'),
      'closed',
      'reopened',
      'message',
    ]);
  });

  it('an update handled twice records its message once', async () => {
    const shop = await freshShop();
    const customer = await newCustomer(shop);
    const [a, b] = await Promise.all([
      shop.tickets.open(customer, { text: 'same update' }, 4242),
      shop.tickets.open(customer, { text: 'same update' }, 4242),
    ]);
    if (a?.status !== 'opened' || b?.status !== 'opened') throw new Error('not opened');
    expect(a.ticket.id).toBe(b.ticket.id);
    expect(a.message.id).toBe(b.message.id);
    const again = await shop.tickets.addAdminMessage(
      a.ticket.id,
      { text: 'answer' },
      { sourceUpdateId: 4243 },
    );
    const twice = await shop.tickets.addAdminMessage(
      a.ticket.id,
      { text: 'answer' },
      { sourceUpdateId: 4243 },
    );
    expect(again).toMatchObject({ status: 'added' });
    expect(twice).toMatchObject({ status: 'added' });
    expect((await shop.tickets.history(a.ticket.id)).length).toBe(2);
  });

  it("one shop can neither read, answer nor close another shop's ticket, nor find its deliveries", async () => {
    const shopA = await freshShop();
    const shopB = await freshShop();
    const customerA = await newCustomer(shopA);
    const opened = await shopA.tickets.open(customerA, { text: 'A problem' });
    if (opened.status !== 'opened') throw new Error(opened.status);
    const id = opened.ticket.id;
    await shopA.tickets.recordDelivery({
      chatId: -100_777,
      telegramMessageId: 15,
      ticketId: id,
      ticketMessageId: opened.message.id,
      side: 'admins',
    });

    expect(await shopB.tickets.get(id)).toBeUndefined();
    expect(await shopB.tickets.history(id)).toEqual([]);
    expect(await shopB.tickets.getEvent(opened.message.id)).toBeUndefined();
    expect(await shopB.tickets.addAdminMessage(id, { text: 'from B' })).toEqual({ status: 'not_found' });
    expect(await shopB.tickets.close(id, { author: 'admin' })).toEqual({ status: 'not_found' });
    expect(await shopB.tickets.reopen(id, { author: 'admin' })).toEqual({ status: 'not_found' });
    expect(await shopB.tickets.findByDelivery(-100_777, 15)).toBeUndefined();
    expect(await shopB.tickets.findOpen()).toEqual([]);
    expect((await shopB.tickets.findPage({ limit: 50, offset: 0 })).total).toBe(0);
    // B cannot point a delivery of its own at A's ticket: the composite key refuses it
    await expect(
      shopB.tickets.recordDelivery({
        chatId: -100_888,
        telegramMessageId: 15,
        ticketId: id,
        ticketMessageId: opened.message.id,
        side: 'admins',
      }),
    ).rejects.toThrow();

    expect(await shopA.tickets.findByDelivery(-100_777, 15)).toMatchObject({
      side: 'admins',
      ticket: { id },
    });
    const unchanged = await inTenant(t.database.handle.db, shopA.botId, (tx) =>
      tx.select().from(supportTickets).where(eq(supportTickets.id, id)),
    );
    expect(unchanged[0]).toMatchObject({ status: 'open' });
    expect((await shopA.tickets.history(asTicketId(id))).length).toBe(1);
  });
});
