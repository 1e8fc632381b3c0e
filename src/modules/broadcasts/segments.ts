import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { BroadcastSegment } from '../../db/schema.js';
import type { Language } from '../../shared/language.js';

export type { BroadcastSegment };

/** The segments an admin picks from (`admins` is the operators' broadcast to each shop's admins). */
export const ADMIN_SEGMENTS = ['all', 'active', 'expired', 'never_bought', 'trial_only', 'language'] as const;
export type AdminSegment = (typeof ADMIN_SEGMENTS)[number];

/** Who a broadcast goes to. */
export type Audience =
  | { readonly segment: Exclude<BroadcastSegment, 'language' | 'admins'> }
  | { readonly segment: 'language'; readonly language: Language }
  | { readonly segment: 'admins'; readonly adminTelegramIds: readonly number[] };

export const audienceInput = z.discriminatedUnion('segment', [
  z.object({ segment: z.enum(['all', 'active', 'expired', 'never_bought', 'trial_only']) }),
  z.object({ segment: z.literal('language'), language: z.enum(['fa', 'en', 'ru']) }),
]);

// A paid subscription is one that is not a trial (a trial bought into a plan stops being one).
const paid = sql`EXISTS (SELECT 1 FROM subscriptions s
   WHERE s.bot_id = c.bot_id AND s.customer_id = c.id AND NOT s.is_trial)`;
const paidRunning = sql`EXISTS (SELECT 1 FROM subscriptions s
   WHERE s.bot_id = c.bot_id AND s.customer_id = c.id AND NOT s.is_trial
     AND (s.expires_at IS NULL OR s.expires_at > now()))`;
const trial = sql`EXISTS (SELECT 1 FROM subscriptions s
   WHERE s.bot_id = c.bot_id AND s.customer_id = c.id AND s.is_trial)`;

/**
 * The condition on customer `c` for a segment:
 * - `active`: a paid subscription not expired yet;
 * - `expired`: bought at least once, none running now;
 * - `never_bought`: no paid subscription ever (a trial or nothing);
 * - `trial_only`: took a trial and never bought;
 * - `language`: the customer's language.
 * Banned (`is_blocked`) and unreachable customers are never in any segment (`recipientsWhere`).
 */
function segmentCondition(audience: Audience): SQL {
  switch (audience.segment) {
    case 'all':
      return sql`true`;
    case 'active':
      return paidRunning;
    case 'expired':
      return sql`(${paid} AND NOT ${paidRunning})`;
    case 'never_bought':
      return sql`NOT ${paid}`;
    case 'trial_only':
      return sql`(${trial} AND NOT ${paid})`;
    case 'language':
      return sql`c.language = ${audience.language}`;
    case 'admins':
      return audience.adminTelegramIds.length === 0
        ? sql`false`
        : sql`c.telegram_id IN (${sql.join(
            audience.adminTelegramIds.map((id) => sql`${id}`),
            sql`, `,
          )})`;
    default: {
      const never: never = audience;
      throw new Error(`unknown segment ${String(never)}`);
    }
  }
}

/** The WHERE clause over `customers c` of the shop `botId` picking an audience's recipients. */
export const recipientsWhere = (botId: number, audience: Audience): SQL =>
  sql`c.bot_id = ${botId} AND NOT c.is_blocked AND c.unreachable_since IS NULL AND ${segmentCondition(audience)}`;
