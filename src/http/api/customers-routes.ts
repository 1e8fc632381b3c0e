import { z } from 'zod';
import type { Customer } from '../../modules/customers/customers-service.js';
import type { LedgerEntry } from '../../modules/ledger/ledger-service.js';
import { asCustomerId } from '../../shared/ids.js';
import { MAX_MONEY } from '../../shared/money.js';
import { ApiError, errorBody, fromServiceError, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { idParam, iso, isoOrNull, paged, pageQuery, timestamp, toPage } from './schemas.js';

export const customerView = z.object({
  id: z.number().int(),
  telegramId: z.number().int(),
  username: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  language: z.enum(['fa', 'en', 'ru']),
  balance: z.number().int().meta({ description: 'In the bot’s currency unit' }),
  referralCode: z.string(),
  referredBy: z.number().int().nullable(),
  isBlocked: z.boolean(),
  rulesAcceptedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const toCustomerView = (customer: Customer): z.infer<typeof customerView> => ({
  id: customer.id,
  telegramId: customer.telegramId,
  username: customer.username,
  firstName: customer.firstName,
  lastName: customer.lastName,
  language: customer.language,
  balance: customer.balance,
  referralCode: customer.referralCode,
  referredBy: customer.referredBy,
  isBlocked: customer.isBlocked,
  rulesAcceptedAt: isoOrNull(customer.rulesAcceptedAt),
  createdAt: iso(customer.createdAt),
  updatedAt: iso(customer.updatedAt),
});

export const ledgerEntryView = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  amount: z.number().int(),
  balanceAfter: z.number().int(),
  kind: z.string(),
  reason: z.string().nullable(),
  externalRef: z.string().nullable(),
  createdAt: timestamp,
});

const toEntryView = (entry: LedgerEntry): z.infer<typeof ledgerEntryView> => ({
  id: entry.id,
  customerId: entry.customerId,
  amount: entry.amount,
  balanceAfter: entry.balanceAfter,
  kind: entry.kind,
  reason: entry.reason,
  externalRef: entry.externalRef,
  createdAt: iso(entry.createdAt),
});

const customerParams = botIdParams.extend({ customerId: idParam });

const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters without spaces');

const creditBody = z.strictObject({
  amount: z.number().int('must be a whole number').positive().max(1_000_000_000_000),
  reason: z.string().trim().min(1, 'is required').max(500),
  idempotencyKey: idempotencyKey
    .optional()
    .meta({ description: 'Same as the Idempotency-Key header: a retry with the same key credits once' }),
});

const creditHeaders = z.object({
  'idempotency-key': idempotencyKey
    .optional()
    .meta({ description: 'A retry with the same key credits once (per bot)' }),
});

const creditResult = z.object({
  entry: ledgerEntryView,
  balance: z.number().int().meta({ description: 'The customer balance after the credit' }),
  replayed: z.boolean().meta({ description: 'true when the key was seen before: nothing was credited now' }),
});

/** Namespaced so an API key can never collide with a payment id or order id in the ledger. */
const creditRef = (key: string) => `api-credit:${key}`;

export function registerCustomerRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'customers';
  const customerNotFound = (id: number) => notFound(`customer ${id}`);

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/customers',
      tag,
      summary: 'Customers of a bot',
      description:
        '`?search=` matches a Telegram id or customer id (digits), else @username, first or last name.',
      query: pageQuery.extend({ search: z.string().trim().max(100).optional() }),
      responses: { 200: { description: 'One page of customers, by id', schema: paged(customerView) } },
    },
    async ({ services, query }) =>
      toPage(
        await services.customers.findPage({ limit: query.limit, offset: query.offset, search: query.search }),
        query.offset,
        toCustomerView,
      ),
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/customers/:customerId',
      tag,
      summary: 'One customer',
      params: customerParams,
      responses: { 200: { description: 'The customer', schema: customerView } },
    },
    async ({ services, params }) => {
      const customer = await services.customers.get(asCustomerId(params.customerId));
      if (!customer) throw customerNotFound(params.customerId);
      return toCustomerView(customer);
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/customers/:customerId/credit',
      tag,
      summary: 'Credit a customer balance',
      description:
        'Posts an `admin_credit` ledger entry with the given reason. Send an `Idempotency-Key` header (or ' +
        '`idempotencyKey` in the body): a retried request with the same key credits once and answers the ' +
        'first entry with `replayed: true`; the same key for a different customer or amount is a 409. ' +
        `A balance holds at most ${MAX_MONEY}: a credit that would pass it is a 409 naming \`body.amount\` ` +
        'and changes nothing.',
      params: customerParams,
      body: creditBody,
      headers: creditHeaders,
      responses: {
        201: { description: 'Credited', schema: creditResult },
        200: { description: 'Already credited under this key: nothing changed', schema: creditResult },
        409: {
          description:
            'The idempotency key was used for a different credit, or the balance cannot take the amount ' +
            '(`fields` names `body.amount`)',
          schema: errorBody,
        },
      },
    },
    async ({ services, params, body, headers, reply }) => {
      const fromHeader = headers['idempotency-key'];
      if (
        fromHeader !== undefined &&
        body.idempotencyKey !== undefined &&
        fromHeader !== body.idempotencyKey
      ) {
        throw new ApiError('invalid_request', 'the Idempotency-Key header and body.idempotencyKey differ');
      }
      const key = fromHeader ?? body.idempotencyKey;
      const customerId = asCustomerId(params.customerId);
      const result = await services.ledger.credit({
        customerId,
        amount: body.amount,
        kind: 'admin_credit',
        reason: body.reason,
        externalRef: key === undefined ? undefined : creditRef(key),
      });
      switch (result.status) {
        case 'posted':
          reply.code(201);
          return { entry: toEntryView(result.entry), balance: result.balance, replayed: false };
        case 'duplicate': {
          const first = result.entry;
          if (
            first.customerId !== customerId ||
            first.amount !== body.amount ||
            first.kind !== 'admin_credit'
          ) {
            throw new ApiError('conflict', 'this idempotency key was already used for a different credit');
          }
          return { entry: toEntryView(first), balance: result.balance, replayed: true };
        }
        case 'no_customer':
          throw customerNotFound(params.customerId);
        case 'invalid':
          throw fromServiceError(result.error);
        case 'over_limit': {
          // the request is well formed; the customer's current balance is what refuses it
          const message = `would take the balance above the maximum of ${MAX_MONEY}; it can take at most ${result.room} more`;
          throw new ApiError('conflict', `amount: ${message}`, [{ field: 'body.amount', message }]);
        }
        case 'insufficient':
          // a credit never lowers a balance; reaching this means the ledger changed its rules
          throw new Error('ledger refused a credit for insufficient balance');
      }
    },
  );
}
