import { z } from 'zod';
import type { TenantServices } from '../../app.js';
import { FEATURE_KEYS, type FeatureKey } from '../../modules/feature-flags/features.js';
import {
  type ResellerPlan,
  resellerPlanInput,
  resellerPlanPatch,
} from '../../modules/resellers/reseller-plans.js';
import type { ResellerSubscription } from '../../modules/resellers/reseller-shop.js';
import type { ResellerSignup } from '../../modules/resellers/signups.js';
import { ApiError, fromServiceError, notFound } from './errors.js';
import type { ApiContext, Router } from './route.js';
import { idParam, iso, isoOrNull, listOf, timestamp } from './schemas.js';

const planView = z.object({
  id: z.number().int(),
  name: z.string(),
  monthlyFee: z.number().int().meta({ description: "In the master bot's currency unit (Toman by default)" }),
  includedCredit: z.number().int().meta({ description: "Credited to the new shop's wallet when it starts" }),
  featureKeys: z
    .array(z.enum(FEATURE_KEYS as [FeatureKey, ...FeatureKey[]]))
    .meta({ description: 'Switches a shop on this plan keeps; the others are switched off when it starts' }),
  customerCap: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Most customers a shop may have; null: no cap' }),
  isActive: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const toPlanView = (plan: ResellerPlan): z.infer<typeof planView> => ({
  id: plan.id,
  name: plan.name,
  monthlyFee: plan.monthlyFee,
  includedCredit: plan.includedCredit,
  featureKeys: plan.featureKeys,
  customerCap: plan.customerCap,
  isActive: plan.isActive,
  createdAt: iso(plan.createdAt),
  updatedAt: iso(plan.updatedAt),
});

const SIGNUP_STATUSES = [
  'awaiting_payment',
  'awaiting_approval',
  'approved',
  'started',
  'rejected',
  'failed',
  'cancelled',
] as const;

const signupView = z.object({
  id: z.number().int(),
  customerId: z.number().int().meta({ description: 'The master bot’s customer who signed up' }),
  planId: z.number().int(),
  telegramBotId: z.number().int(),
  botUsername: z.string(),
  price: z.number().int(),
  status: z.enum(SIGNUP_STATUSES),
  shopBotId: z.number().int().nullable().meta({ description: 'The bot created for it, once started' }),
  paidAt: timestamp.nullable(),
  createdAt: timestamp,
});

const toSignupView = (signup: ResellerSignup): z.infer<typeof signupView> => ({
  id: signup.id,
  customerId: signup.customerId,
  planId: signup.planId,
  telegramBotId: signup.telegramBotId,
  botUsername: signup.botUsername,
  price: signup.price,
  status: signup.status,
  shopBotId: signup.shopBotId,
  paidAt: isoOrNull(signup.paidAt),
  createdAt: iso(signup.createdAt),
});

const subscriptionView = z.object({
  planId: z.number().int(),
  planName: z.string(),
  monthlyFee: z.number().int(),
  customerCap: z.number().int().nullable(),
  periodEnd: timestamp.meta({ description: "When the next fee is taken from the bot's wallet" }),
  unpaidSince: timestamp.nullable().meta({ description: 'When an unpaid fee fell due; null: paid' }),
  salesSuspendedAt: timestamp.nullable().meta({
    description: 'Sales stopped for the unpaid fee since then; existing subscriptions keep working',
  }),
});

const toSubscriptionView = (row: ResellerSubscription): z.infer<typeof subscriptionView> => ({
  planId: row.planId,
  planName: row.planName,
  monthlyFee: row.monthlyFee,
  customerCap: row.customerCap,
  periodEnd: iso(row.periodEnd),
  unpaidSince: isoOrNull(row.unpaidSince),
  salesSuspendedAt: isoOrNull(row.salesSuspendedAt),
});

const planParams = z.object({ planId: idParam });
const signupParams = z.object({ signupId: idParam });

/**
 * Reseller plans the master bot sells ("Open my shop"), its signups (operator only), and a reseller
 * bot's own plan (its tenant token or the operator).
 */
export function registerResellerRoutes({ route, botRoute }: Router, { app }: ApiContext) {
  const tag = 'resellers';
  const masterServices = async (): Promise<TenantServices> => {
    const master = await app.platform.tenants.getMaster();
    if (!master) throw notFound('the master bot');
    return app.forTenant(master.id);
  };

  route(
    {
      method: 'GET',
      url: '/resellers/plans',
      tag,
      summary: 'Reseller plans',
      description: 'Every plan of the master bot, on sale (`isActive`) or not.',
      operatorOnly: true,
      responses: { 200: { description: 'The plans', schema: listOf(planView) } },
    },
    async () => ({ items: (await (await masterServices()).resellers.plans.list()).map(toPlanView) }),
  );

  route(
    {
      method: 'POST',
      url: '/resellers/plans',
      tag,
      summary: 'Create a reseller plan',
      description:
        'Amounts are whole units; `featureKeys` defaults to every switch, `customerCap` to none (null).',
      operatorOnly: true,
      body: resellerPlanInput.strict(),
      responses: { 201: { description: 'Created', schema: planView } },
    },
    async ({ body, reply }) => {
      const created = await (await masterServices()).resellers.plans.create(body);
      if (!created.ok) throw fromServiceError(created.error);
      reply.code(201);
      return toPlanView(created.value);
    },
  );

  route(
    {
      method: 'PUT',
      url: '/resellers/plans/:planId',
      tag,
      summary: 'Change a reseller plan',
      description:
        'Fields left out keep their value; `isActive: false` stops selling it. Shops already on the plan ' +
        'keep what they bought.',
      operatorOnly: true,
      params: planParams,
      body: resellerPlanPatch.strict(),
      responses: { 200: { description: 'The changed plan', schema: planView } },
    },
    async ({ params, body }) => {
      const updated = await (await masterServices()).resellers.plans.update(params.planId, body);
      if (!updated.ok) throw fromServiceError(updated.error);
      if (!updated.value) throw notFound(`reseller plan ${params.planId}`);
      return toPlanView(updated.value);
    },
  );

  route(
    {
      method: 'GET',
      url: '/resellers/signups',
      tag,
      summary: 'Reseller signups',
      description:
        'Oldest first, up to 200; `?status=` narrows to one state (default: waiting for approval).',
      operatorOnly: true,
      query: z.strictObject({ status: z.enum(SIGNUP_STATUSES).default('awaiting_approval') }),
      responses: { 200: { description: 'The signups', schema: listOf(signupView) } },
    },
    async ({ query }) => ({
      items: (await (await masterServices()).resellers.signups.list([query.status], 200)).map(toSignupView),
    }),
  );

  /** Approves or rejects a signup waiting for approval: once, whoever decides first (bot or API). */
  const decide = (decision: 'approve' | 'reject') =>
    route(
      {
        method: 'POST',
        url: `/resellers/signups/:signupId/${decision}`,
        tag,
        summary: decision === 'approve' ? 'Approve a reseller signup' : 'Reject a reseller signup',
        description:
          decision === 'approve'
            ? 'A paid signup waiting for approval is approved and its bot started by a job (`status` ' +
              'becomes `started`, with `shopBotId`). 409 when it was decided already (by an operator in ' +
              'the master bot or another call), with its state.'
            : 'A paid signup waiting for approval is rejected: its price goes back to the customer’s ' +
              'balance in the master bot (once) and the customer is told, with `reason` if given. 409 ' +
              'when it was decided already.',
        operatorOnly: true,
        params: signupParams,
        ...(decision === 'reject'
          ? { body: z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }).default({}) }
          : {}),
        responses: { 200: { description: 'Decided', schema: signupView } },
      },
      async ({ params, body }) => {
        const signups = (await masterServices()).resellers.signups;
        const reason = (body as { reason?: string } | undefined)?.reason;
        const outcome =
          decision === 'approve'
            ? await signups.approve(params.signupId)
            : await signups.reject(params.signupId, undefined, reason);
        if (!outcome.signup) throw notFound(`reseller signup ${params.signupId}`);
        if (outcome.status !== 'decided')
          throw new ApiError(
            'conflict',
            `reseller signup ${params.signupId} is ${outcome.signup.status}, not waiting for approval`,
          );
        return toSignupView(outcome.signup);
      },
    );
  decide('approve');
  decide('reject');

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/reseller',
      tag,
      summary: "A reseller bot's plan",
      description:
        'Its plan, the end of the period paid for and whether its sales are suspended; 404 for a bot on no plan.',
      responses: { 200: { description: 'The plan as bought', schema: subscriptionView } },
    },
    async ({ services, bot }) => {
      const subscription = await services.resellerShop.get();
      if (!subscription) throw notFound(`a reseller plan of bot ${bot.id}`);
      return toSubscriptionView(subscription);
    },
  );
}
