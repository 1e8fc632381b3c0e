import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../../sim/remnawave/index.js';
import type { VpnPanel } from '../../modules/subscriptions/vpn-panel.js';
import { createRemnawaveClient } from './client.js';
import { createRemnawavePanel, REMNAWAVE_SELLING_SCOPES } from './vpn-panel.js';

const DAY = 86_400_000;

let sim: RemnawaveSim;
let panel: VpnPanel;

/** A panel user as selling makes one, straight on the simulator. */
const newUser = (username = 'rf1c1') =>
  sim.createUser({ username, expireAt: new Date(sim.now().getTime() + 30 * DAY).toISOString() });

beforeEach(async () => {
  // only the scopes the README lists: every call below must be within them
  sim = await startRemnawaveSim({ apiTokenScopes: REMNAWAVE_SELLING_SCOPES });
  panel = createRemnawavePanel(
    createRemnawaveClient({
      baseUrl: sim.baseUrl,
      apiToken: sim.apiToken,
      timeoutMs: 500,
      retries: 1,
      retryBaseMs: 1,
    }),
  );
});

afterEach(async () => {
  expect(sim.requests().filter((r) => r.status === 403)).toEqual([]);
  await sim.close();
});

describe('remnawave panel adapter: devices', () => {
  it('lists devices with what the app reported, first added first', async () => {
    const user = newUser();
    expect(await panel.listDevices(user.id)).toEqual([]);
    sim.addDevice(user.id, 'hw-phone', { platform: 'Android', osVersion: '14', deviceModel: 'Pixel 7' });
    sim.advanceTime(1000);
    sim.addDevice(user.id, 'hw-laptop');
    const devices = await panel.listDevices(user.id);
    expect(devices).toEqual([
      { hwid: 'hw-phone', platform: 'Android', osVersion: '14', model: 'Pixel 7', addedAt: expect.any(Date) },
      { hwid: 'hw-laptop', platform: null, osVersion: null, model: null, addedAt: expect.any(Date) },
    ]);
    // the simulator's clock also runs in real time between the two calls
    expect(devices![1]!.addedAt!.getTime() - devices![0]!.addedAt!.getTime()).toBeGreaterThanOrEqual(1000);
    expect(await panel.countDevices(user.id)).toBe(2);
  });

  it('removes one device, and takes one already gone as removed', async () => {
    const user = newUser();
    sim.addDevice(user.id, 'hw-a');
    sim.addDevice(user.id, 'hw-b');
    expect((await panel.deleteDevice(user.id, 'hw-a'))?.map((d) => d.hwid)).toEqual(['hw-b']);
    // a second press, or another admin removing it first: the panel answers A204, we answer the list
    expect((await panel.deleteDevice(user.id, 'hw-a'))?.map((d) => d.hwid)).toEqual(['hw-b']);
    expect(sim.requests({ path: '/api/hwid/devices/delete' }).map((r) => r.status)).toEqual([200, 404]);
    expect(sim.getUser(user.id)?.devices.map((d) => d.hwid)).toEqual(['hw-b']);
  });

  it('removes every device, repeatably', async () => {
    const user = newUser();
    sim.addDevice(user.id, 'hw-a');
    sim.addDevice(user.id, 'hw-b');
    expect(await panel.deleteAllDevices(user.id)).toBe(true);
    expect(await panel.deleteAllDevices(user.id)).toBe(true);
    expect(sim.getUser(user.id)?.devices).toEqual([]);
  });

  it('answers null (false) for a user the panel does not have', async () => {
    expect(await panel.listDevices(999)).toBeNull();
    expect(await panel.deleteDevice(999, 'hw-a')).toBeNull();
    expect(await panel.deleteAllDevices(999)).toBe(false);
    expect(await panel.revokeLink(999)).toBeNull();
  });

  it('throws when the panel is down, so the caller can tell it from a missing user', async () => {
    const user = newUser();
    await sim.setDown(true);
    await expect(panel.listDevices(user.id)).rejects.toMatchObject({ status: 503 });
    await expect(panel.deleteDevice(user.id, 'hw-a')).rejects.toMatchObject({ status: 503 });
    await expect(panel.deleteAllDevices(user.id)).rejects.toMatchObject({ status: 503 });
    await expect(panel.revokeLink(user.id)).rejects.toMatchObject({ status: 503 });
  });
});

describe('remnawave panel adapter: a new link', () => {
  it('issues a new short uuid and link; the old link stops working, devices stay', async () => {
    const user = newUser();
    sim.addDevice(user.id, 'hw-a');
    expect((await fetch(user.subscriptionUrl)).status).toBe(200);
    sim.advanceTime(5000);

    const link = await panel.revokeLink(user.id);
    expect(link).toMatchObject({ shortUuid: expect.any(String), subscriptionUrl: expect.any(String) });
    expect(link!.shortUuid).not.toBe(user.shortUuid);
    expect(link!.subscriptionUrl).toBe(`${sim.baseUrl}/api/sub/${link!.shortUuid}`);
    // the panel's own clock, to order the change among the panel's events
    expect(link!.changedAt?.getTime()).toBe(sim.getUser(user.id)!.updatedAt.getTime());
    expect(link!.changedAt!.getTime()).toBeGreaterThan(user.updatedAt.getTime());

    expect((await fetch(user.subscriptionUrl)).status).toBe(404);
    expect((await fetch(link!.subscriptionUrl)).status).toBe(200);
    expect(sim.getUser(user.id)?.devices.map((d) => d.hwid)).toEqual(['hw-a']);
    expect(sim.requests({ path: '/api/users/:id/actions/revoke' })).toHaveLength(1);
  });
});
