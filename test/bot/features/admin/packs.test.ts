import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, startFleetHarness } from '../../../support/fleet.js';
import { callbacks, openAdminShop } from '../../../support/shop.js';

describe.each(BACKENDS)('extra packs in the tenant admin menu on %s', (backend) => {
  let h: FleetHarness;
  let nextAdminId = 890_001;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop with one admin (a sim user with the Telegram id the shop lists), in English unless said. */
  const openShop = (name: string, language: 'en' | 'fa' = 'en') =>
    openAdminShop(h, name, nextAdminId++, { language });

  it('creates traffic and day packs step by step, refusing what does not fit', async () => {
    const { services, d } = await openShop('Packer');
    const home = await d.open();
    expect(callbacks(home)).toContain('adm:packs');
    await d.pressTo('adm:packs', (text) => text.includes('There are no extra packs yet'));

    await d.pressTo('adm:pack:new:traffic', (text) => text.includes('traffic this pack adds, in GB'));
    await d.type('ten', (text) => text.includes('whole number of GB from 1 to 100,000'));
    await d.type('0', (text) => text.includes('whole number of GB from 1 to 100,000'));
    await d.type('1.5', (text) => text.includes('whole number of GB from 1 to 100,000'));
    await d.type('۱۰', (text) => text.includes('Send the price'));
    await d.type('-5', (text) => text.includes('price must be a whole number of at least 1'));
    const traffic = await d.type('50,000', (text) => text.includes('📶 Extra traffic pack: 10 GB'));
    expect(traffic.text).toContain('(1 of 1)');
    expect(traffic.text).toContain('Price: 50,000 Toman');
    expect(traffic.text).toContain('✅ on sale');

    await d.open();
    await d.pressTo('adm:packs', (text) => text.includes('10 GB'));
    await d.pressTo('adm:pack:new:days', (text) => text.includes('number of days this pack adds'));
    await d.type('4000', (text) => text.includes('whole number from 1 to 3,650'));
    await d.type('30', (text) => text.includes('Send the price'));
    const days = await d.type('90000', (text) => text.includes('⏳ Extra day pack: 30 days'));
    expect(days.text).toContain('Price: 90,000 Toman');

    expect(await services.packs.findAll()).toMatchObject([
      { kind: 'traffic', amount: 10, price: 50_000, isActive: true },
      { kind: 'days', amount: 30, price: 90_000, isActive: true },
    ]);
    const list = await d.pressTo('adm:packs', (text) => text.includes('Extra packs customers can add'));
    expect(list.text).toContain('📶 Extra traffic\n1. 10 GB · 50,000 Toman · ✅ on sale');
    expect(list.text).toContain('⏳ Extra days\n1. 30 days · 90,000 Toman · ✅ on sale');
  });

  it('edits a price, reorders packs of a kind and switches one off', async () => {
    const { services, d } = await openShop('Editor');
    const make = async (amount: number) => {
      const pack = await services.packs.create({
        kind: 'traffic',
        amount,
        price: amount * 5_000,
        sortOrder: amount,
      });
      if (!pack.ok) throw new Error('pack');
      return pack.value;
    };
    const small = await make(5);
    const big = await make(50);
    await d.open();
    await d.pressTo('adm:packs', (text) => text.includes('50 GB'));
    const card = await d.pressTo(`adm:pack:${big.id}`, (text) => text.includes('Extra traffic pack: 50 GB'));
    expect(card.text).toContain('(2 of 2)');
    expect(callbacks(card)).toEqual(
      expect.arrayContaining([
        `adm:pack:${big.id}:e:price`,
        `adm:pack:${big.id}:up`,
        `adm:pack:${big.id}:off`,
      ]),
    );
    expect(callbacks(card)).not.toContain(`adm:pack:${big.id}:down`);

    await d.pressTo(`adm:pack:${big.id}:e:price`, (text) => text.includes('Send the price'));
    await d.type('0', (text) => text.includes('price must be a whole number of at least 1'));
    const edited = await d.type('199000', (text) => text.includes('Extra traffic pack: 50 GB'));
    expect(edited.text).toContain('Price: 199,000 Toman');
    expect((await services.packs.get(big.id))?.price).toBe(199_000);

    await d.pressTo(`adm:pack:${big.id}:e:amount`, (text) => text.includes('traffic this pack adds'));
    await d.type('100001', (text) => text.includes('whole number of GB from 1 to 100,000'));
    await d.type('60', (text) => text.includes('Extra traffic pack: 60 GB'));

    expect((await d.press(`adm:pack:${big.id}:up`)).text).toBe('Moved.');
    expect((await services.packs.findActive('traffic')).map((pack) => pack.amount)).toEqual([60, 5]);

    const list = await d.pressTo('adm:packs', (text) => text.includes('1. 60 GB'));
    expect(list.text).toContain('1. 60 GB · 199,000 Toman · ✅ on sale\n2. 5 GB · 25,000 Toman');
    await d.pressTo(`adm:pack:${small.id}`, (text) => text.includes('Extra traffic pack: 5 GB (2 of 2)'));
    const off = await d.pressTo(`adm:pack:${small.id}:off`, (text) =>
      text.includes('Status: ⏸ switched off'),
    );
    expect(callbacks(off)).toContain(`adm:pack:${small.id}:on`);
    expect((await services.packs.findActive('traffic')).map((pack) => pack.amount)).toEqual([60]);
    expect((await d.press(`adm:pack:${small.id}:on`)).text).toContain('on sale again');
    expect(await services.packs.hasActive('traffic')).toBe(true);
  });

  it('speaks Persian with Persian digits and amounts in Toman', async () => {
    const { services, d } = await openShop('Farsi', 'fa');
    const created = await services.packs.create({ kind: 'traffic', amount: 10, price: 50_000 });
    if (!created.ok) throw new Error('pack');
    await d.open((text) => text.includes('منوی مدیریت'));
    const list = await d.pressTo('adm:packs', (text) => text.includes('بسته‌های اضافه'));
    expect(list.text).toContain('۱. ۱۰ گیگابایت · ۵۰٬۰۰۰ تومان · ✅ در حال فروش');
    expect(list.text).not.toMatch(/[A-Za-z]/);
    const prompt = await d.pressTo('adm:pack:new:days', (text) => text.includes('تعداد روزهایی'));
    expect(prompt.text).toContain('۳٬۶۵۰');
    expect(prompt.text).not.toMatch(/[A-Za-z]/);
  });

  it("gives one shop's admin nothing of another shop's packs through crafted buttons", async () => {
    const a = await openShop('PackA');
    const b = await openShop('PackB');
    const theirs = await b.services.packs.create({ kind: 'days', amount: 7, price: 30_000 });
    if (!theirs.ok) throw new Error('pack');
    const id = theirs.value.id;
    await a.d.open();
    for (const data of [`adm:pack:${id}`, `adm:pack:${id}:e:price`]) {
      const { messageId } = await a.d.forge(data);
      const shown = await h.sim.waitForMessage(
        a.shop.bot,
        a.admin,
        (m) => m.messageId === messageId && (m.text ?? '').includes('This pack does not exist'),
      );
      expect(shown.text).not.toContain('30,000');
    }
    for (const data of [`adm:pack:${id}:off`, `adm:pack:${id}:up`, `adm:pack:${id}:down`])
      await a.d.forge(data);
    expect(await b.services.packs.get(id)).toEqual(theirs.value);
    expect(await a.services.packs.findAll()).toEqual([]);
  });
});
