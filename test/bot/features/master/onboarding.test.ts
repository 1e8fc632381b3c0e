import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import { BACKENDS } from '../../../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../../support/fleet.js';
import { callbacks, latestMessageId, pressForAnswer } from '../../../support/shop.js';

const MERCHANT = '1344b5d4-0048-11e8-94db-005056a205be';

describe.each(BACKENDS)('setting a shop up from the master bot on %s', (backend) => {
  let h: FleetHarness;
  let operator: SimUser;
  let master: ShopUnderTest;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    operator = h.sim.user({ firstName: 'Olga', username: 'olga_setup' });
    master = await h.addTenant('Master', { isMaster: true, adminTelegramIds: [operator.id] });
    await h.testApp.app.forTenant(master.id).settings.set('default_language', 'en', 'operator');
  }, 60_000);
  afterAll(() => h.close());

  const app = () => h.testApp.app;
  const latestId = () => latestMessageId(h, master, operator);
  const next = (since: number, predicate: (text: string, m: SimMessage) => boolean) =>
    h.sim.waitForMessage(
      master.bot,
      operator,
      (m) => m.fromBot && m.messageId > since && predicate(m.text ?? '', m),
      { timeoutMs: 5000 },
    );
  const type = (text: string, predicate: (text: string) => boolean) => {
    const since = latestId();
    operator.sendText(master.bot, text);
    return next(since, predicate);
  };
  /** Presses a button; resolves to the message showing what the press led to (edited or new). */
  const pressTo = async (data: string, predicate: (text: string) => boolean) => {
    const since = latestId();
    const pressed = operator.pressButton(master.bot, data);
    await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    return h.sim.waitForMessage(
      master.bot,
      operator,
      (m) =>
        m.fromBot && (m.messageId === pressed.messageId || m.messageId > since) && predicate(m.text ?? ''),
      { timeoutMs: 5000 },
    );
  };
  const press = (data: string) => pressForAnswer(h, master, operator, data);
  /** /fleet → tenants → the shop's card → its setup screen. */
  const openSetup = async (id: number, name: string) => {
    const since = latestId();
    operator.sendCommand(master.bot, 'fleet');
    await next(since, (text) => text.includes('Fleet control panel'));
    await pressTo('fleet:list:0', (text) => text.includes('Tenants, page 1'));
    await pressTo(`fleet:t:${id}`, (text) => text.includes(`· #${id}`));
    return pressTo(`fleet:s:${id}`, (text) => text.includes(`Setup of ${name}`));
  };

  it('walks the operator through admins, admin chat, topics, currency, squads, tag, price, Zarinpal and a top-up', async () => {
    operator.start(master.bot);
    await next(0, (text) => text.includes('Fleet control panel'));
    await pressTo('fleet:add', (text) => text.includes("Send the new tenant's bot token"));
    const shopBot = h.sim.addBot({ username: 'walked_shop_bot', firstName: 'Walked Shop' });
    const since = latestId();
    operator.sendText(master.bot, shopBot.token);
    await next(since, (text) => text.includes('Tenant added'));
    // the walk starts by itself with the admins: a shop without them leaves receipts unseen
    const first = await next(since, (text) => text.includes('step 1 of 11'));
    expect(first.text).toContain('Admins: not set');
    const tenant = (await app().platform.tenants.getByTelegramBotId(shopBot.id))!;
    const id = tenant.id;
    expect(callbacks(first)).toContain(`fleet:s:${id}:chat:w`);

    // typed ids: a word is refused with the reason, Persian digits are read
    await type('boss', (text) => text.includes('"boss" is not a Telegram id'));
    await type('۷۰۰۰۰۱, 700002', (text) => text.includes('Added: 700001, 700002'));
    // a forwarded message names its author
    const person = h.sim.user({ firstName: 'Parisa' });
    let mark = latestId();
    operator.forwardText(master.bot, person, 'hello from Parisa');
    await next(mark, (text) => text.includes(`Added: ${person.id}`));
    // someone who hides their account in forwards cannot be added that way
    mark = latestId();
    operator.forwardText(master.bot, { hiddenName: 'Secret Sam' }, 'hi');
    await next(mark, (text) => text.includes('hides their account'));
    expect((await app().platform.tenants.get(id))?.adminTelegramIds).toEqual([700_001, 700_002, person.id]);
    // a press removes one
    const removed = await pressTo(`fleet:s:${id}:rm:700002:w`, (text) => text.includes('Removed: 700002'));
    expect(removed.text).toContain(`Admins: 700001, ${person.id}`);
    expect((await app().platform.tenants.get(id))?.adminTelegramIds).toEqual([700_001, person.id]);

    // the admin chat: checked with the shop's own bot
    const chatStep = await pressTo(`fleet:s:${id}:chat:w`, (text) => text.includes('step 2 of 11'));
    expect(chatStep.text).toContain('@walked_shop_bot');
    const group = h.sim.group({ title: 'Walked admins', isForum: true });
    await type(String(group.id), (text) => text.includes('cannot find this chat'));
    // in the group but muted: it may not post there
    h.sim.setChatMember(group, shopBot.id, 'restricted');
    await type(String(group.id), (text) => text.includes('may not post in this chat'));
    group.addBot(shopBot, 'member');
    await type('12345', (text) => text.includes('That is a person, not a group'));
    const chatSaved = await type(String(group.id), (text) => text.includes('step 3 of 11'));
    expect(chatSaved.text).toContain('Admin chat set: Walked admins');
    expect(await app().forTenant(id).settings.get('admin_chat_id')).toBe(group.id);
    // asked of Telegram: the chat, and the bot's membership in it
    expect(h.sim.calls({ botId: shopBot.id, method: 'getChatMember' }).length).toBeGreaterThan(0);

    // topics: a receipts topic is typed, the tickets topic skipped
    const topic = group.createTopic('Receipts');
    await type('0', (text) => text.includes("Send the topic's id as a whole positive number"));
    await type(String(topic), (text) => text.includes('step 4 of 11'));
    expect(await app().forTenant(id).settings.get('receipt_topic_id')).toBe(topic);
    const currency = await pressTo(`fleet:s:${id}:cur:w`, (text) => text.includes('step 5 of 11'));
    expect(await app().forTenant(id).settings.get('ticket_topic_id')).toBeNull();
    expect(callbacks(currency)).toContain(`fleet:s:${id}:c:USD:w`);

    // currency by button, while the shop has no customers
    const squads = await pressTo(`fleet:s:${id}:c:USD:w`, (text) => text.includes('step 6 of 11'));
    expect((await app().platform.tenants.get(id))?.currency).toBe('USD');

    // squads chosen from the panel's own list
    const premium = h.panel.squads().find((squad) => squad.name === 'Premium-Squad')!;
    const squadData = `fleet:s:${id}:q:${premium.uuid.slice(0, 8)}:w`;
    expect(callbacks(squads)).toContain(squadData);
    await pressTo(squadData, (text) => text.includes('Panel squads chosen: 1'));
    expect(await app().forTenant(id).settings.get('panel_squads')).toEqual([premium.uuid]);

    // panel tag, then wholesale price
    await pressTo(`fleet:s:${id}:tag:w`, (text) => text.includes('step 7 of 11'));
    await type('far too long a tag', (text) => text.includes('A tag is 1 to 16 capital letters'));
    await type('walked_1', (text) => text.includes('step 8 of 11'));
    expect(await app().forTenant(id).settings.get('panel_tag')).toBe('WALKED_1');
    await type('1.5', (text) => text.includes('Please send a whole number'));
    await type('1,200', (text) => text.includes('step 9 of 11'));
    expect((await app().platform.tenants.get(id))?.wholesalePricePerGb).toBe(1_200);

    // Zarinpal merchant and sandbox
    await type('not-a-merchant', (text) => text.includes('A Zarinpal merchant id is a UUID'));
    const sandbox = await type(MERCHANT, (text) => text.includes('step 10 of 11'));
    expect(callbacks(sandbox)).toContain(`fleet:s:${id}:b:on:w`);
    await pressTo(`fleet:s:${id}:b:on:w`, (text) => text.includes('step 11 of 11'));
    expect(await app().platform.tenants.get(id)).toMatchObject({
      zarinpalMerchantId: MERCHANT,
      zarinpalSandbox: true,
    });

    // a first top-up, confirmed as from the card
    const confirm = await type('250000', (text) => text.includes('Add 250,000 to the wallet'));
    const [confirmData] = callbacks(confirm);
    await pressTo(confirmData!, (text) => text.includes('Wallet topped up by 250,000'));
    expect(await app().forTenant(id).wallet.balance()).toBe(250_000);

    // everything shows on the setup screen, which the card opens later
    await pressTo(`fleet:t:${id}`, (text) => text.includes(`· #${id}`));
    const overview = await pressTo(`fleet:s:${id}`, (text) => text.includes('Setup of Walked Shop'));
    expect(overview.text).toContain(`Admins: 700001, ${person.id}`);
    expect(overview.text).toContain(`Admin chat: ${group.id}`);
    expect(overview.text).toContain('Panel tag: WALKED_1');
    expect(overview.text).toContain(`Zarinpal merchant: ${MERCHANT}`);
    expect(overview.text).toContain('Wallet: 250,000');
  });

  it('changes a shop later from its card: one step, its name, any setting; refuses a currency change once it sells', async () => {
    const shop = await h.addTenant('Later');
    const services = app().forTenant(shop.id);

    // one step from the setup screen goes back to it, not on to the next step
    await openSetup(shop.id, 'Later');
    await pressTo(`fleet:s:${shop.id}:adm:e`, (text) => text.includes('Admins: not set'));
    const back = await type('700100', (text) => text.includes('Added: 700100'));
    expect(callbacks(back)).toContain(`fleet:s:${shop.id}`);
    expect(callbacks(back)).not.toContain(`fleet:s:${shop.id}:chat:w`);
    expect((await app().platform.tenants.get(shop.id))?.adminTelegramIds).toEqual([700_100]);

    await pressTo(`fleet:s:${shop.id}`, (text) => text.includes('Setup of Later'));
    await pressTo(`fleet:s:${shop.id}:name`, (text) => text.includes('Send the new name of Later'));
    await type('Later Shop', (text) => text.includes('Setup of Later Shop'));
    expect((await app().platform.tenants.get(shop.id))?.name).toBe('Later Shop');

    // any setting of the registry, operator-only ones included
    await pressTo(`fleet:cfg:${shop.id}`, (text) => text.includes('Settings of Later Shop'));
    await pressTo(`fleet:cfg:${shop.id}:g:wallet`, (text) => text.includes('•'));
    await pressTo(`fleet:cfg:${shop.id}:wallet_unlimited_equivalent_gb`, (text) =>
      text.includes('Only operators may change it'),
    );
    await pressTo(`fleet:cfg:${shop.id}:wallet_unlimited_equivalent_gb:e`, (text) =>
      text.includes('Send the new value'),
    );
    await type('0', (text) => text.includes('That value does not fit'));
    await type('250', (text) => text.includes('Saved.'));
    expect(await services.settings.get('wallet_unlimited_equivalent_gb')).toBe(250);
    // a switch by button
    await pressTo(`fleet:cfg:${shop.id}:g:wallet`, (text) => text.includes('•'));
    await pressTo(`fleet:cfg:${shop.id}`, (text) => text.includes('Settings of Later Shop'));
    await pressTo(`fleet:cfg:${shop.id}:g:basics`, (text) => text.includes('•'));
    await pressTo(`fleet:cfg:${shop.id}:skip_rules_acceptance`, (text) =>
      text.includes('skip_rules_acceptance'),
    );
    await pressTo(`fleet:cfg:${shop.id}:skip_rules_acceptance:v:false`, (text) => text.includes('Saved.'));
    expect(await services.settings.get('skip_rules_acceptance')).toBe(false);

    // a customer makes the currency final
    await services.customers.register({ telegramId: 8_100_000_001 }, 'en');
    await openSetup(shop.id, 'Later Shop');
    const currency = await pressTo(`fleet:s:${shop.id}:cur:e`, (text) =>
      text.includes('Every price, balance'),
    );
    expect(currency.text).toContain('Currency: Toman');
    expect(await press(`fleet:s:${shop.id}:c:RUB:e`)).toMatchObject({
      showAlert: true,
      text: 'The currency cannot change once the shop has customers: their balances and prices are in it.',
    });
    expect((await app().platform.tenants.get(shop.id))?.currency).toBe('IRT');
  });

  it('issues a new API token and deletes a shop after a confirmation', async () => {
    const shop = await h.addTenant('Doomed');
    await openSetup(shop.id, 'Doomed');
    await pressTo(`fleet:s:${shop.id}:api`, (text) => text.includes('Issue a new API token for Doomed'));
    const issued = await pressTo(`fleet:s:${shop.id}:api:y`, (text) =>
      text.includes('New API token of Doomed'),
    );
    const apiToken = issued.text!.trim().split('\n').at(-1)!.trim();
    expect((await app().platform.tenants.getByApiToken(apiToken))?.id).toBe(shop.id);
    expect(await app().platform.tenants.getByApiToken(shop.apiToken)).toBeUndefined();

    await pressTo(`fleet:s:${shop.id}`, (text) => text.includes('Setup of Doomed'));
    await pressTo(`fleet:s:${shop.id}:del`, (text) => text.includes('Delete Doomed'));
    expect(await app().platform.tenants.get(shop.id)).toBeDefined();
    await pressTo(`fleet:s:${shop.id}:del:y`, (text) => text.includes('was deleted'));
    expect(await app().platform.tenants.get(shop.id)).toBeUndefined();
    // the master bot offers neither for itself
    const own = await openSetup(master.id, 'Master');
    expect(callbacks(own)).not.toContain(`fleet:s:${master.id}:del`);
    expect(callbacks(own)).not.toContain(`fleet:s:${master.id}:token`);
  });
});
