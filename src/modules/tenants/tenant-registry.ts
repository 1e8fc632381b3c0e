import { and, asc, count, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ChangeBus } from '../../db/change-bus.js';
import { isUniqueViolation } from '../../db/errors.js';
import { type BotHealth, bots } from '../../db/schema.js';
import { integerLiteral, textLiteral } from '../../db/script.js';

export type { BotHealth };

import type { PlatformDb, PlatformTx } from '../../db/tenant-tx.js';
import { generateApiToken, hashApiToken, type SecretBox } from '../../shared/crypto.js';
import { asBotId, type BotId } from '../../shared/ids.js';
import { err, type Invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';

type BotRow = typeof bots.$inferSelect;

/** A tenant as the rest of the code sees it: never the token ciphertext or the API token hash. */
export type Tenant = Omit<BotRow, 'tokenCiphertext' | 'apiTokenHash' | 'id'> & { readonly id: BotId };

export interface Conflict {
  readonly code: 'conflict';
  readonly message: string;
}

/** Telegram bot tokens look like `123456789:AA…` (numeric bot id, colon, 35 characters). */
const TOKEN_PATTERN = /^(\d{3,20}):[A-Za-z0-9_-]{30,64}$/;
export const telegramBotIdOfToken = (token: string): number | undefined => {
  const match = TOKEN_PATTERN.exec(token.trim());
  return match?.[1] ? Number(match[1]) : undefined;
};

const botToken = z
  .string()
  .trim()
  .refine(
    (value) => TOKEN_PATTERN.test(value),
    'is not a Telegram bot token (123456789:ABC…, as @BotFather gives it)',
  );
const telegramIds = z.array(z.number().int().positive()).max(50);
const merchantId = z.uuid('must be a Zarinpal merchant id (UUID)');

const createInput = z.object({
  name: z.string().trim().min(1).max(128),
  token: botToken,
  isMaster: z.boolean().default(false),
  adminTelegramIds: telegramIds.default([]),
  createdBy: z.number().int().optional(),
  botInfo: z.record(z.string(), z.unknown()).optional(),
  username: z.string().optional(),
  /** The master shop's reseller signup this shop is made for (src/modules/resellers/start-shop.ts). */
  resellerSignupId: z.number().int().positive().optional(),
});
export type CreateTenantInput = z.input<typeof createInput>;

const updateInput = z
  .object({
    name: z.string().trim().min(1).max(128),
    adminTelegramIds: telegramIds,
    zarinpalMerchantId: merchantId.nullable(),
    zarinpalSandbox: z.boolean(),
    wholesalePricePerGb: z.number().int().min(0).max(1_000_000_000),
    currency: z.enum(['IRT', 'USD', 'RUB']),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type UpdateTenantInput = z.input<typeof updateInput>;

const { tokenCiphertext: _ciphertext, apiTokenHash: _hash, ...publicColumns } = getTableColumns(bots);
const toTenant = (row: Omit<BotRow, 'tokenCiphertext' | 'apiTokenHash'>): Tenant => ({
  ...row,
  id: asBotId(row.id),
});

/**
 * The checks before an insert answer the common case; two writers racing past them meet the
 * unique constraints, which are turned into the same conflict answer.
 */
async function conflictOnRace<T>(work: Promise<T>): Promise<T | { ok: false; error: Conflict }> {
  try {
    return await work;
  } catch (error) {
    if (isUniqueViolation(error, 'bots_telegram_bot_id_key')) {
      return err({ code: 'conflict', message: 'this bot is already a tenant' });
    }
    if (isUniqueViolation(error, 'bots_single_master')) {
      return err({ code: 'conflict', message: 'there is already a master bot' });
    }
    throw error;
  }
}

export interface TenantRegistryDeps {
  readonly db: PlatformDb;
  readonly secrets: SecretBox;
  readonly bus: ChangeBus;
}

/** The platform side of tenants: the only code that sees every row of `bots`. */
export function createTenantRegistry({ db, secrets, bus }: TenantRegistryDeps) {
  const findOne = async (where: ReturnType<typeof eq>): Promise<Tenant | undefined> => {
    const [row] = await db.transaction((tx) => tx.select(publicColumns).from(bots).where(where));
    return row ? toTenant(row) : undefined;
  };

  /** Updates one tenant and announces it, so running fleets react without a restart. */
  const change = async (id: BotId, values: Partial<typeof bots.$inferInsert>): Promise<Tenant | undefined> =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .update(bots)
        .set({ ...values, updatedAt: new Date() })
        .where(eq(bots.id, id))
        .returning(publicColumns);
      if (!row) return undefined;
      await bus.publish(tx, { kind: 'tenant', botId: id });
      return toTenant(row);
    });

  const isTelegramBotTaken = async (tx: PlatformTx, telegramBotId: number, except?: BotId) => {
    const [row] = await tx.select({ id: bots.id }).from(bots).where(eq(bots.telegramBotId, telegramBotId));
    return row !== undefined && row.id !== except;
  };

  return {
    /** Creates a tenant. The API token is returned here once; only its hash is stored. */
    async create(
      input: CreateTenantInput,
    ): Promise<Result<{ tenant: Tenant; apiToken: string }, Invalid | Conflict>> {
      const parsed = parseInput(createInput, input);
      if (!parsed.ok) return parsed;
      const { token, ...rest } = parsed.value;
      const telegramBotId = telegramBotIdOfToken(token)!;
      const apiToken = generateApiToken();
      return conflictOnRace(
        db.transaction(async (tx) => {
          if (await isTelegramBotTaken(tx, telegramBotId)) {
            return err({ code: 'conflict' as const, message: `bot ${telegramBotId} is already a tenant` });
          }
          if (rest.isMaster) {
            const [master] = await tx.select({ id: bots.id }).from(bots).where(eq(bots.isMaster, true));
            if (master)
              return err({
                code: 'conflict' as const,
                message: `tenant ${master.id} is already the master bot`,
              });
          }
          const [row] = await tx
            .insert(bots)
            .values({
              name: rest.name,
              isMaster: rest.isMaster,
              adminTelegramIds: rest.adminTelegramIds,
              createdBy: rest.createdBy ?? null,
              botInfo: rest.botInfo ?? null,
              username: rest.username ?? null,
              resellerSignupId: rest.resellerSignupId ?? null,
              tokenCiphertext: secrets.seal(token),
              telegramBotId,
              apiTokenHash: hashApiToken(apiToken),
            })
            .returning(publicColumns);
          await bus.publish(tx, { kind: 'tenant', botId: row!.id });
          return ok({ tenant: toTenant(row!), apiToken });
        }),
      );
    },
    get: (id: BotId) => findOne(eq(bots.id, id)),
    getByTelegramBotId: (telegramBotId: number) => findOne(eq(bots.telegramBotId, telegramBotId)),
    /** Resolves an API token to its tenant by hash; undefined for an unknown token. */
    getByApiToken: (apiToken: string) => findOne(eq(bots.apiTokenHash, hashApiToken(apiToken))),
    getMaster: () => findOne(eq(bots.isMaster, true)),
    async findActive(): Promise<Tenant[]> {
      const rows = await db.transaction((tx) =>
        tx.select(publicColumns).from(bots).where(eq(bots.isActive, true)).orderBy(asc(bots.id)),
      );
      return rows.map(toTenant);
    },
    /** One page of tenants in id order, with the total, optionally only active or inactive ones. */
    async findPage(page: {
      limit: number;
      offset: number;
      isActive?: boolean | undefined;
    }): Promise<{ items: Tenant[]; total: number }> {
      const where = page.isActive === undefined ? undefined : eq(bots.isActive, page.isActive);
      return db.transaction(async (tx) => {
        const rows = await tx
          .select(publicColumns)
          .from(bots)
          .where(where)
          .orderBy(asc(bots.id))
          .limit(page.limit)
          .offset(page.offset);
        const [counted] = await tx.select({ total: count() }).from(bots).where(where);
        return { items: rows.map(toTenant), total: counted?.total ?? 0 };
      });
    },
    async findAll(page: { limit?: number; offset?: number } = {}): Promise<Tenant[]> {
      const rows = await db.transaction((tx) =>
        tx
          .select(publicColumns)
          .from(bots)
          .orderBy(asc(bots.id))
          .limit(page.limit ?? 100)
          .offset(page.offset ?? 0),
      );
      return rows.map(toTenant);
    },
    /**
     * One digest of which tenants are active and when each last changed: the fleet's reconcile reads
     * it every 30 s, and the versions below only when it differs from the one it last applied (one
     * row instead of one per shop, 10,000 at a large fleet's every reconcile).
     */
    async activeDigest(): Promise<string> {
      const [row] = await db.transaction((tx) =>
        tx
          .select({
            // sha256, not md5: a server in FIPS mode refuses md5()
            digest: sql<string>`count(*)::text || ':' || coalesce(encode(sha256(convert_to(string_agg(
              ${bots.id}::text || '@' || (extract(epoch FROM ${bots.updatedAt}) * 1000000)::bigint::text,
              ',' ORDER BY ${bots.id}), 'UTF8')), 'hex'), '')`,
          })
          .from(bots)
          .where(eq(bots.isActive, true)),
      );
      return row?.digest ?? '';
    },
    /**
     * When each active tenant last changed (its `updatedAt` in ms), by id: what the fleet's
     * reconcile compares with what it runs, before it reads any tenant in full.
     */
    async activeVersions(): Promise<Map<BotId, number>> {
      const rows = await db.transaction((tx) =>
        tx.select({ id: bots.id, updatedAt: bots.updatedAt }).from(bots).where(eq(bots.isActive, true)),
      );
      return new Map(rows.map((row) => [asBotId(row.id), row.updatedAt.getTime()]));
    },
    /**
     * The active tenants (all of them, or those of `ids`) in one query, each token opened only when
     * asked for: the fleet starts or refreshes the bots that changed without a transaction per bot.
     */
    async findActiveWithTokens(
      ids?: readonly BotId[],
    ): Promise<{ tenant: Tenant; openToken: () => string }[]> {
      const rows = await db.transaction((tx) =>
        tx
          .select({ ...publicColumns, ciphertext: bots.tokenCiphertext })
          .from(bots)
          .where(ids ? and(eq(bots.isActive, true), inArray(bots.id, [...ids])) : eq(bots.isActive, true))
          .orderBy(asc(bots.id)),
      );
      return rows.map(({ ciphertext, ...row }) => ({
        tenant: toTenant(row),
        openToken: () => secrets.open(ciphertext),
      }));
    },
    /** The decrypted Telegram token, for the fleet that runs the bot. */
    async revealToken(id: BotId): Promise<string | undefined> {
      const [row] = await db.transaction((tx) =>
        tx.select({ ciphertext: bots.tokenCiphertext }).from(bots).where(eq(bots.id, id)),
      );
      return row ? secrets.open(row.ciphertext) : undefined;
    },
    async update(id: BotId, input: UpdateTenantInput): Promise<Result<Tenant | undefined, Invalid>> {
      const parsed = parseInput(updateInput, input);
      if (!parsed.ok) return parsed;
      const values = Object.fromEntries(
        Object.entries(parsed.value).filter(([, value]) => value !== undefined),
      );
      return ok(await change(id, values));
    },
    /** Caches what getMe returned, so a fleet of bots starts without a getMe per bot. */
    cacheBotInfo: (id: BotId, botInfo: Record<string, unknown> & { username?: string }) =>
      db
        .transaction((tx) =>
          tx
            .update(bots)
            .set({ botInfo, username: botInfo.username ?? null })
            .where(eq(bots.id, id)),
        )
        .then(() => undefined),
    /**
     * Records the bot's health when it changes (a revoked token, a failing handler, recovery).
     * Not announced: health is reported, not a reason to restart anything. One statement in the
     * bot's own transaction (one round trip): a fleet's first start records every bot's health,
     * 10,000 writes at 10,000 shops.
     */
    setHealth: (id: BotId, status: BotHealth, error: string | null = null) =>
      db
        .tenant(id)
        .statement(
          `UPDATE bots SET health_status = ${textLiteral(status)},
             health_error = ${error === null ? 'NULL' : textLiteral(error)}, health_changed_at = now()
           WHERE id = ${integerLiteral(id)}`,
        )
        .then(() => undefined),
    /** As `setHealth`: a first start in polling mode forgets every bot's webhook. */
    setWebhookFingerprint: (id: BotId, fingerprint: string | null) =>
      db
        .tenant(id)
        .statement(
          `UPDATE bots SET webhook_fingerprint = ${fingerprint === null ? 'NULL' : textLiteral(fingerprint)}
           WHERE id = ${integerLiteral(id)}`,
        )
        .then(() => undefined),
    activate: (id: BotId) => change(id, { isActive: true }),
    deactivate: (id: BotId) => change(id, { isActive: false }),
    /** A new token for the tenant's bot (revoked and regenerated, or another bot altogether). */
    async changeToken(id: BotId, token: string): Promise<Result<Tenant | undefined, Invalid | Conflict>> {
      const parsed = parseInput(botToken, token);
      if (!parsed.ok) return parsed;
      const telegramBotId = telegramBotIdOfToken(parsed.value)!;
      return conflictOnRace(
        db.transaction(async (tx) => {
          if (await isTelegramBotTaken(tx, telegramBotId, id)) {
            return err({ code: 'conflict' as const, message: `bot ${telegramBotId} is already a tenant` });
          }
          const [current] = await tx
            .select({ telegramBotId: bots.telegramBotId })
            .from(bots)
            .where(eq(bots.id, id));
          if (!current) return ok(undefined);
          const sameBot = current.telegramBotId === telegramBotId;
          const [row] = await tx
            .update(bots)
            .set({
              tokenCiphertext: secrets.seal(parsed.value),
              telegramBotId,
              // another bot: what we cached about the old one no longer holds
              ...(sameBot ? {} : { botInfo: null, username: null }),
              updatedAt: new Date(),
            })
            .where(eq(bots.id, id))
            .returning(publicColumns);
          await bus.publish(tx, { kind: 'tenant', botId: id });
          return ok(row ? toTenant(row) : undefined);
        }),
      );
    },
    /** Replaces the tenant's API token; the old one stops working at once. */
    async rotateApiToken(id: BotId): Promise<string | undefined> {
      const apiToken = generateApiToken();
      const tenant = await change(id, { apiTokenHash: hashApiToken(apiToken) });
      return tenant ? apiToken : undefined;
    },
    /** Deletes the tenant and, by cascade, every row of its data. */
    async delete(id: BotId): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .delete(bots)
          .where(and(eq(bots.id, id)))
          .returning({ id: bots.id });
        if (rows.length > 0) await bus.publish(tx, { kind: 'tenant', botId: id });
        return rows.length > 0;
      });
    },
  };
}

export type TenantRegistry = ReturnType<typeof createTenantRegistry>;
