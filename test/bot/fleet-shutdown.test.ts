import { describe, expect, it } from 'vitest';
import { startTelegramSim } from '../../sim/telegram/index.js';
import { startPlatform } from '../../src/platform.js';
import { BACKENDS, createTestApp, freePort, TEST_ENCRYPTION_KEY } from '../support/database.js';
import { createLogCapture, rememberSecret } from '../support/log-capture.js';

const TENANTS = 60;
/** Slow enough that stop comes while many starts are still on their way. */
const SET_WEBHOOK_DELAY_MS = 400;

/** pino levels: 50 error, 60 fatal. */
const errorLines = (lines: readonly string[]) =>
  lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

describe.each(BACKENDS)('fleet stopped while its bots are starting, on %s', (backend) => {
  it('starts nothing after a signal during start-up and rejects once nothing touches the database', async () => {
    const sim = await startTelegramSim();
    const testApp = await createTestApp(backend);
    const logs = createLogCapture('debug');
    const port = await freePort();
    try {
      for (let i = 0; i < TENANTS; i++) {
        const bot = sim.addBot({ username: `startup_${i}_bot` });
        rememberSecret('bot token', bot.token);
        const created = await testApp.app.platform.tenants.create({ name: bot.username, token: bot.token });
        if (!created.ok) throw new Error(created.error.message);
      }
      sim.fault({ kind: 'delay', method: 'setWebhook', ms: SET_WEBHOOK_DELAY_MS });
      const shutdown = new AbortController();
      const starting = startPlatform(testApp.app, logs.logger, {
        apiRoot: sim.apiRoot,
        mode: 'webhook',
        publicBaseUrl: `http://127.0.0.1:${port}`,
        secretKey: TEST_ENCRYPTION_KEY,
        http: { host: '127.0.0.1', port },
        signal: shutdown.signal,
      });
      await sim.waitForCall({ method: 'getMe', timeoutMs: 5000 });
      shutdown.abort(new Error('SIGTERM while starting'));
      await expect(starting).rejects.toThrow('SIGTERM while starting');
      const mark = sim.mark();
      // the first batch (32 at once) was under way; the rest of the 60 never began
      expect(sim.calls({ method: 'getMe' }).length).toBeLessThan(TENANTS);
      await testApp.close();
      await new Promise((resolve) => setTimeout(resolve, SET_WEBHOOK_DELAY_MS * 2));
      expect(sim.calls({ since: mark })).toEqual([]);
      expect(errorLines(logs.lines)).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('lets queued starts give up, waits for the ones in flight, and logs no errors', async () => {
    const sim = await startTelegramSim();
    const testApp = await createTestApp(backend);
    const logs = createLogCapture('debug');
    const port = await freePort();
    const platform = await startPlatform(testApp.app, logs.logger, {
      apiRoot: sim.apiRoot,
      mode: 'webhook',
      publicBaseUrl: `http://127.0.0.1:${port}`,
      secretKey: TEST_ENCRYPTION_KEY,
      http: { host: '127.0.0.1', port },
      jobs: { pollIntervalMs: 60_000 },
    });
    try {
      sim.fault({ kind: 'delay', method: 'getMe', ms: 50 });
      sim.fault({ kind: 'delay', method: 'setWebhook', ms: SET_WEBHOOK_DELAY_MS });
      const bots = Array.from({ length: TENANTS }, (_, i) => sim.addBot({ username: `shutdown_${i}_bot` }));
      // the registry's change notifications start them, as tenants created by the API or another process
      const creating = (async () => {
        for (const bot of bots) {
          rememberSecret('bot token', bot.token);
          const created = await testApp.app.platform.tenants.create({ name: bot.username, token: bot.token });
          if (!created.ok) throw new Error(created.error.message);
        }
      })();
      // the first bot is now in its slow setWebhook, and more are created and starting behind it
      await sim.waitForCall({ method: 'getMe', timeoutMs: 5000 });
      await platform.stop();
      const mark = sim.mark();
      await creating;

      // nothing still starting that would reach for the database once it is closed
      expect(platform.fleet.status().filter((bot) => bot.state === 'starting')).toEqual([]);
      await testApp.close();
      // A start that outlived stop would fail on the closed pool only once its slow setWebhook
      // answers: give it that long, so such a failure lands in the log checked below.
      await new Promise((resolve) => setTimeout(resolve, SET_WEBHOOK_DELAY_MS * 2));
      expect(sim.calls({ since: mark })).toEqual([]);
      expect(errorLines(logs.lines)).toEqual([]);
      logs.expectNoLeaks();
    } finally {
      await platform.stop();
      await sim.close();
    }
  });
});
