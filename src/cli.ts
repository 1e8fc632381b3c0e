import { parseArgs } from 'node:util';
import { type Config, loadConfig } from './config.js';
import { loadDotEnv, openRuntime } from './runtime.js';
import { ConfigError } from './shared/errors.js';
import { createLogger } from './shared/logger.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                               apply pending database migrations
  tenant:create --name NAME --token TOKEN [--master] [--admins ID,ID]
                                        add a tenant bot; prints its API token once
  tenant:list [--all]                   list active tenants (--all: deactivated too)

Environment: see .env.example (ENCRYPTION_KEY is required; DATABASE_URL is optional).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const runtime = await openRuntime(config, logger);
  try {
    switch (command) {
      case 'migrate': {
        const report = runtime.database.migrations;
        process.stdout.write(
          report?.applied.length
            ? `Applied: ${report.applied.join(', ')}\n`
            : `Database is up to date (${report?.alreadyApplied ?? 0} migrations).\n`,
        );
        return;
      }
      case 'tenant:create': {
        const { values } = parseArgs({
          args: rest,
          options: {
            name: { type: 'string' },
            token: { type: 'string' },
            master: { type: 'boolean', default: false },
            admins: { type: 'string', default: '' },
          },
        });
        if (!values.name || !values.token) fail(`tenant:create needs --name and --token\n\n${USAGE}`);
        const admins = values.admins
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
        if (admins.some((id) => !/^\d+$/.test(id)))
          fail('--admins must be Telegram user ids separated by commas');
        const created = await runtime.app.platform.tenants.create({
          name: values.name,
          token: values.token,
          isMaster: values.master,
          adminTelegramIds: admins.map(Number),
        });
        if (!created.ok) fail(`Could not create the tenant: ${created.error.message}`);
        const { tenant, apiToken } = created.value;
        process.stdout.write(
          `Created tenant ${tenant.id} "${tenant.name}" (Telegram bot ${tenant.telegramBotId}${tenant.isMaster ? ', master' : ''}).\n` +
            `API token (shown once, store it now): ${apiToken}\n`,
        );
        return;
      }
      case 'tenant:list': {
        const { values } = parseArgs({ args: rest, options: { all: { type: 'boolean', default: false } } });
        const tenants = values.all
          ? await runtime.app.platform.tenants.findAll({ limit: 10_000 })
          : await runtime.app.platform.tenants.findActive();
        if (tenants.length === 0) {
          process.stdout.write(
            'No tenants yet. Add one with: npm run cli -- tenant:create --name NAME --token TOKEN\n',
          );
          return;
        }
        const rows = tenants.map((t) => [
          String(t.id),
          t.name,
          t.username ? `@${t.username}` : String(t.telegramBotId),
          t.isActive ? 'active' : 'inactive',
          t.isMaster ? 'master' : '',
        ]);
        const header = ['ID', 'NAME', 'BOT', 'STATUS', ''];
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
        for (const row of [header, ...rows]) {
          process.stdout.write(
            `${row
              .map((cell, i) => cell.padEnd(widths[i] ?? 0))
              .join('  ')
              .trimEnd()}\n`,
          );
        }
        return;
      }
      default:
        fail(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } finally {
    await runtime.close();
  }
}

await main(process.argv.slice(2));
