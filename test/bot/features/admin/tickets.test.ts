import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../../../sim/telegram/index.js';
import type { TenantServices } from '../../../../src/app.js';
import type { CustomerId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../../support/fleet.js';
import {
  callbacks,
  enterShop,
  forgePress,
  latestMessageId,
  newCustomer,
  openTestShop,
} from '../../../support/shop.js';

describe.each(BACKENDS)('support tickets in the tenant admin menu on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  async function openShop(name: string) {
    const admin = h.sim.user({ firstName: 'Ava', languageCode: 'en' });
    const { shop, services } = await openTestShop(h, name, { admins: [admin.id] });
    await services.flags.set('support_tickets', true);
    await services.settings.set('support_mode', 'tickets', 'tenant');
    await enterShop(h, shop, admin);
    return { shop, services, admin };
  }

  const textOf = (m: { text?: string; caption?: string }) => m.text ?? m.caption ?? '';
  const says = (shop: ShopUnderTest, user: SimUser, wanted: (text: string) => boolean) =>
    h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && wanted(textOf(m)), { timeoutMs: 5000 });
  /** Presses a button on the admin's latest message and waits for the screen to show `wanted`. */
  async function press(shop: ShopUnderTest, user: SimUser, data: string, wanted: (text: string) => boolean) {
    const pressed = user.pressButton(shop.bot, data);
    await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    return says(shop, user, wanted);
  }
  /** A press no message offered (a crafted update) on the latest message; resolves when answered. */
  async function forge(shop: ShopUnderTest, user: SimUser, data: string) {
    await forgePress(h, shop, user, data);
  }
  const openTicket = async (services: TenantServices, customerId: CustomerId, text: string) => {
    const opened = await services.tickets.open(customerId, { text });
    if (opened.status !== 'opened') throw new Error(opened.status);
    return opened.ticket.id;
  };

  it('lists open tickets waiting first, closes and reopens one, and the customer is told each time', async () => {
    const { shop, services, admin } = await openShop('Desk');
    const { user: customer, customerId } = await newCustomer(h, shop, 'Nima');
    const since = latestMessageId(h, shop, admin);
    admin.sendCommand(shop.bot, 'admin');
    const empty = await h.sim.waitForMessage(shop.bot, admin, (m) => m.fromBot && m.messageId > since);
    expect(empty.buttons.flat().find((b) => b.callbackData === 'adm:tickets')?.text).toBe('🎫 Tickets');
    await press(shop, admin, 'adm:tickets', (text) => text === '🎫 There are no open tickets.');

    const answered = await openTicket(services, customerId, 'Old question');
    await services.tickets.addAdminMessage(answered, { text: 'Old answer' });
    const waiting = await openTicket(services, customerId, 'New question');
    const list = await press(shop, admin, 'adm:home', (text) => text.includes('Admin menu'));
    expect(callbacks(list)).toContain('adm:tickets');
    const screen = await press(shop, admin, 'adm:tickets', (text) => text.includes('Open tickets: 2'));
    expect(textOf(screen)).toContain('Waiting for an answer: 1');
    // the one waiting for an answer comes first
    expect(callbacks(screen).filter((data) => data.startsWith('adm:tkt:'))).toEqual([
      `adm:tkt:${waiting}`,
      `adm:tkt:${answered}`,
    ]);

    const card = await press(shop, admin, `adm:tkt:${answered}`, (text) => text.includes('Old answer'));
    expect(textOf(card)).toContain('answered, waiting for the customer');
    expect(textOf(card)).toContain('Customer: Nima');
    await press(shop, admin, `adm:tkt:${answered}:close`, (text) => text.includes('Status: closed'));
    await says(shop, customer, (text) => text.includes(`Support closed your ticket #${answered}`));
    await press(shop, admin, `adm:tkt:${answered}:reopen`, (text) => text.includes('answered, waiting'));
    await says(shop, customer, (text) => text.includes(`Support reopened your ticket #${answered}`));
    expect((await services.tickets.history(answered)).map((m) => m.kind)).toEqual([
      'message',
      'message',
      'closed',
      'reopened',
    ]);
  });

  it("another shop's ticket id in the admin menu is not found, and changes nothing", async () => {
    const a = await openShop('Desk A');
    const b = await openShop('Desk B');
    const { customerId } = await newCustomer(h, a.shop, 'Customer of A');
    const ticketOfA = await openTicket(a.services, customerId, 'Only for A');
    b.admin.sendCommand(b.shop.bot, 'admin');
    await says(b.shop, b.admin, (text) => text.includes('Admin menu'));
    for (const data of [
      `adm:tkt:${ticketOfA}`,
      `adm:tkt:${ticketOfA}:close`,
      `adm:tkt:${ticketOfA}:answer`,
    ]) {
      await forge(b.shop, b.admin, data);
      await says(b.shop, b.admin, (text) => text === 'This ticket was not found.');
    }
    expect(await a.services.tickets.get(ticketOfA)).toMatchObject({ status: 'open' });
    expect(await a.services.tickets.history(ticketOfA)).toHaveLength(1);
  });
});
