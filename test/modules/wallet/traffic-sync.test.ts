import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from '../../../sim/remnawave/index.js';
import { subscriptions } from '../../../src/db/schema.js';
import { inTenant, tenantDb } from '../../../src/db/tenant-tx.js';
import {
  createRemnawaveClient,
  isNotFound,
  type RemnawaveClient,
} from '../../../src/integrations/remnawave/index.js';
import { syncTenantTraffic } from '../../../src/modules/wallet/traffic-sync.js';
import type { BotId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

const GB = 1024 ** 3;
const SYNCED_AT = new Date('2025-03-01T10:00:00Z');
let nextTelegramId = 7_200_000_000;

describe.each(BACKENDS)('traffic sync from the panel on %s', (backend) => {
  let t: TestApp;
  let sim: RemnawaveSim;
  let client: RemnawaveClient;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    sim = await startRemnawaveSim();
    client = createRemnawaveClient({
      baseUrl: sim.baseUrl,
      apiToken: sim.apiToken,
      timeoutMs: 1_000,
      retries: 0,
    });
  });
  afterEach(() => sim.close());

  const db = () => t.database.handle.db;

  /** A panel user through the real client, and the tenant's subscription row pointing to it. */
  const subscribe = async (botId: BotId, username: string, panelUserId?: number) => {
    const { customer } = await t.app
      .forTenant(botId)
      .customers.register({ telegramId: nextTelegramId++ }, 'fa');
    const userId =
      panelUserId ??
      (await client.createUser({ username, expireAt: new Date(Date.now() + 30 * 86_400_000) })).id;
    const [row] = await inTenant(db(), botId, (tx) =>
      tx
        .insert(subscriptions)
        .values({
          botId,
          customerId: customer.id,
          panelUsername: username,
          panelUserId: userId,
          status: 'active',
        })
        .returning({ id: subscriptions.id }),
    );
    return { subscriptionId: row!.id, userId };
  };

  const rows = (botId: BotId) =>
    inTenant(db(), botId, (tx) =>
      tx
        .select({
          id: subscriptions.id,
          used: subscriptions.usedTrafficBytes,
          lifetime: subscriptions.lifetimeUsedTrafficBytes,
          syncedAt: subscriptions.syncedAt,
        })
        .from(subscriptions)
        .where(eq(subscriptions.botId, botId))
        .orderBy(subscriptions.id),
    );

  const sync = (botId: BotId) =>
    syncTenantTraffic({
      tenant: tenantDb(db(), botId),
      panel: client,
      isMissing: isNotFound,
      clock: { now: () => SYNCED_AT },
    });

  it("stores each subscription's usage and the tenant's consumed traffic, skipping users the panel lost", async () => {
    const shop = (await createTenant(t.app)).tenant.id;
    const other = (await createTenant(t.app)).tenant.id;
    const a = await subscribe(shop, 'shop_a');
    const b = await subscribe(shop, 'shop_b');
    const gone = await subscribe(shop, 'shop_gone', 987_654);
    // a subscription not provisioned yet has no panel user: not asked for
    const { customer } = await t.app
      .forTenant(shop)
      .customers.register({ telegramId: nextTelegramId++ }, 'fa');
    await inTenant(db(), shop, (tx) =>
      tx
        .insert(subscriptions)
        .values({ botId: shop, customerId: customer.id, panelUsername: 'shop_pending' }),
    );
    const foreign = await subscribe(other, 'other_x');

    sim.setUsage(a.userId, 3 * GB);
    sim.setUsage(b.userId, 1 * GB);
    sim.setUsage(foreign.userId, 7 * GB);
    sim.clearRequestLog();

    const result = await sync(shop);
    expect(result).toMatchObject({
      subscriptions: 3,
      synced: 2,
      missing: 1,
      failed: 0,
      consumedBytes: 4 * GB,
    });
    // the panel was asked about this tenant's users only, once each
    expect(sim.requests().filter((r) => r.method === 'GET').length).toBe(3);

    expect(await rows(shop)).toEqual([
      { id: a.subscriptionId, used: 3 * GB, lifetime: 3 * GB, syncedAt: SYNCED_AT },
      { id: b.subscriptionId, used: 1 * GB, lifetime: 1 * GB, syncedAt: SYNCED_AT },
      { id: gone.subscriptionId, used: 0, lifetime: 0, syncedAt: null },
      { id: expect.any(Number), used: 0, lifetime: 0, syncedAt: null },
    ]);
    expect((await t.app.forTenant(shop).wallet.summary()).trafficConsumedBytes).toBe(4 * GB);
    // the other tenant is untouched until its own sync
    expect((await t.app.forTenant(other).wallet.summary()).trafficConsumedBytes).toBe(0);
    expect((await sync(other)).consumedBytes).toBe(7 * GB);
  });

  it('counts lifetime traffic across panel resets and keeps the last known value when the panel fails', async () => {
    const shop = (await createTenant(t.app)).tenant.id;
    const a = await subscribe(shop, 'reset_a');
    const b = await subscribe(shop, 'reset_b');
    sim.setUsage(a.userId, 5 * GB);
    sim.setUsage(b.userId, 2 * GB);
    expect((await sync(shop)).consumedBytes).toBe(7 * GB);

    // the monthly reset zeroes current usage; lifetime keeps counting
    await client.resetTraffic(a.userId);
    sim.setUsage(a.userId, 1 * GB);
    expect((await sync(shop)).consumedBytes).toBe(8 * GB);
    expect((await rows(shop))[0]).toMatchObject({ used: 1 * GB, lifetime: 6 * GB });

    // the panel answers 500 for b: b keeps its last known lifetime, a is still synced
    sim.setUsage(a.userId, 2 * GB);
    sim.addFault({ kind: 'status', status: 500, method: 'GET', path: `/api/users/${b.userId}` });
    const result = await sync(shop);
    expect(result).toMatchObject({ synced: 1, failed: 1, missing: 0, consumedBytes: 9 * GB });
    expect(result.errors).toHaveLength(1);
    expect((await t.app.forTenant(shop).wallet.summary()).trafficConsumedBytes).toBe(9 * GB);
  });
});
