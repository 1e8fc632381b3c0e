import { z } from 'zod';
import {
  asGroupId,
  type Group,
  type GroupDetails,
  groupInput,
  groupPatch,
  groupPriceInput,
} from '../../modules/groups/groups-service.js';
import { asCustomerId, asPlanId } from '../../shared/ids.js';
import { fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { idParam, iso, listOf, timestamp } from './schemas.js';

export const groupView = z.object({
  id: z.number().int(),
  name: z.string(),
  discountPercent: z
    .number()
    .int()
    .meta({ description: 'Taken off every plan that has no price of its own in this group' }),
  isActive: z.boolean().meta({ description: 'A switched-off group prices like no group; members stay' }),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const groupDetailsView = groupView.extend({
  prices: z.array(z.object({ planId: z.number().int(), price: z.number().int() })).meta({
    description: "The group's own plan prices (in the bot's currency unit), winning over the percent",
  }),
  members: z.number().int(),
});

const toGroupView = (group: Group): z.infer<typeof groupView> => ({
  id: group.id,
  name: group.name,
  discountPercent: group.discountPercent,
  isActive: group.isActive,
  createdAt: iso(group.createdAt),
  updatedAt: iso(group.updatedAt),
});

const toDetailsView = (group: GroupDetails): z.infer<typeof groupDetailsView> => ({
  ...toGroupView(group),
  prices: group.prices.map((row) => ({ planId: row.planId, price: row.price })),
  members: group.members,
});

const groupParams = botIdParams.extend({ groupId: idParam });
const priceParams = groupParams.extend({ planId: idParam });
const customerParams = botIdParams.extend({ customerId: idParam });

/**
 * Customer groups (price lists): a discount percent or per-plan prices per group, and which group a
 * customer is in. The bot shows and charges the prices that follow.
 */
export function registerGroupRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'customer groups';
  const groupNotFound = (id: number) => notFound(`customer group ${id}`);

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/groups',
      tag,
      summary: 'Customer groups of a bot',
      description: 'By name, switched-off ones included.',
      responses: { 200: { description: 'The groups', schema: listOf(groupView) } },
    },
    async ({ services }) => ({ items: (await services.groups.findAll()).map(toGroupView) }),
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/groups',
      tag,
      summary: 'Create a customer group',
      description: 'Names are unique per bot (409 otherwise).',
      body: groupInput.strict(),
      responses: { 201: { description: 'Created', schema: groupView } },
    },
    async ({ services, body, reply }) => {
      const created = await services.groups.create(body);
      if (!created.ok) throw fromServiceError(created.error);
      reply.code(201);
      return toGroupView(created.value);
    },
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/groups/:groupId',
      tag,
      summary: 'One customer group, with its plan prices and member count',
      params: groupParams,
      responses: { 200: { description: 'The group', schema: groupDetailsView } },
    },
    async ({ services, params }) => {
      const group = await services.groups.get(asGroupId(params.groupId));
      if (!group) throw groupNotFound(params.groupId);
      return toDetailsView(group);
    },
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/groups/:groupId',
      tag,
      summary: 'Change a customer group',
      description: 'Fields left out keep their value.',
      params: groupParams,
      body: groupPatch.strict(),
      responses: { 200: { description: 'The changed group', schema: groupView } },
    },
    async ({ services, params, body }) => {
      const updated = await services.groups.update(asGroupId(params.groupId), body);
      if (!updated.ok) throw fromServiceError(updated.error);
      if (!updated.value) throw groupNotFound(params.groupId);
      return toGroupView(updated.value);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/groups/:groupId',
      tag,
      summary: 'Delete a customer group, or switch it off if a promo code moves customers into it',
      description:
        'Erased (204): its members fall back to the plans’ prices. Named by a promo code: switched off ' +
        'instead (200 with the group).',
      params: groupParams,
      responses: {
        200: { description: 'Named by a promo code: the group, now inactive', schema: groupView },
        204: { description: 'Erased' },
      },
    },
    async ({ services, params, reply }) => {
      const removed = await services.groups.remove(asGroupId(params.groupId));
      if (!removed) throw groupNotFound(params.groupId);
      if (removed.status === 'deactivated') return toGroupView(removed.group);
      return reply.code(204).send();
    },
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/groups/:groupId/prices/:planId',
      tag,
      summary: "Set the group's own price for a plan",
      params: priceParams,
      body: groupPriceInput.strict(),
      responses: { 200: { description: 'The group with its prices', schema: groupDetailsView } },
    },
    async ({ services, params, body }) => {
      const groupId = asGroupId(params.groupId);
      const set = await services.groups.setPrice(groupId, asPlanId(params.planId), body.price);
      if (!set.ok) throw fromServiceError(set.error);
      const group = set.value ? await services.groups.get(groupId) : undefined;
      if (!group) throw notFound(`customer group ${params.groupId} or plan ${params.planId}`);
      return toDetailsView(group);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/groups/:groupId/prices/:planId',
      tag,
      summary: "Remove the group's own price for a plan (its percent applies again)",
      params: priceParams,
      responses: { 204: { description: 'Removed' } },
    },
    async ({ services, params, reply }) => {
      const cleared = await services.groups.clearPrice(asGroupId(params.groupId), asPlanId(params.planId));
      if (!cleared) throw notFound(`price of plan ${params.planId} in customer group ${params.groupId}`);
      return reply.code(204).send();
    },
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/customers/:customerId/group',
      tag,
      summary: 'Put a customer in a customer group (`groupId: null`: in none)',
      params: customerParams,
      body: z.strictObject({ groupId: z.number().int().positive().nullable() }),
      responses: {
        200: {
          description: "The customer's group",
          schema: z.object({ customerId: z.number().int(), groupId: z.number().int().nullable() }),
        },
      },
    },
    async ({ services, params, body }) => {
      const groupId = body.groupId === null ? null : asGroupId(body.groupId);
      const done = await services.groups.assign(asCustomerId(params.customerId), groupId);
      if (!done)
        throw notFound(
          body.groupId === null
            ? `customer ${params.customerId}`
            : `customer ${params.customerId} or customer group ${body.groupId}`,
        );
      return { customerId: params.customerId, groupId: body.groupId };
    },
  );
}
