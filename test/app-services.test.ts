import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, createTestApp, type TestApp } from './support/database.js';

/*
 * A shop's services are built on their first use and kept: a fleet holds them for every bot, and
 * most bots are idle (building them all for every shop cost about 70 KB a shop).
 */
describe("a shop's services", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it('are built once and kept: each read gives the same service', async () => {
    const id = (await createTenant(t.app, 'Kept')).tenant.id;
    const services = t.app.forTenant(id);
    expect(services.botId).toBe(id);
    expect(services.settings).toBe(services.settings);
    expect(services.orders).toBe(services.orders);
    expect(services.jobs).toBe(services.jobs);
  });

  it("are the shop's own: another shop, or another handle on the same shop, builds its own", async () => {
    const a = (await createTenant(t.app, 'A')).tenant;
    const b = (await createTenant(t.app, 'B')).tenant;
    const first = t.app.forTenant(a.id);
    expect(t.app.forTenant(b.id).plans).not.toBe(first.plans);
    expect(t.app.forTenant(a.id).plans).not.toBe(first.plans);
    await first.settings.set('default_language', 'ru', 'operator');
    expect(await t.app.forTenant(a.id).settings.get('default_language')).toBe('ru');
    expect(await t.app.forTenant(b.id).settings.get('default_language')).not.toBe('ru');
  });
});
