import { z } from 'zod';
import { cardInput, cardPatch, type PaymentCard } from '../../modules/cards/cards-service.js';
import { asCardId } from '../../shared/ids.js';
import { fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { activeFilter, idParam, iso, isoOrNull, paged, pageQuery, timestamp, toPage } from './schemas.js';

export const cardView = z.object({
  id: z.number().int(),
  cardNumber: z.string().meta({ description: '16 digits' }),
  holderName: z.string(),
  bankName: z.string().nullable(),
  weight: z.number().int().meta({ description: 'Share of payments under the weighted rotation' }),
  isActive: z.boolean(),
  successCount: z.number().int().meta({ description: 'Approved receipts paid to this card' }),
  failureCount: z.number().int().meta({ description: 'Rejected receipts for this card' }),
  successRate: z
    .number()
    .nullable()
    .meta({ description: 'successCount / (successCount + failureCount); null before any outcome' }),
  usageCount: z.number().int().meta({ description: 'Times the card was shown to a customer' }),
  lastUsedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

const toCardView = (card: PaymentCard): z.infer<typeof cardView> => {
  const outcomes = card.successCount + card.failureCount;
  return {
    id: card.id,
    cardNumber: card.cardNumber,
    holderName: card.holderName,
    bankName: card.bankName,
    weight: card.weight,
    isActive: card.isActive,
    successCount: card.successCount,
    failureCount: card.failureCount,
    successRate: outcomes === 0 ? null : card.successCount / outcomes,
    usageCount: card.usageCount,
    lastUsedAt: isoOrNull(card.lastUsedAt),
    createdAt: iso(card.createdAt),
    updatedAt: iso(card.updatedAt),
  };
};

const cardParams = botIdParams.extend({ cardId: idParam });

export function registerCardRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'cards';
  const cardNotFound = (id: number) => notFound(`card ${id}`);

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/cards',
      tag,
      summary: 'Card-to-card cards of a bot, with success rates',
      query: pageQuery.extend({ active: activeFilter.optional() }),
      responses: { 200: { description: 'One page of cards, by id', schema: paged(cardView) } },
    },
    async ({ services, query }) =>
      toPage(
        await services.cards.findPage({ limit: query.limit, offset: query.offset, isActive: query.active }),
        query.offset,
        toCardView,
      ),
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/cards',
      tag,
      summary: 'Add a card',
      description: 'The number may be typed with spaces or dashes; it must pass the Luhn check.',
      body: cardInput.strict(),
      responses: { 201: { description: 'Added', schema: cardView } },
    },
    async ({ services, body, reply }) => {
      const created = await services.cards.create(body);
      if (!created.ok) throw fromServiceError(created.error);
      reply.code(201);
      return toCardView(created.value);
    },
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/cards/:cardId',
      tag,
      summary: 'One card',
      params: cardParams,
      responses: { 200: { description: 'The card', schema: cardView } },
    },
    async ({ services, params }) => {
      const card = await services.cards.get(asCardId(params.cardId));
      if (!card) throw cardNotFound(params.cardId);
      return toCardView(card);
    },
  );

  botRoute(
    {
      method: 'PUT',
      url: '/bots/:id/cards/:cardId',
      tag,
      summary: 'Change a card',
      description: 'Fields left out keep their value; `isActive: true` switches a card back on.',
      params: cardParams,
      body: cardPatch.strict(),
      responses: { 200: { description: 'The changed card', schema: cardView } },
    },
    async ({ services, params, body }) => {
      const updated = await services.cards.update(asCardId(params.cardId), body);
      if (!updated.ok) throw fromServiceError(updated.error);
      if (!updated.value) throw cardNotFound(params.cardId);
      return toCardView(updated.value);
    },
  );

  botRoute(
    {
      method: 'DELETE',
      url: '/bots/:id/cards/:cardId',
      tag,
      summary: 'Switch a card off',
      description:
        'Cards are switched off, not erased, so past receipts still name the card they were paid to. ' +
        'It is no longer offered to customers; `PUT {"isActive": true}` brings it back.',
      params: cardParams,
      responses: { 200: { description: 'The card, now inactive', schema: cardView } },
    },
    async ({ services, params }) => {
      const card = await services.cards.deactivate(asCardId(params.cardId));
      if (!card) throw cardNotFound(params.cardId);
      return toCardView(card);
    },
  );
}
