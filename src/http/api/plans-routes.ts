import { z } from 'zod';
import { type Plan, planInput, planPatch } from '../../modules/plans/plans-service.js';
import { asPlanId } from '../../shared/ids.js';
import { fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { activeFilter, idParam, iso, paged, pageQuery, timestamp, toPage } from './schemas.js';

export const planView = z.object({
  id: z.number().int(),
  name: z.string(),
  periodDays: z.number().int(),
  price: z.number().int().meta({ description: 'In the bot’s currency unit (Toman by default)' }),
  trafficGb: z.number().int().meta({ description: '0 = unlimited' }),
  deviceLimit: z.number().int().meta({ description: '0 = unlimited' }),
  isActive: z.boolean(),
  sortOrder: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const toPlanView = (plan: Plan): z.infer<typeof planView> => ({
  id: plan.id,
  name: plan.name,
  periodDays: plan.periodDays,
  price: plan.price,
  trafficGb: plan.trafficGb,
  deviceLimit: plan.deviceLimit,
  isActive: plan.isActive,
  sortOrder: plan.sortOrder,
  createdAt: iso(plan.createdAt),
  updatedAt: iso(plan.updatedAt),
});

const planParams = botIdParams.extend({ planId: idParam });

export function registerPlanRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'plans';
  const planNotFound = (id: number) => notFound(`plan ${id}`);

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/plans',
      tag,
      summary: 'Plans of a bot',
      description:
        'In the order customers see them (sort order, then id). `?active=true` for the buyable ones.',
      query: pageQuery.extend({ active: activeFilter.optional() }),
      responses: { 200: { description: 'One page of plans', schema: paged(planView) } },
    },
    async ({ services, query }) =>
      toPage(
        await services.plans.findPage({ limit: query.limit, offset: query.offset, isActive: query.active }),
        query.offset,
        toPlanView,
      ),
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/plans',
      tag,
      summary: 'Create a plan',
      body: planInput.strict(),
      responses: { 201: { description: 'Created', schema: planView } },
    },
    async ({ services, body, reply }) => {
      const created = await services.plans.create(body);
      if (!created.ok) throw fromServiceError(created.error);
      reply.code(201);
      return toPlanView(created.value);
    },
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/plans/:planId',
      tag,
      summary: 'One plan',
      params: planParams,
      responses: { 200: { description: 'The plan', schema: planView } },
    },
    async ({ services, params }) => {
      const plan = await services.plans.get(asPlanId(params.planId));
      if (!plan) throw planNotFound(params.planId);
      return toPlanView(plan);
    },
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/plans/:planId',
      tag,
      summary: 'Change a plan',
      description: 'Fields left out keep their value; `isActive: true` switches a plan back on.',
      params: planParams,
      body: planPatch.strict(),
      responses: { 200: { description: 'The changed plan', schema: planView } },
    },
    async ({ services, params, body }) => {
      const updated = await services.plans.update(asPlanId(params.planId), body);
      if (!updated.ok) throw fromServiceError(updated.error);
      if (!updated.value) throw planNotFound(params.planId);
      return toPlanView(updated.value);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/plans/:planId',
      tag,
      summary: 'Switch a plan off',
      description:
        'Plans are switched off, not erased: subscriptions and orders keep pointing at them (renewals ' +
        'need the plan). Customers stop seeing it at once; `PUT {"isActive": true}` brings it back.',
      params: planParams,
      responses: { 200: { description: 'The plan, now inactive', schema: planView } },
    },
    async ({ services, params }) => {
      const plan = await services.plans.deactivate(asPlanId(params.planId));
      if (!plan) throw planNotFound(params.planId);
      return toPlanView(plan);
    },
  );
}
