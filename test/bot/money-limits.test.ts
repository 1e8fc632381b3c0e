import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimUser } from '../../sim/telegram/index.js';
import { inTenant } from '../../src/db/tenant-tx.js';
import { postEntry } from '../../src/modules/ledger/ledger-service.js';
import { lockWallet, postWalletEntry } from '../../src/modules/wallet/wallet-posting.js';
import type { BotId } from '../../src/shared/ids.js';
import { MAX_MONEY } from '../../src/shared/money.js';
import { BACKENDS } from '../support/database.js';
import { type FleetHarness, type ShopUnderTest, startFleetHarness } from '../support/fleet.js';
import { callbacks, latestMessageId, newCustomer, openTestShop, pressForEdit } from '../support/shop.js';

describe.each(BACKENDS)('money limits in the bots on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'polling');
  }, 60_000);
  afterAll(() => h.close());

  const db = () => h.testApp.database.handle.db;

  /** `user` types `text` to `shop`; resolves to the bot's next message that matches. */
  const say = (shop: ShopUnderTest, user: SimUser, text: string, predicate: (text: string) => boolean) => {
    const since = latestMessageId(h, shop, user);
    if (text.startsWith('/')) user.sendCommand(shop.bot, text.slice(1));
    else user.sendText(shop.bot, text);
    return h.sim.waitForMessage(
      shop.bot,
      user,
      (m) => m.fromBot && m.messageId > since && predicate(m.text ?? ''),
    );
  };

  it('tells a tenant admin that a credit would pass the maximum balance, and credits nothing', async () => {
    const adminId = 885_001;
    const { shop, services } = await openTestShop(h, 'Limits', { admins: [adminId] });
    const admin = h.sim.user({ id: adminId, firstName: 'Ava', username: 'ava_limits' });
    const { customerId } = await newCustomer(h, shop, 'Bahar', { username: 'bahar_limits' });
    await inTenant(db(), shop.id, (tx) =>
      postEntry(tx, { customerId, amount: MAX_MONEY - 10, kind: 'migration' }),
    );

    await say(shop, admin, '/admin', (text) => text.includes('Admin menu'));
    await pressForEdit(h, shop, admin, 'adm:customers', (text) => text.includes('Send a Telegram id'));
    await say(shop, admin, '@bahar_limits', (text) => text.includes('👤 Bahar'));
    await pressForEdit(h, shop, admin, `adm:cust:${customerId}:credit`, (text) =>
      text.includes('Send the amount'),
    );
    await say(shop, admin, '11', (text) => text.includes('send the reason'));
    const confirm = await say(shop, admin, 'bonus', (text) => text.includes('Credit 11 Toman to Bahar?'));
    const pressed = admin.pressButton(shop.bot, {
      messageId: confirm.messageId,
      button: `adm:cust:${customerId}:credit:ok`,
    });
    expect(await h.sim.waitForCallbackAnswer(pressed.callbackQueryId)).toMatchObject({
      showAlert: true,
      text: '❌ Not credited: a balance can hold at most 1,000,000,000,000,000 Toman, and this one can take only 10 Toman more.',
    });
    expect(await services.ledger.balance(customerId)).toBe(MAX_MONEY - 10);
    expect(await services.ledger.entries(customerId)).toHaveLength(1);
  });

  it('tells the operator that a wallet top-up would pass the maximum, and tops up nothing', async () => {
    const operator = h.sim.user({ firstName: 'Olga', username: 'olga_limits' });
    const master = await h.addTenant('Master', { isMaster: true, adminTelegramIds: [operator.id] });
    await h.testApp.app.forTenant(master.id).settings.set('default_language', 'en', 'operator');
    const shop = await h.addTenant('Full');
    const wallet = h.testApp.app.forTenant(shop.id).wallet;
    const fill = (id: BotId) =>
      inTenant(db(), id, async (tx) =>
        postWalletEntry(tx, await lockWallet(tx), { amount: MAX_MONEY - 5, kind: 'topup' }),
      );
    await fill(shop.id);

    await say(master, operator, '/fleet', (text) => text.includes('Fleet control panel'));
    await pressForEdit(h, master, operator, 'fleet:list:0', (text) => text.includes('Tenants, page 1'));
    await pressForEdit(h, master, operator, `fleet:t:${shop.id}`, (text) => text.includes('Wallet:'));
    await pressForEdit(h, master, operator, `fleet:t:${shop.id}:topup`, (text) =>
      text.includes('Top up the wallet of Full'),
    );
    const confirm = await say(master, operator, '6', (text) => text.includes('Add 6 to the wallet of Full'));
    const pressed = operator.pressButton(master.bot, {
      messageId: confirm.messageId,
      button: callbacks(confirm)[0]!,
    });
    expect(await h.sim.waitForCallbackAnswer(pressed.callbackQueryId)).toMatchObject({
      showAlert: true,
      text: '❌ Not topped up: a wallet can hold at most 1,000,000,000,000,000, and this one can take only 5 more.',
    });
    expect(await wallet.balance()).toBe(MAX_MONEY - 5);
    expect(await wallet.entries()).toHaveLength(1);
  });
});
