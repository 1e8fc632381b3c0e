import { and, asc, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { isUniqueViolation } from '../../db/errors.js';
import { tenantPaymentCards } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { Clock } from '../../shared/clock.js';
import type { CardId } from '../../shared/ids.js';
import { type Invalid, invalid, ok, type Result } from '../../shared/result.js';
import { parseInput } from '../../shared/validation.js';
import type { SettingsService } from '../settings/settings-service.js';
import { normaliseCardNumber } from './card-number.js';

export type PaymentCard = typeof tenantPaymentCards.$inferSelect & { readonly id: CardId };
export type RotationStrategy = 'round_robin' | 'random' | 'time_based' | 'weighted';

const cardNumber = z.string().transform((value, ctx) => {
  const digits = normaliseCardNumber(value);
  if (!digits) {
    ctx.addIssue({ code: 'custom', message: 'must be a valid 16-digit card number' });
    return z.NEVER;
  }
  return digits;
});
const cardFields = {
  cardNumber,
  holderName: z.string().trim().min(1, 'must not be empty').max(128),
  bankName: z.string().trim().min(1).max(64).nullable(),
  weight: z.number().int().min(1).max(1000),
  isActive: z.boolean(),
};
export const cardInput = z.object({
  ...cardFields,
  bankName: cardFields.bankName.default(null),
  weight: cardFields.weight.default(1),
  isActive: cardFields.isActive.default(true),
});
export type CardInput = z.input<typeof cardInput>;
export const cardPatch = z
  .object(cardFields)
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type CardPatch = z.input<typeof cardPatch>;

export interface CardsDeps {
  readonly tenant: TenantDb;
  readonly settings: SettingsService;
  readonly clock: Clock;
  /** [0, 1), injectable so the random strategies can be tested. */
  readonly random?: () => number;
}

/**
 * Success rate with one imaginary success and one failure (Laplace smoothing), so a new card is
 * neither ignored nor trusted blindly.
 */
export const smoothedSuccessRate = (card: Pick<PaymentCard, 'successCount' | 'failureCount'>): number =>
  (card.successCount + 1) / (card.successCount + card.failureCount + 2);

export function createCardsService({ tenant, settings, clock, random = Math.random }: CardsDeps) {
  const { botId } = tenant;
  const byId = (id: CardId) => and(eq(tenantPaymentCards.botId, botId), eq(tenantPaymentCards.id, id));
  const asCard = (row: typeof tenantPaymentCards.$inferSelect) => row as PaymentCard;
  const active = and(eq(tenantPaymentCards.botId, botId), eq(tenantPaymentCards.isActive, true));

  const patch = (id: CardId, values: Partial<typeof tenantPaymentCards.$inferInsert>) =>
    tenant.transaction(async (tx) => {
      const [row] = await tx
        .update(tenantPaymentCards)
        .set({ ...values, updatedAt: new Date() })
        .where(byId(id))
        .returning();
      return row ? asCard(row) : undefined;
    });

  /**
   * Least recently used card. SKIP LOCKED: a concurrent pick that holds the first candidate makes
   * this one take the next card instead of waiting for and repeating it.
   */
  const pickRoundRobin = async (tx: TenantTx) => {
    const [row] = await tx
      .select()
      .from(tenantPaymentCards)
      .where(active)
      .orderBy(sql`${tenantPaymentCards.lastUsedAt} asc nulls first`, asc(tenantPaymentCards.id))
      .limit(1)
      .for('update', { skipLocked: true });
    if (row) return row;
    // Every active card is being picked right now: wait for one rather than fail.
    const [waited] = await tx
      .select()
      .from(tenantPaymentCards)
      .where(active)
      .orderBy(sql`${tenantPaymentCards.lastUsedAt} asc nulls first`, asc(tenantPaymentCards.id))
      .limit(1)
      .for('update');
    return waited;
  };

  const pickRandom = async (tx: TenantTx) => {
    const rows = await tx.select().from(tenantPaymentCards).where(active).orderBy(asc(tenantPaymentCards.id));
    return rows[Math.floor(random() * rows.length)];
  };

  const pickWeighted = async (tx: TenantTx) => {
    const rows = await tx.select().from(tenantPaymentCards).where(active).orderBy(asc(tenantPaymentCards.id));
    const scores = rows.map((row) => row.weight * smoothedSuccessRate(row));
    let target = random() * scores.reduce((sum, score) => sum + score, 0);
    for (const [index, row] of rows.entries()) {
      target -= scores[index] ?? 0;
      if (target < 0) return row;
    }
    return rows.at(-1);
  };

  /** The current card stays until its interval has passed, then the least recently current one takes over. */
  const pickTimeBased = async (tx: TenantTx, intervalMinutes: number) => {
    const rows = await tx
      .select()
      .from(tenantPaymentCards)
      .where(active)
      .orderBy(sql`${tenantPaymentCards.currentSince} desc nulls last`, asc(tenantPaymentCards.id))
      .for('update');
    const current = rows[0];
    const now = clock.now();
    if (current?.currentSince && now.getTime() - current.currentSince.getTime() < intervalMinutes * 60_000) {
      return current;
    }
    const next = [...rows].sort(
      (a, b) => (a.currentSince?.getTime() ?? 0) - (b.currentSince?.getTime() ?? 0) || a.id - b.id,
    )[0];
    if (next)
      await tx
        .update(tenantPaymentCards)
        .set({ currentSince: now })
        .where(byId(next.id as CardId));
    return next;
  };

  return {
    async create(input: CardInput): Promise<Result<PaymentCard, Invalid>> {
      const parsed = parseInput(cardInput, input);
      if (!parsed.ok) return parsed;
      const [row] = await tenant.transaction((tx) =>
        tx
          .insert(tenantPaymentCards)
          .values({ ...parsed.value, botId })
          .onConflictDoNothing()
          .returning(),
      );
      if (!row) return invalid('cardNumber: this card is already added', 'cardNumber');
      return ok(asCard(row));
    },
    async get(id: CardId): Promise<PaymentCard | undefined> {
      const [row] = await tenant.transaction((tx) => tx.select().from(tenantPaymentCards).where(byId(id)));
      return row ? asCard(row) : undefined;
    },
    async findAll(): Promise<PaymentCard[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select()
          .from(tenantPaymentCards)
          .where(eq(tenantPaymentCards.botId, botId))
          .orderBy(asc(tenantPaymentCards.id)),
      );
      return rows.map(asCard);
    },
    /** One page of the tenant's cards in id order, with the total; optionally only active or inactive ones. */
    async findPage(page: {
      limit: number;
      offset: number;
      isActive?: boolean | undefined;
    }): Promise<{ items: PaymentCard[]; total: number }> {
      const where = and(
        eq(tenantPaymentCards.botId, botId),
        page.isActive === undefined ? undefined : eq(tenantPaymentCards.isActive, page.isActive),
      );
      return tenant.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(tenantPaymentCards)
          .where(where)
          .orderBy(asc(tenantPaymentCards.id))
          .limit(page.limit)
          .offset(page.offset);
        const [counted] = await tx.select({ total: count() }).from(tenantPaymentCards).where(where);
        return { items: rows.map(asCard), total: counted?.total ?? 0 };
      });
    },
    async update(id: CardId, input: CardPatch): Promise<Result<PaymentCard | undefined, Invalid>> {
      const parsed = parseInput(cardPatch, input);
      if (!parsed.ok) return parsed;
      const values = Object.fromEntries(
        Object.entries(parsed.value).filter(([, value]) => value !== undefined),
      );
      try {
        return ok(await patch(id, values));
      } catch (error) {
        if (isUniqueViolation(error)) return invalid('cardNumber: this card is already added', 'cardNumber');
        throw error;
      }
    },
    activate: (id: CardId) => patch(id, { isActive: true }),
    deactivate: (id: CardId) => patch(id, { isActive: false }),
    async delete(id: CardId): Promise<boolean> {
      const rows = await tenant.transaction((tx) =>
        tx.delete(tenantPaymentCards).where(byId(id)).returning({ id: tenantPaymentCards.id }),
      );
      return rows.length > 0;
    },
    /**
     * Chooses the card for the next payment by the tenant's rotation strategy and records its use.
     * Undefined when the tenant has no active card.
     */
    async pickNext(): Promise<PaymentCard | undefined> {
      const strategy = await settings.get('card_rotation_strategy');
      const interval = await settings.get('card_rotation_interval_minutes');
      return tenant.transaction(async (tx) => {
        const picked =
          strategy === 'round_robin'
            ? await pickRoundRobin(tx)
            : strategy === 'random'
              ? await pickRandom(tx)
              : strategy === 'weighted'
                ? await pickWeighted(tx)
                : await pickTimeBased(tx, interval);
        if (!picked) return undefined;
        const [used] = await tx
          .update(tenantPaymentCards)
          .set({ lastUsedAt: sql`clock_timestamp()`, usageCount: sql`${tenantPaymentCards.usageCount} + 1` })
          .where(byId(picked.id as CardId))
          .returning();
        return used ? asCard(used) : undefined;
      });
    },
    recordSuccess: (id: CardId) =>
      tenant
        .transaction((tx) =>
          tx
            .update(tenantPaymentCards)
            .set({ successCount: sql`${tenantPaymentCards.successCount} + 1`, updatedAt: new Date() })
            .where(byId(id)),
        )
        .then(() => undefined),
    recordFailure: (id: CardId) =>
      tenant
        .transaction((tx) =>
          tx
            .update(tenantPaymentCards)
            .set({ failureCount: sql`${tenantPaymentCards.failureCount} + 1`, updatedAt: new Date() })
            .where(byId(id)),
        )
        .then(() => undefined),
  };
}

export type CardsService = ReturnType<typeof createCardsService>;
