import { and, asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { isUniqueViolation } from '../../db/errors.js';
import { botPlans, customerGroupPrices, customerGroups, customers, promoCodes } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { Brand, CustomerId, PlanId } from '../../shared/ids.js';
import { MAX_MONEY } from '../../shared/money.js';
import { err, type Invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';

export type GroupId = Brand<number, 'GroupId'>;
export const asGroupId = (value: number): GroupId => value as GroupId;

export type Group = typeof customerGroups.$inferSelect & { readonly id: GroupId };
export type GroupPriceRow = { readonly planId: PlanId; readonly price: number };
export type GroupDetails = Group & { readonly prices: readonly GroupPriceRow[]; readonly members: number };

export type Conflict = { readonly code: 'conflict'; readonly message: string };

const groupFields = {
  name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  discountPercent: z.number().int('must be a whole number').min(0).max(100, 'must be at most 100'),
  isActive: z.boolean(),
};

export const groupInput = z.object({
  name: groupFields.name,
  discountPercent: groupFields.discountPercent.default(0),
  isActive: groupFields.isActive.default(true),
});
export type GroupInput = z.input<typeof groupInput>;

export const groupPatch = z
  .object(groupFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type GroupPatch = z.input<typeof groupPatch>;

export const groupPriceInput = z.object({
  price: z.number().int('must be a whole number').min(0).max(MAX_MONEY, `must be at most ${MAX_MONEY}`),
});

/** What removing a group did: erased, or switched off because a promo code moves customers into it. */
export type GroupRemoval =
  | { readonly status: 'deleted' }
  | { readonly status: 'deactivated'; readonly group: Group };

const asGroup = (row: typeof customerGroups.$inferSelect) => row as Group;
const nameTaken = (name: string): Conflict => ({
  code: 'conflict',
  message: `a group named "${name}" exists`,
});

/**
 * A shop's customer groups (price lists): each has a discount percent on every plan, or a price of
 * its own for some plans (which wins). A customer is in at most one group; the prices shown and
 * charged follow it (`groupPriceFor`).
 */
export function createGroupsService({ tenant }: { tenant: TenantDb }) {
  const { botId } = tenant;
  const byId = (id: GroupId) => and(eq(customerGroups.botId, botId), eq(customerGroups.id, id));

  const find = async (tx: TenantTx, id: GroupId) => {
    const [row] = await tx.select().from(customerGroups).where(byId(id));
    return row ? asGroup(row) : undefined;
  };

  const details = async (tx: TenantTx, group: Group): Promise<GroupDetails> => {
    const prices = await tx
      .select({ planId: customerGroupPrices.planId, price: customerGroupPrices.price })
      .from(customerGroupPrices)
      .where(and(eq(customerGroupPrices.botId, botId), eq(customerGroupPrices.groupId, group.id)))
      .orderBy(asc(customerGroupPrices.planId));
    const [members] = await tx
      .select({ n: count() })
      .from(customers)
      .where(and(eq(customers.botId, botId), eq(customers.groupId, group.id)));
    return { ...group, prices: prices as GroupPriceRow[], members: members?.n ?? 0 };
  };

  return {
    async create(input: GroupInput): Promise<Result<Group, Invalid | Conflict>> {
      const parsed = parseInput(groupInput, input);
      if (!parsed.ok) return parsed;
      try {
        const [row] = await tenant.transaction((tx) =>
          tx
            .insert(customerGroups)
            .values({ ...parsed.value, botId })
            .returning(),
        );
        return ok(asGroup(row!));
      } catch (error) {
        if (isUniqueViolation(error)) return err(nameTaken(parsed.value.name));
        throw error;
      }
    },

    async get(id: GroupId): Promise<GroupDetails | undefined> {
      return tenant.transaction(async (tx) => {
        const group = await find(tx, id);
        return group && details(tx, group);
      });
    },

    /** Every group, switched off ones included, by name. */
    async findAll(): Promise<Group[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(customerGroups)
          .where(eq(customerGroups.botId, botId))
          .orderBy(asc(customerGroups.name), asc(customerGroups.id)),
      );
      return rows.map(asGroup);
    },

    async update(id: GroupId, input: GroupPatch): Promise<Result<Group | undefined, Invalid | Conflict>> {
      const parsed = parseInput(groupPatch, input);
      if (!parsed.ok) return parsed;
      const values = Object.fromEntries(Object.entries(parsed.value).filter(([, v]) => v !== undefined));
      try {
        const [row] = await tenant.transaction((tx) =>
          tx
            .update(customerGroups)
            .set({ ...values, updatedAt: new Date() })
            .where(byId(id))
            .returning(),
        );
        return ok(row ? asGroup(row) : undefined);
      } catch (error) {
        if (isUniqueViolation(error)) return err(nameTaken(parsed.value.name ?? ''));
        throw error;
      }
    },

    /**
     * The group's own price for a plan of this shop (wins over its discount percent). Undefined
     * when the group or the plan is not this shop's.
     */
    async setPrice(id: GroupId, planId: PlanId, price: number): Promise<Result<boolean, Invalid>> {
      const parsed = parseInput(groupPriceInput, { price });
      if (!parsed.ok) return parsed;
      return tenant.transaction(async (tx) => {
        const [plan] = await tx
          .select({ id: botPlans.id })
          .from(botPlans)
          .where(and(eq(botPlans.botId, botId), eq(botPlans.id, planId)));
        if (!plan || !(await find(tx, id))) return ok(false);
        await tx
          .insert(customerGroupPrices)
          .values({ botId, groupId: id, planId, price: parsed.value.price })
          .onConflictDoUpdate({
            target: [customerGroupPrices.botId, customerGroupPrices.groupId, customerGroupPrices.planId],
            set: { price: parsed.value.price, updatedAt: new Date() },
          });
        return ok(true);
      });
    },

    /** Back to the group's discount percent for that plan; false when there was no own price. */
    async clearPrice(id: GroupId, planId: PlanId): Promise<boolean> {
      const rows = await tenant.transaction((tx) =>
        tx
          .delete(customerGroupPrices)
          .where(
            and(
              eq(customerGroupPrices.botId, botId),
              eq(customerGroupPrices.groupId, id),
              eq(customerGroupPrices.planId, planId),
            ),
          )
          .returning({ planId: customerGroupPrices.planId }),
      );
      return rows.length > 0;
    },

    /**
     * Erases a group no promo code points at (its members fall back to the plans' prices); one a
     * promo code moves customers into is switched off instead.
     */
    async remove(id: GroupId): Promise<GroupRemoval | undefined> {
      return tenant.transaction(async (tx): Promise<GroupRemoval | undefined> => {
        const [locked] = await tx.select().from(customerGroups).where(byId(id)).for('update');
        if (!locked) return undefined;
        const [used] = await tx
          .select({ id: promoCodes.id })
          .from(promoCodes)
          .where(and(eq(promoCodes.botId, botId), eq(promoCodes.groupId, id)))
          .limit(1);
        if (used) {
          const [row] = await tx
            .update(customerGroups)
            .set({ isActive: false, updatedAt: new Date() })
            .where(byId(id))
            .returning();
          return { status: 'deactivated', group: asGroup(row!) };
        }
        await tx.delete(customerGroups).where(byId(id));
        return { status: 'deleted' };
      });
    },

    /**
     * Puts a customer in a group (null: in none). False when the customer or the group is not this
     * shop's; the composite foreign key refuses another shop's group whatever the caller passes.
     */
    async assign(customerId: CustomerId, groupId: GroupId | null): Promise<boolean> {
      return tenant.transaction(async (tx) => {
        if (groupId !== null && !(await find(tx, groupId))) return false;
        const rows = await tx
          .update(customers)
          .set({ groupId, updatedAt: new Date() })
          .where(and(eq(customers.botId, botId), eq(customers.id, customerId)))
          .returning({ id: customers.id });
        return rows.length > 0;
      });
    },

    /** The group a customer is in, if any. */
    async ofCustomer(customerId: CustomerId): Promise<Group | undefined> {
      return tenant.transaction(async (tx) => {
        const [row] = await tx
          .select({ groupId: customers.groupId })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.id, customerId)));
        return row?.groupId ? find(tx, asGroupId(row.groupId)) : undefined;
      });
    },
  };
}

export type GroupsService = ReturnType<typeof createGroupsService>;
