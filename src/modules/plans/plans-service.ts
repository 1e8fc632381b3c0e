import { and, asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { botPlans } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import type { PlanId } from '../../shared/ids.js';
import { type Invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';

export type Plan = typeof botPlans.$inferSelect & { readonly id: PlanId };

const MAX_PRICE = 1_000_000_000_000;

const planFields = {
  name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  periodDays: z.number().int().min(1).max(3650),
  price: z.number().int('must be a whole number').min(1).max(MAX_PRICE),
  /** 0 = unlimited */
  trafficGb: z.number().int().min(0).max(100_000),
  /** 0 = unlimited */
  deviceLimit: z.number().int().min(0).max(100),
  sortOrder: z.number().int().min(-1_000_000).max(1_000_000),
  isActive: z.boolean(),
};

export const planInput = z.object({
  ...planFields,
  trafficGb: planFields.trafficGb.default(0),
  deviceLimit: planFields.deviceLimit.default(1),
  sortOrder: planFields.sortOrder.default(0),
  isActive: planFields.isActive.default(true),
});
export type PlanInput = z.input<typeof planInput>;
// No defaults here: a field left out of a patch keeps its value.
export const planPatch = z
  .object(planFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type PlanPatch = z.input<typeof planPatch>;

export function createPlansService({ tenant }: { tenant: TenantDb }) {
  const { botId } = tenant;
  const byId = (id: PlanId) => and(eq(botPlans.botId, botId), eq(botPlans.id, id));
  const asPlan = (row: typeof botPlans.$inferSelect) => row as Plan;

  const patch = (id: PlanId, values: Partial<typeof botPlans.$inferInsert>) =>
    tenant.transaction(async (tx) => {
      const [row] = await tx
        .update(botPlans)
        .set({ ...values, updatedAt: new Date() })
        .where(byId(id))
        .returning();
      return row ? asPlan(row) : undefined;
    });

  return {
    async create(input: PlanInput): Promise<Result<Plan, Invalid>> {
      const parsed = parseInput(planInput, input);
      if (!parsed.ok) return parsed;
      const [row] = await tenant.transaction((tx) =>
        tx
          .insert(botPlans)
          .values({ ...parsed.value, botId })
          .returning(),
      );
      return ok(asPlan(row!));
    },
    async get(id: PlanId): Promise<Plan | undefined> {
      const [row] = await tenant.transaction((tx) => tx.select().from(botPlans).where(byId(id)));
      return row ? asPlan(row) : undefined;
    },
    /** The plans a customer can buy, in the tenant's order. */
    async findActive(): Promise<Plan[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(botPlans)
          .where(and(eq(botPlans.botId, botId), eq(botPlans.isActive, true)))
          .orderBy(asc(botPlans.sortOrder), asc(botPlans.id)),
      );
      return rows.map(asPlan);
    },
    async findAll(): Promise<Plan[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(botPlans)
          .where(eq(botPlans.botId, botId))
          .orderBy(asc(botPlans.sortOrder), asc(botPlans.id)),
      );
      return rows.map(asPlan);
    },
    /** One page of the tenant's plans in the tenant's order, with the total; optionally only active or inactive ones. */
    async findPage(page: {
      limit: number;
      offset: number;
      isActive?: boolean | undefined;
    }): Promise<{ items: Plan[]; total: number }> {
      const where = and(
        eq(botPlans.botId, botId),
        page.isActive === undefined ? undefined : eq(botPlans.isActive, page.isActive),
      );
      return tenant.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(botPlans)
          .where(where)
          .orderBy(asc(botPlans.sortOrder), asc(botPlans.id))
          .limit(page.limit)
          .offset(page.offset);
        const [counted] = await tx.select({ total: count() }).from(botPlans).where(where);
        return { items: rows.map(asPlan), total: counted?.total ?? 0 };
      });
    },
    async update(id: PlanId, input: PlanPatch): Promise<Result<Plan | undefined, Invalid>> {
      const parsed = parseInput(planPatch, input);
      if (!parsed.ok) return parsed;
      const values = Object.fromEntries(
        Object.entries(parsed.value).filter(([, value]) => value !== undefined),
      );
      return ok(await patch(id, values));
    },
    activate: (id: PlanId) => patch(id, { isActive: true }),
    deactivate: (id: PlanId) => patch(id, { isActive: false }),
    async delete(id: PlanId): Promise<boolean> {
      const rows = await tenant.transaction((tx) =>
        tx.delete(botPlans).where(byId(id)).returning({ id: botPlans.id }),
      );
      return rows.length > 0;
    },
  };
}

export type PlansService = ReturnType<typeof createPlansService>;
