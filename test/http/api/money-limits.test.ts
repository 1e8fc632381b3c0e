import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { postEntry } from '../../../src/modules/ledger/ledger-service.js';
import type { BotId, CustomerId } from '../../../src/shared/ids.js';
import { MAX_MONEY } from '../../../src/shared/money.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, startApi } from './support.js';

let nextTelegramId = 7_600_000_000;

describe.each(BACKENDS)('money limits in the API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  /** A customer whose balance is `balance`, posted as one ledger entry (the API caps a credit at 10^12). */
  const customerWith = async (botId: BotId, balance: number): Promise<CustomerId> => {
    const { customer } = await h.app
      .forTenant(botId)
      .customers.register({ telegramId: nextTelegramId++ }, 'fa');
    await inTenant(h.t.database.handle.db, botId, (tx) =>
      postEntry(tx, { customerId: customer.id, amount: balance, kind: 'migration' }),
    );
    return customer.id;
  };

  it('refuses a credit past the maximum balance with a 409 naming body.amount, changing nothing', async () => {
    const { id, apiToken } = await h.tenant();
    const customerId = await customerWith(id, MAX_MONEY - 10);
    const url = `/api/v1/bots/${id}/customers/${customerId}/credit`;

    const refused = await h.call('POST', url, {
      token: apiToken,
      body: { amount: 11, reason: 'bonus' },
      headers: { 'idempotency-key': 'credit-1' },
    });
    expectErrorBody(refused, 409, 'conflict');
    expect(refused.body.error.fields).toEqual([
      {
        field: 'body.amount',
        message: expect.stringMatching(/maximum of 1000000000000000.*at most 10 more/),
      },
    ]);
    const ledger = h.app.forTenant(id).ledger;
    expect(await ledger.balance(customerId)).toBe(MAX_MONEY - 10);
    expect(await ledger.entries(customerId)).toHaveLength(1);

    // the refused key is still free; the balance then holds exactly the maximum
    const credited = await h.call('POST', url, {
      token: apiToken,
      body: { amount: 10, reason: 'bonus' },
      headers: { 'idempotency-key': 'credit-1' },
    });
    expect(credited.status).toBe(201);
    expect(credited.body).toMatchObject({ balance: MAX_MONEY, entry: { balanceAfter: MAX_MONEY } });
    const replayed = await h.call('POST', url, {
      token: apiToken,
      body: { amount: 10, reason: 'bonus' },
      headers: { 'idempotency-key': 'credit-1' },
    });
    expect(replayed.status).toBe(200);
    expect(replayed.body).toMatchObject({ replayed: true, balance: MAX_MONEY });
    const customer = await h.call('GET', `/api/v1/bots/${id}/customers/${customerId}`, { token: apiToken });
    expect(customer.body.balance).toBe(MAX_MONEY);
    expect(await ledger.findImbalances()).toEqual([]);
  });

  it('answers 409 for approving a receipt the balance cannot take, and leaves it pending', async () => {
    const { id, apiToken } = await h.tenant();
    const shop = h.app.forTenant(id);
    const customerId = await customerWith(id, MAX_MONEY - 1);
    const submitted = await shop.cardPayments.submit({
      customerId,
      amount: 50_000,
      cardId: null,
      receipt: { text: 'paid' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    const paymentId = submitted.payment.id;

    const answer = await h.call('POST', `/api/v1/bots/${id}/payments/card-to-card/${paymentId}/approve`, {
      token: apiToken,
    });
    expectErrorBody(answer, 409, 'conflict');
    expect(answer.body.error.message).toMatch(/maximum is 1000000000000000/);
    expect(await shop.cardPayments.get(paymentId)).toMatchObject({ status: 'pending' });
    expect(await shop.ledger.balance(customerId)).toBe(MAX_MONEY - 1);
  });
});
