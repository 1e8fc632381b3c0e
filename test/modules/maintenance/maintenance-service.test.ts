import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app.js';
import { openDatabase } from '../../../src/db/database.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { createSecretBox } from '../../../src/shared/crypto.js';
import type { BotId } from '../../../src/shared/ids.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import {
  BACKENDS,
  createTenant,
  createTestApp,
  TEST_ENCRYPTION_KEY,
  type TestApp,
} from '../../support/database.js';
import { eventually } from '../../support/fleet.js';

describe.each(BACKENDS)('maintenance mode on %s', (backend) => {
  let t: TestApp;
  let shopA: BotId;
  let shopB: BotId;

  beforeAll(async () => {
    t = await createTestApp(backend);
    shopA = (await createTenant(t.app, 'A')).tenant.id;
    shopB = (await createTenant(t.app, 'B')).tenant.id;
  }, 60_000);
  afterAll(() => t.close());

  it("switches one shop only: the other shop's customers are served", async () => {
    const a = t.app.forTenant(shopA).maintenance;
    const b = t.app.forTenant(shopB).maintenance;
    expect(await a.state()).toMatchObject({ on: false, shop: { on: false, since: null } });

    const on = await a.set(true);
    expect(on.on).toBe(true);
    expect(on.since).toBeInstanceOf(Date);
    expect((await a.state()).on).toBe(true);
    expect((await b.state()).on).toBe(false);
    expect(await t.app.platform.maintenance.isOn(shopA)).toBe(true);
    expect(await t.app.platform.maintenance.isOn(shopB)).toBe(false);
    expect(await t.app.platform.maintenance.shopsInMaintenance()).toBe(1);
    // the fleet's copy of the tenant follows it (the registry row)
    expect((await t.app.platform.tenants.get(shopA))?.maintenanceSince).toEqual(on.since);

    // on again keeps the first moment
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await a.set(true)).since).toEqual(on.since);

    expect(await a.set(false)).toEqual({ on: false, since: null });
    expect(await t.app.platform.maintenance.isOn(shopA)).toBe(false);
    expect(await t.app.platform.maintenance.shopsInMaintenance()).toBe(0);
  });

  it('switches every shop at once from the platform, and back', async () => {
    const platform = t.app.platform.maintenance;
    const on = await platform.set(true, 42);
    expect(on.on).toBe(true);
    for (const id of [shopA, shopB]) {
      const state = await t.app.forTenant(id).maintenance.state();
      expect(state).toMatchObject({ on: true, platform: { on: true }, shop: { on: false } });
    }
    // a shop's own switch is its own: ending the platform's leaves it as it was
    await t.app.forTenant(shopB).maintenance.set(true);
    await platform.set(false);
    expect((await t.app.forTenant(shopA).maintenance.state()).on).toBe(false);
    expect((await t.app.forTenant(shopB).maintenance.state()).on).toBe(true);
    await t.app.forTenant(shopB).maintenance.set(false);
  });

  it("a shop's transaction cannot switch another shop", async () => {
    // what `forTenant(A).maintenance.set` runs, aimed at B: the bots policy shows A its own row only
    const changed = await inTenant(t.database.handle.db, shopA, (tx) =>
      tx.execute(sql`update bots set maintenance_since = now() where id = ${shopB} returning id`),
    );
    expect((changed as unknown as { rows: unknown[] }).rows).toEqual([]);
    expect((await t.app.forTenant(shopB).maintenance.state()).shop.on).toBe(false);
    // and the platform's switch is out of a shop's sight altogether
    const seen = await inTenant(t.database.handle.db, shopA, (tx) =>
      tx.execute(sql`select * from platform_maintenance`),
    );
    expect((seen as unknown as { rows: unknown[] }).rows).toEqual([]);
  });

  it.skipIf(backend !== 'postgres')('another process hears of a change within a moment', async () => {
    const other = await openDatabase({
      url: t.database.url,
      appUrl: t.database.appUrl,
      logger: createSilentLogger(),
      migrate: false,
    });
    const otherApp = createApp({
      database: other,
      secrets: createSecretBox(TEST_ENCRYPTION_KEY),
      logger: createSilentLogger(),
    });
    await otherApp.start();
    try {
      // read once there, so each process holds the "off" answer in its cache
      expect(await otherApp.platform.maintenance.isOn(shopA)).toBe(false);
      await t.app.forTenant(shopA).maintenance.set(true);
      await eventually(() => otherApp.platform.maintenance.isOn(shopA), 'shop switch heard', 2000);
      expect(await otherApp.platform.maintenance.isOn(shopB)).toBe(false);
      await t.app.platform.maintenance.set(true);
      await eventually(() => otherApp.platform.maintenance.isOn(shopB), 'platform switch heard', 2000);
      await t.app.platform.maintenance.set(false);
      await t.app.forTenant(shopA).maintenance.set(false);
      await eventually(
        async () =>
          !(await otherApp.platform.maintenance.isOn(shopA)) &&
          !(await otherApp.platform.maintenance.isOn(shopB)),
        'both switched off heard',
        2000,
      );
    } finally {
      await otherApp.stop();
      await other.close();
    }
  });
});
