import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { resellerPlans } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import { type Invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';
import { FEATURE_KEYS, type FeatureKey } from '../feature-flags/features.js';

/** A reseller plan of the master shop: what a shop of one's own costs a month and what it gets. */
export type ResellerPlan = Omit<typeof resellerPlans.$inferSelect, 'featureKeys'> & {
  readonly featureKeys: FeatureKey[];
};

const MAX_AMOUNT = 1_000_000_000_000;

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  monthlyFee: z.number().int('must be a whole number').min(0).max(MAX_AMOUNT),
  includedCredit: z.number().int('must be a whole number').min(0).max(MAX_AMOUNT),
  featureKeys: z
    .array(z.enum(FEATURE_KEYS as [FeatureKey, ...FeatureKey[]]))
    .max(FEATURE_KEYS.length)
    .transform((keys) => [...new Set(keys)]),
  /** null: no cap */
  customerCap: z.number().int().min(1).max(10_000_000).nullable(),
  isActive: z.boolean(),
};

export const resellerPlanInput = z.object({
  ...fields,
  includedCredit: fields.includedCredit.default(0),
  featureKeys: fields.featureKeys.default([...FEATURE_KEYS]),
  customerCap: fields.customerCap.default(null),
  isActive: fields.isActive.default(true),
});
export type ResellerPlanInput = z.input<typeof resellerPlanInput>;
export const resellerPlanPatch = z
  .object(fields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type ResellerPlanPatch = z.input<typeof resellerPlanPatch>;

const asPlan = (row: typeof resellerPlans.$inferSelect): ResellerPlan => ({
  ...row,
  // keys the product no longer has are dropped rather than offered
  featureKeys: row.featureKeys.filter((key): key is FeatureKey => (FEATURE_KEYS as string[]).includes(key)),
});

/** The master shop's reseller plans, defined by the operators (master bot and REST API). */
export function createResellerPlansService({ tenant }: { tenant: TenantDb }) {
  const { botId } = tenant;
  const byId = (id: number) => and(eq(resellerPlans.botId, botId), eq(resellerPlans.id, id));
  return {
    async list(options: { activeOnly?: boolean } = {}): Promise<ResellerPlan[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(resellerPlans)
          .where(
            and(
              eq(resellerPlans.botId, botId),
              options.activeOnly ? eq(resellerPlans.isActive, true) : undefined,
            ),
          )
          .orderBy(asc(resellerPlans.id)),
      );
      return rows.map(asPlan);
    },
    async get(id: number): Promise<ResellerPlan | undefined> {
      const [row] = await tenant.transaction((tx) => tx.select().from(resellerPlans).where(byId(id)));
      return row ? asPlan(row) : undefined;
    },
    async create(input: ResellerPlanInput): Promise<Result<ResellerPlan, Invalid>> {
      const parsed = parseInput(resellerPlanInput, input);
      if (!parsed.ok) return parsed;
      const [row] = await tenant.transaction((tx) =>
        tx
          .insert(resellerPlans)
          .values({ botId, ...parsed.value })
          .returning(),
      );
      return ok(asPlan(row!));
    },
    /** Changes a plan; shops already on it keep what they bought until the operator changes them. */
    async update(id: number, patch: ResellerPlanPatch): Promise<Result<ResellerPlan | undefined, Invalid>> {
      const parsed = parseInput(resellerPlanPatch, patch);
      if (!parsed.ok) return parsed;
      const [row] = await tenant.transaction((tx) =>
        tx
          .update(resellerPlans)
          .set({ ...parsed.value, updatedAt: new Date() })
          .where(byId(id))
          .returning(),
      );
      return ok(row ? asPlan(row) : undefined);
    },
  };
}

export type ResellerPlansService = ReturnType<typeof createResellerPlansService>;
