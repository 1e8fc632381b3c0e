import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floodWaitNotice } from '../../../src/jobs/definitions/flood-wait-notice.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, type FleetHarness, startFleetHarness } from '../../support/fleet.js';
import { newCustomer, openTestShop } from '../../support/shop.js';

/**
 * A customer who blocked the bot is not written to again until they come back: Telegram tells the
 * bot (my_chat_member) or answers a send with 403; /start or unblocking clears it.
 */
describe.each(BACKENDS)('customers who blocked the bot on %s', (backend) => {
  let h: FleetHarness;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  it('is marked by my_chat_member, skipped by notices, and cleared by unblocking and /start', async () => {
    const { shop, services } = await openTestShop(h, 'Blocked');
    const { user, customerId } = await newCustomer(h, shop, 'Bea');
    const unreachable = async () => (await services.customers.get(customerId))?.unreachableSince ?? null;

    user.blockBot(shop.bot);
    await eventually(async () => (await unreachable()) !== null, 'marked by my_chat_member', 5000);

    // a notice for them is done without a send: nothing reaches Telegram for that chat
    const mark = h.sim.mark();
    await services.jobs.enqueue(floodWaitNotice, { chatId: user.id, language: 'en' });
    await h.platform.jobs.drain();
    expect(h.sim.calls({ method: 'sendMessage', since: mark })).toEqual([]);

    user.unblockBot(shop.bot);
    await eventually(async () => (await unreachable()) === null, 'cleared by unblocking', 5000);

    // a 403 on a send marks them too (here without a my_chat_member update), and /start clears it
    h.sim.fault({ kind: 'blocked', chatId: user.id, times: 1 });
    await services.jobs.enqueue(floodWaitNotice, { chatId: user.id, language: 'en' }, { dedupeKey: 'again' });
    await h.platform.jobs.drain();
    expect(await unreachable()).not.toBeNull();
    expect((await h.platform.jobs.store.counts(floodWaitNotice.name)).failed).toBe(0);
    user.start(shop.bot);
    await eventually(async () => (await unreachable()) === null, 'cleared by /start', 5000);
  });
});
