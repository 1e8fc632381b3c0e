import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../../../sim/telegram/index.js';
import { orders } from '../../../../src/db/schema.js';
import { inTenant } from '../../../../src/db/tenant-tx.js';
import { FEATURE_KEYS } from '../../../../src/modules/feature-flags/features.js';
import { chargeSale } from '../../../../src/modules/wallet/charge-sale.js';
import type { BotId } from '../../../../src/shared/ids.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import { callbacks, latestMessageId, pressForAnswer, pressForEdit } from '../../../support/shop.js';

describe.each(BACKENDS)('master bot on %s', (backend) => {
  let h: FleetHarness;
  let operator: SimUser;
  let master: ShopUnderTest;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    operator = h.sim.user({ firstName: 'Olga', username: 'olga_ops' });
    master = await h.addTenant('Master', { isMaster: true, adminTelegramIds: [operator.id] });
    // the panel in English, so the assertions read plainly (the default language is fa)
    await h.testApp.app.forTenant(master.id).settings.set('default_language', 'en', 'operator');
  });
  afterAll(() => h.close());

  const app = () => h.testApp.app;

  /** Id of the newest message in the operator's chat with the master bot. */
  const latestId = () => latestMessageId(h, master, operator);

  /** A message the master bot sent after message `since` that matches. */
  const next = (since: number, predicate: (text: string) => boolean, timeoutMs = 3000) =>
    h.sim.waitForMessage(
      master.bot,
      operator,
      (m) => m.fromBot && m.messageId > since && predicate(m.text ?? ''),
      { timeoutMs },
    );

  /** The operator types something; resolves to the bot's answer that matches. */
  const type = (text: string, predicate: (text: string) => boolean) => {
    const since = latestId();
    operator.sendText(master.bot, text);
    return next(since, predicate);
  };

  /** Opens the panel with /fleet. */
  const openPanel = () => {
    const since = latestId();
    operator.sendCommand(master.bot, 'fleet');
    return next(since, (text) => text.includes('Fleet control panel'));
  };

  /** Presses a panel button; resolves to the bot's answer to the press (the toast). */
  const press = (data: string) => pressForAnswer(h, master, operator, data);

  /** Presses a panel button and waits for the message it sits on to show the result. */
  const pressTo = (data: string, predicate: (text: string) => boolean) =>
    pressForEdit(h, master, operator, data, predicate);

  const openTenant = async (id: BotId) => {
    await openPanel();
    await pressTo('fleet:list:0', (text) => text.includes('Tenants, page 1'));
    return pressTo(`fleet:t:${id}`, (text) => text.includes(`· #${id}`) && text.includes('Wallet:'));
  };

  it('adds a tenant from a pasted token; the new bot answers within seconds', async () => {
    operator.start(master.bot);
    const home = await next(0, (text) => text.includes('Fleet control panel'));
    expect(callbacks(home)).toEqual([
      'fleet:add',
      'fleet:list:0',
      'fleet:stats',
      'fleet:bc',
      'fleet:mnt',
      'fleet:rp:list',
    ]);

    await pressTo('fleet:add', (text) => text.includes("Send the new tenant's bot token"));

    // not a token at all: asked again, nothing saved
    await type('hello there', (text) => text.includes('does not look like a bot token'));

    // a token of the right shape that Telegram refuses
    const revoked = h.sim.addBot({ username: 'revoked_shop_bot' });
    h.sim.revokeToken(revoked.token);
    await type(revoked.token, (text) => text.includes('Telegram does not accept this token'));
    expect(await app().platform.tenants.getByTelegramBotId(revoked.id)).toBeUndefined();

    const fresh = h.sim.addBot({ username: 'fresh_shop_bot', firstName: 'Fresh Shop' });
    const mark = h.sim.mark();
    const since = latestId();
    const pasted = operator.sendText(master.bot, fresh.token);
    const added = await next(since, (text) => text.includes('Tenant added'));
    expect(added.text).toContain('Fresh Shop (@fresh_shop_bot)');
    // checked with getMe against the configured Bot API root before saving
    expect(h.sim.calls({ botId: fresh.id, method: 'getMe', since: mark }).length).toBeGreaterThanOrEqual(1);
    // the pasted secret does not stay in the chat
    await h.sim.waitForCall({ botId: master.bot.id, method: 'deleteMessage', since: mark });
    expect(h.sim.message(master.bot, operator, pasted.messageId!)?.deleted).toBe(true);

    const tenant = await app().platform.tenants.getByTelegramBotId(fresh.id);
    expect(tenant).toMatchObject({ name: 'Fresh Shop', username: 'fresh_shop_bot', createdBy: operator.id });
    // the API token is shown once, and it is this tenant's
    const apiToken = added.text!.trim().split('\n').at(-1)!.trim();
    expect((await app().platform.tenants.getByApiToken(apiToken))?.id).toBe(tenant!.id);

    // no refresh by the test: the registry's change event starts the bot
    const customer = h.sim.user({ firstName: 'Cyrus' });
    customer.start(fresh);
    const greeting = await h.sim.waitForMessage(fresh, customer, (m) => m.fromBot, { timeoutMs: 5000 });
    expect(greeting.buttons.length).toBeGreaterThan(0);

    // the same bot again: already a tenant
    await openPanel();
    await pressTo('fleet:add', (text) => text.includes("Send the new tenant's bot token"));
    const taken = await type(fresh.token, (text) => text.includes('already a tenant'));
    expect(taken.text).toContain(`#${tenant!.id}`);
  });

  it('refuses the panel to anyone but the operators, who still get the shop', async () => {
    const stranger = h.sim.user({ firstName: 'Stranger' });
    stranger.sendCommand(master.bot, 'fleet');
    const refusal = await h.sim.waitForMessage(master.bot, stranger, (m) => m.fromBot);
    expect(refusal.text).toBe('This panel is for the operators of this fleet only.');
    expect(refusal.buttons).toEqual([]);

    // a panel button reached some other way (an old message, a forged update) is refused too
    const mark = h.sim.mark();
    h.sim.enqueueUpdate(master.bot, {
      callback_query: {
        id: 'forged-1',
        from: { id: stranger.id, is_bot: false, first_name: 'Stranger' },
        chat_instance: 'forged',
        data: 'fleet:stats',
      },
    });
    const answer = await h.sim.waitForCall({
      botId: master.bot.id,
      method: 'answerCallbackQuery',
      since: mark,
      match: (params) => params.callback_query_id === 'forged-1',
    });
    expect(answer.params).toMatchObject({
      text: 'This panel is for the operators of this fleet only.',
      show_alert: true,
    });

    // the master tenant is a shop for everyone else
    stranger.start(master.bot);
    const menu = await h.sim.waitForMessage(
      master.bot,
      stranger,
      (m) => m.fromBot && callbacks(m).includes('menu:buy'),
    );
    expect(menu.text).toContain('Main menu');

    // a tenant's own admin gets no operator panel in the tenant's bot
    const shopAdmin = h.sim.user({ firstName: 'Admin' });
    const shop = await h.addTenant('Outside', { adminTelegramIds: [shopAdmin.id] });
    shopAdmin.sendCommand(shop.bot, 'fleet');
    const reply = await h.sim.waitForMessage(shop.bot, shopAdmin, (m) => m.fromBot);
    expect(callbacks(reply)).not.toContain('fleet:add');
  });

  it('suspends a tenant, which stops answering, and activates it again', async () => {
    const shop = await h.addTenant('Suspendable');
    const customer = h.sim.user({ firstName: 'Sue' });
    customer.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, customer, (m) => m.fromBot);

    const card = await openTenant(shop.id);
    expect(card.text).toContain('Status: 🟢 active');
    const pressed = operator.pressButton(master.bot, `fleet:t:${shop.id}:off`);
    expect(await h.sim.waitForCallbackAnswer(pressed.callbackQueryId)).toMatchObject({
      text: 'Tenant suspended.',
    });
    await h.sim.waitForMessage(
      master.bot,
      operator,
      (m) => m.messageId === pressed.messageId && m.text?.includes('Status: ⏸ suspended') === true,
    );
    expect((await app().platform.tenants.get(shop.id))?.isActive).toBe(false);
    await eventually(() => !h.platform.fleet.status().some((s) => s.botId === shop.id), 'bot stopped');

    const mark = h.sim.mark();
    customer.sendText(shop.bot, 'anyone there?');
    // longer than a stopped poller's restart delay (1 s): nothing of this bot is still polling
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(h.sim.calls({ botId: shop.bot.id, method: 'sendMessage', since: mark })).toHaveLength(0);

    expect(await press(`fleet:t:${shop.id}:on`)).toMatchObject({ text: 'Tenant activated.' });
    // the update sent while suspended waited in Telegram's queue and is answered now
    await h.sim.waitForCall({ botId: shop.bot.id, method: 'sendMessage', since: mark, timeoutMs: 5000 });

    // the master bot offers no button to suspend itself
    const own = await openTenant(master.id);
    expect(callbacks(own)).not.toContain(`fleet:t:${master.id}:off`);
  });

  it('switches features, sets the price per GB and tops up the wallet, which then covers a sale', async () => {
    const shop = await h.addTenant('Wallet');
    const services = app().forTenant(shop.id);
    await openTenant(shop.id);

    const features = await pressTo(`fleet:t:${shop.id}:f`, (text) => text.includes('Features of Wallet'));
    // exactly the switches the product acts on, then back
    expect(callbacks(features)).toEqual([
      ...FEATURE_KEYS.map((key) => `fleet:t:${shop.id}:f:${key}`),
      `fleet:t:${shop.id}`,
    ]);
    expect(await services.flags.isEnabled('zarinpal')).toBe(false);
    expect(await press(`fleet:t:${shop.id}:f:zarinpal`)).toMatchObject({ text: 'zarinpal is on.' });
    expect(await services.flags.isEnabled('zarinpal')).toBe(true);

    // the button of a switch taken out since (an old message) shows the switches there are now
    const sent = await fetch(`${h.sim.apiRoot}/bot${master.bot.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        chat_id: operator.id,
        text: 'old features',
        reply_markup: { inline_keyboard: [[{ text: 'polls', callback_data: `fleet:t:${shop.id}:f:polls` }]] },
      }),
    });
    const { result } = (await sent.json()) as { result: { message_id: number } };
    const oldPress = operator.pressButton(master.bot, {
      messageId: result.message_id,
      button: `fleet:t:${shop.id}:f:polls`,
    });
    expect((await h.sim.waitForCallbackAnswer(oldPress.callbackQueryId)).text).toBeUndefined();
    const current = await h.sim.waitForMessage(
      master.bot,
      operator,
      (m) => m.messageId === result.message_id && m.text?.includes('Features of Wallet') === true,
    );
    expect(callbacks(current)).not.toContain(`fleet:t:${shop.id}:f:polls`);
    expect(callbacks(current)).toContain(`fleet:t:${shop.id}:f:zarinpal`);

    await pressTo(`fleet:t:${shop.id}`, (text) => text.includes(`· #${shop.id}`));

    await pressTo(`fleet:t:${shop.id}:price`, (text) => text.includes('Wholesale price per GB for Wallet'));
    await type('1.5', (text) => text.includes('Please send a whole number'));
    await type('1,500', (text) => text.includes('Price per GB set to 1,500'));
    expect((await services.wallet.summary()).wholesalePricePerGb).toBe(1_500);

    // a 100 GB sale costs 150 000: the empty wallet refuses it
    const customer = await services.customers.register({ telegramId: 8_000_000_001 }, 'fa');
    const [order] = await inTenant(h.testApp.database.handle.db, shop.id, (tx) =>
      tx
        .insert(orders)
        .values({
          botId: shop.id,
          customerId: customer.customer.id,
          kind: 'purchase',
          price: 300_000,
          currency: 'IRT',
          periodDays: 30,
          trafficGb: 100,
          deviceLimit: 1,
        })
        .returning({ id: orders.id }),
    );
    const sell = () =>
      inTenant(h.testApp.database.handle.db, shop.id, (tx) =>
        chargeSale(tx, { orderId: order!.id, trafficGb: 100 }),
      );
    expect(await sell()).toEqual({ status: 'insufficient', balance: 0, missing: 150_000 });

    // an amount typed and then abandoned for another one
    await openTenant(shop.id);
    await pressTo(`fleet:t:${shop.id}:topup`, (text) => text.includes('Top up the wallet of Wallet'));
    const stale = await type('100', (text) => text.includes('Add 100 to the wallet of Wallet'));

    await openTenant(shop.id);
    await pressTo(`fleet:t:${shop.id}:topup`, (text) => text.includes('Top up the wallet of Wallet'));
    // Persian digits and separator, as an Iranian operator types them
    const confirm = await type('۲۵۰٬۰۰۰', (text) => text.includes('Add 250,000 to the wallet of Wallet'));
    const [confirmData, cancelData] = callbacks(confirm);
    expect(confirmData).toMatch(new RegExp(`^fleet:t:${shop.id}:topup:\\d+$`));
    expect(cancelData).toBe('fleet:cancel');
    expect(await services.wallet.balance()).toBe(0);

    // the abandoned confirmation no longer moves money
    const old = operator.pressButton(master.bot, { messageId: stale.messageId, button: /topup/ });
    expect(await h.sim.waitForCallbackAnswer(old.callbackQueryId)).toMatchObject({
      showAlert: true,
      text: 'This top-up is no longer pending. Start again from the tenant.',
    });
    expect(await services.wallet.balance()).toBe(0);

    // a double tap: both presses reach the bot before the message changes; money moves once
    const tap = operator.pressButton(master.bot, confirmData!);
    const doubleTap = operator.pressButton(master.bot, confirmData!);
    await h.sim.waitForCallbackAnswer(tap.callbackQueryId);
    expect(await h.sim.waitForCallbackAnswer(doubleTap.callbackQueryId)).toMatchObject({ showAlert: true });
    await h.sim.waitForMessage(
      master.bot,
      operator,
      (m) =>
        m.messageId === confirm.messageId &&
        m.text?.includes('Wallet topped up by 250,000. New balance: 250,000.') === true,
    );
    expect(await services.wallet.balance()).toBe(250_000);
    const [entry, ...rest] = await services.wallet.entries();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ kind: 'topup', amount: 250_000, createdBy: operator.id });
    expect(entry?.externalRef).toMatch(/^master:/);

    const card = await openTenant(shop.id);
    expect(card.text).toContain('Wallet: 250,000 · price per GB: 1,500');

    // the sale the wallet refused now goes through
    expect(await sell()).toEqual({ status: 'charged', amount: 150_000, balance: 100_000 });
    expect((await services.wallet.audit()).consistent).toBe(true);
  });

  it('lists tenants with health and sales, and shows fleet statistics', async () => {
    const shop = await h.addTenant('Seller');
    const services = app().forTenant(shop.id);
    const { customer } = await services.customers.register({ telegramId: 8_000_000_002 }, 'fa');
    const db = h.testApp.database.handle.db;
    await inTenant(db, shop.id, async (tx) => {
      const base = {
        botId: shop.id,
        customerId: customer.id,
        kind: 'purchase' as const,
        currency: 'IRT' as const,
        periodDays: 30,
        trafficGb: 10,
        deviceLimit: 1,
      };
      // created and cancelled orders are not sales
      await tx.insert(orders).values([
        { ...base, price: 120_000 },
        { ...base, price: 80_000, status: 'cancelled' },
      ]);
    });
    await inTenant(db, shop.id, async (tx) => {
      // sold orders: paid with balance (price 0 needs no ledger row for the check constraint)
      await tx.insert(orders).values([
        {
          botId: shop.id,
          customerId: customer.id,
          kind: 'purchase',
          price: 0,
          currency: 'IRT',
          periodDays: 30,
          trafficGb: 10,
          deviceLimit: 1,
          status: 'active',
        },
      ]);
    });
    const sold = await services.ledger.credit({ customerId: customer.id, amount: 200_000, kind: 'topup' });
    if (sold.status !== 'posted') throw new Error('no credit');
    await inTenant(db, shop.id, (tx) =>
      tx.insert(orders).values({
        botId: shop.id,
        customerId: customer.id,
        kind: 'purchase',
        price: 200_000,
        currency: 'IRT',
        periodDays: 30,
        trafficGb: 10,
        deviceLimit: 1,
        status: 'paid',
        transactionId: sold.entry.id,
      }),
    );
    const stats = await app().platform.stats.tenantStats(shop.id);
    expect(stats).toEqual({
      customers: 1,
      activeSubscriptions: 0,
      sales: { count: 2, amounts: [{ currency: 'IRT', amount: 200_000 }] },
    });

    const card = await openTenant(shop.id);
    expect(card.text).toContain('Sales: 2 (200,000 Toman)');
    expect(card.text).toContain('Health: ✅ healthy');

    // the list pages through every tenant
    const all = await app().platform.tenants.findAll({ limit: 1000 });
    const seen = new Set<number>();
    let page = 0;
    await openPanel();
    let list = await pressTo('fleet:list:0', (text) => text.includes('Tenants, page 1'));
    for (;;) {
      for (const data of callbacks(list)) {
        const match = /^fleet:t:(\d+)$/.exec(data);
        if (match) seen.add(Number(match[1]));
      }
      if (list.text?.includes(`#${shop.id} Seller`)) expect(list.text).toContain('sales: 2 (200,000 Toman)');
      if (!callbacks(list).includes(`fleet:list:${page + 1}`)) break;
      page += 1;
      list = await pressTo(`fleet:list:${page}`, (text) => text.includes(`Tenants, page ${page + 1}`));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(all.map((tenant) => tenant.id));

    await openPanel();
    const statsMessage = await pressTo('fleet:stats', (text) => text.includes('Fleet statistics'));
    const fleet = await app().platform.stats.fleetStats();
    expect(fleet.tenants.total).toBe(all.length);
    expect(fleet.sales.count).toBeGreaterThanOrEqual(2);
    const text = statsMessage.text!;
    expect(text).toContain(`Tenants: ${fleet.tenants.total} (active ${fleet.tenants.active}`);
    expect(text).toContain(`Customers: ${fleet.customers}`);
    expect(text).toContain(`Sales: ${fleet.sales.count} (`);
    // and orders of other tenants are not counted twice or lost
    const counted = await Promise.all(all.map((tenant) => app().platform.stats.tenantStats(tenant.id)));
    expect(fleet.sales.count).toBe(counted.reduce((sum, s) => sum + s.sales.count, 0));
    expect(fleet.customers).toBe(counted.reduce((sum, s) => sum + s.customers, 0));
    const rows = await inTenant(db, shop.id, (tx) =>
      tx.select().from(orders).where(eq(orders.botId, shop.id)),
    );
    expect(rows).toHaveLength(4);
  });
});
