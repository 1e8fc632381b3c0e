import { z } from 'zod';
import {
  apiReviewer,
  asCardPaymentId,
  type CardPayment,
  type DecisionOutcome,
} from '../../modules/payments/card-to-card.js';
import {
  ANY_PAYMENT_STATUS,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  type PaymentRecord,
} from '../../modules/payments/payment-history.js';
import type { ZarinpalPayment } from '../../modules/payments/zarinpal-payments.js';
import { asCustomerId } from '../../shared/ids.js';
import type { Currency } from '../../shared/money.js';
import type { Principal } from './auth.js';
import { errorBody, notFound } from './errors.js';
import { type ApiContext, botIdParams, type Router } from './route.js';
import { idParam, iso, isoOrNull, paged, pageQuery, timestamp, toPage } from './schemas.js';

const currency = z.enum(['IRT', 'USD', 'RUB']);

export const reviewerView = z
  .object({
    via: z.enum(['telegram', 'api']),
    telegramId: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The admin who pressed the button in the bot' }),
    apiToken: z
      .enum(['operator', 'tenant'])
      .nullable()
      .meta({ description: 'Which API token decided: the operator’s or the bot’s own' }),
    name: z.string().nullable().meta({ description: 'As shown on the admins’ receipt messages' }),
  })
  .meta({ description: 'Who decided; null while pending and for expired receipts' });

export const paymentListItem = z.object({
  method: z.enum(PAYMENT_METHODS),
  id: z.number().int().meta({ description: 'Unique within its method' }),
  customerId: z.number().int(),
  orderId: z.number().int().nullable().meta({ description: 'The purchase the payment is for, if any' }),
  amount: z.number().int().meta({ description: 'What the customer’s balance gains, in `currency` units' }),
  currency,
  status: z.enum(ANY_PAYMENT_STATUS),
  reference: z
    .string()
    .nullable()
    .meta({
      description:
        'card_to_card: the tracking number the customer was given; zarinpal: the gateway authority; ' +
        'stars: Telegram’s payment charge id (null until paid)',
    }),
  transactionId: z.number().int().nullable().meta({ description: 'The ledger entry that credited it' }),
  createdAt: timestamp,
  decidedAt: timestamp.nullable().meta({
    description: 'When it was approved, rejected, expired, paid, failed or cancelled; null while pending',
  }),
  reviewer: reviewerView.nullable().meta({ description: 'card_to_card only; null otherwise' }),
});

export const cardPaymentView = z.object({
  id: z.number().int(),
  trackingNumber: z.string(),
  status: z.enum(PAYMENT_STATUSES.card_to_card),
  amount: z.number().int().meta({ description: 'What the customer transferred, in `currency` units' }),
  currency,
  customerId: z.number().int(),
  cardId: z.number().int().nullable().meta({ description: 'The card the customer was shown' }),
  orderId: z.number().int().nullable().meta({ description: 'The purchase an approval completes, if any' }),
  transactionId: z.number().int().nullable().meta({ description: 'The ledger entry of the credit' }),
  receipt: z.object({
    type: z.enum(['image', 'text', 'both']),
    text: z.string().nullable().meta({ description: 'What the customer wrote, or the caption' }),
    file: z
      .enum(['photo', 'document'])
      .nullable()
      .meta({ description: 'The image itself is shown to the admins in Telegram only' }),
  }),
  duplicateOf: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'An earlier payment of this bot with the same receipt image' }),
  reusedElsewhere: z.boolean().meta({ description: 'The same image was used in another shop' }),
  shownToAdmins: z.number().int().meta({ description: 'Receipt messages sent to the admins in Telegram' }),
  reviewer: reviewerView.nullable(),
  rejectReason: z.string().nullable(),
  createdAt: timestamp,
  decidedAt: timestamp.nullable().meta({ description: 'Approved, rejected or expired at' }),
});

const toReviewerView = (payment: CardPayment): z.infer<typeof reviewerView> | null => {
  if (payment.reviewedByApi !== null) {
    return { via: 'api', telegramId: null, apiToken: payment.reviewedByApi, name: payment.reviewerName };
  }
  if (payment.reviewedBy !== null) {
    return { via: 'telegram', telegramId: payment.reviewedBy, apiToken: null, name: payment.reviewerName };
  }
  return null;
};

const toCardPaymentView = (payment: CardPayment, money: Currency): z.infer<typeof cardPaymentView> => ({
  id: payment.id,
  trackingNumber: payment.trackingNumber,
  status: payment.status,
  amount: payment.amount,
  currency: money,
  customerId: payment.customerId,
  cardId: payment.cardId,
  orderId: payment.orderId,
  transactionId: payment.transactionId,
  receipt: { type: payment.receiptType, text: payment.receiptText, file: payment.receiptFileKind },
  duplicateOf: payment.duplicateOf,
  reusedElsewhere: payment.reusedElsewhere,
  shownToAdmins: payment.adminMessages.length,
  reviewer: toReviewerView(payment),
  rejectReason: payment.rejectReason,
  createdAt: iso(payment.createdAt),
  decidedAt: isoOrNull(payment.reviewedAt),
});

