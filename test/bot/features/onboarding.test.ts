import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMenuEntries } from '../../../src/bot/features/main-menu.js';
import { BACKENDS } from '../../support/database.js';
import { type FleetHarness, startFleetHarness } from '../../support/fleet.js';

const callbacks = (m: { buttons: { callbackData?: string }[][] }) =>
  m.buttons.flat().flatMap((b) => (b.callbackData ? [b.callbackData] : []));

describe.each(BACKENDS)('customer onboarding on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  });
  afterAll(() => h.close());

  it('asks for a language, then the rules, then shows the menu in the chosen language', async () => {
    const shop = await h.addTenant('Lingo');
    const settings = h.testApp.app.forTenant(shop.id).settings;
    await settings.set('language_selection_enabled', true, 'tenant');
    await settings.set('skip_rules_acceptance', false, 'tenant');
    await settings.set('rules_text', 'Rule 1: be nice.', 'tenant');
    const user = h.sim.user({ firstName: 'Mina', languageCode: 'fa' });

    user.start(shop.bot);
    const picker = await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot);
    expect(callbacks(picker)).toEqual(['lang:fa', 'lang:en', 'lang:ru']);
    expect(picker.text).toContain('زبان');

    user.pressButton(shop.bot, 'lang:en');
    const rules = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && m.text?.includes('Rule 1') === true,
    );
    expect(rules.text).toContain('Please read the rules');
    user.pressButton(shop.bot, 'rules:accept');
    const menu = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && callbacks(m).includes('menu:buy'),
    );
    expect(menu.text).toContain('Main menu');

    const customer = await h.testApp.app.forTenant(shop.id).customers.getByTelegramId(user.id);
    expect(customer).toMatchObject({ language: 'en', hasChosenLanguage: true });
    expect(customer?.rulesAcceptedAt).toBeInstanceOf(Date);

    // a second /start goes straight to the menu and refreshes the profile
    const mark = h.sim.mark();
    user.start(shop.bot);
    const again = await h.sim.waitForCall({ botId: shop.bot.id, method: 'sendMessage', since: mark });
    expect(String(again.params.text)).toContain('Welcome back');
  });

  it('records a referral from the same tenant only, never a self-referral', async () => {
    const [shop, other] = await Promise.all([h.addTenant('Refer'), h.addTenant('Other')]);
    const inviter = h.sim.user({ firstName: 'Inviter' });
    inviter.start(shop.bot);
    inviter.start(other.bot);
    await h.sim.waitForMessage(shop.bot, inviter, (m) => m.fromBot);
    await h.sim.waitForMessage(other.bot, inviter, (m) => m.fromBot);
    const customers = h.testApp.app.forTenant(shop.id).customers;
    const inviterHere = (await customers.getByTelegramId(inviter.id))!;
    const inviterThere = (await h.testApp.app.forTenant(other.id).customers.getByTelegramId(inviter.id))!;

    const friend = h.sim.user({ firstName: 'Friend' });
    friend.start(shop.bot, `ref_${inviterHere.referralCode}`);
    await h.sim.waitForMessage(shop.bot, friend, (m) => m.fromBot);
    expect((await customers.getByTelegramId(friend.id))?.referredBy).toBe(inviterHere.id);

    // an imported shop's links carry the bare code (`?start=refab12cd34`)
    const imported = h.sim.user({ firstName: 'Imported' });
    await customers.register({ telegramId: 7_700_000_001, firstName: 'Old' }, 'en');
    const old = (await customers.getByTelegramId(7_700_000_001))!;
    imported.start(shop.bot, old.referralCode);
    await h.sim.waitForMessage(shop.bot, imported, (m) => m.fromBot);
    expect((await customers.getByTelegramId(imported.id))?.referredBy).toBe(old.id);

    const stranger = h.sim.user({ firstName: 'Stranger' });
    stranger.start(shop.bot, `ref_${inviterThere.referralCode}`);
    await h.sim.waitForMessage(shop.bot, stranger, (m) => m.fromBot);
    expect((await customers.getByTelegramId(stranger.id))?.referredBy).toBeNull();

    const mark = h.sim.mark();
    inviter.start(shop.bot, `ref_${inviterHere.referralCode}`);
    await h.sim.waitForCall({ botId: shop.bot.id, method: 'sendMessage', since: mark });
    expect((await customers.getByTelegramId(inviter.id))?.referredBy).toBeNull();
  });

  it('holds the menu back until the customer joins the required channel', async () => {
    const shop = await h.addTenant('Channel');
    const channel = h.sim.group({ type: 'channel', title: 'News', username: 'shop_news' });
    channel.addBot(shop.bot, 'administrator');
    const settings = h.testApp.app.forTenant(shop.id).settings;
    await settings.set('required_channel_enabled', true, 'tenant');
    await settings.set('required_channel_id', channel.id, 'tenant');
    await settings.set('required_channel_link', 'https://t.me/shop_news', 'tenant');
    const user = h.sim.user({ firstName: 'Joiner' });

    user.start(shop.bot);
    const prompt = await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot);
    expect(callbacks(prompt)).toEqual(['channel:check']);
    expect(prompt.buttons.flat().find((b) => b.url)?.url).toBe('https://t.me/shop_news');

    const press = user.pressButton(shop.bot, 'channel:check');
    const answer = await h.sim.waitForCallbackAnswer(press.callbackQueryId);
    expect(answer.showAlert).toBe(true);

    channel.setMember(user, 'member');
    user.pressButton(shop.bot, 'channel:check');
    const menu = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && callbacks(m).includes('menu:buy'),
    );
    expect(menu.deleted).toBe(false);
  });

  it('shows exactly the menu entries the flags and settings allow', async () => {
    const shop = await h.addTenant('Menu');
    const services = h.testApp.app.forTenant(shop.id);
    // defaults: card_to_card, trial, support_contact on; no support username → no support entry
    expect(await findMenuEntries(services)).toEqual(['buy', 'subscription', 'trial', 'topup', 'help']);

    await services.flags.set('trial_subscription', false);
    await services.flags.set('card_to_card', false);
    await services.flags.set('referral_program', true);
    await services.settings.set('support_username', '@shop_help', 'tenant');
    await services.settings.set('language_selection_enabled', true, 'tenant');
    expect(await findMenuEntries(services)).toEqual([
      'buy',
      'subscription',
      'referral',
      'support',
      'help',
      'language',
    ]);
    // the support section shows the contact: with the contact switched off it has nothing to show
    await services.flags.set('support_contact', false);
    expect(await findMenuEntries(services)).not.toContain('support');
    await services.flags.set('support_contact', true);
    await services.settings.set('support_menu_enabled', false, 'tenant');
    await services.settings.set('available_languages', ['fa'], 'tenant');
    await services.flags.set('zarinpal', true);
    // the mini app needs an https address to open: the harness serves it over http, so no button
    // (test/bot/features/menu/mini-app.test.ts shows it with an https PUBLIC_BASE_URL)
    await services.flags.set('mini_app', true);
    expect(await findMenuEntries(services)).toEqual(['buy', 'subscription', 'topup', 'referral', 'help']);

    const user = h.sim.user({ firstName: 'Menu' });
    user.start(shop.bot);
    const menu = await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.buttons.length > 0);
    expect(callbacks(menu)).toEqual([
      'menu:buy',
      'menu:subscription',
      'menu:topup',
      'menu:referral',
      'menu:help',
    ]);
    const webApps = (menu.replyMarkup?.inline_keyboard ?? [])
      .flat()
      .flatMap((button) => ('web_app' in button && button.web_app ? [button.web_app.url] : []));
    expect(webApps).toEqual([]);

    user.pressButton(shop.bot, 'menu:referral');
    const referral = await h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && m.text?.includes('?start=ref_') === true,
    );
    expect(referral.text).toContain(`https://t.me/${shop.bot.username}?start=ref_`);

    // a switched-off feature refuses even from an old message's button
    await services.flags.set('referral_program', false);
    const press = user.pressButton(shop.bot, { messageId: menu.messageId, button: 'menu:referral' });
    const answer = await h.sim.waitForCallbackAnswer(press.callbackQueryId);
    expect(answer.text).toMatch(/نیست|not available/);
  });

  it('answers a button of a section that no longer exists quietly, never "not open yet"', async () => {
    const shop = await h.addTenant('Old buttons');
    const user = h.sim.user({ firstName: 'Old' });
    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && callbacks(m).includes('menu:buy'));
    // a menu sent before polls and server status were taken out until they are built
    const sent = await fetch(`${h.sim.apiRoot}/bot${shop.bot.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        chat_id: user.id,
        text: 'old menu',
        reply_markup: {
          inline_keyboard: [
            [
              { text: 'Polls', callback_data: 'menu:polls' },
              { text: 'Server status', callback_data: 'menu:server_status' },
            ],
          ],
        },
      }),
    });
    const { result } = (await sent.json()) as { result: { message_id: number } };
    for (const button of ['menu:polls', 'menu:server_status']) {
      const press = user.pressButton(shop.bot, { messageId: result.message_id, button });
      const answer = await h.sim.waitForCallbackAnswer(press.callbackQueryId);
      expect({ button, text: answer.text, alert: answer.showAlert }).toEqual({
        button,
        text: undefined,
        alert: false,
      });
    }
  });

  it('answers a failing handler with a localized apology and marks the bot failing', async () => {
    const shop = await h.addTenant('Broken');
    const user = h.sim.user({ firstName: 'Oops' });
    user.start(shop.bot);
    await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot);
    // the menu reply fails once inside the handler; the boundary must still answer
    h.sim.fault({
      botId: shop.bot,
      method: 'sendMessage',
      kind: 'error',
      errorCode: 400,
      description: 'Bad Request: boom',
      times: 1,
    });
    const mark = h.sim.mark();
    user.start(shop.bot);
    const apology = await h.sim.waitForCall({
      botId: shop.bot.id,
      method: 'sendMessage',
      since: mark,
      match: (params: Record<string, unknown>) => String(params.text).includes('متأسفیم'),
    });
    expect(apology.params.chat_id).toBe(user.id);
    expect((await h.testApp.app.platform.tenants.get(shop.id))?.healthStatus).toBe('failing');
  });
});
