import { z } from 'zod';
import { PACK_KINDS, type Pack, packInput, packPatch } from '../../modules/packs/packs-service.js';
import { asPackId } from '../../shared/ids.js';
import { fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { activeFilter, idParam, iso, paged, pageQuery, timestamp, toPage } from './schemas.js';

export const packView = z.object({
  id: z.number().int(),
  kind: z
    .enum(PACK_KINDS)
    .meta({ description: '`traffic`: GB added to the limit; `days`: days added to the expiry' }),
  amount: z.number().int().meta({ description: 'GB for a traffic pack, days for a day pack' }),
  price: z.number().int().meta({ description: 'In the bot’s currency unit (Toman by default)' }),
  isActive: z.boolean(),
  sortOrder: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const toPackView = (pack: Pack): z.infer<typeof packView> => ({
  id: pack.id,
  kind: pack.kind,
  amount: pack.amount,
  price: pack.price,
  isActive: pack.isActive,
  sortOrder: pack.sortOrder,
  createdAt: iso(pack.createdAt),
  updatedAt: iso(pack.updatedAt),
});

const packParams = botIdParams.extend({ packId: idParam });

/**
 * Extra traffic and day packs: what a bot's customers may add to a subscription. Managed like
 * plans; selling them goes through the bot (orders), not through these routes.
 */
export function registerPackRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'packs';
  const packNotFound = (id: number) => notFound(`pack ${id}`);

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/packs',
      tag,
      summary: 'Extra traffic and day packs of a bot',
      description:
        'In the order customers see them (sort order, then id). `?kind=traffic|days` for one kind, ' +
        '`?active=true` for the ones on sale.',
      query: pageQuery.extend({ kind: z.enum(PACK_KINDS).optional(), active: activeFilter.optional() }),
      responses: { 200: { description: 'One page of packs', schema: paged(packView) } },
    },
    async ({ services, query }) =>
      toPage(
        await services.packs.findPage({
          limit: query.limit,
          offset: query.offset,
          kind: query.kind,
          isActive: query.active,
        }),
        query.offset,
        toPackView,
      ),
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/packs',
      tag,
      summary: 'Create a pack',
      description:
        'A traffic pack adds 1 to 100000 GB, a day pack 1 to 3650 days. The kind cannot change later.',
      body: packInput.strict(),
      responses: { 201: { description: 'Created', schema: packView } },
    },
    async ({ services, body, reply }) => {
      const created = await services.packs.create(body);
      if (!created.ok) throw fromServiceError(created.error);
      reply.code(201);
      return toPackView(created.value);
    },
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/packs/:packId',
      tag,
      summary: 'One pack',
      params: packParams,
      responses: { 200: { description: 'The pack', schema: packView } },
    },
    async ({ services, params }) => {
      const pack = await services.packs.get(asPackId(params.packId));
      if (!pack) throw packNotFound(params.packId);
      return toPackView(pack);
    },
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/packs/:packId',
      tag,
      summary: 'Change a pack',
      description:
        'Fields left out keep their value; `isActive: true` puts a pack back on sale. Orders already ' +
        'placed keep what they bought.',
      params: packParams,
      body: packPatch.strict(),
      responses: { 200: { description: 'The changed pack', schema: packView } },
    },
    async ({ services, params, body }) => {
      const updated = await services.packs.update(asPackId(params.packId), body);
      if (!updated.ok) throw fromServiceError(updated.error);
      if (!updated.value) throw packNotFound(params.packId);
      return toPackView(updated.value);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/packs/:packId',
      tag,
      summary: 'Delete a pack, or switch it off if it was ever ordered',
      description:
        'A pack no order points at is erased (204). One that was ordered is switched off instead, so ' +
        'orders keep saying what they bought (200 with the pack); `PUT {"isActive": true}` brings it back.',
      params: packParams,
      responses: {
        200: { description: 'Ordered before: the pack, now inactive', schema: packView },
        204: { description: 'Erased' },
      },
    },
    async ({ services, params, reply }) => {
      const removed = await services.packs.remove(asPackId(params.packId));
      if (!removed) throw packNotFound(params.packId);
      if (removed.status === 'deactivated') return toPackView(removed.pack);
      return reply.code(204).send();
    },
  );
}
