import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import { botPlans, customerGroups, promoCodePlans, promoCodes, promoRedemptions } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import type { CustomerId, PlanId } from '../../shared/ids.js';
import { MoneyLimitError } from '../../shared/money.js';
import { err, type Invalid, invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';
import type { FeatureFlagsService } from '../feature-flags/feature-flags-service.js';
import type { SettingsService } from '../settings/settings-service.js';
import { findHeldDiscount, type PlanQuote, quotePlan } from './plan-pricing.js';
import {
  isDiscount,
  type PromoCode,
  type PromoCodeDetails,
  type PromoCodeId,
  type PromoInput,
  parseCode,
  promoInput,
} from './promo-code.js';
import { type RedeemOutcome, redeemPromo, refusalOf } from './redeem-promo.js';

export type Conflict = { readonly code: 'conflict'; readonly message: string };

/** The discount a customer holds for their next purchase, for the menu to show. */
export interface HeldDiscount {
  readonly code: string;
  readonly percent: number | null;
  readonly amount: number | null;
  readonly expiresAt: Date | null;
}

export interface PromoDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly settings: SettingsService;
  readonly flags: FeatureFlagsService;
}

/**
 * A shop's promo codes (switch `promo_codes`): admins create, list with uses and switch them off;
 * customers redeem them (`redeem`), and the buy screens show the price a held discount gives
 * (`quote`, the same function `purchasePlan` charges by).
 */
