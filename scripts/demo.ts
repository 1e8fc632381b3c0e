/**
 * `npm run demo`: the whole platform on an embedded database against the bundled Telegram
 * simulator. A master bot and two tenant bots run in one fleet; a scripted customer talks to each
 * tenant and the conversation is printed. Exits 0 when every step got its answer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { startRemnawaveSim } from '../sim/remnawave/index.js';
import type { CallRecord, SimBot, SimUser, TelegramSim } from '../sim/telegram/index.js';
import { startTelegramSim } from '../sim/telegram/index.js';
import { startZarinpalSim } from '../sim/zarinpal/index.js';
import { createApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { jobs, subscriptions } from '../src/db/schema.js';
import { inTenant } from '../src/db/tenant-tx.js';
import { signInitData } from '../src/http/miniapp/init-data.js';
import { createRemnawaveClient } from '../src/integrations/remnawave/client.js';
import { createRemnawavePanel } from '../src/integrations/remnawave/vpn-panel.js';
import { createZarinpalGateways } from '../src/integrations/zarinpal/payment-gateway.js';
import { autopayRenewals } from '../src/jobs/definitions/autopay.js';
import { sendSubscriptionNotice } from '../src/jobs/definitions/subscription-notices.js';
import { windowStart } from '../src/modules/lifecycle/notice-planner.js';
import { startPlatform } from '../src/platform.js';
import { createSecretBox } from '../src/shared/crypto.js';
import { createLogger } from '../src/shared/logger.js';
import { freePort } from '../test/support/database.js';
import { ensureMiniAppBuilt } from './miniapp-build.js';

const color = process.stdout.isTTY
  ? {
      dim: '\x1b[2m',
      bold: '\x1b[1m',
      cyan: '\x1b[36m',
      green: '\x1b[32m',
      yellow: '\x1b[33m',
      reset: '\x1b[0m',
    }
  : { dim: '', bold: '', cyan: '', green: '', yellow: '', reset: '' };
const print = (line = '') => process.stdout.write(`${line}\n`);

interface Keyboard {
  inline_keyboard?: { text: string; callback_data?: string; url?: string }[][];
}

function printBotCall(call: CallRecord): void {
  const params = call.params as { text?: string; reply_markup?: Keyboard | string; show_alert?: boolean };
  const method = call.method;
  if (method === 'answerCallbackQuery') {
    if (params.text)
      print(`   ${color.yellow}🔔 ${params.show_alert ? 'alert' : 'toast'}: ${params.text}${color.reset}`);
    return;
  }
  const caption = String((params as { caption?: string }).caption ?? '');
  if (method === 'sendPhoto')
    print(
      `   ${color.green}🤖 🖼  [${caption.startsWith('🧾') ? 'receipt photo' : 'QR code image'}]${color.reset}`,
    );
  else if (method !== 'sendMessage' && method !== 'editMessageText' && method !== 'editMessageCaption')
    return;
  const prefix = method.startsWith('edit') ? '🤖 (edited)' : '🤖';
  const raw = String(params.text ?? (params as { caption?: string }).caption ?? '');
  // HTML messages (the card number in <code>) are shown as the customer reads them
  const shown = (params as { parse_mode?: string }).parse_mode === 'HTML' ? raw.replace(/<[^>]+>/g, '') : raw;
  const lines = shown.split('\n');
  print(`   ${color.green}${prefix} ${lines[0]}${color.reset}`);
  for (const line of lines.slice(1)) print(`      ${color.green}${line}${color.reset}`);
  const markup =
    typeof params.reply_markup === 'string'
      ? (JSON.parse(params.reply_markup) as Keyboard)
      : params.reply_markup;
  for (const row of markup?.inline_keyboard ?? []) {
    print(`      ${color.dim}${row.map((button) => `[ ${button.text} ]`).join(' ')}${color.reset}`);
  }
}

/** Performs a customer action, waits until the bot has answered and gone quiet, prints the answer. */
async function step(
  sim: TelegramSim,
  bot: SimBot,
  label: string,
  action: () => unknown,
  /** A call that must come before the step is over, e.g. a notice sent by a background job. */
  until?: string,
): Promise<void> {
  print(`   ${color.cyan}👤 ${label}${color.reset}`);
  const mark = sim.mark();
  await action();
  await sim.waitForCall({
    botId: bot.id,
    since: mark,
    ...(until ? { method: until } : {}),
    match: (_p, call) => call.method !== 'getUpdates',
    timeoutMs: 15_000,
  });
  let seen = mark;
  for (;;) {
    const later = sim.calls({ botId: bot.id, since: seen }).filter((call) => call.method !== 'getUpdates');
    if (later.length === 0) break;
    seen = later.at(-1)!.seq;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for (const call of sim.calls({ botId: bot.id, since: mark })) printBotCall(call);
}

const press = (user: SimUser, bot: SimBot, data: string) => () => {
  user.pressButton(bot, data);
};

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'remnafleet-demo-'));
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const sim = await startTelegramSim();
  const database = await openDatabase({ dataDir, logger });
  const secretKey = Buffer.alloc(32, 1);
  const panelSim = await startRemnawaveSim();
  const squad = panelSim.addSquad('Germany');
  const panel = createRemnawavePanel(
    createRemnawaveClient({ baseUrl: panelSim.baseUrl, apiToken: panelSim.apiToken }),
  );
  // the Zarinpal gateway simulator; its callbacks come back to our HTTP server, so its port is chosen first
  const zarinpalSim = await startZarinpalSim();
  const port = await freePort();
  const zarinpal = {
    gateways: createZarinpalGateways({ baseUrl: zarinpalSim.baseUrl, sandboxBaseUrl: zarinpalSim.baseUrl }),
    callbackBaseUrl: `http://127.0.0.1:${port}`,
  };
  const app = createApp({ database, secrets: createSecretBox(secretKey), logger, panel, zarinpal });
  await app.start();

  print(
    `${color.bold}Remnafleet demo${color.reset} ${color.dim}(embedded PGlite in ${dataDir}, Telegram simulator at ${sim.apiRoot}, Remnawave simulator at ${panelSim.baseUrl})${color.reset}`,
  );
  const masterBot = sim.addBot({ username: 'fleet_master_bot', firstName: 'Fleet Master' });
  const tehranBot = sim.addBot({ username: 'tehran_vpn_bot', firstName: 'Tehran VPN' });
  const globalBot = sim.addBot({ username: 'global_vpn_bot', firstName: 'Global VPN' });

  // the Mini App's front end, built on the first demo after `npm install` (npm run build does it too)
  ensureMiniAppBuilt();
  const platform = await startPlatform(app, logger, {
    apiRoot: sim.apiRoot,
    mode: 'polling',
    secretKey,
    http: { host: '127.0.0.1', port },
    masterBotToken: masterBot.token,
    operatorTelegramIds: [1000],
  });

  const tenants = app.platform.tenants;
  const tehran = await tenants.create({
    name: 'Tehran VPN',
    token: tehranBot.token,
    adminTelegramIds: [2000],
  });
  const global = await tenants.create({
    name: 'Global VPN',
    token: globalBot.token,
    adminTelegramIds: [3000],
  });
  if (!tehran.ok || !global.ok) throw new Error('could not create the demo tenants');

  const tehranShop = app.forTenant(tehran.value.tenant.id);
  await tehranShop.settings.set('support_username', '@tehran_support', 'tenant');
  await tehranShop.flags.set('referral_program', true);
  await tehranShop.settings.set('panel_squads', [squad], 'operator');
  await tehranShop.settings.set('panel_tag', 'TEHRAN', 'operator');
  const monthly = await tehranShop.plans.create({
    name: 'یک ماهه ۵۰ گیگ',
    periodDays: 30,
    price: 120_000,
    trafficGb: 50,
    deviceLimit: 2,
  });
  await tehranShop.plans.create({
    name: 'سه ماهه ۱۵۰ گیگ',
    periodDays: 90,
    price: 300_000,
    trafficGb: 150,
    deviceLimit: 3,
  });
  if (!monthly.ok) throw new Error('could not create the demo plans');
  const globalShop = app.forTenant(global.value.tenant.id);
  await globalShop.settings.set('default_language', 'en', 'tenant');
  await globalShop.settings.set('skip_rules_acceptance', true, 'tenant');
  await globalShop.flags.set('trial_subscription', false);
  await globalShop.flags.set('zarinpal', true);
  await tenants.update(global.value.tenant.id, {
    zarinpalMerchantId: '5f1d2c3b-4a59-4e7d-8c6b-1a2b3c4d5e6f',
  });
  await Promise.all([
    platform.fleet.refresh(tehran.value.tenant.id),
    platform.fleet.refresh(global.value.tenant.id),
  ]);

  print();
  print(`${color.bold}Fleet${color.reset}`);
  for (const bot of platform.fleet.status()) {
    print(`   #${bot.botId} ${bot.name} @${bot.username ?? '?'}: ${bot.state}`);
  }

  print();
  print(
    `${color.bold}Tenant 1: @${tehranBot.username}${color.reset} ${color.dim}(Persian, language choice and rules)${color.reset}`,
  );
  const sara = sim.user({ firstName: 'Sara', username: 'sara', languageCode: 'fa' });
  await step(sim, tehranBot, '/start', () => sara.start(tehranBot));
  await step(sim, tehranBot, 'chooses فارسی', press(sara, tehranBot, 'lang:fa'));
  await step(sim, tehranBot, 'accepts the rules', press(sara, tehranBot, 'rules:accept'));
  await step(sim, tehranBot, 'opens Support', press(sara, tehranBot, 'menu:support'));
  await step(sim, tehranBot, 'opens Invite friends', press(sara, tehranBot, 'menu:referral'));

  print();
  print(
    `${color.bold}Selling on the panel${color.reset} ${color.dim}(Tehran VPN, Remnawave simulator)${color.reset}`,
  );
  await step(sim, tehranBot, 'takes the free trial', press(sara, tehranBot, 'menu:trial'), 'sendPhoto');
  const saraHere = await tehranShop.customers.getByTelegramId(sara.id);
  if (!saraHere) throw new Error('Sara is not a customer');
  await tehranShop.ledger.credit({
    customerId: saraHere.id,
    amount: 250_000,
    kind: 'admin_credit',
    reason: 'demo: paid at the shop counter',
  });
  print(`   ${color.dim}(the shop's admin credits Sara with 250,000 Toman)${color.reset}`);
  const [trial] = await tehranShop.subscriptions.listForCustomer(saraHere.id);
  if (!trial) throw new Error('Sara has no trial subscription');
  await step(
    sim,
    tehranBot,
    'opens Buy: activate the trial or buy a new one?',
    press(sara, tehranBot, 'menu:buy'),
  );
  await step(
    sim,
    tehranBot,
    'chooses to activate her trial',
    press(sara, tehranBot, `sub:renew:${trial.id}`),
  );
  await step(
    sim,
    tehranBot,
    'picks the monthly plan',
    press(sara, tehranBot, `plan:${monthly.value.id}:${trial.id}`),
  );
  await step(
    sim,
    tehranBot,
    'pays from the balance: the trial is activated, same panel user',
    press(sara, tehranBot, `buy:${monthly.value.id}:${trial.id}`),
    'sendPhoto',
  );
  await step(
    sim,
    tehranBot,
    'opens My subscription',
    press(sara, tehranBot, 'menu:subscription'),
    'sendPhoto',
  );
  await step(sim, tehranBot, 'presses Renew', press(sara, tehranBot, `sub:renew:${trial.id}`));
  await step(
    sim,
    tehranBot,
    'picks the monthly plan again',
    press(sara, tehranBot, `plan:${monthly.value.id}:${trial.id}`),
  );
  await step(
    sim,
    tehranBot,
    'pays the renewal',
    press(sara, tehranBot, `buy:${monthly.value.id}:${trial.id}`),
    'sendPhoto',
  );
  for (const user of panelSim.users()) {
    print(
      `   ${color.dim}panel user ${user.username} tag ${user.tag} expires ${user.expireAt.toISOString().slice(0, 10)}, ${user.trafficLimitBytes / 1024 ** 3} GB, squads ${user.activeInternalSquads.length}${color.reset}`,
    );
  }
  print(`   ${color.dim}Sara's balance: ${await tehranShop.ledger.balance(saraHere.id)} Toman${color.reset}`);

  print();
  print(
    `${color.bold}Card-to-card top-up${color.reset} ${color.dim}(Tehran VPN: the receipt goes to the shop's admin group, admin 2000 approves)${color.reset}`,
  );
  await tehranShop.cards.create({
    cardNumber: '6037991234567893',
    holderName: 'علی رضایی',
    bankName: 'بانک ملی',
  });
  const adminGroup = sim.group({ title: 'Tehran VPN admins' });
  adminGroup.addBot(tehranBot);
  await tehranShop.settings.set('admin_chat_id', adminGroup.id, 'tenant');
  // the shop's admin, Telegram id 2000 as configured for the tenant
  const shopAdmin = sim.user({ id: 2000, firstName: 'Ali', username: 'tehran_admin', languageCode: 'fa' });
  await step(sim, tehranBot, 'opens Top up balance', press(sara, tehranBot, 'menu:topup'));
  await step(sim, tehranBot, 'picks 100,000 Toman', press(sara, tehranBot, 'topup:amt:100000'));
  await step(sim, tehranBot, 'chooses card-to-card', press(sara, tehranBot, 'pay:card:100000:0'));
  await step(
    sim,
    tehranBot,
    'sends a photo of the bank receipt',
    () => sara.sendPhoto(tehranBot, { caption: 'رسید انتقال ۱۰۰ هزار تومان' }),
    'sendPhoto',
  );
  await step(
    sim,
    tehranBot,
    'Ali (admin 2000) presses Approve in the admin group',
    () => shopAdmin.pressButton(tehranBot, { chat: adminGroup, button: /^c2c:ok:/ }),
    'sendMessage',
  );
  const receiptMessage = sim
    .chat(tehranBot, adminGroup)
    .messages.filter((message) => message.fromBot && message.photo)
    .at(-1);
  print(`   ${color.bold}The admin group now shows:${color.reset}`);
  for (const line of (receiptMessage?.caption ?? '').split('\n'))
    print(`      ${color.green}${line}${color.reset}`);
  for (const row of receiptMessage?.buttons ?? []) {
    print(`      ${color.dim}${row.map((button) => `[ ${button.text} ]`).join(' ')}${color.reset}`);
  }
  print(`   ${color.dim}Sara's balance: ${await tehranShop.ledger.balance(saraHere.id)} Toman${color.reset}`);

  print();
  print(
    `${color.bold}Keeping customers${color.reset} ${color.dim}(Tehran VPN: extra traffic, autopay, an expiry warning)${color.reset}`,
  );
  const pack = await tehranShop.packs.create({ kind: 'traffic', amount: 10, price: 30_000 });
  if (!pack.ok) throw new Error('could not create the demo pack');
  print(`   ${color.dim}(the shop sells a 10 GB extra traffic pack for 30,000 Toman)${color.reset}`);
  await step(
    sim,
    tehranBot,
    'opens My subscription',
    press(sara, tehranBot, 'menu:subscription'),
    'sendPhoto',
  );
  await step(sim, tehranBot, 'presses Extra traffic', press(sara, tehranBot, `pack:traffic:${trial.id}`));
  await step(
    sim,
    tehranBot,
    'picks 10 GB',
    press(sara, tehranBot, `pack:traffic:${trial.id}:${pack.value.id}`),
  );
  await step(
    sim,
    tehranBot,
    'pays from the balance: the panel user gets 10 GB more',
    press(sara, tehranBot, `pack:traffic:${trial.id}:${pack.value.id}:buy`),
    'sendPhoto',
  );
  const withPack = await tehranShop.subscriptions.get(trial.id);
  print(
    `   ${color.dim}panel limit now ${(panelSim.getUser(withPack!.panelUsername)?.trafficLimitBytes ?? 0) / 1024 ** 3} GB${color.reset}`,
  );
  // fast-forward: Sara has had this subscription for a month and it runs out in a day, give or take
  // a few minutes: the one-day warning's moment has just come, today (the daily planner plans the
  // UTC day it runs in, so the moment must not fall before the day began)
  const warnAt = Math.max(windowStart(new Date()).getTime(), Date.now() - 5 * 60_000);
  const tomorrow = new Date(warnAt + 86_400_000);
  await inTenant(database.db, tehran.value.tenant.id, (tx) =>
    tx
      .update(subscriptions)
      .set({ expiresAt: tomorrow, createdAt: new Date(Date.now() - 30 * 86_400_000) })
      .where(eq(subscriptions.id, trial.id)),
  );
  panelSim.patchUser(withPack!.panelUsername, { expireAt: tomorrow });
  print(
    `   ${color.dim}(a month later, a day before expiry: the daily notice planner runs, and the warning's send slot in the hour comes)${color.reset}`,
  );
  await step(
    sim,
    tehranBot,
    'does nothing: the shop warns her one day ahead, with a renew button',
    async () => {
      await tehranShop.lifecycle.planNotices();
      // the planner queues each notice at its slot in the hour (a shop's notices spread over it)
      await inTenant(database.db, tehran.value.tenant.id, (tx) =>
        tx
          .update(jobs)
          .set({ runAt: new Date() })
          .where(and(eq(jobs.name, sendSubscriptionNotice.name), eq(jobs.status, 'queued'))),
      );
    },
    'sendMessage',
  );
  await step(sim, tehranBot, 'turns autopay on', press(sara, tehranBot, `sub:autopay:${trial.id}:on`));
  await tehranShop.ledger.credit({
    customerId: saraHere.id,
    amount: 100_000,
    kind: 'admin_credit',
    reason: 'demo: paid at the shop counter',
  });
  // fast-forward: Sara's subscription now runs out in two hours, inside autopay's 24-hour window
  const soon = new Date(Date.now() + 2 * 3_600_000);
  await inTenant(database.db, tehran.value.tenant.id, (tx) =>
    tx.update(subscriptions).set({ expiresAt: soon }).where(eq(subscriptions.id, trial.id)),
  );
  panelSim.patchUser(withPack!.panelUsername, { expireAt: soon });
  print(`   ${color.dim}(two hours before expiry, the autopay job runs)${color.reset}`);
  await step(
    sim,
    tehranBot,
    'does nothing: autopay renews from the balance',
    () => tehranShop.jobs.enqueue(autopayRenewals, {}),
    'sendPhoto',
  );
  print(`   ${color.dim}Sara's balance: ${await tehranShop.ledger.balance(saraHere.id)} Toman${color.reset}`);

  print();
  print(
    `${color.bold}Growing the shop${color.reset} ${color.dim}(Tehran VPN: a promo code and a broadcast)${color.reset}`,
  );
  await tehranShop.flags.set('promo_codes', true);
  const promo = await tehranShop.promo.create({ code: 'NOWRUZ', kind: 'percent', percent: 20, maxUses: 100 });
  if (!promo.ok) throw new Error('could not create the demo promo code');
  print(`   ${color.dim}(the shop's admin made NOWRUZ: 20 % off the next plan, 100 uses)${color.reset}`);
  await step(sim, tehranBot, 'opens the link t.me/…?start=promo_NOWRUZ', () =>
    sara.start(tehranBot, 'promo_NOWRUZ'),
  );
  await step(sim, tehranBot, 'opens Buy', press(sara, tehranBot, 'menu:buy'));
  await step(
    sim,
    tehranBot,
    'buys a new subscription: the plans show her price',
    press(sara, tehranBot, 'buy:new'),
  );
  const news = await tehranShop.broadcasts.create({
    text: 'سرورهای جدید آلمان و هلند اضافه شد. لینک اشتراک شما همان است؛ کافی است آن را به‌روز کنید.',
    audience: { segment: 'active' },
    origin: 'admin',
    createdBy: shopAdmin.id,
  });
  if (!news.ok) throw new Error('could not create the demo broadcast');
  await step(
    sim,
    tehranBot,
    "does nothing: the admin broadcasts to customers with an active subscription, at the bot's pace",
    () => tehranShop.broadcasts.progress(news.value.id),
    'sendMessage',
  );

  print();
  print(
    `${color.bold}Tenant 2: @${globalBot.username}${color.reset} ${color.dim}(English default, Zarinpal on, no trial, rules skipped)${color.reset}`,
  );
  const john = sim.user({ firstName: 'John', username: 'john', languageCode: 'en' });
  await step(sim, globalBot, '/start', () => john.start(globalBot));
  await step(sim, globalBot, 'chooses English', press(john, globalBot, 'lang:en'));

  print();
  print(
    `${color.bold}Paying with Zarinpal${color.reset} ${color.dim}(Global VPN, Zarinpal simulator at ${zarinpalSim.baseUrl})${color.reset}`,
  );
  await step(sim, globalBot, 'opens Top up', press(john, globalBot, 'menu:topup'));
  await step(sim, globalBot, 'picks 100,000 Toman', press(john, globalBot, 'topup:amt:100000'));
  await step(sim, globalBot, 'picks Zarinpal', press(john, globalBot, 'pay:zp:100000:0'));
  const payLink = sim
    .chat(globalBot, john)
    .messages.flatMap((m) => m.buttons.flat())
    .findLast((b) => b.url?.includes('/pg/StartPay/'))?.url;
  if (!payLink) throw new Error('no Zarinpal payment link');
  await step(
    sim,
    globalBot,
    'opens the link, pays at the bank, and the browser comes back to the shop',
    async () => {
      const bank = await fetch(payLink, { redirect: 'manual' });
      const callback = bank.headers.get('location') ?? '';
      print(
        `   ${color.dim}🌐 bank → ${callback.replace(/\/pay\/zarinpal\/.*/, '/pay/zarinpal/…')}${color.reset}`,
      );
      const page = await (await fetch(callback)).text();
      const text = [...page.matchAll(/<(?:h1|p)>([^<]*)<\/(?:h1|p)>/g)].map((match) => match[1]).join(' · ');
      print(`   ${color.green}🌐 page: ${text}${color.reset}`);
    },
    'sendMessage',
  );
  const johnHere = await globalShop.customers.getByTelegramId(john.id);
  print(
    `   ${color.dim}John's balance: ${await globalShop.ledger.balance(johnHere!.id)} Toman${color.reset}`,
  );
  await step(sim, globalBot, 'opens Language', press(john, globalBot, 'menu:language'));
  await step(sim, globalBot, 'chooses Русский', press(john, globalBot, 'lang:ru'));

  print();
  print(`${color.bold}Same person, two shops${color.reset}`);
  await step(sim, globalBot, 'Sara sends /start to Global VPN too', () => sara.start(globalBot));
  const inTehran = await tehranShop.customers.getByTelegramId(sara.id);
  const inGlobal = await globalShop.customers.getByTelegramId(sara.id);
  print(
    `   customer #${inTehran?.id} in Tehran VPN (language ${inTehran?.language}), customer #${inGlobal?.id} in Global VPN (language ${inGlobal?.language})`,
  );

  // The Mini App: Sara's cabinet in Tehran VPN, opened in a browser as Telegram would open it (the
  // signed initData in the URL fragment). Telegram opens only https addresses, so inside Telegram
  // the button appears once PUBLIC_BASE_URL is https; a browser takes this local http one.
  await tehranShop.flags.set('mini_app', true);
  const initData = signInitData(
    {
      query_id: 'demo',
      user: JSON.stringify({ id: sara.id, first_name: 'Sara', language_code: 'fa' }),
      auth_date: String(Math.floor(Date.now() / 1000)),
    },
    tehranBot.token,
  );
  print();
  print(`${color.bold}Mini App${color.reset}`);
  print(`   Sara's Mini App in Tehran VPN (initData valid for 24 hours):`);
  print(`   ${platform.url}/app/${tehran.value.tenant.id}/#tgWebAppData=${encodeURIComponent(initData)}`);
  if (process.stdout.isTTY && process.env.DEMO_EXIT !== '1') {
    print(`   ${color.dim}Open it in a browser; press Ctrl+C to stop the demo.${color.reset}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  }

  await platform.stop();
  await app.stop();
  await database.close();
  await sim.close();
  await panelSim.close();
  await zarinpalSim.close();
  await rm(dataDir, { recursive: true, force: true });
  print();
  print(`${color.bold}Demo finished.${color.reset}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
