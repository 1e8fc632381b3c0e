import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, SimUser } from '../../../../sim/telegram/index.js';
import type { TenantServices } from '../../../../src/app.js';
import { formatId } from '../../../../src/bot/format.js';
import { BACKENDS } from '../../../support/database.js';
import {
  eventually,
  type FleetHarness,
  type ShopUnderTest,
  startFleetHarness,
} from '../../../support/fleet.js';
import { callbacks, enterShop, hasButton, latestMessageId, nextBotMessage } from '../../../support/shop.js';

/*
 * Resellers sign themselves up in the master bot, end to end through the Telegram simulator:
 * the operator defines a plan in the panel, a customer chooses it, pastes a bot token (getMe asked
 * of the simulator), pays by card-to-card, an operator approves the receipt and the shop starts;
 * a bot already registered is refused; with approval required the operator approves the shop too;
 * the new shop's admin tops its wallet up from the admin menu through the master bot.
 */
describe.each(BACKENDS)('resellers signing up in the master bot on %s', (backend) => {
  let h: FleetHarness;
  let operator: SimUser;
  let master: ShopUnderTest;
  let services: TenantServices;
  let planId: number;

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    operator = h.sim.user({ firstName: 'Olga', username: 'olga_ops', languageCode: 'en' });
    master = await h.addTenant('Master', { isMaster: true, adminTelegramIds: [operator.id] });
    services = h.testApp.app.forTenant(master.id);
    await services.settings.set('default_language', 'en', 'operator');
    await services.settings.set('reseller_signup_enabled', true, 'operator');
    const card = await services.cards.create({ cardNumber: '6037991234567893', holderName: 'Operator' });
    if (!card.ok) throw new Error(card.error.message);
  }, 60_000);
  afterAll(() => h.close());

  const latest = (user: SimUser, bot: ShopUnderTest = master) => latestMessageId(h, bot, user);
  const waitFrom = (user: SimUser, since: number, match: (m: SimMessage) => boolean, bot = master) =>
    h.sim.waitForMessage(bot.bot, user, (m) => m.fromBot && m.messageId > since && match(m), {
      timeoutMs: 10_000,
    });
  const press = (user: SimUser, data: string, match: (m: SimMessage) => boolean, bot = master) =>
    nextBotMessage(h, bot, user, match, () => user.pressButton(bot.bot, data), { timeoutMs: 10_000 });
  /** Presses a panel button; resolves to the (edited or new) message that shows `text`. */
  const pressPanel = async (data: string, text: string) => {
    const since = latest(operator);
    const pressed = operator.pressButton(master.bot, data);
    await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    return h.sim.waitForMessage(
      master.bot,
      operator,
      (m) =>
        m.fromBot &&
        (m.messageId === pressed.messageId || m.messageId > since) &&
        (m.text ?? '').includes(text),
      { timeoutMs: 10_000 },
    );
  };
  /** Presses a button of a menu that edits itself; resolves to the message as it now shows. */
  const pressEdit = async (
    user: SimUser,
    bot: ShopUnderTest,
    data: string,
    match: (m: SimMessage) => boolean,
  ) => {
    const since = latest(user, bot);
    const pressed = user.pressButton(bot.bot, data);
    await h.sim.waitForCallbackAnswer(pressed.callbackQueryId);
    return h.sim.waitForMessage(
      bot.bot,
      user,
      (m) => m.fromBot && (m.messageId === pressed.messageId || m.messageId > since) && match(m),
      { timeoutMs: 10_000 },
    );
  };
  const typeToPanel = (text: string, expected: string) => {
    const since = latest(operator);
    operator.sendText(master.bot, text);
    return waitFrom(operator, since, (m) => (m.text ?? '').includes(expected));
  };

  /** Sends a photo receipt; resolves to the operator's Approve press target for it. */
  async function sendReceipt(user: SimUser, caption: string) {
    const operatorMark = latest(operator);
    const since = latest(user);
    user.sendPhoto(master.bot, { caption });
    await waitFrom(user, since, (m) => (m.text ?? '').startsWith('✅ Receipt received'));
    const receipt = await waitFrom(operator, operatorMark, (m) =>
      callbacks(m).some((c) => /^c2c:ok:\d+$/.test(c)),
    );
    const button = callbacks(receipt).find((c) => /^c2c:ok:\d+$/.test(c))!;
    return { messageId: receipt.messageId, button };
  }

  /** "Open my shop" → the plan → the token: resolves to the bot's answer to the token. */
  async function chooseAndPaste(
    user: SimUser,
    token: string,
    expected: (text: string) => boolean,
    plan = planId,
  ) {
    const plans = await press(user, 'rsu:open', (m) => hasButton(m, `rsu:plan:${plan}`));
    expect(plans.text).toContain('Gold');
    const ask = await press(user, `rsu:plan:${plan}`, (m) => (m.text ?? '').includes('send its token'));
    expect(ask.text).toContain('Monthly fee: 300,000 Toman');
    const since = latest(user);
    user.sendText(master.bot, token);
    return waitFrom(user, since, (m) => expected(m.text ?? ''));
  }

  it('the operator defines a plan in the panel', async () => {
    operator.start(master.bot);
    await waitFrom(operator, 0, (m) => hasButton(m, 'fleet:rp:list'));
    await pressPanel('fleet:rp:list', 'Reseller plans: 0');
    await pressPanel('fleet:rp:new', "plan's name");
    await typeToPanel('Gold', 'monthly fee');
    await typeToPanel('300,000', 'wallet credit');
    await typeToPanel('۱۰۰۰۰۰', 'most customers');
    const card = await typeToPanel('0', 'Plan created');
    expect(card.text).toContain('Monthly fee: 300,000 Toman');
    expect(card.text).toContain('Wallet credit included: 100,000 Toman');
    expect(card.text).toContain('Customer cap: no limit');
    const [plan] = await services.resellers.plans.list();
    planId = plan!.id;
    expect(plan).toMatchObject({
      name: 'Gold',
      monthlyFee: 300_000,
      includedCredit: 100_000,
      customerCap: null,
    });
    // a switch the plan's shops do not keep
    expect(callbacks(card)).toContain(`fleet:rp:${planId}:f:broadcasts`);
    await pressPanel(`fleet:rp:${planId}:f:broadcasts`, 'Gold');
    expect((await services.resellers.plans.get(planId))?.featureKeys).not.toContain('broadcasts');
  });

  it('signs up: token checked, card-to-card receipt approved by an operator, the shop starts', async () => {
    const person = h.sim.user({ firstName: 'Reza', username: 'reza_shop', languageCode: 'en' });
    await enterShop(h, master, person);
    const menu = h.sim
      .chat(master.bot, person)
      .messages.findLast((m) => m.fromBot && hasButton(m, 'menu:buy'));
    expect(menu && hasButton(menu, 'rsu:open')).toBe(true);

    // a mistyped token and one Telegram does not know are refused, the question stays
    await chooseAndPaste(person, 'not a token', (text) => text.includes('That is not a bot token'));
    let since = latest(person);
    person.sendText(master.bot, '999999991:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await waitFrom(person, since, (m) => (m.text ?? '').includes('Telegram does not accept this token'));

    const shopBot = h.sim.addBot({ username: 'reza_vpn_bot', firstName: 'Reza VPN' });
    since = latest(person);
    person.sendText(master.bot, shopBot.token);
    const summary = await waitFrom(person, since, (m) => (m.text ?? '').includes('Your shop: @reza_vpn_bot'));
    expect(summary.text).toContain('Plan price (first month): 300,000 Toman');
    const methods = await waitFrom(person, since, (m) => hasButton(m, 'pay:card:300000:0'));
    expect(h.sim.calls({ botId: shopBot.id, method: 'getMe' }).length).toBeGreaterThan(0);

    // card-to-card: the card, then a photo receipt, reviewed by the operator
    const cardShown = await press(person, 'pay:card:300000:0', (m) =>
      (m.text ?? '').includes('Card-to-card'),
    );
    expect(cardShown.messageId).toBeGreaterThan(methods.messageId);
    const approveFirst = await sendReceipt(person, 'paid');
    since = latest(person);
    operator.pressButton(master.bot, approveFirst);
    const running = await waitFrom(person, since, (m) =>
      (m.text ?? '').includes('Your shop @reza_vpn_bot is running'),
    );
    expect(running.buttons.flat().some((b) => b.url === 'https://t.me/reza_vpn_bot')).toBe(true);

    const shop = (await h.testApp.app.platform.tenants.getByTelegramBotId(shopBot.id))!;
    expect(shop).toMatchObject({ adminTelegramIds: [person.id], isActive: true });
    const shopServices = h.testApp.app.forTenant(shop.id);
    expect(await shopServices.wallet.balance()).toBe(100_000);
    expect(await shopServices.flags.isEnabled('broadcasts')).toBe(false);
    const customer = await services.customers.getByTelegramId(person.id);
    expect(await services.ledger.balance(customer!.id)).toBe(0);
    // the new shop's bot runs: its admin opens its admin menu
    await shopServices.settings.set('default_language', 'en', 'operator');
    const shopRef: ShopUnderTest = { id: shop.id, bot: shopBot, apiToken: '' };
    await eventually(
      async () => {
        const mark = latest(person, shopRef);
        person.sendCommand(shopBot, 'admin');
        try {
          await h.sim.waitForMessage(
            shopBot,
            person,
            (m) => m.fromBot && m.messageId > mark && hasButton(m, 'adm:wallet'),
            {
              timeoutMs: 1000,
            },
          );
          return true;
        } catch {
          return false;
        }
      },
      'the new shop to answer /admin',
      15_000,
    );

    // the admin wallet section's top-up pays the operator in the master bot
    const wallet = await pressEdit(person, shopRef, 'adm:wallet', (m) => hasButton(m, 'adm:wallet:topup'));
    expect(wallet.text).toContain('100,000');
    const topUpScreen = await pressEdit(person, shopRef, 'adm:wallet:topup', (m) =>
      (m.text ?? '').includes('Pay the operator'),
    );
    const link = topUpScreen.buttons.flat().find((b) => b.url?.includes('?start=wtopup_'))?.url;
    expect(link).toBe(`https://t.me/${master.bot.username}?start=wtopup_${shop.id}`);
    since = latest(person);
    person.start(master.bot, `wtopup_${shop.id}`);
    const amounts = await waitFrom(person, since, (m) => hasButton(m, `rwt:amt:${shop.id}:500000`));
    expect(amounts.text).toContain('Top up the wallet of Reza VPN');
    await press(person, `rwt:amt:${shop.id}:500000`, (m) => hasButton(m, 'pay:card:500000:0'));
    await press(person, 'pay:card:500000:0', (m) => (m.text ?? '').includes('Card-to-card'));
    const approveSecond = await sendReceipt(person, 'wallet');
    since = latest(person);
    // two presses at once (a double click): credited once
    operator.pressButton(master.bot, approveSecond);
    operator.pressButton(master.bot, approveSecond);
    await waitFrom(person, since, (m) => (m.text ?? '').includes('was added to the wallet of Reza VPN'));
    expect(await shopServices.wallet.balance()).toBe(600_000);
    const entries = await shopServices.wallet.entries();
    expect(entries.filter((e) => e.kind === 'topup')).toHaveLength(2);
    expect(await services.ledger.balance(customer!.id)).toBe(0);

    // the same bot again: refused, it is a shop already
    const again = await chooseAndPaste(person, shopBot.token, (text) => text.includes('already registered'));
    expect(again.text).toContain('already registered as a shop');
  });

  it('waits for an operator when the master asks for approval, then starts', async () => {
    await services.settings.set('reseller_approval_required', true, 'operator');
    try {
      const person = h.sim.user({ firstName: 'Sara', languageCode: 'en' });
      const customerId = await enterShop(h, master, person);
      await services.ledger.credit({ customerId, amount: 300_000, kind: 'admin_credit' });
      // a plan for one customer only
      const tiny = await services.resellers.plans.create({
        name: 'Tiny',
        monthlyFee: 300_000,
        customerCap: 1,
      });
      if (!tiny.ok) throw new Error('plan');
      const shopBot = h.sim.addBot({ username: 'sara_vpn_bot', firstName: 'Sara VPN' });
      const summary = await chooseAndPaste(
        person,
        shopBot.token,
        (text) => text.includes('Your shop: @sara_vpn_bot'),
        tiny.value.id,
      );
      const signup = await services.resellers.signups.latestOf(customerId);
      expect(hasButton(summary, `rsu:pay:${signup!.id}`)).toBe(true);
      // the operators' review card is sent outside an update, in the master's language: Persian here
      await services.settings.set('default_language', 'fa', 'operator');
      // a double press pays once
      const since = latest(person);
      person.pressButton(master.bot, { messageId: summary.messageId, button: `rsu:pay:${signup!.id}` });
      person.pressButton(master.bot, { messageId: summary.messageId, button: `rsu:pay:${signup!.id}` });
      await waitFrom(person, since, (m) => (m.text ?? '').includes("waiting for the operators' approval"));
      expect(await services.ledger.balance(customerId)).toBe(0);
      const review = await h.sim.waitForMessage(
        master.bot,
        operator,
        (m) => m.fromBot && hasButton(m, `fleet:rsu:ok:${signup!.id}`),
        { timeoutMs: 10_000 },
      );
      await services.settings.set('default_language', 'en', 'operator');
      expect(review.text).toContain('@sara_vpn_bot');
      // Persian words and Persian digits only: the signup's number, the price
      const faId = formatId(signup!.id, 'fa');
      expect(faId).not.toBe(String(signup!.id));
      expect(review.text).toContain('منتظر تأیید شماست');
      expect(review.text).toContain(`#${faId}`);
      expect(review.text).toContain('۳۰۰٬۰۰۰ تومان');
      expect(review.text).not.toMatch(/[0-9]/);
      expect(review.buttons.flat().map((b) => b.text)).toEqual([`✅ تأیید #${faId}`, `✖️ رد #${faId}`]);
      expect(await h.testApp.app.platform.tenants.getByTelegramBotId(shopBot.id)).toBeUndefined();
      const mark = latest(person);
      operator.pressButton(master.bot, { messageId: review.messageId, button: `fleet:rsu:ok:${signup!.id}` });
      await waitFrom(person, mark, (m) => (m.text ?? '').includes('Your shop @sara_vpn_bot is running'));
      const shop = await h.testApp.app.platform.tenants.getByTelegramBotId(shopBot.id);
      expect(shop).toMatchObject({ adminTelegramIds: [person.id] });
      // the customer cap: the first customer gets in, the next one is turned away politely
      const shopRef: ShopUnderTest = { id: shop!.id, bot: shopBot, apiToken: '' };
      await h.testApp.app.forTenant(shop!.id).settings.set('default_language', 'en', 'operator');
      const first = h.sim.user({ firstName: 'First', languageCode: 'en' });
      await eventually(
        async () => {
          const at = latest(first, shopRef);
          first.start(shopBot);
          try {
            await h.sim.waitForMessage(shopBot, first, (m) => m.fromBot && m.messageId > at, {
              timeoutMs: 1000,
            });
            return true;
          } catch {
            return false;
          }
        },
        'the new shop to answer',
        15_000,
      );
      expect(await h.testApp.app.forTenant(shop!.id).customers.getByTelegramId(first.id)).toBeDefined();
      const late = h.sim.user({ firstName: 'Late', languageCode: 'en' });
      const at = latest(late, shopRef);
      late.start(shopBot);
      await waitFrom(late, at, (m) => (m.text ?? '').includes('not taking new customers'), shopRef);
      expect(await h.testApp.app.forTenant(shop!.id).customers.getByTelegramId(late.id)).toBeUndefined();
    } finally {
      await services.settings.set('default_language', 'en', 'operator');
      await services.settings.set('reseller_approval_required', false, 'operator');
    }
  });
});