export function createPromoService({ tenant, clock, settings, flags }: PromoDeps) {
  const { botId } = tenant;
  const byId = (id: PromoCodeId) => and(eq(promoCodes.botId, botId), eq(promoCodes.id, id));

  const withPlans = async (tx: TenantTx, rows: readonly PromoCode[]): Promise<PromoCodeDetails[]> => {
    if (rows.length === 0) return [];
    const plans = await tx
      .select()
      .from(promoCodePlans)
      .where(
        and(
          eq(promoCodePlans.botId, botId),
          inArray(
            promoCodePlans.promoCodeId,
            rows.map((row) => row.id),
          ),
        ),
      )
      .orderBy(asc(promoCodePlans.planId));
    return rows.map((row) => ({
      ...row,
      planIds: plans.filter((plan) => plan.promoCodeId === row.id).map((plan) => plan.planId),
    }));
  };

  const setActive = async (id: PromoCodeId, isActive: boolean) =>
    tenant.transaction(async (tx) => {
      const [row] = await tx
        .update(promoCodes)
        .set({ isActive, updatedAt: clock.now() })
        .where(byId(id))
        .returning();
      return row ? (await withPlans(tx, [row as PromoCode]))[0] : undefined;
    });

  return {
    /** Whether customers can redeem codes now (the `promo_codes` switch). */
    isEnabled: () => flags.isEnabled('promo_codes'),

    async create(input: PromoInput): Promise<Result<PromoCodeDetails, Invalid | Conflict>> {
      const parsed = parseInput(promoInput, input);
      if (!parsed.ok) return parsed;
      const { planIds, ...values } = parsed.value;
      const planList = [...new Set(planIds ?? [])];
      if (planList.length > 0 && !isDiscount(values.kind))
        return invalid('only a discount can be limited to plans', 'planIds');
      try {
        return await tenant.transaction(async (tx): Promise<Result<PromoCodeDetails, Invalid | Conflict>> => {
          if (values.groupId !== undefined) {
            const [group] = await tx
              .select({ id: customerGroups.id })
              .from(customerGroups)
              .where(and(eq(customerGroups.botId, botId), eq(customerGroups.id, values.groupId)));
            if (!group) return invalid(`no customer group ${values.groupId}`, 'groupId');
          }
          if (planList.length > 0) {
            const found = await tx
              .select({ id: botPlans.id })
              .from(botPlans)
              .where(and(eq(botPlans.botId, botId), inArray(botPlans.id, planList)));
            if (found.length !== planList.length) return invalid('unknown plan', 'planIds');
          }
          const [row] = await tx
            .insert(promoCodes)
            .values({ ...values, botId })
            .returning();
          if (planList.length > 0)
            await tx
              .insert(promoCodePlans)
              .values(planList.map((planId) => ({ botId, promoCodeId: row!.id, planId })));
          return ok({ ...(row as PromoCode), planIds: planList.sort((a, b) => a - b) });
        });
      } catch (error) {
        if (isUniqueViolation(error))
          return err({ code: 'conflict', message: `the code ${values.code} exists in this shop` });
        throw error;
      }
    },

    async get(id: PromoCodeId): Promise<PromoCodeDetails | undefined> {
      return tenant.transaction(async (tx) => {
        const [row] = await tx.select().from(promoCodes).where(byId(id));
        return row ? (await withPlans(tx, [row as PromoCode]))[0] : undefined;
      });
    },

    /** By its code as typed (any case). */
    async findByCode(text: string): Promise<PromoCodeDetails | undefined> {
      const code = parseCode(text);
      if (code === undefined) return undefined;
      return tenant.transaction(async (tx) => {
        const [row] = await tx
          .select()
          .from(promoCodes)
          .where(and(eq(promoCodes.botId, botId), eq(promoCodes.code, code)));
        return row ? (await withPlans(tx, [row as PromoCode]))[0] : undefined;
      });
    },

    /** One page of the codes, newest first, with the total; optionally only active or inactive ones. */
    async findPage(page: {
      limit: number;
      offset: number;
      isActive?: boolean | undefined;
    }): Promise<{ items: PromoCodeDetails[]; total: number }> {
      const where = and(
        eq(promoCodes.botId, botId),
        page.isActive === undefined ? undefined : eq(promoCodes.isActive, page.isActive),
      );
      return tenant.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(promoCodes)
          .where(where)
          .orderBy(desc(promoCodes.id))
          .limit(page.limit)
          .offset(page.offset);
        const [counted] = await tx.select({ total: count() }).from(promoCodes).where(where);
        return { items: await withPlans(tx, rows as PromoCode[]), total: counted?.total ?? 0 };
      });
    },

    /** Customers can no longer redeem it; discounts already held lapse with it. */
    disable: (id: PromoCodeId) => setActive(id, false),
    enable: (id: PromoCodeId) => setActive(id, true),

    /** How many uses of the code are held (discounts not yet spent) and used. */
    async usage(id: PromoCodeId): Promise<{ reserved: number; used: number }> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select({ status: promoRedemptions.status, n: count() })
          .from(promoRedemptions)
          .where(and(eq(promoRedemptions.botId, botId), eq(promoRedemptions.promoCodeId, id)))
          .groupBy(promoRedemptions.status),
      );
      const of = (status: string) => rows.find((row) => row.status === status)?.n ?? 0;
      return { reserved: of('reserved'), used: of('used') };
    },

    /**
     * Redeems a code a customer typed or followed a link with. Refused with `disabled` while the
     * shop's `promo_codes` switch is off, `unknown` for text that is not a code of this shop.
     */
    async redeem(customerId: CustomerId, text: string): Promise<RedeemOutcome | { status: 'disabled' }> {
      // switches and settings first: each opens a transaction of its own
      if (!(await flags.isEnabled('promo_codes'))) return { status: 'disabled' };
      const code = parseCode(text);
      if (code === undefined) return { status: 'unknown' };
      const [trafficGb, devices] = await Promise.all([
        settings.get('trial_traffic_gb'),
        settings.get('trial_devices'),
      ]);
      const now = clock.now();
      try {
        return await tenant.transaction((tx) =>
          redeemPromo(tx, customerId, code, { now, trial: { trafficGb, devices } }),
        );
      } catch (error) {
        const refused = refusalOf(error);
        if (refused) return refused;
        if (error instanceof MoneyLimitError) return { status: 'balance_full', code };
        // the unique use key is the last word if anything got past the customer's lock
        if (isUniqueViolation(error)) return { status: 'already_used', code };
        throw error;
      }
    },

    /** The discount the customer holds for their next purchase, if any and while the switch is on. */
    async held(customerId: CustomerId): Promise<HeldDiscount | undefined> {
      if (!(await flags.isEnabled('promo_codes'))) return undefined;
      const now = clock.now();
      const found = await tenant.transaction((tx) => findHeldDiscount(tx, customerId, now));
      if (!found) return undefined;
      return {
        code: found.code.code,
        percent: found.code.percent,
        amount: found.code.amount,
        expiresAt: found.redemption.expiresAt ?? found.code.validUntil,
      };
    },

    /**
     * The prices of these plans for the customer (their group's, less a discount they hold), by plan
     * id: what the buy screens show, computed as `purchasePlan` will charge.
     */
    async quote(
      customerId: CustomerId,
      plans: readonly { readonly id: PlanId | number; readonly price: number }[],
    ): Promise<Map<number, PlanQuote>> {
      const promo = await flags.isEnabled('promo_codes');
      const now = clock.now();
      return tenant.transaction(async (tx) => {
        const quotes = new Map<number, PlanQuote>();
        for (const plan of plans) quotes.set(plan.id, await quotePlan(tx, customerId, plan, { now, promo }));
        return quotes;
      });
    },

    /** A customer's redemptions of codes, newest first (admin view). */
    async redemptionsOf(customerId: CustomerId, limit = 20) {
      return tenant.transaction((tx) =>
        tx
          .select({ redemption: promoRedemptions, code: promoCodes.code })
          .from(promoRedemptions)
          .innerJoin(
            promoCodes,
            and(
              eq(promoCodes.botId, promoRedemptions.botId),
              eq(promoCodes.id, promoRedemptions.promoCodeId),
            ),
          )
          .where(and(eq(promoRedemptions.botId, botId), eq(promoRedemptions.customerId, customerId)))
          .orderBy(desc(promoRedemptions.id))
          .limit(limit),
      );
    },
  };
}

export type PromoService = ReturnType<typeof createPromoService>;
