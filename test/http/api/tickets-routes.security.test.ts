import { expect } from 'vitest';
import { asTicketId } from '../../../src/modules/tickets/tickets-service.js';
import { asCustomerId } from '../../../src/shared/ids.js';
import { describeSecurity, type Fixture } from './security.js';

/*
 * The tickets routes' refusals: the shared fixture has no ticket, so each tenant's customer opens
 * one, and the tickets and their histories are in the snapshot of what a refusal must leave alone.
 */

interface TicketFixture extends Fixture {
  readonly ticketId: number;
}

const ticket =
  (rest = '') =>
  (bot: TicketFixture, items: TicketFixture = bot) =>
    `/api/v1/bots/${bot.id}/tickets/${items.ticketId}${rest}`;

describeSecurity<TicketFixture>(
  'tickets',
  [
    { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/tickets` },
    { method: 'GET', path: ticket(), nested: true },
    {
      method: 'POST',
      path: ticket('/reply'),
      body: { text: 'an answer from the wrong place' },
      nested: true,
    },
    { method: 'POST', path: ticket('/close'), nested: true },
    { method: 'POST', path: ticket('/reopen'), nested: true },
  ],
  {
    items: 'ticket',
    fixture: async (h, fixture, name) => {
      const opened = await h.app
        .forTenant(fixture.id)
        .tickets.open(asCustomerId(fixture.customerId), { text: `${name} needs help` });
      if (opened.status !== 'opened') throw new Error('fixture');
      return { ...fixture, ticketId: opened.ticket.id };
    },
    state: async (h, fixture) => {
      const tickets = h.app.forTenant(fixture.id).tickets;
      return {
        tickets: await tickets.findPage({ limit: 50, offset: 0 }),
        history: await tickets.history(asTicketId(fixture.ticketId)),
      };
    },
    afterwards: async ({ h, a, b }) => {
      const list = await h.call('GET', `/api/v1/bots/${a.id}/tickets`, { token: a.apiToken });
      expect(list.body.items.map((t: { id: number }) => t.id)).toEqual([a.ticketId]);
      expect(await h.app.forTenant(b.id).tickets.get(asTicketId(b.ticketId))).toMatchObject({
        status: 'open',
      });
    },
  },
);
