import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { botPacks, orders, type PackKind } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { PackId } from '../../shared/ids.js';
import { MAX_MONEY } from '../../shared/money.js';
import { type Invalid, invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';

export type { PackKind };
export type Pack = typeof botPacks.$inferSelect & { readonly id: PackId };

export const PACK_KINDS = ['traffic', 'days'] as const satisfies readonly PackKind[];

/**
 * How much one pack may add: GB for traffic, days for days. migrations/0015 holds the same bounds
 * (`amount BETWEEN 1 AND 100000`, days at most 3650), so the service refuses before the database does.
 */
export const PACK_AMOUNT_MAX: Record<PackKind, number> = { traffic: 100_000, days: 3650 };

const packFields = {
  amount: z.number().int('must be a whole number').min(1, 'must be at least 1').max(PACK_AMOUNT_MAX.traffic),
  price: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_MONEY, `must be at most ${MAX_MONEY}`),
  sortOrder: z.number().int().min(-1_000_000).max(1_000_000),
  isActive: z.boolean(),
};

/** The amount fits the kind: a day pack adds at most ten years. */
const amountFitsKind = (kind: PackKind, amount: number | undefined) =>
  amount === undefined || amount <= PACK_AMOUNT_MAX[kind];
const AMOUNT_MESSAGES: Record<PackKind, string> = {
  traffic: `a traffic pack adds at most ${PACK_AMOUNT_MAX.traffic} GB`,
  days: `a day pack adds at most ${PACK_AMOUNT_MAX.days} days`,
};

export const packInput = z
  .object({
    kind: z.enum(PACK_KINDS),
    ...packFields,
    sortOrder: packFields.sortOrder.default(0),
    isActive: packFields.isActive.default(true),
  })
  .refine((pack) => amountFitsKind(pack.kind, pack.amount), {
    path: ['amount'],
    message: AMOUNT_MESSAGES.days,
  });
export type PackInput = z.input<typeof packInput>;