const zarinpalDecidedAt = (payment: ZarinpalPayment): Date | null => {
  switch (payment.status) {
    case 'paid':
      return payment.paidAt ?? payment.updatedAt;
    case 'failed':
    case 'cancelled':
      // settled as unpaid: nothing touches the row afterwards
      return payment.updatedAt;
    case 'pending':
      return null;
  }
};

/** What every method's payment row says the same way. */
const sharedFields = (p: {
  id: number;
  customerId: number;
  orderId: number | null;
  transactionId: number | null;
  createdAt: Date;
}) => ({
  id: p.id,
  customerId: p.customerId,
  orderId: p.orderId,
  transactionId: p.transactionId,
  createdAt: iso(p.createdAt),
});

const toListItem = (record: PaymentRecord, money: Currency): z.infer<typeof paymentListItem> => {
  switch (record.method) {
    case 'card_to_card': {
      const p = record.payment;
      return {
        method: record.method,
        ...sharedFields(p),
        amount: p.amount,
        // card payments are made in the shop's currency; the row does not repeat it
        currency: money,
        status: p.status,
        reference: p.trackingNumber,
        decidedAt: isoOrNull(p.reviewedAt),
        reviewer: toReviewerView(p),
      };
    }
    case 'zarinpal': {
      const p = record.payment;
      return {
        method: record.method,
        ...sharedFields(p),
        amount: p.amount,
        // Zarinpal is offered to Toman shops only; `currency` on the row is the gateway's unit
        currency: 'IRT',
        status: p.status,
        reference: p.authority,
        decidedAt: isoOrNull(zarinpalDecidedAt(p)),
        reviewer: null,
      };
    }
    case 'stars': {
      const p = record.payment;
      return {
        method: record.method,
        ...sharedFields(p),
        amount: p.creditAmount,
        currency: p.currency,
        status: p.status,
        reference: p.telegramPaymentChargeId,
        decidedAt: isoOrNull(p.paidAt),
        reviewer: null,
      };
    }
  }
};

const listQuery = pageQuery
  .extend({
    method: z.enum(PAYMENT_METHODS).optional().meta({ description: 'Only this method; absent: all of them' }),
    status: z
      .enum(ANY_PAYMENT_STATUS)
      .optional()
      .meta({
        description:
          'card_to_card: pending, approved, rejected, expired; zarinpal: pending, paid, failed, cancelled; ' +
          'stars: pending, paid, refunded. Without `method`, every method having the status.',
      }),
    customerId: idParam.optional().meta({ description: 'Only this customer’s payments' }),
  })
  .superRefine((query, ctx) => {
    if (query.method === undefined || query.status === undefined) return;
    const statuses: readonly string[] = PAYMENT_STATUSES[query.method];
    if (!statuses.includes(query.status)) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: `${query.method} payments are never ${query.status} (they are ${statuses.join(', ')})`,
      });
    }
  });

const paymentParams = botIdParams.extend({ paymentId: idParam });

const rejectBody = z
  .strictObject({
    reason: z
      .string()
      .trim()
      .max(500)
      .optional()
      .meta({ description: 'Shown to the customer and on the admins’ receipt messages; blank: none' }),
  })
  .optional();

const approveResult = z.object({
  payment: cardPaymentView,
  balance: z
    .number()
    .int()
    .meta({ description: 'The customer’s balance after the credit (and the purchase)' }),
  order: z
    .object({
      id: z.number().int(),
      outcome: z.enum(['paid', 'already', 'insufficient', 'wallet_insufficient']).meta({
        description:
          '`paid`: completed with this money (provisioning is queued); `already`: it was paid or cancelled ' +
          'before; `insufficient`: still short, it keeps waiting; `wallet_insufficient`: the shop’s ' +
          'wholesale wallet cannot cover the sale, it keeps waiting and the money stays on the balance',
      }),
    })
    .nullable()
    .meta({ description: 'The waiting purchase the payment was for; null for a plain top-up' }),
});

const decidedConflict = errorBody.extend({
  payment: cardPaymentView.meta({ description: 'The payment as it is: its current status and reviewer' }),
});

const DECISION_DESCRIPTION =
  'Decided exactly as an admin pressing the button in the bot: the same module call, in one ' +
  'transaction with the queued `card-payment-decided` job that tells the customer and rewrites every ' +
  'receipt message the admins were shown. The decision is recorded as made by the API (no Telegram ' +
  'id; `reviewer.apiToken` says which token). Only a pending payment can be decided: concurrent ' +
  'requests decide once, and the others answer 409 with the payment as it is.';

const reviewerFor = (principal: Principal) =>
  apiReviewer(principal.role === 'operator' ? 'operator' : 'tenant');

