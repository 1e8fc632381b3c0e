import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPollLeases, fairShare, type PollLeases } from '../../src/bot/poll-leases.js';
import { loadConfig } from '../../src/config.js';
import type { BotId } from '../../src/shared/ids.js';
import { createSilentLogger, type Logger } from '../../src/shared/logger.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';

/** A logger that keeps the messages of errors (enough of pino's shape for the coordinator). */
const recording = (errors: string[]): Logger => {
  const logger = {
    child: () => logger,
    error: (message: string) => errors.push(message),
    warn: () => undefined,
    info: () => undefined,
    debug: () => undefined,
  };
  return logger as unknown as Logger;
};

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
const live = (...ids: string[]) => ids.map((instanceId, i) => ({ instanceId, startedAt: at(i) }));

describe('fairShare', () => {
  it('gives every live process an even share, the oldest taking the odd bots, adding up to all', () => {
    for (const total of [0, 1, 2, 8, 9, 10, 1000]) {
      for (const count of [1, 2, 3, 4, 7]) {
        const ids = Array.from({ length: count }, (_, i) => `i${i}`);
        const shares = ids.map((id) => fairShare(live(...ids), id, total));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        // older processes never get fewer than younger ones (no bot moves for a newcomer's luck)
        expect([...shares].sort((a, b) => b - a)).toEqual(shares);
      }
    }
    expect(fairShare(live('a', 'b', 'c'), 'b', 9)).toBe(3);
    expect(fairShare(live('a', 'b', 'c', 'd'), 'a', 9)).toBe(3);
    expect(fairShare(live('a', 'b', 'c', 'd'), 'd', 9)).toBe(2);
  });

  it('counts a process missing from the view as the youngest', () => {
    expect(fairShare(live('a', 'b'), 'c', 9)).toBe(3);
  });
});

describe('INSTANCE_ID and lease timing (config)', () => {
  const key = '8c1f5a7e3b9d24c6f08e71a5d3c92b4e6f1a08d7c5e3b92f4a6d18c07e5b3f91';
  it('defaults: a random id per start; a dead process is taken over within 30 s', () => {
    const first = loadConfig({ ENCRYPTION_KEY: key });
    const second = loadConfig({ ENCRYPTION_KEY: key });
    expect(first.instance.named).toBe(false);
    expect(first.instance.id).not.toBe(second.instance.id);
    // a lease runs out leaseMs after the last heartbeat; a live process notices at its next one
    expect(first.instance.leaseMs + first.instance.heartbeatMs).toBeLessThanOrEqual(30_000);
  });

  it('takes INSTANCE_ID and refuses a lease shorter than two heartbeats', () => {
    const named = loadConfig({ ENCRYPTION_KEY: key, INSTANCE_ID: 'bots-1', POLL_HEARTBEAT_SECONDS: '0.5' });
    expect(named.instance).toMatchObject({ id: 'bots-1', named: true, heartbeatMs: 500 });
    expect(() =>
      loadConfig({ ENCRYPTION_KEY: key, POLL_HEARTBEAT_SECONDS: '5', POLL_LEASE_SECONDS: '8' }),
    ).toThrow(/POLL_LEASE_SECONDS: must be at least twice POLL_HEARTBEAT_SECONDS/);
    expect(() => loadConfig({ ENCRYPTION_KEY: key, INSTANCE_ID: 'has space' })).toThrow(/INSTANCE_ID/);
  });
});

/**
 * The lease policy against the real tables, several coordinators in one process standing for
 * several processes (PGlite too: nothing here needs a second process). Heartbeats are driven by
 * hand, so every step is deterministic; a "killed" process simply beats no more.
 */
