import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { orders } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import type { PackInput } from '../../../src/modules/packs/packs-service.js';
import { asPackId } from '../../../src/shared/ids.js';
import { MAX_MONEY } from '../../../src/shared/money.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';
import { expectErr, expectOk } from '../helpers.js';

const tenGb: PackInput = { kind: 'traffic', amount: 10, price: 50_000 };
const month: PackInput = { kind: 'days', amount: 30, price: 90_000 };

let nextTelegramId = 7_300_000_000;

describe.each(BACKENDS)('packs on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const freshShop = async (): Promise<TenantServices> =>
    t.app.forTenant((await createTenant(t.app)).tenant.id);

  /** The amounts of a shop's packs, in the order a list answered them. */
  const amounts = (packs: readonly { amount: number }[]) => packs.map((pack) => pack.amount);

  it('creates packs of both kinds with defaults for what is not given', async () => {
    const shop = await freshShop();
    const traffic = expectOk(await shop.packs.create(tenGb));
    expect(traffic).toMatchObject({
      botId: shop.botId,
      kind: 'traffic',
      amount: 10,
      price: 50_000,
      isActive: true,
      sortOrder: 0,
    });
    const days = expectOk(await shop.packs.create({ ...month, isActive: false, sortOrder: -5 }));
    expect(days).toMatchObject({ kind: 'days', amount: 30, isActive: false, sortOrder: -5 });
    expect(await shop.packs.get(traffic.id)).toEqual(traffic);
    expect(await shop.packs.get(asPackId(traffic.id + 1_000_000))).toBeUndefined();
  });

  it('takes the largest amounts and price the database allows', async () => {
    const shop = await freshShop();
    expectOk(await shop.packs.create({ kind: 'traffic', amount: 100_000, price: MAX_MONEY }));
    expectOk(await shop.packs.create({ kind: 'days', amount: 3650, price: 1 }));
    expect(amounts(await shop.packs.findAll())).toEqual([100_000, 3650]);
  });

  it.each([
    ['an unknown kind', { kind: 'devices' }, 'kind', /kind: /],
    ['no amount', { amount: undefined }, 'amount', /amount: /],
    ['amount 0', { amount: 0 }, 'amount', /amount: must be at least 1/],
    ['a fractional amount', { amount: 1.5 }, 'amount', /amount: must be a whole number/],
    ['more than 100000 GB', { amount: 100_001 }, 'amount', /amount: /],
    [
      'more than ten years of days',
      { kind: 'days', amount: 3651 },
      'amount',
      /a day pack adds at most 3650 days/,
    ],
    ['price 0', { price: 0 }, 'price', /price: must be at least 1/],
    ['a negative price', { price: -1 }, 'price', /price: /],
    ['a fractional price', { price: 9.99 }, 'price', /price: must be a whole number/],
    ['a price given as text', { price: '1000' }, 'price', /price: .*number/],
    ['a price above MAX_MONEY', { price: MAX_MONEY + 1 }, 'price', /price: must be at most/],
  ])(
    'refuses %s with a message naming the field, storing nothing',
    async (_label, override, field, message) => {
      const shop = await freshShop();
      const error = expectErr(await shop.packs.create({ ...tenGb, ...override } as PackInput));
      expect(error).toMatchObject({ code: 'invalid', field });
      expect(error.message).toMatch(message);
      expect(await shop.packs.findAll()).toEqual([]);
    },
  );

  it('lists the packs on sale by kind in the shop order, and says whether a kind has any', async () => {
    const shop = await freshShop();
    const late = expectOk(await shop.packs.create({ ...tenGb, amount: 50, sortOrder: 20 }));
    expectOk(await shop.packs.create({ ...tenGb, amount: 5, sortOrder: 10 }));
    expectOk(await shop.packs.create({ ...tenGb, amount: 7, sortOrder: 10 }));
    expectOk(await shop.packs.create({ ...tenGb, amount: 99, isActive: false }));
    expect(await shop.packs.hasActive('days')).toBe(false);
    expectOk(await shop.packs.create({ ...month, isActive: false }));
    expect(await shop.packs.hasActive('days')).toBe(false);

    // same sort order: the older first
    expect(amounts(await shop.packs.findActive('traffic'))).toEqual([5, 7, 50]);
    expect(amounts(await shop.packs.findActive('days'))).toEqual([]);
    expect(amounts(await shop.packs.findAll('traffic'))).toEqual([99, 5, 7, 50]);
    expect(await shop.packs.hasActive('traffic')).toBe(true);

    await shop.packs.deactivate(late.id);
    expect(amounts(await shop.packs.findActive())).toEqual([5, 7]);
  });

  it('pages through the packs with a total, optionally of one kind and state', async () => {
    const shop = await freshShop();
    for (const amount of [1, 2, 3])
      expectOk(await shop.packs.create({ ...tenGb, amount, sortOrder: amount }));
    expectOk(await shop.packs.create({ ...month, amount: 4, sortOrder: 4, isActive: false }));
    const page = await shop.packs.findPage({ limit: 2, offset: 1 });
    expect({ amounts: amounts(page.items), total: page.total }).toEqual({ amounts: [2, 3], total: 4 });
    const days = await shop.packs.findPage({ limit: 10, offset: 0, kind: 'days' });
    expect({ amounts: amounts(days.items), total: days.total }).toEqual({ amounts: [4], total: 1 });
    const inactive = await shop.packs.findPage({ limit: 10, offset: 0, isActive: false, kind: 'traffic' });
    expect(inactive).toEqual({ items: [], total: 0 });
  });

  it('changes the amount, price and state of a pack, within the bounds of its kind', async () => {
    const shop = await freshShop();
    const traffic = expectOk(await shop.packs.create(tenGb));
    const days = expectOk(await shop.packs.create(month));

    const changed = expectOk(await shop.packs.update(traffic.id, { amount: 5000, price: 1_200_000 }));
    expect(changed).toMatchObject({ id: traffic.id, kind: 'traffic', amount: 5000, price: 1_200_000 });
    expect(changed!.updatedAt.getTime()).toBeGreaterThanOrEqual(traffic.updatedAt.getTime());

    // 5000 GB is a fine traffic pack but not a fine day pack
    const refused = expectErr(await shop.packs.update(days.id, { amount: 5000 }));
    expect(refused).toMatchObject({ code: 'invalid', field: 'amount' });
    expect(refused.message).toContain('a day pack adds at most 3650 days');
    expect((await shop.packs.get(days.id))?.amount).toBe(30);

    expect(expectErr(await shop.packs.update(traffic.id, {})).message).toContain('nothing to change');
    expect(expectErr(await shop.packs.update(traffic.id, { price: 0 }))).toMatchObject({ field: 'price' });
    // the kind is not a field of a change: the orders that bought a pack name it
    expect(expectErr(await shop.packs.update(traffic.id, { kind: 'days' } as never)).message).toContain(
      'nothing to change',
    );
    expect(expectOk(await shop.packs.update(asPackId(days.id + 1_000_000), { price: 5 }))).toBeUndefined();

    expect(await shop.packs.deactivate(days.id)).toMatchObject({ isActive: false });
    expect(await shop.packs.activate(days.id)).toMatchObject({ isActive: true });
    expect(await shop.packs.activate(asPackId(days.id + 1_000_000))).toBeUndefined();
  });

  it('moves a pack among the packs of its kind only, renumbering when orders tie', async () => {
    const shop = await freshShop();
    const [a, b, c] = [
      expectOk(await shop.packs.create({ ...tenGb, amount: 1 })),
      expectOk(await shop.packs.create({ ...tenGb, amount: 2 })),
      expectOk(await shop.packs.create({ ...tenGb, amount: 3 })),
    ];
    const day = expectOk(await shop.packs.create({ ...month, sortOrder: 15 }));
    expect(await shop.packs.move(c!.id, 'up')).toMatchObject({ id: c!.id, sortOrder: 20 });
    expect(amounts(await shop.packs.findAll('traffic'))).toEqual([1, 3, 2]);
    await shop.packs.move(c!.id, 'up');
    expect(amounts(await shop.packs.findAll('traffic'))).toEqual([3, 1, 2]);
    // already first: nothing changes
    expect(await shop.packs.move(c!.id, 'up')).toMatchObject({ id: c!.id, sortOrder: 10 });
    await shop.packs.move(a!.id, 'down');
    expect(amounts(await shop.packs.findAll('traffic'))).toEqual([3, 2, 1]);
    expect(b).toBeDefined();
    // the day pack kept its number
    expect((await shop.packs.get(day.id))?.sortOrder).toBe(15);
    expect(await shop.packs.move(asPackId(day.id + 1_000_000), 'up')).toBeUndefined();
  });

  it('moves packs concurrently without losing or duplicating a place', async () => {
    const shop = await freshShop();
    const packs = [];
    for (const amount of [1, 2, 3, 4, 5]) packs.push(expectOk(await shop.packs.create({ ...tenGb, amount })));
    await Promise.all([
      shop.packs.move(packs[4]!.id, 'up'),
      shop.packs.move(packs[0]!.id, 'down'),
      shop.packs.move(packs[2]!.id, 'up'),
    ]);
    const after = await shop.packs.findAll('traffic');
    expect([...amounts(after)].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(after.map((pack) => pack.sortOrder)).size).toBe(5);
  });

  it('erases a pack nobody ordered and only switches off one that was ordered', async () => {
    const shop = await freshShop();
    const unused = expectOk(await shop.packs.create(tenGb));
    expect(await shop.packs.remove(unused.id)).toEqual({ status: 'deleted' });
    expect(await shop.packs.get(unused.id)).toBeUndefined();
    expect(await shop.packs.remove(unused.id)).toBeUndefined();

    // a customer pressed Pay for a pack and is short of money: the waiting order points at it
    const ordered = expectOk(await shop.packs.create(tenGb));
    const { customer } = await shop.customers.register(
      { telegramId: nextTelegramId++, firstName: 'Pari' },
      'fa',
    );
    await inTenant(t.database.handle.db, shop.botId, (tx) =>
      tx.insert(orders).values({
        botId: shop.botId,
        customerId: customer.id,
        kind: 'traffic_pack',
        packId: ordered.id,
        price: ordered.price,
        currency: 'IRT',
        periodDays: 0,
        trafficGb: ordered.amount,
        deviceLimit: 1,
      }),
    );

    expect(await shop.packs.remove(ordered.id)).toMatchObject({
      status: 'deactivated',
      pack: { id: ordered.id, isActive: false },
    });
    expect(
      (await shop.orders.findByCustomer(customer.id)).find((o) => o.kind === 'traffic_pack'),
    ).toMatchObject({
      packId: ordered.id,
    });
  });

  it("never shows, changes or removes another shop's packs", async () => {
    const a = await freshShop();
    const b = await freshShop();
    const mine = expectOk(await a.packs.create(tenGb));
    expectOk(await b.packs.create(month));
    const before = await a.packs.get(mine.id);

    expect(await b.packs.get(mine.id)).toBeUndefined();
    expect(expectOk(await b.packs.update(mine.id, { price: 1 }))).toBeUndefined();
    expect(await b.packs.deactivate(mine.id)).toBeUndefined();
    expect(await b.packs.activate(mine.id)).toBeUndefined();
    expect(await b.packs.move(mine.id, 'down')).toBeUndefined();
    expect(await b.packs.remove(mine.id)).toBeUndefined();
    expect(amounts(await b.packs.findAll())).toEqual([30]);
    expect(await b.packs.hasActive('traffic')).toBe(false);
    expect((await b.packs.findPage({ limit: 10, offset: 0 })).total).toBe(1);

    expect(await a.packs.get(mine.id)).toEqual(before);
    expect(amounts(await a.packs.findAll())).toEqual([10]);
  });
});
