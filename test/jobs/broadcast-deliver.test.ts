import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../sim/telegram/index.js';
import { createTranslator } from '../../src/bot/i18n.js';
import { createNotices, type Notices } from '../../src/bot/notices/notices.js';
import { broadcastDeliver } from '../../src/jobs/definitions/broadcast-deliver.js';
import { createJobRunner, type JobRunner } from '../../src/jobs/runner.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { BACKENDS } from '../support/database.js';
import { eventually, type FleetHarness, startFleetHarness } from '../support/fleet.js';
import { openTestShop } from '../support/shop.js';

/**
 * A delivering process dies between sending and marking (its sends went out, its marks did not):
 * another runner takes the job over and finishes the broadcast, and nobody gets it twice.
 */
describe.each(BACKENDS)('broadcast delivery across a crash on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling', { rateLimit: { perBotPerSecond: 30 } });
    // the platform's own runner stays out of it: the test runs the two "processes" itself
    await h.platform.jobs.stop();
  }, 60_000);
  afterAll(() => h.close());

  const runnerWith = (notices: Notices): JobRunner =>
    createJobRunner({
      queue: h.testApp.app.platform.jobs,
      logger: createSilentLogger(),
      definitions: [broadcastDeliver],
      jobDeps: { app: h.testApp.app, notices },
      options: { pollIntervalMs: 20 },
    });

  it('resumes after a crash mid-batch: the unmarked sends count unknown, the rest are delivered once', {
    timeout: 60_000,
  }, async () => {
    const { shop, services } = await openTestShop(h, 'Crashy');
    const users: SimUser[] = [];
    for (let i = 0; i < 40; i += 1) users.push(h.sim.user({ firstName: `U${i}`, languageCode: 'en' }));
    for (const user of users) user.start(shop.bot);
    await eventually(
      async () => (await services.broadcasts.countRecipients({ segment: 'all' })) === 40,
      'forty customers',
      15_000,
    );
    // the welcome replies filled the bot's second (some waited out a 429): start on a fresh one
    for (const user of users)
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot, { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const notices = createNotices({
      app: h.testApp.app,
      fleet: h.platform.fleet,
      translator: createTranslator(),
    });
    let sends = 0;
    let crashed = false;
    // the run sends its second's worth (25) at once; from the 12th answer on the process "dies"
    // before anything is marked (every one of the 25 sends had gone out)
    const dying: Notices = {
      ...notices,
      broadcastSender(botId) {
        const real = notices.broadcastSender(botId);
        return {
          async send(broadcast, chatId, signal) {
            const result = await real.send(broadcast, chatId, signal);
            if (result.kind === 'sent') sends += 1;
            if (sends >= 12) {
              crashed = true;
              throw new Error('process killed');
            }
            return result;
          },
        };
      },
    };
    const first = runnerWith(dying);
    await first.start();
    const created = await services.broadcasts.create({
      text: 'Crash test',
      audience: { segment: 'all' },
      origin: 'api',
    });
    if (!created.ok) throw new Error(created.error.message);
    await eventually(() => crashed, 'the first process died', 10_000);
    await first.stop();
    const stuck = await services.broadcasts.progress(created.value.id);
    // only the second's worth in flight was claimed: the rest stayed in the queue
    expect(stuck?.counts).toMatchObject({ sent: 0, sending: 25, pending: 15 });

    const second = runnerWith(notices);
    await second.start();
    try {
      await eventually(
        async () => (await services.broadcasts.get(created.value.id))?.status === 'done',
        'the second process finished it',
        // the dead run's slots of the bot's pace come back once its sends must have ended (16 s)
        40_000,
      );
    } finally {
      await second.stop();
    }
    const perUser = users.map(
      (user) =>
        h.sim.chat(shop.bot, user).messages.filter((m) => m.fromBot && m.text === 'Crash test').length,
    );
    expect(Math.max(...perUser)).toBe(1);
    const done = await services.broadcasts.progress(created.value.id);
    // the second in flight at the crash is unknown: never sent again
    expect(done?.counts).toMatchObject({ sent: 15, unknown: 25, pending: 0, sending: 0, failed: 0 });
    // those 25 did get it once (their sends had gone out), so every customer has it exactly once
    expect(perUser.filter((n) => n === 1)).toHaveLength(40);
  });
});