describe.each(BACKENDS)('poll leases on %s', (backend) => {
  let t: TestApp;
  let bots: BotId[];
  /** Which process polls each bot now: two at once fails the test on the spot. */
  const pollers = new Map<BotId, string>();
  const overlaps: string[] = [];
  const LEASE_MS = 1500;

  const coordinator = (instanceId: string): PollLeases => {
    const polling = new Set<BotId>();
    return createPollLeases({
      store: t.app.platform.coordination,
      options: { instanceId, heartbeatMs: 300, leaseMs: LEASE_MS },
      logger: createSilentLogger(),
      candidates: () => [...bots],
      startPolling: (botId) => {
        const other = pollers.get(botId);
        if (other && other !== instanceId) overlaps.push(`${botId}: ${other} and ${instanceId}`);
        pollers.set(botId, instanceId);
        polling.add(botId);
      },
      stopPolling: async (botId) => {
        polling.delete(botId);
        if (pollers.get(botId) === instanceId) pollers.delete(botId);
      },
      isPolling: (botId) => polling.has(botId),
    });
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    bots = [];
    for (let i = 0; i < 9; i++) bots.push((await createTenant(t.app, `Shop ${i}`)).tenant.id);
  });
  afterAll(() => t.close());

  const stoppedPolling = (instanceId: string) =>
    pollers.forEach((owner, botId) => {
      if (owner === instanceId) pollers.delete(botId);
    });
  const counts = async () => {
    const byInstance = new Map<string, number>();
    for (const lease of await t.app.platform.coordination.leases())
      byInstance.set(lease.instanceId, (byInstance.get(lease.instanceId) ?? 0) + 1);
    return Object.fromEntries([...byInstance].sort(([a], [b]) => a.localeCompare(b)));
  };
  const beatAll = async (rounds: number, ...all: PollLeases[]) => {
    for (let round = 0; round < rounds; round++) for (const each of all) await each.beat();
  };

  it('one process takes every bot; newcomers get their share without a bot polled twice', async () => {
    const a = coordinator('a');
    await a.beat();
    expect(a.held()).toEqual([...bots].sort((x, y) => x - y));
    const b = coordinator('b');
    await beatAll(3, b, a);
    expect(await counts()).toEqual({ a: 5, b: 4 });
    const c = coordinator('c');
    await beatAll(3, c, a, b);
    expect(await counts()).toEqual({ a: 3, b: 3, c: 3 });
    expect(overlaps).toEqual([]);
    // every bot polled, each by the process holding its lease
    const leases = await t.app.platform.coordination.leases();
    expect(leases).toHaveLength(9);
    for (const lease of leases) expect(pollers.get(lease.botId)).toBe(lease.instanceId);

    // c dies: it beats no more; once its leases ran out, a and b share its bots
    // a killed process polls nothing: its long polls die with it
    stoppedPolling('c');
    const deadline = Date.now() + LEASE_MS + 200;
    while (Date.now() < deadline) {
      await beatAll(1, a, b);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await beatAll(3, a, b);
    expect(await counts()).toEqual({ a: 5, b: 4 });
    expect(overlaps).toEqual([]);

    // a stops cleanly: its leases go at once, b takes every bot at its next beat
    stoppedPolling('a'); // the fleet stops its runners before the leases go
    await a.stop();
    await b.beat();
    expect(await counts()).toEqual({ b: 9 });
    expect(overlaps).toEqual([]);
    await b.stop();
    expect(await counts()).toEqual({});
  });

  it('a restart under the same INSTANCE_ID takes its leases back at once; two at once are noticed', async () => {
    const first = coordinator('fixed');
    await first.beat();
    expect(first.held()).toHaveLength(9);
    pollers.clear();
    // killed, then started again with the same INSTANCE_ID: no waiting for the leases to run out
    const again = coordinator('fixed');
    await again.beat();
    expect(again.held()).toHaveLength(9);
    // the old one's late clean stop leaves the new one's leases alone
    await first.stop();
    expect(await counts()).toEqual({ fixed: 9 });
    await again.beat();
    expect(again.held()).toHaveLength(9);
    // the first was alive after all: its next beat finds another process key in its row
    const logged: string[] = [];
    const watched = createPollLeases({
      store: t.app.platform.coordination,
      options: { instanceId: 'twin', heartbeatMs: 300, leaseMs: LEASE_MS },
      logger: recording(logged),
      candidates: () => [],
      startPolling: () => undefined,
      stopPolling: async () => undefined,
      isPolling: () => false,
    });
    const twin = coordinator('twin');
    await watched.beat();
    await twin.beat();
    await watched.beat();
    expect(logged.join('\n')).toMatch(/another running process uses this INSTANCE_ID/);
    await Promise.all([again.stop(), twin.stop(), watched.stop()]);
  });

  it('webhook mode: one process of several claims the setting of a webhook', async () => {
    const coordination = t.app.platform.coordination;
    const botId = bots[0]!;
    const claims = await Promise.all(
      Array.from({ length: 4 }, () => coordination.claimWebhook(botId, 'fingerprint-1')),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await coordination.claimWebhook(botId, 'fingerprint-1')).toBe(false);
    // the claimant's setWebhook failed: the claim goes back, the next start claims again
    await coordination.unclaimWebhook(botId, 'fingerprint-1');
    expect(await coordination.claimWebhook(botId, 'fingerprint-1')).toBe(true);
    // a new token, url or secret is a new fingerprint: set again
    expect(await coordination.claimWebhook(botId, 'fingerprint-2')).toBe(true);
    // each bot's claim is its own: another's leaves this one's recorded
    const other = bots[1]!;
    expect(await coordination.claimWebhook(other, "it's $t$ 2")).toBe(true);
    expect(await coordination.claimWebhook(other, "it's $t$ 2")).toBe(false);
    expect(await coordination.claimWebhook(botId, 'fingerprint-2')).toBe(false);
  });
});
