import { and, desc, eq, getTableColumns, gt, inArray, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import {
  botConfigurations,
  type ResellerSignupStatus,
  resellerPlans,
  resellerSignups,
} from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import {
  resellerSignupNotice,
  resellerSignupReview,
  resellerStartShop,
} from '../../jobs/definitions/reseller-signups.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { Clock } from '../../shared/clock.js';
import type { SecretBox } from '../../shared/crypto.js';
import type { CustomerId } from '../../shared/ids.js';
import { MoneyLimitError } from '../../shared/money.js';
import type { FeatureKey } from '../feature-flags/features.js';
import { postEntry } from '../ledger/ledger-service.js';
import { SETTINGS } from '../settings/registry.js';

export type ResellerSignup = Omit<typeof resellerSignups.$inferSelect, 'tokenCiphertext' | 'featureKeys'> & {
  readonly featureKeys: FeatureKey[];
};

/** How long a signup waiting for its money is paid by a payment that settles (then: a press). */
export const SIGNUP_PAYMENT_WINDOW_MS = 24 * 60 * 60_000;

export const signupPaymentRef = (signupId: number) => `reseller:${signupId}`;
export const signupRefundRef = (signupId: number) => `reseller-refund:${signupId}`;

const { tokenCiphertext: _token, ...columns } = getTableColumns(resellerSignups);
const asSignup = (row: Record<string, unknown>) => row as unknown as ResellerSignup;

/**
 * Whether the master asks an operator to approve a paid signup (setting reseller_approval_required),
 * read inside the paying transaction (the settings service would open a transaction of its own); a
 * stored value the registry no longer accepts reads as the default.
 */
async function approvalRequired(tx: TenantTx): Promise<boolean> {
  const [row] = await tx
    .select({ value: botConfigurations.value })
    .from(botConfigurations)
    .where(
      and(
        eq(botConfigurations.botId, tx.botId),
        eq(botConfigurations.configKey, 'reseller_approval_required'),
      ),
    );
  const parsed = SETTINGS.reseller_approval_required.schema.safeParse(row?.value);
  return parsed.success ? parsed.data : SETTINGS.reseller_approval_required.default;
}

export type PaySignupOutcome =
  | { readonly status: 'paid'; readonly signup: ResellerSignup; readonly next: 'approval' | 'start' }
  | { readonly status: 'insufficient'; readonly signup: ResellerSignup; readonly missing: number }
  /** Paid, cancelled or refused already: nothing moved. */
  | { readonly status: 'not_payable'; readonly signup: ResellerSignup | undefined };

/**
 * Takes a signup's price from the customer's master-shop balance, inside the caller's transaction:
 * the signup row is locked and must still wait for its money, the ledger debit `reseller:<id>`
 * (kind `purchase`) moves it once, and the next step is queued with it: the operators' review
 * when the master asks for approval, else the start of the shop.
 */
export async function paySignup(tx: TenantTx, signupId: number, now: Date): Promise<PaySignupOutcome> {
  const [row] = await tx
    .select(columns)
    .from(resellerSignups)
    .where(and(eq(resellerSignups.botId, tx.botId), eq(resellerSignups.id, signupId)))
    .for('update');
  const signup = row ? asSignup(row) : undefined;
  if (signup?.status !== 'awaiting_payment') return { status: 'not_payable', signup };
  let entryId: number | null = null;
  if (signup.price > 0) {
    const posting = await postEntry(tx, {
      customerId: signup.customerId as CustomerId,
      amount: -signup.price,
      kind: 'purchase',
      reason: `reseller plan: ${signup.botUsername}`,
      externalRef: signupPaymentRef(signup.id),
    });
    if (posting.status === 'insufficient')
      return { status: 'insufficient', signup, missing: posting.missing };
    if (posting.status === 'over_limit') throw new MoneyLimitError(posting.balance, -signup.price);
    if (posting.status === 'no_customer') throw new Error(`signup ${signup.id}: customer gone`);
    entryId = posting.entry.id;
  }
  const approval = await approvalRequired(tx);
  const status: ResellerSignupStatus = approval ? 'awaiting_approval' : 'approved';
  const [paid] = await tx
    .update(resellerSignups)
    .set({ status, paidEntryId: entryId, paidAt: now, updatedAt: now })
    .where(and(eq(resellerSignups.botId, tx.botId), eq(resellerSignups.id, signup.id)))
    .returning(columns);
  if (approval) {
    await enqueue(tx, resellerSignupReview, { signupId: signup.id });
    await enqueue(tx, resellerSignupNotice, { signupId: signup.id, event: 'awaiting_approval' });
  } else {
    await enqueue(tx, resellerStartShop, { signupId: signup.id });
  }
  return { status: 'paid', signup: asSignup(paid!), next: approval ? 'approval' : 'start' };
}

/**
 * Called by `settlePayment` when money a customer paid in was credited: their newest signup still
 * waiting for its money (within a day of asking) is paid now if the balance covers it. One indexed
 * read in a shop without signups.
 */
export async function payWaitingSignup(
  tx: TenantTx,
  customerId: CustomerId,
  now: Date,
): Promise<PaySignupOutcome | undefined> {
  const [waiting] = await tx
    .select({ id: resellerSignups.id })
    .from(resellerSignups)
    .where(
      and(
        eq(resellerSignups.botId, tx.botId),
        eq(resellerSignups.customerId, customerId),
        eq(resellerSignups.status, 'awaiting_payment'),
        gt(resellerSignups.createdAt, new Date(now.getTime() - SIGNUP_PAYMENT_WINDOW_MS)),
      ),
    )
    .orderBy(desc(resellerSignups.id))
    .limit(1);
  if (!waiting) return undefined;
  const outcome = await paySignup(tx, waiting.id, now);
  // not enough yet: the money stays on the balance, the signup keeps waiting
  return outcome;
}

export type OpenSignupOutcome =
  | { readonly status: 'opened'; readonly signup: ResellerSignup }
  | { readonly status: 'plan_unavailable' }
  /** Another signup for this bot is on its way (or made its shop). */
  | { readonly status: 'taken' };

export type DecideOutcome =
  | { readonly status: 'decided'; readonly signup: ResellerSignup }
  | { readonly status: 'already'; readonly signup: ResellerSignup | undefined };

export interface SignupDeps {
  readonly tenant: TenantDb;
  readonly clock: Clock;
  readonly secrets: SecretBox;
}

/** The master shop's side of signups: opening, paying, approving, rejecting, listing. */
export function createSignupService({ tenant, clock, secrets }: SignupDeps) {
  const { botId } = tenant;
  const byId = (id: number) => and(eq(resellerSignups.botId, botId), eq(resellerSignups.id, id));

  return {
    /**
     * Records a signup for a bot whose token getMe answered for: the plan copied as it is now and
     * the token sealed. The customer's other signups still waiting for money are cancelled (the
     * newest choice counts).
     */
    async open(input: {
      customerId: CustomerId;
      planId: number;
      token: string;
      bot: { id: number; username: string; firstName: string };
    }): Promise<OpenSignupOutcome> {
      try {
        return await tenant.transaction(async (tx) => {
          const [plan] = await tx
            .select()
            .from(resellerPlans)
            .where(
              and(
                eq(resellerPlans.botId, botId),
                eq(resellerPlans.id, input.planId),
                eq(resellerPlans.isActive, true),
              ),
            );
          if (!plan) return { status: 'plan_unavailable' as const };
          const now = clock.now();
          await tx
            .update(resellerSignups)
            .set({ status: 'cancelled', updatedAt: now })
            .where(
              and(
                eq(resellerSignups.botId, botId),
                eq(resellerSignups.customerId, input.customerId),
                eq(resellerSignups.status, 'awaiting_payment'),
              ),
            );
          const [row] = await tx
            .insert(resellerSignups)
            .values({
              botId,
              customerId: input.customerId,
              planId: plan.id,
              telegramBotId: input.bot.id,
              botUsername: input.bot.username.slice(0, 64),
              botName: (input.bot.firstName || input.bot.username).slice(0, 128),
              tokenCiphertext: secrets.seal(input.token.trim()),
              price: plan.monthlyFee,
              includedCredit: plan.includedCredit,
              featureKeys: plan.featureKeys,
              customerCap: plan.customerCap,
              createdAt: now,
              updatedAt: now,
            })
            .returning(columns);
          return { status: 'opened' as const, signup: asSignup(row!) };
        });
      } catch (error) {
        // reseller_signups_one_open: the same bot is already on its way to a shop
        if (isUniqueViolation(error, 'reseller_signups_one_open')) return { status: 'taken' };
        throw error;
      }
    },

    async get(id: number): Promise<ResellerSignup | undefined> {
      const [row] = await tenant.transaction((tx) =>
        tx.select(columns).from(resellerSignups).where(byId(id)),
      );
      return row ? asSignup(row) : undefined;
    },

    /** The customer's newest signup, whatever became of it. */
    async latestOf(customerId: CustomerId): Promise<ResellerSignup | undefined> {
      const [row] = await tenant.transaction((tx) =>
        tx
          .select(columns)
          .from(resellerSignups)
          .where(and(eq(resellerSignups.botId, botId), eq(resellerSignups.customerId, customerId)))
          .orderBy(desc(resellerSignups.id))
          .limit(1),
      );
      return row ? asSignup(row) : undefined;
    },

    /** Signups in these states, oldest first (the operators' queue). */
    async list(statuses: readonly ResellerSignupStatus[], limit = 20): Promise<ResellerSignup[]> {
      const rows = await tenant.transaction((tx) =>
        tx
          .select(columns)
          .from(resellerSignups)
          .where(and(eq(resellerSignups.botId, botId), inArray(resellerSignups.status, [...statuses])))
          .orderBy(resellerSignups.id)
          .limit(limit),
      );
      return rows.map(asSignup);
    },

    /** "Pay from my balance": the customer's own press, for a signup of theirs. */
    async pay(customerId: CustomerId, signupId: number): Promise<PaySignupOutcome> {
      return tenant.transaction(async (tx) => {
        const [owner] = await tx
          .select({ customerId: resellerSignups.customerId })
          .from(resellerSignups)
          .where(byId(signupId));
        if (owner?.customerId !== customerId) return { status: 'not_payable' as const, signup: undefined };
        return paySignup(tx, signupId, clock.now());
      });
    },

    async cancel(customerId: CustomerId, signupId: number): Promise<boolean> {
      const rows = await tenant.transaction((tx) =>
        tx
          .update(resellerSignups)
          .set({ status: 'cancelled', updatedAt: clock.now() })
          .where(
            and(
              byId(signupId),
              eq(resellerSignups.customerId, customerId),
              eq(resellerSignups.status, 'awaiting_payment'),
            ),
          )
          .returning({ id: resellerSignups.id }),
      );
      return rows.length > 0;
    },

    /**
     * An operator approves a paid signup: one press wins, the shop's start is queued with it.
     * `operatorId` is the operator's Telegram id (the master bot); none through the REST API.
     */
    async approve(signupId: number, operatorId?: number): Promise<DecideOutcome> {
      return tenant.transaction(async (tx) => {
        const [row] = await tx
          .update(resellerSignups)
          .set({ status: 'approved', decidedBy: operatorId ?? null, updatedAt: clock.now() })
          .where(and(byId(signupId), eq(resellerSignups.status, 'awaiting_approval')))
          .returning(columns);
        if (!row) {
          const [current] = await tx.select(columns).from(resellerSignups).where(byId(signupId));
          return { status: 'already' as const, signup: current ? asSignup(current) : undefined };
        }
        await enqueue(tx, resellerStartShop, { signupId });
        return { status: 'decided' as const, signup: asSignup(row) };
      });
    },

    /** An operator refuses a paid signup: the price goes back to the customer's balance, once. */
    async reject(signupId: number, operatorId?: number, reason?: string): Promise<DecideOutcome> {
      return tenant.transaction(async (tx) => {
        const [row] = await tx
          .update(resellerSignups)
          .set({
            status: 'rejected',
            decidedBy: operatorId ?? null,
            failure: reason?.slice(0, 500) ?? null,
            updatedAt: clock.now(),
          })
          .where(and(byId(signupId), eq(resellerSignups.status, 'awaiting_approval')))
          .returning(columns);
        if (!row) {
          const [current] = await tx.select(columns).from(resellerSignups).where(byId(signupId));
          return { status: 'already' as const, signup: current ? asSignup(current) : undefined };
        }
        const refunded = await refundSignup(tx, asSignup(row), operatorId);
        await enqueue(tx, resellerSignupNotice, { signupId, event: 'rejected' });
        return { status: 'decided' as const, signup: refunded };
      });
    },
  };
}

/** Gives a refused or failed signup's price back to the customer's balance (`reseller-refund:<id>`). */
export async function refundSignup(
  tx: TenantTx,
  signup: ResellerSignup,
  createdBy?: number,
): Promise<ResellerSignup> {
  if (signup.price <= 0 || signup.paidEntryId === null) return signup;
  const posting = await postEntry(tx, {
    customerId: signup.customerId as CustomerId,
    amount: signup.price,
    kind: 'refund',
    reason: `reseller plan refunded: ${signup.botUsername}`,
    externalRef: signupRefundRef(signup.id),
    createdBy,
  });
  if (posting.status === 'over_limit') throw new MoneyLimitError(posting.balance, signup.price);
  if (posting.status !== 'posted' && posting.status !== 'duplicate')
    throw new Error(`refund of signup ${signup.id}: ${posting.status}`);
  const [row] = await tx
    .update(resellerSignups)
    .set({ refundEntryId: posting.entry.id, updatedAt: sql`now()` })
    .where(and(eq(resellerSignups.botId, tx.botId), eq(resellerSignups.id, signup.id)))
    .returning(columns);
  return asSignup(row!);
}

/** The sealed token of a signup, for the start job only. */
export async function signupToken(
  tx: TenantTx,
  secrets: SecretBox,
  signupId: number,
): Promise<string | undefined> {
  const [row] = await tx
    .select({ sealed: resellerSignups.tokenCiphertext })
    .from(resellerSignups)
    .where(and(eq(resellerSignups.botId, tx.botId), eq(resellerSignups.id, signupId)));
  return row ? secrets.open(row.sealed) : undefined;
}
