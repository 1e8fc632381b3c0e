import { sql } from 'drizzle-orm';
import type { BotId } from '../shared/ids.js';
import type { Database, Transaction } from './database.js';
import { integerLiteral, type PreparedStatement, runPrepared, runScript } from './script.js';

declare const tenantBrand: unique symbol;
declare const platformBrand: unique symbol;

/**
 * A transaction in which `app.bot_id` is set: row-level security shows one tenant's rows only.
 * Repositories accept this type, never a bare database, so tenant data cannot be reached without it.
 */
export type TenantTx = Transaction & { readonly [tenantBrand]: BotId };

/** A transaction for the tenant registry: it sees every row of `bots` and no tenant data. */
export type PlatformTx = Transaction & { readonly [platformBrand]: true };

export function inTenant<T>(db: Database, botId: BotId, work: (tx: TenantTx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.bot_id', ${String(botId)}, true)`);
    return work(tx as TenantTx);
  });
}

/**
 * One statement in a transaction in which `app.bot_id` is set, like `inTenant`, but sent with the
 * setting as one message: a single round trip instead of four (begin, set, statement, commit). For
 * the hot path only; the statement may hold literals from script.ts's helpers, never raw input.
 * Returns the statement's rows as the driver parses them (use json for anything but plain values).
 */
export function inTenantStatement<Row>(db: Database, botId: BotId, statement: string): Promise<Row[]> {
  return runScript<Row>(
    db,
    `SELECT set_config('app.bot_id', '${integerLiteral(botId)}', true);
${statement}`,
  );
}

/**
 * `inTenantStatement` for a prepared statement: PostgreSQL plans it once per connection. `args` are
 * literals from script.ts's helpers.
 */
export function inTenantPrepared<Row>(
  db: Database,
  botId: BotId,
  statement: PreparedStatement,
  args: readonly string[],
): Promise<Row[]> {
  return runPrepared<Row>(
    db,
    `SELECT set_config('app.bot_id', '${integerLiteral(botId)}', true)`,
    statement,
    args,
  );
}

export function inPlatform<T>(db: Database, work: (tx: PlatformTx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.platform', 'on', true)`);
    return work(tx as PlatformTx);
  });
}
