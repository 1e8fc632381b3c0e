import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimMessage, SimPaymentError, type SimUser } from '../../../sim/telegram/index.js';
import type { CustomerId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { eventually, type FleetHarness, type ShopUnderTest, startFleetHarness } from '../../support/fleet.js';
import {
  callbacks,
  enterShop,
  latestMessageId,
  newCustomer,
  nextBotMessage,
  openTestShop,
  pressForAnswer,
  pressForEdit,
  topUpWith,
} from '../../support/shop.js';

const BACK_SOON = 'We are down for maintenance';

/**
 * Maintenance end to end through the Telegram simulator: the shop's admins switch their shop from
 * the admin menu, the operators the whole platform (and any shop) from the master bot; customers
 * get "back soon", admins and operators keep working, notices wait for the end.
 */
describe.each(BACKENDS)('maintenance mode on %s', (backend) => {
  let h: FleetHarness;
  let operator: SimUser;
  let master: ShopUnderTest;
  let alpha: ShopUnderTest;
  let beta: ShopUnderTest;
  let adminA: SimUser;
  let customerA: { user: SimUser; customerId: CustomerId };
  let customerB: { user: SimUser; customerId: CustomerId };

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
    operator = h.sim.user({ firstName: 'Olga', languageCode: 'en' });
    master = await h.addTenant('Master', { isMaster: true, adminTelegramIds: [operator.id] });
    await h.testApp.app.forTenant(master.id).settings.set('default_language', 'en', 'operator');
    adminA = h.sim.user({ firstName: 'Ava', languageCode: 'en' });
    ({ shop: alpha } = await openTestShop(h, 'Alpha', { admins: [adminA.id] }));
    ({ shop: beta } = await openTestShop(h, 'Beta'));
    const alphaServices = h.testApp.app.forTenant(alpha.id);
    await alphaServices.flags.set('telegram_stars', true);
    await alphaServices.settings.set('topup_presets', [50_000], 'operator');
    customerA = await newCustomer(h, alpha, 'Cyrus');
    customerB = await newCustomer(h, beta, 'Darius');
  }, 60_000);
  afterAll(() => h.close());

  const app = () => h.testApp.app;

  /** The bot's messages to `user` newer than `since`. */
  const botMessagesSince = (shop: ShopUnderTest, user: SimUser, since: number) =>
    h.sim.chat(shop.bot, user).messages.filter((m) => m.fromBot && m.messageId > since);

  const reply = (shop: ShopUnderTest, user: SimUser, text: string, match: (m: SimMessage) => boolean) =>
    nextBotMessage(h, shop, user, match, () => user.sendText(shop.bot, text), { timeoutMs: 5000 });

  const saysBackSoon = (m: SimMessage) => (m.text ?? '').includes(BACK_SOON);

  it("lets a shop's admin switch the shop from the admin menu: its customers wait, other shops' do not", async () => {
    const invoice = await topUpWith(h, alpha, customerA.user, { method: 'stars', amount: 50_000 }, (m) =>
      Boolean(m.invoice),
    );
    expect(invoice.invoice).toBeDefined();

    const home = await nextBotMessage(
      h,
      alpha,
      adminA,
      (m) => (m.text ?? '').includes('Admin menu · Alpha'),
      () => adminA.sendCommand(alpha.bot, 'admin'),
    );
    expect(callbacks(home)).toContain('adm:mnt');
    const screen = await pressForEdit(h, alpha, adminA, 'adm:mnt', (text) =>
      text.includes('Maintenance mode'),
    );
    expect(screen.text).toContain('Shop: ✅ off');
    expect(callbacks(screen)).toEqual(['adm:mnt:on', 'adm:set:maintenance_message', 'adm:home']);
    const toast = await pressForAnswer(h, alpha, adminA, 'adm:mnt:on');
    expect(toast.text).toBe('Maintenance is on.');
    expect((await app().forTenant(alpha.id).maintenance.state()).shop.on).toBe(true);
    await eventually(
      () =>
        (
          h.sim.chat(alpha.bot, adminA).messages.find((m) => m.messageId === screen.messageId)?.text ?? ''
        ).includes('on since'),
      'the screen shows it on',
    );
    // the line customers get is a setting of the shop's own, one press away
    const setting = await pressForEdit(h, alpha, adminA, 'adm:set:maintenance_message', (text) =>
      text.includes('Maintenance message'),
    );
    expect(callbacks(setting)).toContain('adm:set:maintenance_message:edit');

    // the customer: one "back soon", however much they write
    const since = latestMessageId(h, alpha, customerA.user);
    await reply(alpha, customerA.user, '/start', saysBackSoon);
    customerA.user.sendText(alpha.bot, 'hello?');
    customerA.user.sendText(alpha.bot, 'anyone?');
    // a button press is answered with it as an alert
    const pressed = await pressForAnswer(h, alpha, customerA.user, 'menu:buy');
    expect(pressed).toMatchObject({ showAlert: true });
    expect(pressed.text).toContain(BACK_SOON);
    expect(botMessagesSince(alpha, customerA.user, since)).toHaveLength(1);

    // a Stars checkout is refused with it: nothing is charged
    const declined = await customerA.user.pay(alpha.bot).catch((error: unknown) => error);
    expect(declined).toBeInstanceOf(SimPaymentError);
    expect((declined as SimPaymentError).message).toContain(BACK_SOON);
    expect(h.sim.charges(alpha.bot)).toHaveLength(0);

    // another shop is served as usual
    const menu = await reply(beta, customerB.user, '/start', (m) => callbacks(m).includes('menu:buy'));
    expect(menu.text).not.toContain(BACK_SOON);

    // the admin keeps working in the maintained shop
    await nextBotMessage(
      h,
      alpha,
      adminA,
      (m) => (m.text ?? '').includes('Admin menu · Alpha'),
      () => adminA.sendCommand(alpha.bot, 'admin'),
    );

    // a message written to the customer meanwhile waits for the end
    const queued = await app()
      .forTenant(alpha.id)
      .moderation.message(customerA.customerId, 'Your server moved');
    expect(queued.status).toBe('queued');
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(
      botMessagesSince(alpha, customerA.user, since).some((m) =>
        (m.text ?? '').includes('Your server moved'),
      ),
    ).toBe(false);

    await pressForEdit(h, alpha, adminA, 'adm:mnt', (text) => text.includes('Maintenance mode'));
    const off = await pressForAnswer(h, alpha, adminA, 'adm:mnt:off');
    expect(off.text).toContain('Maintenance is off');
    await h.sim.waitForMessage(
      alpha.bot,
      customerA.user,
      (m) => (m.text ?? '').includes('Your server moved'),
      {
        timeoutMs: 5000,
      },
    );
    await reply(alpha, customerA.user, '/start', (m) => callbacks(m).includes('menu:buy'));
  });

  it('lets the operators put the whole platform in maintenance from the master bot, and keep working', async () => {
    const home = await nextBotMessage(
      h,
      master,
      operator,
      (m) => (m.text ?? '').includes('Fleet control panel'),
      () => operator.sendCommand(master.bot, 'fleet'),
    );
    expect(callbacks(home)).toContain('fleet:mnt');
    const screen = await pressForEdit(h, master, operator, 'fleet:mnt', (text) =>
      text.includes('Platform maintenance'),
    );
    expect(screen.text).toContain('State: ✅ off');
    const toast = await pressForAnswer(h, master, operator, 'fleet:mnt:on');
    expect(toast.text).toBe('Platform maintenance is on.');
    try {
      expect((await app().platform.maintenance.get()).on).toBe(true);
      // every shop's customers wait
      await reply(alpha, customerA.user, 'hi', saysBackSoon);
      await reply(beta, customerB.user, 'hi', saysBackSoon);
      // the shop's admin sees why
      await nextBotMessage(
        h,
        alpha,
        adminA,
        (m) => (m.text ?? '').includes('Admin menu · Alpha'),
        () => adminA.sendCommand(alpha.bot, 'admin'),
      );
      const adminScreen = await pressForEdit(h, alpha, adminA, 'adm:mnt', (text) =>
        text.includes('Maintenance mode'),
      );
      expect(adminScreen.text).toContain('The operators put the whole platform in maintenance');
      // the operators keep working, in the panel and in any shop
      await nextBotMessage(
        h,
        master,
        operator,
        (m) => (m.text ?? '').includes('Fleet control panel'),
        () => operator.sendCommand(master.bot, 'fleet'),
      );
      await enterShop(h, beta, operator);
    } finally {
      await pressForAnswer(h, master, operator, 'fleet:mnt:off');
    }
    expect((await app().platform.maintenance.get()).on).toBe(false);
    await reply(beta, customerB.user, '/start', (m) => callbacks(m).includes('menu:buy'));
  });

  it('lets the operators switch one shop from its card in the master bot', async () => {
    await nextBotMessage(
      h,
      master,
      operator,
      (m) => (m.text ?? '').includes('Fleet control panel'),
      () => operator.sendCommand(master.bot, 'fleet'),
    );
    await pressForEdit(h, master, operator, 'fleet:list:0', (text) => text.includes('Tenants, page 1'));
    const card = await pressForEdit(
      h,
      master,
      operator,
      `fleet:t:${beta.id}`,
      (text) => text.includes(`· #${beta.id}`) && text.includes('Wallet:'),
    );
    expect(callbacks(card)).toContain(`fleet:mnt:t:${beta.id}`);
    const screen = await pressForEdit(h, master, operator, `fleet:mnt:t:${beta.id}`, (text) =>
      text.includes('Maintenance mode · Beta'),
    );
    expect(callbacks(screen)).toContain(`fleet:mnt:t:${beta.id}:on`);
    const toast = await pressForAnswer(h, master, operator, `fleet:mnt:t:${beta.id}:on`);
    expect(toast.text).toBe('The shop is in maintenance.');
    await reply(beta, customerB.user, 'hi', saysBackSoon);
    // only that shop
    await reply(alpha, customerA.user, '/start', (m) => callbacks(m).includes('menu:buy'));
    await pressForAnswer(h, master, operator, `fleet:mnt:t:${beta.id}:off`);
    expect((await app().forTenant(beta.id).maintenance.state()).on).toBe(false);
  });
});
