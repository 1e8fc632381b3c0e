import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { customerView } from '../../../src/http/api/customers-routes.js';
import type { BotId } from '../../../src/shared/ids.js';
import { withLuhnDigit } from '../../modules/helpers.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

let nextTelegramId = 7_970_000_000;
let nextCard = 200_000_000_000_000;

describe.each(BACKENDS)('customer moderation API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  const jobsNamed = (id: BotId, name: string) =>
    inTenant(h.t.database.handle.db, id, (tx) =>
      tx
        .select({ payload: jobs.payload })
        .from(jobs)
        .where(and(eq(jobs.botId, id), eq(jobs.name, name))),
    );

  async function shopWithReceipt() {
    const { id, apiToken } = await h.tenant();
    const services = h.app.forTenant(id);
    const card = await services.cards.create({
      cardNumber: withLuhnDigit(String(nextCard++)),
      holderName: 'H',
    });
    if (!card.ok) throw new Error(card.error.message);
    const { customer } = await services.customers.register(
      { telegramId: nextTelegramId++, firstName: 'Sam' },
      'fa',
    );
    const receipt = await services.cardPayments.submit({
      customerId: customer.id,
      amount: 50_000,
      cardId: card.value.id,
      receipt: { text: 'paid' },
    });
    if (receipt.status !== 'submitted') throw new Error(receipt.status);
    return { id, apiToken, services, customer, paymentId: receipt.payment.id };
  }

  it('bans: the customer is told once, the pending receipt is rejected; a second ban changes nothing', async () => {
    const { id, apiToken, services, customer, paymentId } = await shopWithReceipt();
    const path = `/api/v1/bots/${id}/customers/${customer.id}/block`;
    const first = await h.call('POST', path, { token: apiToken });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'blocked', rejectedReceipts: 1, cancelledOrders: 0 });
    expect(customerView.strict().parse(first.body.customer)).toMatchObject({
      id: customer.id,
      isBlocked: true,
    });
    expect(await services.cardPayments.get(paymentId)).toMatchObject({
      status: 'rejected',
      reviewedBy: null,
      reviewerName: 'API (shop token)',
    });
    const again = await h.call('POST', path, { token: OPERATOR_TOKEN });
    expect(again.body).toMatchObject({ status: 'already_blocked', rejectedReceipts: 0 });
    expect((await jobsNamed(id, 'customer-moderation-notice')).map((job) => job.payload)).toEqual([
      { customerId: customer.id, event: 'blocked' },
    ]);

    const lifted = await h.call('POST', `/api/v1/bots/${id}/customers/${customer.id}/unblock`, {
      token: apiToken,
    });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ status: 'unblocked', customer: { isBlocked: false } });
    const liftedAgain = await h.call('POST', `/api/v1/bots/${id}/customers/${customer.id}/unblock`, {
      token: apiToken,
    });
    expect(liftedAgain.body).toMatchObject({ status: 'not_blocked' });
    expect(await jobsNamed(id, 'customer-moderation-notice')).toHaveLength(2);
  });

  it('queues a message, once per idempotency key, and refuses a bad one', async () => {
    const { id, apiToken, customer } = await shopWithReceipt();
    const path = `/api/v1/bots/${id}/customers/${customer.id}/message`;
    const sent = await h.call('POST', path, {
      token: apiToken,
      body: { text: 'Your renewal is ready', idempotencyKey: 'm-1' },
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ status: 'queued' });
    const retried = await h.call('POST', path, {
      token: apiToken,
      body: { text: 'Your renewal is ready', idempotencyKey: 'm-1' },
    });
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual({ status: 'duplicate' });
    expectErrorBody(
      await h.call('POST', path, { token: apiToken, body: { text: '   ' } }),
      400,
      'invalid_request',
    );
    expectErrorBody(
      await h.call('POST', path, { token: apiToken, body: { text: 'x'.repeat(4001) } }),
      400,
      'invalid_request',
    );
    expectErrorBody(
      await h.call('POST', `/api/v1/bots/${id}/customers/99999999/message`, {
        token: apiToken,
        body: { text: 'Hi' },
      }),
      404,
      'not_found',
    );
    expect((await jobsNamed(id, 'customer-message')).map((job) => job.payload)).toEqual([
      { customerId: customer.id, text: 'Your renewal is ready' },
    ]);
  });

  it('answers 404 for a customer that does not exist', async () => {
    const { id, apiToken } = await shopWithReceipt();
    for (const action of ['block', 'unblock']) {
      expectErrorBody(
        await h.call('POST', `/api/v1/bots/${id}/customers/99999999/${action}`, { token: apiToken }),
        404,
        'not_found',
      );
    }
  });
});
