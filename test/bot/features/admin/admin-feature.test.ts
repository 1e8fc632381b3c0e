import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../../../sim/telegram/index.js';
import { asCardId, asCustomerId, asPlanId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import { adminDriver, callbacks, newCustomer, openAdminShop } from '../../../support/shop.js';

/** A valid (Luhn) 16-digit card number, and one with a wrong check digit. */
const GOOD_CARD = '6037 9912 3456 7893';
const BAD_CARD = '6037 9912 3456 7890';

describe.each(BACKENDS)('tenant admin menu on %s', (backend) => {
  let h: FleetHarness;
  let nextAdminId = 880_001;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  /** A shop in English with one admin, a sim user whose Telegram id is the one the shop lists. */
  async function openShop(name: string) {
    const adminId = nextAdminId++;
    const { shop, admin, services } = await openAdminShop(h, name, adminId, { username: `ava_${adminId}` });
    return { shop, admin, services };
  }

  /** The admin's (or anyone's) conversation with a shop, as the tests drive it. */
  function driver(shop: ShopUnderTest, user: SimUser) {
    const d = adminDriver(h, shop, user);
    return {
      ...d,
      /** Admin menu → Settings → group → setting; resolves to the setting's card. */
      async openSetting(group: string, key: string, predicate: (text: string) => boolean) {
        await d.open();
        await d.pressTo('adm:settings', (text) => text.includes('Choose a group'));
        await d.pressTo(`adm:set:g:${group}`, (text) => text.includes('•'));
        return d.pressTo(`adm:set:${key}`, (text) => text.includes('Accepts:') && predicate(text));
      },
    };
  }

  it('refuses the menu to anyone but the shop admins, who also find it in the main menu', async () => {
    const { shop, admin } = await openShop('Guarded');
    const stranger = h.sim.user({ firstName: 'Mallory' });
    stranger.sendCommand(shop.bot, 'admin');
    const refusal = await h.sim.waitForMessage(shop.bot, stranger, (m) => m.fromBot);
    expect(refusal.text).toBe('Sorry, this menu is only for the admins of this shop.');
    expect(refusal.buttons).toEqual([]);

    // a menu button reached some other way is refused too, and shows nothing
    const { answer } = await driver(shop, stranger).forge('adm:stats');
    expect(answer).toMatchObject({
      text: 'Sorry, this menu is only for the admins of this shop.',
      show_alert: true,
    });
    expect(h.sim.chat(shop.bot, stranger).messages.some((m) => (m.text ?? '').includes('Sales'))).toBe(false);

    // the customer's main menu is unchanged; the admin's has the admin entry
    stranger.start(shop.bot);
    const menu = await h.sim.waitForMessage(
      shop.bot,
      stranger,
      (m) => m.fromBot && callbacks(m).includes('menu:buy'),
    );
    expect(callbacks(menu)).not.toContain('adm:home');
    admin.start(shop.bot);
    const adminMenu = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.fromBot && callbacks(m).includes('menu:buy'),
    );
    expect(callbacks(adminMenu).at(-1)).toBe('adm:home');
    const d = driver(shop, admin);
    const home = await d.pressTo('adm:home', (text) => text.includes('Admin menu · Guarded'));
    expect(callbacks(home)).toEqual([
      'adm:receipts',
      'adm:plans',
      'adm:cards',
      'adm:packs',
      'adm:help',
      'adm:customers',
      'adm:stats',
      'adm:promos',
      'adm:groups',
      'adm:settings',
      'adm:wallet',
      'adm:bc',
      'adm:mnt',
      'menu:home',
    ]);
    // a section of a feature switched off has no button: tickets show once the operator allows them
    await h.testApp.app.forTenant(shop.id).flags.set('support_tickets', true);
    const withTickets = await d.open();
    expect(callbacks(withTickets).slice(0, 2)).toEqual(['adm:receipts', 'adm:tickets']);
  });

  it('speaks the shop language, Persian by default', async () => {
    const adminId = nextAdminId++;
    const shop = await h.addTenant('Farsi', { adminTelegramIds: [adminId] });
    const admin = h.sim.user({ id: adminId, firstName: 'Parisa' });
    const d = driver(shop, admin);
    const since = d.latestId();
    admin.sendCommand(shop.bot, 'admin');
    const home = await d.next(since, (text) => text.includes('منوی مدیریت · Farsi'));
    expect(home.buttons[0]?.[0]?.text).toBe('🧾 رسیدهای در انتظار (۰)');
    const stats = await d.pressTo('adm:stats', (text) => text.includes('📊 آمار فروش'));
    expect(stats.text).toContain('امروز: ۰ · ۰ تومان');
  });

  it('creates a plan step by step, edits its price, reorders and switches it off; customers see each change', async () => {
    const { shop, admin, services } = await openShop('Planner');
    const existing = await services.plans.create({ name: 'Old Weekly', periodDays: 7, price: 40_000 });
    if (!existing.ok) throw new Error('plan');
    const d = driver(shop, admin);
    await d.open();
    await d.pressTo('adm:plans', (text) => text.includes('Old Weekly'));
    await d.pressTo('adm:plan:new', (text) => text.includes("Send the plan's name"));
    await d.type('Gold Monthly', (text) => text.includes('period in days'));
    // bad input is refused with the reason, and asked again
    await d.type('thirty', (text) => text.includes('must be a whole number of days from 1 to 3650'));
    await d.type('0', (text) => text.includes('must be a whole number of days from 1 to 3650'));
    await d.type('30', (text) => text.includes('Send the price'));
    await d.type('120,000', (text) => text.includes('traffic in GB'));
    await d.type('50', (text) => text.includes('device limit'));
    const card = await d.type('2', (text) => text.includes('📦 Gold Monthly'));
    expect(card.text).toContain('Price: 120,000 Toman');
    expect(card.text).toContain('(2 of 2)');

    const created = (await services.plans.findAll()).find((plan) => plan.name === 'Gold Monthly')!;
    expect(created).toMatchObject({
      periodDays: 30,
      price: 120_000,
      trafficGb: 50,
      deviceLimit: 2,
      isActive: true,
    });

    // edit the price
    await d.pressTo(`adm:plan:${created.id}:e:price`, (text) => text.includes('Send the price'));
    await d.type('-5', (text) => text.includes('price must be a whole number of at least 1'));
    const edited = await d.type('99000', (text) => text.includes('📦 Gold Monthly'));
    expect(edited.text).toContain('Price: 99,000 Toman');
    expect((await services.plans.get(created.id))?.price).toBe(99_000);

    // move it to the top
    const moved = await d.press(`adm:plan:${created.id}:up`);
    expect(moved.text).toBe('Moved.');
    expect((await services.plans.findActive()).map((plan) => plan.name)).toEqual([
      'Gold Monthly',
      'Old Weekly',
    ]);

    // a customer sees the new plan first, at the new price
    const { user: customer } = await newCustomer(h, shop, 'Cyrus');
    customer.pressButton(shop.bot, 'menu:buy');
    const list = await h.sim.waitForMessage(
      shop.bot,
      customer,
      (m) => m.fromBot && callbacks(m).includes(`plan:${created.id}:0`),
    );
    expect(list.buttons[0]?.[0]?.text).toBe('Gold Monthly · 99,000 Toman');

    // switched off: no longer on sale
    const off = await d.press(`adm:plan:${created.id}:off`);
    expect(off.text).toContain('switched off');
    expect((await services.plans.get(created.id))?.isActive).toBe(false);
    customer.pressButton(shop.bot, 'menu:buy');
    const after = await h.sim.waitForMessage(
      shop.bot,
      customer,
      (m) =>
        m.fromBot && m.messageId > list.messageId && callbacks(m).includes(`plan:${existing.value.id}:0`),
    );
    expect(callbacks(after)).not.toContain(`plan:${created.id}:0`);
  });

  it('adds a card (refusing a bad number), shows its success rate and switches it off', async () => {
    const { shop, admin, services } = await openShop('Cards');
    const d = driver(shop, admin);
    await d.open();
    await d.pressTo('adm:cards', (text) => text.includes('no cards yet'));
    await d.pressTo('adm:card:new', (text) => text.includes('16-digit card number'));
    await d.type(BAD_CARD, (text) => text.includes('This is not a valid card number'));
    await d.type('1234', (text) => text.includes('This is not a valid card number'));
    await d.type(GOOD_CARD, (text) => text.includes("card holder's name"));
    await d.type('Sara Ahmadi', (text) => text.includes("bank's name"));
    const shown = await d.type('Mellat', (text) => text.includes('💳 6037-9912-3456-7893'));
    expect(shown.text).toContain('Holder: Sara Ahmadi');
    expect(shown.text).toContain('Success rate: – (0 approved, 0 rejected)');

    const [card] = await services.cards.findAll();
    expect(card).toMatchObject({
      cardNumber: '6037991234567893',
      holderName: 'Sara Ahmadi',
      bankName: 'Mellat',
    });
    // outcomes counted by the card-to-card decisions show as a rate
    await services.cards.recordSuccess(card!.id);
    await services.cards.recordSuccess(card!.id);
    await services.cards.recordSuccess(card!.id);
    await services.cards.recordFailure(card!.id);
    const list = await d.pressTo('adm:cards', (text) => text.includes('**** 7893'));
    expect(list.text).toContain('Success rate: 75% (3 approved, 1 rejected)');

    // the same card again is refused
    await d.pressTo('adm:card:new', (text) => text.includes('16-digit card number'));
    await d.type(GOOD_CARD, (text) => text.includes('already added'));
    await d.pressTo('adm:cancel', (text) => text.includes('Admin menu'));
    await d.pressTo('adm:cards', (text) => text.includes('**** 7893'));
    await d.pressTo(`adm:card:${card!.id}`, (text) => text.includes('Shown to customers'));
    const off = await d.press(`adm:card:${card!.id}:off`);
    expect(off.text).toContain('switched off');
    expect((await services.cards.get(asCardId(card!.id)))?.isActive).toBe(false);
  });

  it('changes settings the tenant may change and is refused an operator-only one', async () => {
    const { shop, admin, services } = await openShop('Settings');
    const d = driver(shop, admin);
    await d.open();
    const groups = await d.pressTo('adm:settings', (text) => text.includes('Choose a group'));
    expect(callbacks(groups)).toContain('adm:set:g:trial');
    // settings of features not built yet are not offered at all
    expect(callbacks(groups)).not.toContain('adm:set:g:renewal');
    // referral rewards are built: their group is offered
    expect(callbacks(groups)).toContain('adm:set:g:referral');
    // operator-only settings are not offered
    const subscriptions = await d.pressTo('adm:set:g:subscriptions', (text) =>
      text.includes('Traffic reset'),
    );
    expect(callbacks(subscriptions)).not.toContain('adm:set:panel_tag');
    expect(subscriptions.text).not.toContain('Panel tag');

    await d.pressTo('adm:settings', (text) => text.includes('Choose a group'));
    await d.pressTo('adm:set:g:trial', (text) => text.includes('Trial length (days): 3'));
    await d.pressTo('adm:set:trial_days', (text) => text.includes('Accepts: an integer from 1 to 30'));
    await d.pressTo('adm:set:trial_days:edit', (text) => text.includes('Send the new value'));
    const refused = await d.type('99', (text) => text.includes('was not accepted'));
    expect(refused.text).toContain('an integer from 1 to 30');
    const saved = await d.type('5', (text) => text.includes('✅ Saved.'));
    expect(saved.text).toContain('Current value: 5 (set by you)');
    expect(await services.settings.get('trial_days')).toBe(5);

    // a list, comma separated
    await d.openSetting('payments', 'topup_presets', (text) => text.includes('Top-up amounts offered'));
    await d.pressTo('adm:set:topup_presets:edit', (text) => text.includes('Separate the items with commas'));
    await d.type('70000, 30000,150000', (text) => text.includes('✅ Saved.'));
    expect(await services.settings.get('topup_presets')).toEqual([70_000, 30_000, 150_000]);

    // a switch, with its buttons; then back to the default
    await d.openSetting('support', 'support_menu_enabled', (text) =>
      text.includes('Support in the main menu'),
    );
    await d.press('adm:set:support_menu_enabled:v:false');
    expect(await services.settings.get('support_menu_enabled')).toBe(false);
    await d.press('adm:set:support_menu_enabled:reset');
    expect(await services.settings.get('support_menu_enabled')).toBe(true);

    // a choice
    await d.openSetting('subscriptions', 'traffic_reset_strategy', (text) => text.includes('Traffic reset'));
    await d.press('adm:set:traffic_reset_strategy:v:WEEK');
    expect(await services.settings.get('traffic_reset_strategy')).toBe('WEEK');

    // an operator-only setting reached with a crafted button: refused, unchanged
    const { answer, messageId } = await d.forge('adm:set:panel_tag:edit');
    expect(answer.show_alert).not.toBe(true);
    const shown = await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.messageId === messageId && (m.text ?? '').includes('Only the operator'),
    );
    expect(shown.text).toBe('⛔ Only the operator of this service can change this setting.');
    expect(await services.settings.get('panel_tag')).toBeNull();
    // and typing after it changes nothing either
    admin.sendText(shop.bot, 'HACKED');
    await d.next(d.latestId(), () => true);
    expect(await services.settings.get('panel_tag')).toBeNull();
    await d.forge('adm:set:panel_tag:v:true');
    expect(await services.settings.get('panel_tag')).toBeNull();
  });

  it('looks a customer up and credits the balance once, however often Confirm is pressed', async () => {
    const { shop, admin, services } = await openShop('Customers');
    const { customerId, user: customer } = await newCustomer(h, shop, 'Bahar', { username: 'bahar_fa' });
    const d = driver(shop, admin);
    await d.open();
    await d.pressTo('adm:customers', (text) => text.includes('Send a Telegram id'));
    await d.type('nobody_here', (text) => text.includes('Nobody matches "nobody_here"'));
    const card = await d.type('@bahar_fa', (text) => text.includes('👤 Bahar · @bahar_fa'));
    expect(card.text).toContain(`Telegram id: ${customer.id}`);
    expect(card.text).toContain('Balance: 0 Toman');
    expect(card.text).toContain('Language: en');
    expect(card.text).toContain('No subscription.');

    await d.pressTo(`adm:cust:${customerId}:credit`, (text) => text.includes('Send the amount'));
    await d.type('0', (text) => text.includes('must be a whole number greater than 0'));
    await d.type('50,000', (text) => text.includes('send the reason'));
    const confirm = await d.type('refund for the outage', (text) =>
      text.includes('Credit 50,000 Toman to Bahar?'),
    );

    // two presses of Confirm, both before the bot handles the first
    const first = admin.pressButton(shop.bot, {
      messageId: confirm.messageId,
      button: `adm:cust:${customerId}:credit:ok`,
    });
    const second = admin.pressButton(shop.bot, {
      messageId: confirm.messageId,
      button: `adm:cust:${customerId}:credit:ok`,
    });
    const answers = await Promise.all([
      h.sim.waitForCallbackAnswer(first.callbackQueryId),
      h.sim.waitForCallbackAnswer(second.callbackQueryId),
    ]);
    expect(answers.map((a) => a.text).sort()).toEqual([
      'Credited.',
      'This confirmation was already used or has expired.',
    ]);
    await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.messageId === confirm.messageId && (m.text ?? '').includes('New balance: 50,000 Toman'),
    );
    expect(await services.ledger.balance(customerId)).toBe(50_000);
    const entries = await services.ledger.entries(customerId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'admin_credit',
      amount: 50_000,
      reason: 'refund for the outage',
      createdBy: admin.id,
    });
    // the customer is told
    await h.sim.waitForMessage(
      shop.bot,
      customer,
      (m) => m.fromBot && (m.text ?? '').includes('credited with 50,000 Toman'),
    );

    // the card shows the new balance
    const again = await d.pressTo(`adm:cust:${customerId}`, (text) => text.includes('Balance: 50,000 Toman'));
    expect(again.text).toContain('Bahar');
  });

  it('shows sales statistics', async () => {
    const { shop, admin, services } = await openShop('Stats');
    const plan = await services.plans.create({
      name: 'Monthly',
      periodDays: 30,
      price: 120_000,
      trafficGb: 50,
    });
    if (!plan.ok) throw new Error('plan');
    const { customerId } = await newCustomer(h, shop, 'Dara');
    await newCustomer(h, shop, 'Elham');
    await services.ledger.credit({ customerId, amount: 200_000, kind: 'admin_credit', reason: 'test' });
    const bought = await services.orders.purchasePlan({ customerId, planId: asPlanId(plan.value.id) });
    expect(bought.status).toBe('paid');
    // provisioning on the panel simulator makes the subscription active
    await eventually(
      async () => (await services.subscriptions.getForCustomer(customerId))?.status === 'active',
      'the subscription to be active',
      10_000,
    );
    const d = driver(shop, admin);
    await d.open();
    const stats = await d.pressTo('adm:stats', (text) => text.includes('Sales statistics'));
    expect(stats.text).toContain('Customers: 2 (new today: 2)');
    expect(stats.text).toContain('Active subscriptions: 1');
    expect(stats.text).toContain('Today: 1 · 120,000 Toman');
    expect(stats.text).toContain('Last 7 days: 1 · 120,000 Toman');
    expect(stats.text).toContain('Last 30 days: 1 · 120,000 Toman');
  });

  it('approves a pending card-to-card receipt through the menu, crediting the customer once', async () => {
    const { shop, admin, services } = await openShop('Receipts');
    await services.flags.set('card_to_card', true);
    const added = await services.cards.create({ cardNumber: GOOD_CARD, holderName: 'Sara Ahmadi' });
    if (!added.ok) throw new Error('card');
    const d = driver(shop, admin);
    // the admin opened the bot before, so receipts can reach them too
    await d.open();

    // a customer tops up by card-to-card and sends a photo of the receipt
    const { user: customer, customerId } = await newCustomer(h, shop, 'Farid');
    customer.pressButton(shop.bot, 'menu:topup');
    await h.sim.waitForMessage(
      shop.bot,
      customer,
      (m) => m.fromBot && callbacks(m).includes('topup:amt:100000'),
    );
    customer.pressButton(shop.bot, 'topup:amt:100000');
    await h.sim.waitForMessage(
      shop.bot,
      customer,
      (m) => m.fromBot && callbacks(m).includes('pay:card:100000:0'),
    );
    customer.pressButton(shop.bot, 'pay:card:100000:0');
    await h.sim.waitForMessage(shop.bot, customer, (m) => m.fromBot && callbacks(m).includes('c2c:cancel'));
    customer.sendPhoto(shop.bot, { caption: 'paid' });
    await eventually(
      async () => (await services.cardPayments.findPending()).length === 1,
      'the receipt to be pending',
    );
    const [payment] = await services.cardPayments.findPending();
    // the receipt also reaches the admin by itself (no admin chat is set): let that happen first
    await eventually(
      async () => (await services.cardPayments.get(payment!.id))?.adminMessages.length === 1,
      'the receipt to reach the admin',
      5000,
    );

    const since = d.latestId();
    const home = await d.open();
    expect(callbacks(home)).toContain('adm:receipts');
    expect(home.buttons[0]?.[0]?.text).toBe('🧾 Pending receipts (1)');
    const pressed = admin.pressButton(shop.bot, { messageId: home.messageId, button: 'adm:receipts' });
    await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    const receipt = await d.next(
      Math.max(since, home.messageId),
      (_, m) => callbacks(m).includes(`c2c:ok:${payment!.id}`) && m.photo !== undefined,
    );
    expect(receipt.caption).toContain(payment!.trackingNumber);

    const approve = admin.pressButton(shop.bot, {
      messageId: receipt.messageId,
      button: `c2c:ok:${payment!.id}`,
    });
    const toast = await h.sim.waitForCallbackAnswer(approve.callbackQueryId);
    expect(toast.text).toContain('100,000 Toman');
    expect(await services.ledger.balance(customerId)).toBe(100_000);
    expect(await services.cardPayments.get(payment!.id)).toMatchObject({
      status: 'approved',
      reviewedBy: admin.id,
    });
    // the receipt in the menu no longer offers a decision
    await h.sim.waitForMessage(
      shop.bot,
      admin,
      (m) => m.messageId === receipt.messageId && !callbacks(m).includes(`c2c:ok:${payment!.id}`),
    );
    // nothing left to decide
    await d.open();
    await d.pressTo('adm:receipts', (text) => text.includes('No card-to-card receipts are waiting'));
    expect(await services.ledger.balance(customerId)).toBe(100_000);
  });

  it("gives one shop's admin nothing of another shop through crafted buttons", async () => {
    const a = await openShop('ShopA');
    const b = await openShop('ShopB');
    const plan = await b.services.plans.create({ name: 'B Plan', periodDays: 30, price: 70_000 });
    const card = await b.services.cards.create({ cardNumber: GOOD_CARD, holderName: 'Bob B' });
    if (!plan.ok || !card.ok) throw new Error('setup');
    const { customerId, user: bCustomer } = await newCustomer(h, b.shop, 'Bijan', { username: 'bijan_b' });
    await b.services.flags.set('card_to_card', true);
    const submitted = await b.services.cardPayments.submit({
      customerId,
      amount: 100_000,
      cardId: asCardId(card.value.id),
      receipt: { text: 'transfer ref 123' },
    });
    if (submitted.status !== 'submitted') throw new Error('receipt');
    const bPayment = submitted.payment;

    const d = driver(a.shop, a.admin);
    await d.open();

    const seen = async (data: string, expected: string) => {
      const { messageId } = await d.forge(data);
      const message = await h.sim.waitForMessage(
        a.shop.bot,
        a.admin,
        (m) => m.messageId === messageId && (m.text ?? '').includes(expected),
      );
      expect(message.text).not.toContain('B Plan');
      expect(message.text).not.toContain('Bob B');
      expect(message.text).not.toContain('Bijan');
    };
    await seen(`adm:plan:${plan.value.id}`, 'This plan does not exist');
    await seen(`adm:plan:${plan.value.id}:e:price`, 'This plan does not exist');
    await d.forge(`adm:plan:${plan.value.id}:off`);
    await d.forge(`adm:plan:${plan.value.id}:up`);
    await seen(`adm:card:${card.value.id}`, 'This card does not exist');
    await d.forge(`adm:card:${card.value.id}:off`);
    await seen(`adm:cust:${customerId}`, 'This customer does not exist');
    await seen(`adm:cust:${customerId}:credit`, 'This customer does not exist');
    await d.forge(`adm:cust:${customerId}:credit:ok`);

    // searching finds nobody of the other shop
    await d.open();
    await d.pressTo('adm:customers', (text) => text.includes('Send a Telegram id'));
    await d.type('bijan_b', (text) => text.includes('Nobody matches'));
    await d.type(String(bCustomer.id), (text) => text.includes('Nobody matches'));
    await d.pressTo('adm:cancel', (text) => text.includes('Admin menu'));

    // the other shop's receipt is neither listed nor decidable
    await d.open();
    await d.pressTo('adm:receipts', (text) => text.includes('No card-to-card receipts are waiting'));
    const { answer } = await d.forge(`c2c:ok:${bPayment.id}`);
    expect(answer.text ?? '').not.toContain('100');

    // and A's admin is nobody in B's bot
    a.admin.sendCommand(b.shop.bot, 'admin');
    const refusal = await h.sim.waitForMessage(b.shop.bot, a.admin, (m) => m.fromBot);
    expect(refusal.text).toBe('Sorry, this menu is only for the admins of this shop.');

    // B is untouched
    expect(await b.services.plans.get(asPlanId(plan.value.id))).toMatchObject({
      isActive: true,
      price: 70_000,
    });
    expect(await b.services.cards.get(asCardId(card.value.id))).toMatchObject({ isActive: true });
    expect(await b.services.ledger.balance(asCustomerId(customerId))).toBe(0);
    expect(await b.services.cardPayments.get(bPayment.id)).toMatchObject({ status: 'pending' });
    expect((await a.services.plans.findAll()).length).toBe(0);
  });
});
