import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { ticketMessageView, ticketView } from '../../../src/http/api/tickets-routes.js';
import { asTicketId } from '../../../src/modules/tickets/tickets-service.js';
import type { BotId, CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

let nextTelegramId = 8_700_000_000;

describe.each(BACKENDS)('tickets API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  const shopWithTicket = async (text = 'My link does not work') => {
    const { id, apiToken } = await h.tenant();
    const services = h.app.forTenant(id);
    const { customer } = await services.customers.register(
      { telegramId: nextTelegramId++, firstName: 'Mina' },
      'fa',
    );
    const opened = await services.tickets.open(customer.id as CustomerId, { text });
    if (opened.status !== 'opened') throw new Error(opened.status);
    return { id, apiToken, services, customerId: customer.id, ticketId: opened.ticket.id };
  };
  const deliveries = (botId: BotId) =>
    inTenant(h.t.database.handle.db, botId, (tx) =>
      tx
        .select({ key: jobs.dedupeKey })
        .from(jobs)
        .where(and(eq(jobs.botId, botId), eq(jobs.name, 'ticket-deliver'))),
    );

  it('lists tickets with filters and shows one with its history', async () => {
    const { id, apiToken, services, customerId, ticketId } = await shopWithTicket();
    const second = await services.tickets.open(customerId as CustomerId, { text: 'Second question' });
    if (second.status !== 'opened') throw new Error(second.status);
    await services.tickets.close(second.ticket.id, {
      author: 'customer',
      customerId: customerId as CustomerId,
    });

    const all = await h.call('GET', `/api/v1/bots/${id}/tickets`, { token: apiToken });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    for (const item of all.body.items) ticketView.strict().parse(item);
    const open = await h.call('GET', `/api/v1/bots/${id}/tickets?status=open`, { token: apiToken });
    expect(open.body.items.map((t: { id: number }) => t.id)).toEqual([ticketId]);
    const mine = await h.call('GET', `/api/v1/bots/${id}/tickets?customerId=${customerId}&status=closed`, {
      token: OPERATOR_TOKEN,
    });
    expect(mine.body.items).toMatchObject([
      { id: second.ticket.id, status: 'closed', subject: 'Second question' },
    ]);

    const one = await h.call('GET', `/api/v1/bots/${id}/tickets/${ticketId}`, { token: apiToken });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: ticketId,
      customerId,
      status: 'open',
      subject: 'My link does not work',
      messages: [{ kind: 'message', author: 'customer', text: 'My link does not work', fileKind: null }],
    });
    expect(one.body.messages[0]).not.toHaveProperty('fileId');

    const bad = await h.call('GET', `/api/v1/bots/${id}/tickets?status=pending`, { token: apiToken });
    expectErrorBody(bad, 400, 'invalid_request');
    const missing = await h.call('GET', `/api/v1/bots/${id}/tickets/99999999`, { token: apiToken });
    expectErrorBody(missing, 404, 'not_found');
  });

  it('replies to a ticket (queued for the customer), closes, refuses a reply while closed, reopens', async () => {
    const { id, apiToken, services, ticketId } = await shopWithTicket();
    const path = `/api/v1/bots/${id}/tickets/${ticketId}`;
    const reply = await h.call('POST', `${path}/reply`, {
      token: apiToken,
      body: { text: 'Try the new link' },
    });
    expect(reply.status).toBe(201);
    const message = ticketMessageView.strict().parse(reply.body);
    expect(message).toMatchObject({
      kind: 'message',
      author: 'admin',
      adminTelegramId: null,
      text: 'Try the new link',
    });
    expect((await services.tickets.get(asTicketId(ticketId)))?.status).toBe('answered');
    expect((await deliveries(id)).map((j) => j.key)).toContain(`ticket-deliver:${message.id}`);

    for (const body of [{ text: '   ' }, { text: 'x'.repeat(4097) }, {}, { text: 'ok', extra: 1 }]) {
      const refused = await h.call('POST', `${path}/reply`, { token: apiToken, body });
      expectErrorBody(refused, 400, 'invalid_request');
    }

    const closed = await h.call('POST', `${path}/close`, { token: apiToken });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ id: ticketId, status: 'closed' });
    expect(closed.body.closedAt).not.toBeNull();
    const again = await h.call('POST', `${path}/close`, { token: apiToken });
    expect(again.body).toMatchObject({ status: 'closed', closedAt: closed.body.closedAt });

    const whileClosed = await h.call('POST', `${path}/reply`, { token: apiToken, body: { text: 'late' } });
    expectErrorBody(whileClosed, 409, 'conflict');

    const reopened = await h.call('POST', `${path}/reopen`, { token: OPERATOR_TOKEN });
    expect(reopened.body).toMatchObject({ status: 'answered', closedAt: null });
    const history = await services.tickets.history(asTicketId(ticketId));
    expect(history.map((m) => [m.kind, m.author])).toEqual([
      ['message', 'customer'],
      ['message', 'admin'],
      ['closed', 'admin'],
      ['reopened', 'admin'],
    ]);
  });
});
