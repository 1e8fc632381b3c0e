import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../support/database.js';
import { withLuhnDigit } from './helpers.js';

let nextTelegramId = 6_200_000_000;
let nextCard = 603_799_200_000_000;

// One page of a list with the total of the whole list: what the REST API's lists are built on.
describe.each(BACKENDS)('paged lists on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  it('pages tenants by id with the total, optionally by activity', async () => {
    const made = [];
    for (const name of ['T1', 'T2', 'T3']) made.push((await createTenant(t.app, name)).tenant);
    await t.app.platform.tenants.deactivate(made[1]!.id);
    const tenants = t.app.platform.tenants;
    const all = await tenants.findPage({ limit: 1000, offset: 0 });
    expect(all.total).toBe(all.items.length);
    expect(all.items.map((x) => x.id)).toEqual([...all.items.map((x) => x.id)].sort((a, b) => a - b));
    const page = await tenants.findPage({ limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: all.total });
    expect(page.items.map((x) => x.id)).toEqual([all.items[1]!.id]);
    expect(page.items[0]).not.toHaveProperty('apiTokenHash');
    expect(page.items[0]).not.toHaveProperty('tokenCiphertext');
    const inactive = await tenants.findPage({ limit: 1000, offset: 0, isActive: false });
    expect(inactive.items.map((x) => x.id)).toContain(made[1]!.id);
    expect(inactive.items.every((x) => !x.isActive)).toBe(true);
    const active = await tenants.findPage({ limit: 1000, offset: 0, isActive: true });
    expect(active.total + inactive.total).toBe(all.total);
  });

  it("pages one tenant's plans in the tenant's order, never another's", async () => {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const other = t.app.forTenant((await createTenant(t.app)).tenant.id);
    await other.plans.create({ name: 'Other', periodDays: 30, price: 1 });
    await shop.plans.create({ name: 'B', periodDays: 30, price: 1, sortOrder: 2 });
    await shop.plans.create({ name: 'A', periodDays: 30, price: 1, sortOrder: 1 });
    await shop.plans.create({ name: 'C', periodDays: 30, price: 1, sortOrder: 3, isActive: false });
    const page = await shop.plans.findPage({ limit: 2, offset: 0 });
    expect(page.items.map((p) => p.name)).toEqual(['A', 'B']);
    expect(page.total).toBe(3);
    expect((await shop.plans.findPage({ limit: 2, offset: 2 })).items.map((p) => p.name)).toEqual(['C']);
    const active = await shop.plans.findPage({ limit: 10, offset: 0, isActive: true });
    expect(active).toMatchObject({ total: 2 });
    expect(
      (await shop.plans.findPage({ limit: 10, offset: 0, isActive: false })).items.map((p) => p.name),
    ).toEqual(['C']);
  });

  it("pages one tenant's cards by id, never another's", async () => {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const other = t.app.forTenant((await createTenant(t.app)).tenant.id);
    await other.cards.create({ cardNumber: withLuhnDigit(String(nextCard++)), holderName: 'Other' });
    for (const holderName of ['X', 'Y', 'Z']) {
      await shop.cards.create({
        cardNumber: withLuhnDigit(String(nextCard++)),
        holderName,
        isActive: holderName !== 'Y',
      });
    }
    const page = await shop.cards.findPage({ limit: 2, offset: 1 });
    expect(page.items.map((c) => c.holderName)).toEqual(['Y', 'Z']);
    expect(page.total).toBe(3);
    const active = await shop.cards.findPage({ limit: 10, offset: 0, isActive: true });
    expect(active.items.map((c) => c.holderName)).toEqual(['X', 'Z']);
    expect(active.total).toBe(2);
  });

  it("pages one tenant's customers with the total of a search", async () => {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const other = t.app.forTenant((await createTenant(t.app)).tenant.id);
    await other.customers.register({ telegramId: nextTelegramId++, firstName: 'Mina' }, 'fa');
    const made = [];
    for (const firstName of ['Mina', 'Minoo', 'Reza', 'Amin']) {
      made.push((await shop.customers.register({ telegramId: nextTelegramId++, firstName }, 'fa')).customer);
    }
    const all = await shop.customers.findPage({ limit: 2, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.items.map((c) => c.id)).toEqual([made[0]!.id, made[1]!.id]);
    const search = await shop.customers.findPage({ limit: 2, offset: 0, search: 'min' });
    expect(search.total).toBe(3);
    expect(search.items.map((c) => c.firstName)).toEqual(['Mina', 'Minoo']);
    const rest = await shop.customers.findPage({ limit: 2, offset: 2, search: 'min' });
    expect(rest.items.map((c) => c.firstName)).toEqual(['Amin']);
    const byTelegramId = await shop.customers.findPage({
      limit: 5,
      offset: 0,
      search: String(made[2]!.telegramId),
    });
    expect(byTelegramId.items.map((c) => c.id)).toEqual([made[2]!.id]);
    // blank search is no search
    expect((await shop.customers.findPage({ limit: 5, offset: 0, search: '  ' })).total).toBe(4);
    // search keeps working as before
    expect((await shop.customers.search('min')).map((c) => c.firstName)).toEqual(['Mina', 'Minoo', 'Amin']);
  });
});
