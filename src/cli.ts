import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BACKUP_USAGE, runBackupCommand } from './cli/backup-commands.js';
import { IMPORT_USAGE, ImportCommandError, runImportCommand } from './cli/import-commands.js';
import { type Config, loadConfig } from './config.js';
import { BackupError } from './db/backup.js';
import { migrateDatabase, SERVICE_ROLE } from './db/database.js';
import { createServiceLogin, DEFAULT_SERVICE_LOGIN } from './db/service-login.js';
import { loadDotEnv, openRuntime } from './runtime.js';
import { ConfigError, StartupError } from './shared/errors.js';
import { createLogger } from './shared/logger.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                               apply pending database migrations (as the owner, DATABASE_URL)
  db:create-service-role [--name NAME]  PostgreSQL: create the login role the service runs as
                                        (default ${DEFAULT_SERVICE_LOGIN}; again: a new password)
                                        and print its DATABASE_APP_URL
  tenant:create --name NAME --token TOKEN [--master] [--admins ID,ID]
                                        add a tenant bot; prints its API token once
  tenant:list [--all]                   list active tenants (--all: deactivated too)
${BACKUP_USAGE}
${IMPORT_USAGE}

Environment: see .env.example (ENCRYPTION_KEY is required; DATABASE_URL is optional, and with it
DATABASE_APP_URL for the tenant commands).`;

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
  // These two run as the owner only: they come before the service's own role exists.
  if (command === 'migrate') {
    const report = await migrateDatabase({
      url: config.database.url,
      dataDir: join(config.database.dataDir, 'pglite'),
      logger,
    });
    process.stdout.write(
      report.applied.length
        ? `Applied: ${report.applied.join(', ')}\n`
        : `Database is up to date (${report.alreadyApplied} migrations).\n`,
    );
    return;
  }
  // the database alone: a restore wants it empty, which the runtime's migrations would not leave it
  if (command === 'backup' || command === 'restore') {
    try {
      process.stdout.write(`${await runBackupCommand(command, rest, config)}\n`);
    } catch (error) {
      if (error instanceof BackupError) fail(error.message);
      throw error;
    }
    return;
  }
  if (command === 'db:create-service-role') {
    const { values } = parseArgs({ args: rest, options: { name: { type: 'string' } } });
    if (!config.database.url) {
      fail('db:create-service-role is for PostgreSQL (DATABASE_URL); the embedded database has one user');
    }
    const login = await createServiceLogin({ ownerUrl: config.database.url, name: values.name, logger });
    for (const warning of login.warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(
      `${login.created ? 'Created' : 'Gave a new password to'} the login role "${login.name}" (a member of ${SERVICE_ROLE} only) and checked it as the service will.\n` +
        `Put this line in .env (the password is shown once; running this again sets a new one):\n\n` +
        `DATABASE_APP_URL=${login.url}\n`,
    );
    return;
  }
  // the tenant commands stand on the service's runtime: same role, same key check
  const runtime = await openRuntime(config, logger);
  try {
    switch (command) {
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
      case 'import:single-tenant': {
        try {
          const result = await runImportCommand(rest, {
            app: runtime.app,
            config,
            progress: (line) => process.stderr.write(`${line}\n`),
          });
          process.stdout.write(`${result.output}\n`);
          if (result.exitCode !== 0) process.exitCode = result.exitCode;
        } catch (error) {
          if (error instanceof ImportCommandError) fail(error.message);
          throw error;
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

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof StartupError) fail(error.message);
  throw error;
}
