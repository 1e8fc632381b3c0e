import { sql } from 'drizzle-orm';
import type { BotId } from '../shared/ids.js';
import type { Database, Transaction } from './database.js';
import { ASYNC_COMMIT, integerLiteral, type PreparedStatement, runPrepared, runScript } from './script.js';

declare const tenantBrand: unique symbol;
declare const platformBrand: unique symbol;

/**
 * A transaction in which `app.bot_id` is set: row-level security shows one tenant's rows only.
 * Repositories accept this type, never a bare database, so tenant data cannot be reached without it.
 * It carries its tenant (`tx.botId`), so helpers take the transaction alone: there is no second
 * argument that could name another tenant. Savepoints go through `inSavepoint`, which keeps it.
 */
export type TenantTx = Omit<Transaction, 'transaction'> & {
  readonly botId: BotId;
  readonly [tenantBrand]: true;
};

/** A transaction for the tenant registry: it sees every row of `bots` and no tenant data. */
export type PlatformTx = Transaction & { readonly [platformBrand]: true };

const bindTenant = (tx: Transaction, botId: BotId): TenantTx =>
  Object.defineProperty(tx, 'botId', { value: botId, enumerable: false }) as unknown as TenantTx;

/**
 * The statement that binds a transaction to its tenant: `app.bot_id` for as long as the transaction
 * lasts, which the row-level security policies read. `SET LOCAL` rather than `set_config()`: it
 * answers with no row for the driver to describe and parse. A literal, not a parameter, so it
 * travels with the BEGIN or the statement after it in one message.
 */
const bindTo = (botId: BotId) => `SET LOCAL app.bot_id = '${integerLiteral(botId)}'`;

export function inTenant<T>(db: Database, botId: BotId, work: (tx: TenantTx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    // travels with the BEGIN in one message (src/db/pool.ts)
    await tx.execute(sql.raw(bindTo(botId)));
    return work(bindTenant(tx, botId));
  });
}

/** A savepoint inside a tenant transaction: the inner transaction keeps the tenant (and `app.bot_id`). */
export function inSavepoint<T>(tx: TenantTx, work: (inner: TenantTx) => Promise<T>): Promise<T> {
  return (tx as unknown as Transaction).transaction((inner) => work(bindTenant(inner, tx.botId)));
}

/**
 * The database as one tenant's services see it: every transaction it opens is bound to that tenant.
 * Services get this handle, never the raw `Database`, so they cannot open a transaction for another
 * tenant or none.
 */
export interface TenantDb {
  readonly botId: BotId;
  transaction<T>(work: (tx: TenantTx) => Promise<T>): Promise<T>;
  /** `inTenantStatement` for this tenant: one statement, one round trip (hot path only). */
  statement<Row>(statement: string): Promise<Row[]>;
  /** `inTenantPrepared` for this tenant. */
  prepared<Row>(statement: PreparedStatement, args: readonly string[]): Promise<Row[]>;
}

export function tenantDb(db: Database, botId: BotId): TenantDb {
  return {
    botId,
    transaction: (work) => inTenant(db, botId, work),
    statement: (statement) => inTenantStatement(db, botId, statement),
    prepared: (statement, args) => inTenantPrepared(db, botId, statement, args),
  };
}

/**
 * One statement in a transaction in which `app.bot_id` is set, like `inTenant`, but sent with the
 * setting as one message: a single round trip instead of four (begin, set, statement, commit). For
 * the hot path only; the statement may hold literals from script.ts's helpers, never raw input.
 * Returns the statement's rows as the driver parses them (use json for anything but plain values).
 */
export function inTenantStatement<Row>(db: Database, botId: BotId, statement: string): Promise<Row[]> {
  return runScript<Row>(db, `${bindTo(botId)};\n${statement}`);
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
  return runPrepared<Row>(db, bindTo(botId), statement, args);
}

export function inPlatform<T>(db: Database, work: (tx: PlatformTx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw("SET LOCAL app.platform = 'on'"));
    return work(tx as PlatformTx);
  });
}

/**
 * The database as the platform's services (tenant registry, fleet reports, recovery) see it:
 * platform transactions, and a tenant-bound handle for work done tenant by tenant. Like
 * `TenantDb`, it keeps the raw `Database` inside src/db/.
 */
export interface PlatformDb {
  transaction<T>(work: (tx: PlatformTx) => Promise<T>): Promise<T>;
  tenant(botId: BotId): TenantDb;
  /** `inTenantsStatements` on this database (work the platform batches across shops). */
  tenantsStatements(parts: readonly TenantStatement[], options?: { asyncCommit?: boolean }): Promise<void>;
}

/** A statement to run for one tenant: literals from script.ts's helpers only. */
export interface TenantStatement {
  readonly botId: BotId;
  readonly statement: string;
}

/**
 * Statements of several tenants in one message: one round trip and one transaction, each statement
 * run with `app.bot_id` set to its own tenant, so row-level security holds it to that tenant's rows
 * as in `inTenantStatement`. For work the platform gathers across shops (the inbox's finishes);
 * `asyncCommit` as in script.ts's `preparedStatement`.
 */
export async function inTenantsStatements(
  db: Database,
  parts: readonly TenantStatement[],
  { asyncCommit = false }: { asyncCommit?: boolean } = {},
): Promise<void> {
  if (parts.length === 0) return;
  const statements = parts.map(({ botId, statement }) => `${bindTo(botId)};\n${statement}`);
  if (asyncCommit) statements.unshift(ASYNC_COMMIT);
  await runScript(db, statements.join(';\n'));
}

export function platformDb(db: Database): PlatformDb {
  return {
    transaction: (work) => inPlatform(db, work),
    tenant: (botId) => tenantDb(db, botId),
    tenantsStatements: (parts, options) => inTenantsStatements(db, parts, options),
  };
}
