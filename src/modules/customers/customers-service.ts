import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, getTableColumns, ilike, or, sql } from 'drizzle-orm';
import { customers, type Language, ledgerTransactions } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import type { CustomerId } from '../../shared/ids.js';

export type Customer = typeof customers.$inferSelect & { readonly id: CustomerId };

export interface TelegramProfile {
  readonly telegramId: number;
  readonly username?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
}

export interface Page {
  readonly limit?: number;
  readonly offset?: number;
}

const REFERRAL_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** 10 characters of a 31-letter alphabet: collisions are not a practical concern. */
export const newReferralCode = () =>
  Array.from(randomBytes(10), (byte) => REFERRAL_ALPHABET[byte % REFERRAL_ALPHABET.length]).join('');

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** By Telegram id or customer id (digits), else @username or name fragment. */
const matchSearch = (query: string) => {
  const text = query.trim().replace(/^@/, '');
  const pattern = `%${escapeLike(text)}%`;
  return /^\d{1,16}$/.test(text)
    ? or(eq(customers.telegramId, Number(text)), eq(customers.id, Number(text)))
    : or(
        ilike(customers.username, pattern),
        ilike(customers.firstName, pattern),
        ilike(customers.lastName, pattern),
      );
};

export function createCustomersService({ tenant }: { tenant: TenantDb }) {
  const { botId } = tenant;
  const asCustomer = (row: typeof customers.$inferSelect) => row as Customer;
  const byId = (id: CustomerId) => and(eq(customers.botId, botId), eq(customers.id, id));

  const findOne = async (where: ReturnType<typeof eq>) => {
    const [row] = await tenant.transaction((tx) =>
      tx
        .select()
        .from(customers)
        .where(and(eq(customers.botId, botId), where)),
    );
    return row ? asCustomer(row) : undefined;
  };

  return {
    /**
     * Registers the Telegram user as a customer of this tenant, or refreshes the profile of an
     * existing one. `language` is used for a new customer and for one who never chose a language.
     */
    async register(
      profile: TelegramProfile,
      language: Language,
    ): Promise<{ customer: Customer; isNew: boolean }> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .insert(customers)
          .values({
            botId,
            telegramId: profile.telegramId,
            username: profile.username ?? null,
            firstName: profile.firstName ?? null,
            lastName: profile.lastName ?? null,
            language,
            referralCode: newReferralCode(),
          })
          .onConflictDoUpdate({
            target: [customers.botId, customers.telegramId],
            set: {
              username: profile.username ?? null,
              firstName: profile.firstName ?? null,
              lastName: profile.lastName ?? null,
              language: sql`case when ${customers.hasChosenLanguage} then ${customers.language} else ${language} end`,
              // writing to the bot again (/start) means it is no longer blocked
              unreachableSince: null,
              updatedAt: new Date(),
            },
          })
          // xmax = 0 only for a freshly inserted row version
          .returning({ ...getTableColumns(customers), isNew: sql<boolean>`(xmax = 0)` }),
      );
      const { isNew, ...customer } = row!;
      return { customer: asCustomer(customer), isNew };
    },
    get: (id: CustomerId) => findOne(eq(customers.id, id)),
    getByTelegramId: (telegramId: number) => findOne(eq(customers.telegramId, telegramId)),
    getByReferralCode: (code: string) => findOne(eq(customers.referralCode, code)),
    /** By Telegram id, @username or name fragment. */
    async search(query: string, page: Page = {}): Promise<Customer[]> {
      const match = matchSearch(query);
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(customers)
          .where(and(eq(customers.botId, botId), match))
          .orderBy(asc(customers.id))
          .limit(page.limit ?? 20)
          .offset(page.offset ?? 0),
      );
      return rows.map(asCustomer);
    },
    /** One page of customers in id order with the total, all of them or those matching `search`. */
    async findPage(page: {
      limit: number;
      offset: number;
      search?: string | undefined;
    }): Promise<{ items: Customer[]; total: number }> {
      const search = page.search?.trim();
      const where = and(eq(customers.botId, botId), search ? matchSearch(search) : undefined);
      return tenant.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(customers)
          .where(where)
          .orderBy(asc(customers.id))
          .limit(page.limit)
          .offset(page.offset);
        const [counted] = await tx.select({ total: count() }).from(customers).where(where);
        return { items: rows.map(asCustomer), total: counted?.total ?? 0 };
      });
    },
    async findAll(page: Page = {}): Promise<Customer[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(customers)
          .where(eq(customers.botId, botId))
          .orderBy(asc(customers.id))
          .limit(page.limit ?? 50)
          .offset(page.offset ?? 0),
      );
      return rows.map(asCustomer);
    },
    /** How many customers this customer invited. */
    async countReferred(id: CustomerId): Promise<number> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .select({ count: sql<number>`count(*)::int` })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.referredBy, id))),
      );
      return row?.count ?? 0;
    },
    async setLanguage(id: CustomerId, language: Language): Promise<void> {
      await tenant.transaction((tx) =>
        tx
          .update(customers)
          .set({ language, hasChosenLanguage: true, updatedAt: new Date() })
          .where(byId(id)),
      );
    },
    /**
     * Telegram will not deliver to this customer (they blocked the bot): notices skip them until
     * they write again. The first refusal's time is kept.
     */
    async markUnreachable(id: CustomerId): Promise<void> {
      await tenant.transaction((tx) =>
        tx
          .update(customers)
          .set({
            unreachableSince: sql`coalesce(${customers.unreachableSince}, now())`,
            updatedAt: new Date(),
          })
          .where(byId(id)),
      );
    },
    /** The customer unblocked the bot. */
    async markReachable(id: CustomerId): Promise<void> {
      await tenant.transaction((tx) =>
        tx.update(customers).set({ unreachableSince: null, updatedAt: new Date() }).where(byId(id)),
      );
    },
    async acceptRules(id: CustomerId): Promise<void> {
      await tenant.transaction((tx) =>
        tx.update(customers).set({ rulesAcceptedAt: new Date(), updatedAt: new Date() }).where(byId(id)),
      );
    },
    /**
     * Records who invited the customer: only once, only a customer of this tenant, never oneself, and
     * only while the customer has never paid money in (a referral rewards bringing a paying customer,
     * so one who paid before cannot be claimed later). Returns whether it was recorded.
     */
    async setReferrer(id: CustomerId, referralCode: string): Promise<boolean> {
      return tenant.transaction(async (tx) => {
        const [referrer] = await tx
          .select({ id: customers.id })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.referralCode, referralCode)));
        if (!referrer || referrer.id === id) return false;
        const updated = await tx
          .update(customers)
          .set({ referredBy: referrer.id, updatedAt: new Date() })
          .where(
            and(
              byId(id),
              sql`${customers.referredBy} is null`,
              sql`not exists (select 1 from ${ledgerTransactions} where ${ledgerTransactions.botId} = ${botId} and ${ledgerTransactions.customerId} = ${id} and ${ledgerTransactions.kind} = 'topup')`,
            ),
          )
          .returning({ id: customers.id });
        return updated.length > 0;
      });
    },
  };
}

export type CustomersService = ReturnType<typeof createCustomersService>;
