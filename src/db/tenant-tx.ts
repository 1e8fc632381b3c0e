import { sql } from 'drizzle-orm';
import type { BotId } from '../shared/ids.js';
import type { Database, Transaction } from './database.js';

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

export function inPlatform<T>(db: Database, work: (tx: PlatformTx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.platform', 'on', true)`);
    return work(tx as PlatformTx);
  });
}
