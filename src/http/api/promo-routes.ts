import { z } from 'zod';
import { asPromoCodeId, PROMO_KINDS, type PromoCodeDetails } from '../../modules/promo/promo-code.js';
import { fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { activeFilter, idParam, iso, isoOrNull, paged, pageQuery, timestamp, toPage } from './schemas.js';

const count = (description: string) => z.number().int().meta({ description });

export const promoView = z.object({
  id: z.number().int(),
  code: z.string().meta({ description: 'Stored upper-cased; customers may type it in any case' }),
  kind: z.enum(PROMO_KINDS).meta({
    description:
      '`percent` / `fixed`: a discount held for the next plan purchase; `balance`: a credit; ' +
      '`days`: days added to a subscription; `trial`: a trial; `group`: moves the customer into a group',
  }),
  percent: z.number().int().nullable(),
  amount: z.number().int().nullable().meta({ description: 'The fixed discount or the balance credit' }),
  days: z.number().int().nullable(),
  trafficGb: z.number().int().nullable(),
  groupId: z.number().int().nullable(),
  planIds: z.array(z.number().int()).meta({ description: 'A discount limited to these plans (empty: all)' }),
  firstPurchaseOnly: z.boolean(),
  minPrice: z.number().int(),
  holdHours: z.number().int().nullable(),
  maxUses: z.number().int().nullable().meta({ description: 'null: unlimited' }),
  uses: count('Redemptions so far, discounts held but not yet spent included'),
  perCustomer: z.number().int(),
  validFrom: timestamp.nullable(),
  validUntil: timestamp.nullable(),
  isActive: z.boolean(),
  createdAt: timestamp,
});

const toPromoView = (code: PromoCodeDetails): z.infer<typeof promoView> => ({
  id: code.id,
  code: code.code,
  kind: code.kind,
  percent: code.percent,
  amount: code.amount,
  days: code.days,
  trafficGb: code.trafficGb,
  groupId: code.groupId,
  planIds: [...code.planIds],
  firstPurchaseOnly: code.firstPurchaseOnly,
  minPrice: code.minPrice,
  holdHours: code.holdHours,
  maxUses: code.maxUses,
  uses: code.uses,
  perCustomer: code.perCustomer,
  validFrom: isoOrNull(code.validFrom),
  validUntil: isoOrNull(code.validUntil),
  isActive: code.isActive,
  createdAt: iso(code.createdAt),
});

const whole = z.number().int();

/** The body as JSON carries it (dates as ISO 8601); the promo module checks the rest. */
const promoBody = z.strictObject({
  code: z.string().min(1).max(200),
  kind: z.enum(PROMO_KINDS),
  percent: whole.optional(),
  amount: whole.optional(),
  days: whole.optional(),
  trafficGb: whole.optional(),
  groupId: whole.optional(),
  planIds: z.array(whole).optional(),
  firstPurchaseOnly: z.boolean().optional(),
  minPrice: whole.optional(),
  holdHours: whole.optional(),
  maxUses: whole.nullable().optional(),
  perCustomer: whole.optional(),
  validFrom: timestamp.nullable().optional(),
  validUntil: timestamp.nullable().optional(),
  isActive: z.boolean().optional(),
});

const promoParams = botIdParams.extend({ promoId: idParam });
const date = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);

/** Promo codes: created, listed with their uses, switched off. Customers redeem them in the bot. */
export function registerPromoRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'promo codes';
  const promoNotFound = (id: number) => notFound(`promo code ${id}`);

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/promo-codes',
      tag,
      summary: 'Promo codes of a bot, with their uses',
      description: 'Newest first; `?active=true` for the ones customers can redeem.',
      query: pageQuery.extend({ active: activeFilter.optional() }),
      responses: { 200: { description: 'One page of promo codes', schema: paged(promoView) } },
    },
    async ({ services, query }) =>
      toPage(
        await services.promo.findPage({ limit: query.limit, offset: query.offset, isActive: query.active }),
        query.offset,
        toPromoView,
      ),
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/promo-codes',
      tag,
      summary: 'Create a promo code',
      description:
        'The code is unique per bot whatever its case (409 otherwise): letters and digits of any ' +
        'script, `_` and `-`, up to 64. `percent` needs `percent` (1-100); `fixed` and `balance` ' +
        'need `amount`; `days` and `trial` need `days`; `group` needs `groupId`. `perCustomer` ' +
        'defaults to 1, `maxUses` to unlimited.',
      body: promoBody,
      responses: { 201: { description: 'Created', schema: promoView } },
    },
    async ({ services, body, reply }) => {
      const { validFrom, validUntil, ...rest } = body;
      const created = await services.promo.create({
        ...rest,
        ...(validFrom === undefined ? {} : { validFrom: date(validFrom) }),
        ...(validUntil === undefined ? {} : { validUntil: date(validUntil) }),
      });
      if (!created.ok) throw fromServiceError(created.error);
      reply.code(201);
      return toPromoView(created.value);
    },
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/promo-codes/:promoId',
      tag,
      summary: 'One promo code',
      params: promoParams,
      responses: { 200: { description: 'The promo code', schema: promoView } },
    },
    async ({ services, params }) => {
      const code = await services.promo.get(asPromoCodeId(params.promoId));
      if (!code) throw promoNotFound(params.promoId);
      return toPromoView(code);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/promo-codes/:promoId',
      tag,
      summary: 'Switch a promo code off',
      description:
        'Codes are switched off, not erased: orders and redemptions keep pointing at them. Customers ' +
        'can no longer redeem it and discounts held with it lapse; its uses are kept. ' +
        '`PUT {"isActive": true}` brings it back.',
      params: promoParams,
      responses: { 200: { description: 'The promo code, now inactive', schema: promoView } },
    },
    async ({ services, params }) => {
      const code = await services.promo.disable(asPromoCodeId(params.promoId));
      if (!code) throw promoNotFound(params.promoId);
      return toPromoView(code);
    },
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/promo-codes/:promoId',
      tag,
      summary: 'Switch a promo code on or off',
      params: promoParams,
      body: z.strictObject({ isActive: z.boolean() }),
      responses: { 200: { description: 'The promo code', schema: promoView } },
    },
    async ({ services, params, body }) => {
      const id = asPromoCodeId(params.promoId);
      const code = await (body.isActive ? services.promo.enable(id) : services.promo.disable(id));
      if (!code) throw promoNotFound(params.promoId);
      return toPromoView(code);
    },
  );
}
