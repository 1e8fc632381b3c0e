import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/database.js';
import { eventually, type FleetHarness, startFleetHarness } from '../support/fleet.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * The health probe asks Telegram about each bot once per interval, spread over it: in a small
 * fleet that is one bot now and then, not one every tick; a polled bot is not probed at all (its
 * long poll fails with the 401 a probe would find).
 */
describe.each(BACKENDS)('health probe pace on %s', (backend) => {
  describe('webhook mode', () => {
    let h: FleetHarness;
    beforeAll(async () => {
      // ticks of a second, one bot: a probe every fourth tick
      h = await startFleetHarness(backend, 'webhook', { healthProbeIntervalMs: 4000 });
    }, 60_000);
    afterAll(() => h.close());

    it('probes a lone bot once per interval, not once a tick', async () => {
      const shop = await h.addTenant('Probed');
      const mark = h.sim.mark();
      const probes = () => h.sim.calls({ botId: shop.bot.id, method: 'getWebhookInfo', since: mark }).length;
      await sleep(2500);
      // a tick a second would have probed it twice by now
      expect(probes()).toBe(0);
      await eventually(() => probes() === 1, 'probed within the interval', 5000);
      await sleep(1500);
      expect(probes()).toBe(1);
    });
  });

  describe('polling mode', () => {
    let h: FleetHarness;
    beforeAll(async () => {
      h = await startFleetHarness(backend, 'polling');
    }, 60_000);
    afterAll(() => h.close());

    it('does not probe a bot it polls', async () => {
      const shop = await h.addTenant('Polled');
      const mark = h.sim.mark();
      // every bot is due once per 300 ms in the harness: five rounds
      await sleep(1500);
      expect(h.sim.calls({ botId: shop.bot.id, method: 'getMe', since: mark })).toEqual([]);
      // polled all along: its long poll is what would have failed
      expect(h.platform.fleet.status().find((bot) => bot.botId === shop.id)?.polling).toBe(true);
    });
  });
});
