import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/bot/i18n.js';
import { jobs } from '../../src/db/schema.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import { floodWaitNotice } from '../../src/jobs/definitions/flood-wait-notice.js';
import type { BotId } from '../../src/shared/ids.js';
import { BACKENDS } from '../support/database.js';
import { type FleetHarness, startFleetHarness } from '../support/fleet.js';
import { hasButton } from '../support/shop.js';

const en = createTranslator().forLanguage('en');

/**
 * A 429 whose retry_after is longer than the fleet waits inside an update (1 s here, 30 s in
 * production): Telegram is telling the bot to slow down, not reporting a failure of ours.
 */
describe.each(BACKENDS)('a flood wait longer than the interactive cap on %s', (backend) => {
  let h: FleetHarness;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling', { maxRetryDelaySeconds: 1 });
  }, 60_000);
  afterAll(() => h.close());

  const healthOf = async (id: BotId) => (await h.testApp.app.platform.tenants.get(id))?.healthStatus;

  it('sends no apology into the limited chat, keeps the bot healthy and tells the customer after the wait', async () => {
    const shop = await h.addTenant('Flooded');
    const user = h.sim.user({ firstName: 'Parisa', languageCode: 'en' });
    const since = h.sim.mark();
    h.sim.fault({
      botId: shop.bot,
      method: 'sendMessage',
      chatId: user.id,
      kind: 'rate-limit',
      retryAfter: 2,
      times: 1,
    });
    user.start(shop.bot);

    const deferred = await h.sim.waitForCall({
      botId: shop.bot,
      method: 'sendMessage',
      chatId: user.id,
      since,
      ok: true,
      match: (params) => params.text === en('error-flood-wait'),
      timeoutMs: 15_000,
    });
    const sends = h.sim.calls({ botId: shop.bot, method: 'sendMessage', chatId: user.id, since });
    const limited = sends.find((call) => call.status === 429);
    expect(limited?.response).toMatchObject({ parameters: { retry_after: 2 } });
    // the job runs no earlier than Telegram allowed (its run_at is set after the 429 was answered)
    expect(deferred.at - limited!.at).toBeGreaterThanOrEqual(2000);
    expect(sends.filter((call) => call.params.text === en('error-apology'))).toEqual([]);
    expect(await healthOf(shop.id)).not.toBe('failing');
    expect(h.platform.fleet.status().find((bot) => bot.botId === shop.id)?.health).not.toBe('failing');

    // the customer repeats the step, as the notice asks, and the bot answers normally
    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && hasButton(m, 'menu:buy'));
  });

  it('sends one notice per chat however many updates the flood wait cut short', async () => {
    const shop = await h.addTenant('Flooded twice');
    const user = h.sim.user({ firstName: 'Kian', languageCode: 'en' });
    const since = h.sim.mark();
    h.sim.fault({
      botId: shop.bot,
      method: 'sendMessage',
      chatId: user.id,
      kind: 'rate-limit',
      retryAfter: 2,
      times: 2,
    });
    user.start(shop.bot);
    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.text === en('error-flood-wait'), {
      timeoutMs: 15_000,
    });
    const limited = h.sim.calls({ botId: shop.bot, method: 'sendMessage', chatId: user.id, since });
    expect(limited.filter((call) => call.status === 429)).toHaveLength(2);
    // the notice was sent by the one job both failures asked for (same chat, same wait)
    const notices = await inTenant(h.testApp.database.handle.db, shop.id, (tx) =>
      tx
        .select({ status: jobs.status })
        .from(jobs)
        .where(and(eq(jobs.botId, shop.id), eq(jobs.name, floodWaitNotice.name))),
    );
    expect(notices).toHaveLength(1);
  });
});
