/**
 * `npm run demo`: the whole platform on an embedded database against the bundled Telegram
 * simulator. A master bot and two tenant bots run in one fleet; a scripted customer talks to each
 * tenant and the conversation is printed. Exits 0 when every step got its answer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord, SimBot, SimUser, TelegramSim } from '../sim/telegram/index.js';
import { startTelegramSim } from '../sim/telegram/index.js';
import { createApp } from '../src/app.js';
import { openDatabase } from '../src/db/database.js';
import { startPlatform } from '../src/platform.js';
import { createSecretBox } from '../src/shared/crypto.js';
import { createLogger } from '../src/shared/logger.js';

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
  if (method !== 'sendMessage' && method !== 'editMessageText') return;
  const prefix = method === 'editMessageText' ? '🤖 (edited)' : '🤖';
  const lines = String(params.text ?? '').split('\n');
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
async function step(sim: TelegramSim, bot: SimBot, label: string, action: () => void): Promise<void> {
  print(`   ${color.cyan}👤 ${label}${color.reset}`);
  const mark = sim.mark();
  action();
  await sim.waitForCall({ botId: bot.id, since: mark, match: (_p, call) => call.method !== 'getUpdates' });
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
  const app = createApp({ database, secrets: createSecretBox(secretKey), logger });
  await app.start();

  print(
    `${color.bold}Remnafleet demo${color.reset} ${color.dim}(embedded PGlite in ${dataDir}, Telegram simulator at ${sim.apiRoot})${color.reset}`,
  );
  const masterBot = sim.addBot({ username: 'fleet_master_bot', firstName: 'Fleet Master' });
  const tehranBot = sim.addBot({ username: 'tehran_vpn_bot', firstName: 'Tehran VPN' });
  const globalBot = sim.addBot({ username: 'global_vpn_bot', firstName: 'Global VPN' });

  const platform = await startPlatform(app, logger, {
    apiRoot: sim.apiRoot,
    mode: 'polling',
    secretKey,
    http: { host: '127.0.0.1', port: 0 },
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
  const globalShop = app.forTenant(global.value.tenant.id);
  await globalShop.settings.set('default_language', 'en', 'tenant');
  await globalShop.settings.set('skip_rules_acceptance', true, 'tenant');
  await globalShop.flags.set('trial_subscription', false);
  await globalShop.flags.set('zarinpal', true);
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
    `${color.bold}Tenant 2: @${globalBot.username}${color.reset} ${color.dim}(English default, Zarinpal on, no trial, rules skipped)${color.reset}`,
  );
  const john = sim.user({ firstName: 'John', username: 'john', languageCode: 'en' });
  await step(sim, globalBot, '/start', () => john.start(globalBot));
  await step(sim, globalBot, 'chooses English', press(john, globalBot, 'lang:en'));
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

  await platform.stop();
  await app.stop();
  await database.close();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
  print();
  print(`${color.bold}Demo finished.${color.reset}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
