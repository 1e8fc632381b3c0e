import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import type { PlanInput } from '../../../src/modules/plans/plans-service.js';
import { asPlanId } from '../../../src/shared/ids.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { expectErr, expectOk } from '../helpers.js';

const monthly: PlanInput = { name: 'Monthly', periodDays: 30, price: 150_000 };

describe.each(BACKENDS)('plans on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const freshShop = async (): Promise<TenantServices> =>
    t.app.forTenant((await createTenant(t.app)).tenant.id);

  it('creates a plan with defaults for what is not given', async () => {
    const shop = await freshShop();
    const plan = expectOk(await shop.plans.create({ ...monthly, name: '  ماهانه  ' }));
    expect(plan).toMatchObject({
      botId: shop.botId,
      name: 'ماهانه',
      periodDays: 30,
      price: 150_000,
      trafficGb: 0,
      deviceLimit: 1,
      isActive: true,
      sortOrder: 0,
    });
    expect(await shop.plans.get(plan.id)).toEqual(plan);
  });

  it('keeps every field given at creation', async () => {
    const shop = await freshShop();
    const plan = expectOk(
      await shop.plans.create({
        name: 'Family',
        periodDays: 90,
        price: 1_000_000,
        trafficGb: 500,
        deviceLimit: 5,
        isActive: false,
        sortOrder: -3,
      }),
    );
    expect(await shop.plans.get(plan.id)).toMatchObject({
      trafficGb: 500,
      deviceLimit: 5,
      isActive: false,
      sortOrder: -3,
      price: 1_000_000,
      periodDays: 90,
    });
  });

  it.each([
    ['an empty name', { name: '' }, 'name', /name: must not be empty/],
    ['a blank name', { name: '   ' }, 'name', /name: must not be empty/],
    ['a name of 65 characters', { name: 'x'.repeat(65) }, 'name', /name: must be at most 64 characters/],
    ['price 0', { price: 0 }, 'price', /price: .*1/],
    ['a negative price', { price: -100 }, 'price', /price: /],
    ['a fractional price', { price: 99.5 }, 'price', /price: must be a whole number/],
    ['a price given as text', { price: '1000' }, 'price', /price: .*number/],
    ['a price of NaN', { price: Number.NaN }, 'price', /price: /],
    ['period 0', { periodDays: 0 }, 'periodDays', /periodDays: .*1/],
    ['a fractional period', { periodDays: 1.5 }, 'periodDays', /periodDays: /],
    ['negative traffic', { trafficGb: -1 }, 'trafficGb', /trafficGb: .*0/],
    ['a negative device limit', { deviceLimit: -1 }, 'deviceLimit', /deviceLimit: /],
  ])('refuses %s with a message naming the field', async (_label, override, field, message) => {
    const shop = await freshShop();
    const error = expectErr(await shop.plans.create({ ...monthly, ...override } as PlanInput));
    expect(error).toMatchObject({ code: 'invalid', field });
    expect(error.message).toMatch(message);
    expect(await shop.plans.findAll()).toEqual([]);
  });

  it('findActive orders by sortOrder then id and leaves inactive plans out', async () => {
    const shop = await freshShop();
    const create = async (name: string, sortOrder: number, isActive = true) =>
      expectOk(await shop.plans.create({ ...monthly, name, sortOrder, isActive })).id;
    const third = await create('third', 2);
    const firstOfTwo = await create('first of two', 1);
    const hidden = await create('hidden', -10, false);
    const secondOfTwo = await create('second of two', 1);
    const top = await create('top', 0);
    const deactivated = await create('deactivated', 0);
    await shop.plans.deactivate(deactivated);

    expect((await shop.plans.findActive()).map((plan) => plan.id)).toEqual([
      top,
      firstOfTwo,
      secondOfTwo,
      third,
    ]);
    expect((await shop.plans.findAll()).map((plan) => plan.id)).toEqual([
      hidden,
      top,
      deactivated,
      firstOfTwo,
      secondOfTwo,
      third,
    ]);
  });

  it('update changes only the given fields', async () => {
    const shop = await freshShop();
    const plan = expectOk(
      await shop.plans.create({
        ...monthly,
        trafficGb: 50,
        deviceLimit: 3,
        sortOrder: 7,
        isActive: false,
      }),
    );
    const renamed = expectOk(await shop.plans.update(plan.id, { name: 'Monthly Plus' }));
    expect(renamed).toMatchObject({
      name: 'Monthly Plus',
      periodDays: 30,
      price: 150_000,
      trafficGb: 50,
      deviceLimit: 3,
      sortOrder: 7,
      isActive: false,
    });
    const repriced = expectOk(await shop.plans.update(plan.id, { price: 175_000, deviceLimit: 0 }));
    expect(repriced).toMatchObject({ name: 'Monthly Plus', price: 175_000, deviceLimit: 0, trafficGb: 50 });
    expect(await shop.plans.get(plan.id)).toEqual(repriced);
  });

  it('update validates, refuses an empty patch and answers undefined for an unknown plan', async () => {
    const shop = await freshShop();
    const plan = expectOk(await shop.plans.create(monthly));
    expect(expectErr(await shop.plans.update(plan.id, { price: 0 }))).toMatchObject({ field: 'price' });
    expect(expectErr(await shop.plans.update(plan.id, { name: ' ' }))).toMatchObject({ field: 'name' });
    expect(expectErr(await shop.plans.update(plan.id, { trafficGb: -5 }))).toMatchObject({
      field: 'trafficGb',
    });
    expect(expectErr(await shop.plans.update(plan.id, {})).message).toContain('nothing to change');
    expect(expectOk(await shop.plans.update(asPlanId(987_654_321), { name: 'Ghost' }))).toBeUndefined();
    expect(await shop.plans.get(plan.id)).toEqual(plan);
  });

  it('deactivates, activates and deletes a plan', async () => {
    const shop = await freshShop();
    const plan = expectOk(await shop.plans.create(monthly));
    expect((await shop.plans.deactivate(plan.id))?.isActive).toBe(false);
    expect(await shop.plans.findActive()).toEqual([]);
    expect((await shop.plans.activate(plan.id))?.isActive).toBe(true);
    expect((await shop.plans.findActive()).map((p) => p.id)).toEqual([plan.id]);
    expect(await shop.plans.delete(plan.id)).toBe(true);
    expect(await shop.plans.get(plan.id)).toBeUndefined();
    expect(await shop.plans.delete(plan.id)).toBe(false);
    expect(await shop.plans.activate(plan.id)).toBeUndefined();
  });

  it("cannot see or change another tenant's plan", async () => {
    const a = await freshShop();
    const b = await freshShop();
    const plan = expectOk(await b.plans.create(monthly));
    expect(await a.plans.get(plan.id)).toBeUndefined();
    expect(expectOk(await a.plans.update(plan.id, { price: 1 }))).toBeUndefined();
    expect(await a.plans.deactivate(plan.id)).toBeUndefined();
    expect(await a.plans.delete(plan.id)).toBe(false);
    expect(await a.plans.findAll()).toEqual([]);
    expect(await b.plans.get(plan.id)).toEqual(plan);
  });
});
