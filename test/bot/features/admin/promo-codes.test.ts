import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, startFleetHarness } from '../../../support/fleet.js';
import { callbacks, createMonthlyPlan, openAdminShop } from '../../../support/shop.js';

/** Promo codes and price lists (customer groups) in the tenant admin menu, through the simulator. */
describe.each(BACKENDS)('promo codes and price lists in the admin menu on %s', (backend) => {
  let h: FleetHarness;
  let nextAdminId = 893_001;
  let nextTelegramId = 8_930_000_000;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  async function openShop(name: string, language: 'en' | 'fa' = 'en') {
    const { shop, services, admin, d } = await openAdminShop(h, name, nextAdminId++, { language });
    await services.flags.set('promo_codes', true);
    /** /admin; resolves to the admin menu, with its promo codes button. */
    const open = () => d.open((_text, m) => callbacks(m).includes('adm:promos'));
    return { shop, admin, services, d: { ...d, open } };
  }

  it('creates a percent code step by step, refusing what does not fit, lists it with uses and switches it off', async () => {
    const { services, d } = await openShop('Promo Admin');
    await d.open();
    await d.pressTo('adm:promos', (text) => text.includes('No promo codes yet'));
    await d.pressTo('adm:promo:new', (text) => text.includes('What does the new code give?'));
    await d.pressTo('adm:promo:kind:percent', (text) => text.includes('Send the code'));
    await d.type('two words', (text) => text.includes('That is not a code'));
    await d.type('Nowruz1405', (text) => text.includes('discount in percent'));
    await d.type('150', (text) => text.includes('from 1 to 100'));
    await d.type('۲۰', (text) => text.includes('total number of uses'));
    await d.type('100', (text) => text.includes('two or three whole numbers'));
    await d.type('100 30 0', (text) => text.includes('two or three whole numbers'));
    // a discount's conditions before it is made: plans, first purchase only, minimum price
    const plan = await createMonthlyPlan(services, 'Promo Admin');
    await createMonthlyPlan(services, 'Promo Other');
    const conditions = await d.type('100 30 2', (text) =>
      text.includes('Conditions of the discount code NOWRUZ1405'),
    );
    expect(conditions.text).toContain('Plans: every plan');
    expect(conditions.text).toContain('Minimum price: none');
    await d.pressTo('adm:promo:cond:plans', (text) =>
      text.includes('Which plans does the discount apply to?'),
    );
    // the same screen comes back with the plan ticked; the conditions then name it
    await d.pressTo(`adm:promo:cond:plan:${plan.id}`, (text) => text.includes('Which plans'));
    await d.pressTo('adm:promo:cond:show', (text) => text.includes(`Plans: ${plan.name}`));
    await d.pressTo('adm:promo:cond:first', (text) => text.includes('First purchase only: yes'));
    await d.type('many', (text) => text.includes('Send the minimum price as a whole number'));
    await d.type('50000', (text) => text.includes('Minimum price: 50,000'));
    const card = await d.pressTo('adm:promo:cond:create', (text) => text.includes('Code: NOWRUZ1405'));
    expect(card.text).toContain('20 % off');
    expect(card.text).toContain('Uses: 0/100');
    expect(card.text).toContain('Per customer: 2');
    expect(card.text).toContain(`Plans: ${plan.name}`);
    expect(card.text).toContain('First purchase only: yes');
    const created = await services.promo.findByCode('nowruz1405');
    expect(created).toMatchObject({
      kind: 'percent',
      percent: 20,
      maxUses: 100,
      perCustomer: 2,
      firstPurchaseOnly: true,
      minPrice: 50_000,
      planIds: [plan.id],
      isActive: true,
    });
    // the draft is gone once the code is made: an old Create press makes nothing more
    await d.forge('adm:promo:cond:create');
    expect((await services.promo.findPage({ limit: 10, offset: 0 })).total).toBe(1);
    expect(created?.validUntil).not.toBeNull();
    expect(created?.createdBy).toBeGreaterThan(0);

    // a customer uses it: the list shows the use
    const { customer } = await services.customers.register({ telegramId: nextTelegramId++ }, 'en');
    await services.promo.redeem(customer.id as CustomerId, 'NOWRUZ1405');
    const list = await d.pressTo('adm:promos', (text) => text.includes('Promo codes (1)'));
    const button = list.buttons.flat().find((b) => b.callbackData === `adm:promo:${created!.id}`);
    expect(button?.text).toContain('NOWRUZ1405');
    expect(button?.text).toContain('1/100');

    await d.pressTo(`adm:promo:${created!.id}`, (text) => text.includes('discounts held, not yet spent: 1'));
    expect(await d.press(`adm:promo:${created!.id}:off`)).toMatchObject({
      text: expect.stringContaining('switched off'),
    });
    expect((await services.promo.get(created!.id))?.isActive).toBe(false);
    // a code of the same text cannot be made twice
    await d.pressTo('adm:promos', (text) => text.includes('Promo codes (1)'));
    await d.pressTo('adm:promo:new', (text) => text.includes('What does the new code give?'));
    await d.pressTo('adm:promo:kind:balance', (text) => text.includes('Send the code'));
    await d.type('nowruz1405', (text) => text.includes('already exists'));
  });

  it('creates a price list with a percent and a plan price, puts a customer in it from the lookup, and a group code', async () => {
    const { services, d } = await openShop('Group Admin');
    const plan = await createMonthlyPlan(services, 'Group Admin');
    const { customer } = await services.customers.register(
      { telegramId: nextTelegramId++, firstName: 'Mina', username: 'mina_g' },
      'en',
    );
    await d.open();
    await d.pressTo('adm:groups', (text) => text.includes('No price lists yet'));
    await d.pressTo('adm:grp:new', (text) => text.includes("price list's name"));
    const created = await d.type('Colleagues', (text) => text.includes('Price list: Colleagues'));
    const group = (await services.groups.findAll())[0]!;
    expect(callbacks(created)).toContain(`adm:grp:${group.id}:pct`);
    await d.pressTo(`adm:grp:${group.id}:pct`, (text) => text.includes('percent off every plan'));
    await d.type('101', (text) => text.includes('from 0 to 100'));
    await d.type('15', (text) => text.includes('Percent off: 15 %'));
    await d.pressTo(`adm:grp:${group.id}:plans`, (text) => text.includes('Pick a plan'));
    await d.pressTo(`adm:grp:${group.id}:plan:${plan.id}`, (text) => text.includes("this list's price"));
    await d.type('99000', (text) => text.includes('99,000'));
    expect(await services.groups.get(group.id)).toMatchObject({
      discountPercent: 15,
      prices: [{ planId: plan.id, price: 99_000 }],
    });

    // the customer card's button puts the customer in the list
    await d.pressTo('adm:home', (text) => text.includes('Admin menu'));
    await d.pressTo('adm:customers', (text) => text.includes('Send a Telegram id'));
    await d.type('@mina_g', (text) => text.includes('Mina'));
    await d.pressTo(`adm:cgrp:${customer.id}`, (text) => text.includes('Price list of this customer: –'));
    expect(await d.press(`adm:cgrp:${customer.id}:${group.id}`)).toMatchObject({
      text: expect.stringContaining('set'),
    });
    expect((await services.groups.ofCustomer(customer.id as CustomerId))?.name).toBe('Colleagues');
    expect((await services.promo.quote(customer.id as CustomerId, [plan])).get(plan.id)?.price).toBe(99_000);

    // a code that moves customers into the list
    await d.open();
    await d.pressTo('adm:promos', (text) => text.includes('No promo codes yet'));
    await d.pressTo('adm:promo:new', (text) => text.includes('What does the new code give?'));
    await d.pressTo('adm:promo:kind:group', (text) => text.includes('Which price list'));
    await d.pressTo(`adm:promo:grp:${group.id}`, (text) => text.includes('Send the code'));
    await d.type('همکار', (text) => text.includes('total number of uses'));
    await d.type('0 0', (text) => text.includes('Code: همکار'));
    expect(await services.promo.findByCode('همکار')).toMatchObject({
      kind: 'group',
      groupId: group.id,
      maxUses: null,
      validUntil: null,
    });

    // another shop's admin, pressing forged buttons with this shop's ids, reaches neither
    const other = await openShop('Other Admin');
    await other.d.open();
    await other.d.forge(`adm:grp:${group.id}:del`);
    await other.d.forge(`adm:cgrp:${customer.id}:0`);
    expect(await services.groups.get(group.id)).toMatchObject({ isActive: true, members: 1 });
    expect((await services.groups.ofCustomer(customer.id as CustomerId))?.name).toBe('Colleagues');
  });
});
