import { z } from 'zod';
import type { PromoKind, promoCodes } from '../../db/schema.js';
import type { Brand } from '../../shared/ids.js';
import { MAX_MONEY } from '../../shared/money.js';

export type { PromoKind };
export type PromoCodeId = Brand<number, 'PromoCodeId'>;
export const asPromoCodeId = (value: number): PromoCodeId => value as PromoCodeId;

export type PromoCode = typeof promoCodes.$inferSelect & { readonly id: PromoCodeId };
/** A code with the plans a discount is limited to (none: every plan). */
export type PromoCodeDetails = PromoCode & { readonly planIds: readonly number[] };

export const PROMO_KINDS = [
  'percent',
  'fixed',
  'balance',
  'days',
  'trial',
  'group',
] as const satisfies readonly PromoKind[];
/** The kinds that are held for the customer's next plan purchase rather than applied at once. */
export const DISCOUNT_KINDS: readonly PromoKind[] = ['percent', 'fixed'];
export const isDiscount = (kind: PromoKind): kind is 'percent' | 'fixed' => DISCOUNT_KINDS.includes(kind);

export const CODE_MAX_LENGTH = 64;
/** Letters and digits of any script, and `_` and `-` between them. */
const CODE_SHAPE = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}_-]*$/u;

/**
 * The one spelling a code is stored and looked up under: compatibility-normalised (full-width
 * and presentation forms fold), trimmed, upper case. So "summer", "SUMMER" and "Summer" are one code
 * per shop, in any script.
 */
export const normalizeCode = (text: string): string => text.normalize('NFKC').trim().toUpperCase();

/** The normalised code, or undefined when it is not one (empty, too long, spaces or punctuation). */
export function parseCode(text: string): string | undefined {
  const code = normalizeCode(text);
  return code.length >= 1 && code.length <= CODE_MAX_LENGTH && CODE_SHAPE.test(code) ? code : undefined;
}

const whole = (min: number, max: number) =>
  z
    .number()
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

export const promoInput = z
  .object({
    code: z
      .string()
      .refine((text) => parseCode(text) !== undefined, 'letters and digits only (and _ or -), 1 to 64')
      .transform((text) => parseCode(text) ?? text),
    kind: z.enum(PROMO_KINDS),
    /** percent: the discount in percent. */
    percent: whole(1, 100).optional(),
    /** fixed: the discount; balance: the credit. In the shop's currency unit. */
    amount: whole(1, MAX_MONEY).optional(),
    /** days: days added to a subscription; trial: the trial's days. */
    days: whole(1, 3650).optional(),
    /** trial: its traffic in GB (0 unlimited); left out: the shop's trial_traffic_gb. */
    trafficGb: whole(0, 100_000).optional(),
    /** group: the customer group it moves the customer into. */
    groupId: z.number().int().positive().optional(),
    /** Discounts only: the plans it applies to (none: every plan). */
    planIds: z.array(z.number().int().positive()).max(100).optional(),
    firstPurchaseOnly: z.boolean().default(false),
    minPrice: whole(0, MAX_MONEY).default(0),
    /** Discounts only: hours a code entered is held for the next purchase (none: until valid_until). */
    holdHours: whole(1, 87_600).optional(),
    /** Total uses; left out or null: unlimited. */
    maxUses: whole(1, 1_000_000_000).nullable().optional(),
    perCustomer: whole(1, 1000).default(1),
    validFrom: z.date().nullable().optional(),
    validUntil: z.date().nullable().optional(),
    isActive: z.boolean().default(true),
    createdBy: z.number().int().optional(),
  })
  .superRefine((input, ctx) => {
    const need = (field: 'percent' | 'amount' | 'days' | 'groupId') => {
      if (input[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `required for kind ${input.kind}` });
    };
    if (input.kind === 'percent') need('percent');
    if (input.kind === 'fixed' || input.kind === 'balance') need('amount');
    if (input.kind === 'days' || input.kind === 'trial') need('days');
    if (input.kind === 'group') need('groupId');
    if (input.validFrom && input.validUntil && input.validFrom >= input.validUntil)
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
  });
export type PromoInput = z.input<typeof promoInput>;
