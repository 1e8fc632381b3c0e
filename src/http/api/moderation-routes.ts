import { z } from 'zod';
import { MAX_MESSAGE_LENGTH } from '../../modules/customers/message-customer.js';
import { apiReviewer } from '../../modules/payments/card-to-card.js';
import { asCustomerId } from '../../shared/ids.js';
import type { Principal } from './auth.js';
import { customerView, toCustomerView } from './customers-routes.js';
import { ApiError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { idParam } from './schemas.js';

const customerParams = botIdParams.extend({ customerId: idParam });

const moderatorFor = (principal: Principal) =>
  apiReviewer(principal.role === 'operator' ? 'operator' : 'tenant');

const blockResult = z.object({
  customer: customerView,
  status: z
    .enum(['blocked', 'already_blocked'])
    .meta({ description: '`already_blocked`: banned before; pending receipts and orders were swept again' }),
  rejectedReceipts: z.number().int().meta({ description: 'Pending card-to-card receipts rejected now' }),
  cancelledOrders: z.number().int().meta({ description: 'Orders still waiting for money, cancelled now' }),
});

const unblockResult = z.object({
  customer: customerView,
  status: z.enum(['unblocked', 'not_blocked']),
});

const messageBody = z.strictObject({
  text: z.string().trim().min(1, 'is required').max(MAX_MESSAGE_LENGTH),
  idempotencyKey: z
    .string()
    .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters without spaces')
    .optional()
    .meta({ description: 'A retry with the same key queues the message once (per bot)' }),
});

const messageResult = z.object({
  status: z
    .enum(['queued', 'duplicate'])
    .meta({ description: '`duplicate`: a message with this idempotency key was queued before' }),
});

/** Ban, unban and write to one customer of a bot (src/modules/customers/moderation-service.ts). */
export function registerModerationRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'customers';
  const customerNotFound = (id: number) => notFound(`customer ${id}`);

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/customers/:customerId/block',
      tag,
      summary: 'Ban a customer',
      description:
        'The customer is told once, then the bot answers them with one short line at most and sends ' +
        'them no notices or broadcasts; their pending card-to-card receipts are rejected (each as a ' +
        'rejection would, without telling the customer again) and their unpaid orders cancelled. ' +
        'Banning a banned customer changes nothing but sweeps receipts and orders again.',
      params: customerParams,
      responses: { 200: { description: 'Banned (now or before)', schema: blockResult } },
    },
    async ({ services, bot, params, principal, request }) => {
      const outcome = await services.moderation.block(
        asCustomerId(params.customerId),
        moderatorFor(principal),
      );
      if (outcome.status === 'not_found') throw customerNotFound(params.customerId);
      request.log.info(
        { botId: bot.id, customerId: params.customerId, by: principal.role, outcome: outcome.status },
        'customer banned through the API',
      );
      return {
        customer: toCustomerView(outcome.customer),
        status: outcome.status,
        rejectedReceipts: outcome.rejectedReceipts,
        cancelledOrders: outcome.cancelledOrders,
      };
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/customers/:customerId/unblock',
      tag,
      summary: 'Lift a ban',
      description: 'The customer is told the ban was lifted (only when it was on).',
      params: customerParams,
      responses: { 200: { description: 'Not banned (any more)', schema: unblockResult } },
    },
    async ({ services, bot, params, principal, request }) => {
      const outcome = await services.moderation.unblock(asCustomerId(params.customerId));
      if (outcome.status === 'not_found') throw customerNotFound(params.customerId);
      request.log.info(
        { botId: bot.id, customerId: params.customerId, by: principal.role, outcome: outcome.status },
        'customer ban lifted through the API',
      );
      return { customer: toCustomerView(outcome.customer), status: outcome.status };
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/customers/:customerId/message',
      tag,
      summary: 'Send a customer a message',
      description:
        'Queues the text for delivery by the bot, under a heading naming the shop; sent even to a ' +
        'banned customer. A customer who blocked the bot is marked unreachable when Telegram refuses it.',
      params: customerParams,
      body: messageBody,
      responses: {
        202: { description: 'Queued', schema: messageResult },
        200: {
          description: 'Queued before under this idempotency key: nothing queued now',
          schema: messageResult,
        },
      },
    },
    async ({ services, params, body, reply }) => {
      const outcome = await services.moderation.message(
        asCustomerId(params.customerId),
        body.text,
        body.idempotencyKey === undefined ? undefined : `api:${body.idempotencyKey}`,
      );
      switch (outcome.status) {
        case 'not_found':
          throw customerNotFound(params.customerId);
        case 'invalid':
          throw new ApiError('invalid_request', `text: must be 1 to ${MAX_MESSAGE_LENGTH} characters`);
        case 'queued':
          reply.code(202);
          return { status: 'queued' as const };
        case 'duplicate':
          return { status: 'duplicate' as const };
        default: {
          const never: never = outcome;
          throw new Error(`unhandled message outcome ${JSON.stringify(never)}`);
        }
      }
    },
  );
}