// No defaults: a field left out keeps its value. The kind is fixed at creation (orders name it).
export const packPatch = z
  .object(packFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type PackPatch = z.input<typeof packPatch>;

/** What deleting a pack did: erased, or switched off because orders point at it. */
export type PackRemoval =
  | { readonly status: 'deleted' }
  | { readonly status: 'deactivated'; readonly pack: Pack };

const asPack = (row: typeof botPacks.$inferSelect) => row as Pack;
const inShopOrder = [asc(botPacks.sortOrder), asc(botPacks.id)];

/**
 * A shop's extra traffic and extra day packs: what customers may add to a subscription, at what
 * price. Selling them is the orders module's (`purchasePack`); this keeps the catalogue.
 */
export function createPacksService({ tenant }: { tenant: TenantDb }) {
  const { botId } = tenant;
  const byId = (id: PackId) => and(eq(botPacks.botId, botId), eq(botPacks.id, id));
  const where = (filter: { kind?: PackKind | undefined; isActive?: boolean | undefined }): SQL | undefined =>
    and(
      eq(botPacks.botId, botId),
      filter.kind === undefined ? undefined : eq(botPacks.kind, filter.kind),
      filter.isActive === undefined ? undefined : eq(botPacks.isActive, filter.isActive),
    );

  const select = (filter: { kind?: PackKind | undefined; isActive?: boolean | undefined }) =>
    tenant.transaction(async (tx) =>
      (
        await tx
          .select()
          .from(botPacks)
          .where(where(filter))
          .orderBy(...inShopOrder)
      ).map(asPack),
    );

  const lockPack = async (tx: TenantTx, id: PackId) => {
    const [row] = await tx.select().from(botPacks).where(byId(id)).for('update');
    return row ? asPack(row) : undefined;
  };

  const write = async (tx: TenantTx, id: PackId, values: Partial<typeof botPacks.$inferInsert>) => {
    const [row] = await tx
      .update(botPacks)
      .set({ ...values, updatedAt: new Date() })
      .where(byId(id))
      .returning();
    return row ? asPack(row) : undefined;
  };

  return {
    async create(input: PackInput): Promise<Result<Pack, Invalid>> {
      const parsed = parseInput(packInput, input);
      if (!parsed.ok) return parsed;
      const [row] = await tenant.transaction((tx) =>
        tx
          .insert(botPacks)
          .values({ ...parsed.value, botId })
          .returning(),
      );
      return ok(asPack(row!));
    },

    async get(id: PackId): Promise<Pack | undefined> {
      const [row] = await tenant.transaction((tx) => tx.select().from(botPacks).where(byId(id)));
      return row ? asPack(row) : undefined;
    },

    /** The packs customers can buy, of one kind or both, in the shop's order. */
    findActive: (kind?: PackKind): Promise<Pack[]> => select({ kind, isActive: true }),

    /** Every pack, switched off ones included, in the shop's order. */
    findAll: (kind?: PackKind): Promise<Pack[]> => select({ kind }),

    /** Whether customers can buy a pack of this kind now (one small indexed query, for a button). */
    async hasActive(kind: PackKind): Promise<boolean> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .select({ id: botPacks.id })
          .from(botPacks)
          .where(where({ kind, isActive: true }))
          .limit(1),
      );
      return row !== undefined;
    },

    /** One page of the packs in the shop's order, with the total; optionally of one kind or state. */
    async findPage(page: {
      limit: number;
      offset: number;
      kind?: PackKind | undefined;
      isActive?: boolean | undefined;
    }): Promise<{ items: Pack[]; total: number }> {
      const filter = where(page);
      return tenant.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(botPacks)
          .where(filter)
          .orderBy(...inShopOrder)
          .limit(page.limit)
          .offset(page.offset);
        const [counted] = await tx.select({ total: count() }).from(botPacks).where(filter);
        return { items: rows.map(asPack), total: counted?.total ?? 0 };
      });
    },

    /** Changes amount, price, order or state; undefined when the pack is not this shop's. */
    async update(id: PackId, input: PackPatch): Promise<Result<Pack | undefined, Invalid>> {
      const parsed = parseInput(packPatch, input);
      if (!parsed.ok) return parsed;
      const values = Object.fromEntries(
        Object.entries(parsed.value).filter(([, value]) => value !== undefined),
      ) as Partial<typeof botPacks.$inferInsert>;
      return tenant.transaction(async (tx) => {
        // the amount's bound depends on the kind, which only the stored row knows
        const pack = await lockPack(tx, id);
        if (!pack) return ok(undefined);
        if (!amountFitsKind(pack.kind, values.amount)) return invalid(AMOUNT_MESSAGES[pack.kind], 'amount');
        return ok(await write(tx, id, values));
      });
    },

    activate: (id: PackId) => tenant.transaction((tx) => write(tx, id, { isActive: true })),
    deactivate: (id: PackId) => tenant.transaction((tx) => write(tx, id, { isActive: false })),

    /**
     * Moves a pack one place up or down among the packs of its kind, as customers see them. Packs
     * made without an order share sort order 0, so swapping two numbers would not always move
     * anything: the kind's list is renumbered instead, touching only the rows whose number changes.
     * Undefined when the pack is not this shop's; the pack unchanged when it is already at that end.
     */
    async move(id: PackId, direction: 'up' | 'down'): Promise<Pack | undefined> {
      return tenant.transaction(async (tx) => {
        const [found] = await tx.select({ kind: botPacks.kind }).from(botPacks).where(byId(id));
        if (!found) return undefined;
        // the kind's packs are locked in id order, which no move changes (sort orders do), so two
        // admins moving packs at once wait for each other rather than deadlock; their order is
        // read once locked
        const locked = await tx
          .select()
          .from(botPacks)
          .where(where({ kind: found.kind }))
          .orderBy(asc(botPacks.id))
          .for('update');
        const packs = locked.map(asPack).sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
        const index = packs.findIndex((pack) => pack.id === id);
        const moving = packs[index];
        if (!moving) return undefined;
        const target = direction === 'up' ? index - 1 : index + 1;
        const other = packs[target];
        if (!other) return moving;
        const ordered = [...packs];
        ordered[index] = other;
        ordered[target] = moving;
        let moved = moving;
        for (const [position, pack] of ordered.entries()) {
          const sortOrder = (position + 1) * 10;
          if (pack.sortOrder === sortOrder) continue;
          const written = await write(tx, pack.id, { sortOrder });
          if (written && pack.id === id) moved = written;
        }
        return moved;
      });
    },

    /**
     * Erases a pack no order points at; a pack that was ever ordered is switched off instead, so
     * orders keep saying what they bought. The pack's row is locked first: an order being made for
     * it right now holds a key lock on it, so this waits for that order and then sees it.
     */
    async remove(id: PackId): Promise<PackRemoval | undefined> {
      return tenant.transaction(async (tx): Promise<PackRemoval | undefined> => {
        if (!(await lockPack(tx, id))) return undefined;
        const [ordered] = await tx
          .select({ id: orders.id })
          .from(orders)
          .where(and(eq(orders.botId, botId), eq(orders.packId, id)))
          .limit(1);
        if (ordered) {
          const pack = await write(tx, id, { isActive: false });
          return pack && { status: 'deactivated', pack };
        }
        await tx.delete(botPacks).where(byId(id));
        return { status: 'deleted' };
      });
    },
  };
}

export type PacksService = ReturnType<typeof createPacksService>;