export function registerPaymentRoutes({ botRoute }: Router, _context: ApiContext) {
  const tag = 'payments';
  const paymentNotFound = (id: number) => notFound(`card payment ${id}`);

  /** 404 for an unknown id, 409 (with the payment) when it was decided or expired before. */
  const refusal = (
    outcome: Extract<DecisionOutcome, { status: 'already' | 'not_found' }>,
    id: number,
    requestId: string,
    money: Currency,
  ) => {
    if (outcome.status === 'not_found') throw paymentNotFound(id);
    const status = outcome.payment.status;
    return {
      error: {
        code: 'conflict' as const,
        message: `card payment ${id} is ${status === 'pending' ? 'pending' : `already ${status}`}`,
        requestId,
      },
      payment: toCardPaymentView(outcome.payment, money),
    };
  };

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/payments',
      tag,
      summary: 'Payments of a bot, all methods (card-to-card, Zarinpal, Stars), newest first',
      description:
        'One list across methods; `?method=` keeps one of them, `?status=` one status and `?customerId=` ' +
        'one customer. A card-to-card receipt in full, and its approve and reject actions, are under ' +
        '`/payments/card-to-card/{paymentId}`.',
      query: listQuery,
      responses: {
        200: { description: 'One page of payments, newest first', schema: paged(paymentListItem) },
      },
    },
    async ({ services, bot, query }) =>
      toPage(
        await services.payments.findPage({
          limit: query.limit,
          offset: query.offset,
          method: query.method,
          status: query.status,
          customerId: query.customerId === undefined ? undefined : asCustomerId(query.customerId),
        }),
        query.offset,
        (record) => toListItem(record, bot.currency),
      ),
  );

  botRoute(
    {
      method: 'GET',
      url: '/bots/:id/payments/card-to-card/:paymentId',
      tag,
      summary: 'One card-to-card receipt',
      description:
        'The receipt text and what kind of file came with it; the file itself stays in Telegram, where ' +
        'the admins see it.',
      params: paymentParams,
      responses: { 200: { description: 'The receipt', schema: cardPaymentView } },
    },
    async ({ services, bot, params }) => {
      const payment = await services.cardPayments.get(asCardPaymentId(params.paymentId));
      if (!payment) throw paymentNotFound(params.paymentId);
      return toCardPaymentView(payment, bot.currency);
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/payments/card-to-card/:paymentId/approve',
      tag,
      summary: 'Approve a pending card-to-card receipt: credit the customer once',
      description:
        `${DECISION_DESCRIPTION} Approving credits the amount to the customer's balance under the ` +
        'payment’s own ledger reference and pays the purchase it was for, when there is one.',
      params: paymentParams,
      responses: {
        200: { description: 'Approved now', schema: approveResult },
        409: { description: 'Decided or expired before: nothing changed', schema: decidedConflict },
      },
    },
    async ({ services, bot, params, principal, request, reply }) => {
      const outcome = await services.cardPayments.approve(
        asCardPaymentId(params.paymentId),
        reviewerFor(principal),
      );
      if (outcome.status === 'rejected') throw new Error('an approval answered rejected');
      if (outcome.status !== 'approved') {
        const body = refusal(outcome, params.paymentId, request.id, bot.currency);
        reply.code(409);
        return body;
      }
      request.log.info(
        { botId: bot.id, paymentId: outcome.payment.id, by: principal.role, order: outcome.order?.status },
        'card payment approved through the API',
      );
      const order = outcome.order;
      return {
        payment: toCardPaymentView(outcome.payment, bot.currency),
        balance: outcome.balance,
        order: order && order.status !== 'not_found' ? { id: order.order.id, outcome: order.status } : null,
      };
    },
  );

  botRoute(
    {
      method: 'POST',
      url: '/bots/:id/payments/card-to-card/:paymentId/reject',
      tag,
      summary: 'Reject a pending card-to-card receipt, with an optional reason',
      description: `${DECISION_DESCRIPTION} Nothing is credited; the card's failure count grows.`,
      params: paymentParams,
      body: rejectBody,
      responses: {
        200: { description: 'Rejected now', schema: z.object({ payment: cardPaymentView }) },
        409: { description: 'Decided or expired before: nothing changed', schema: decidedConflict },
      },
    },
    async ({ services, bot, params, body, principal, request, reply }) => {
      const reason = body?.reason ? body.reason : null;
      const outcome = await services.cardPayments.reject(
        asCardPaymentId(params.paymentId),
        reviewerFor(principal),
        reason,
      );
      if (outcome.status === 'approved') throw new Error('a rejection answered approved');
      if (outcome.status !== 'rejected') {
        const answer = refusal(outcome, params.paymentId, request.id, bot.currency);
        reply.code(409);
        return answer;
      }
      request.log.info(
        { botId: bot.id, paymentId: outcome.payment.id, by: principal.role, withReason: reason !== null },
        'card payment rejected through the API',
      );
      return { payment: toCardPaymentView(outcome.payment, bot.currency) };
    },
  );
}
