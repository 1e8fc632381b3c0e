import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerView, ledgerEntryView } from '../../../src/http/api/customers-routes.js';
import type { BotId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, OPERATOR_TOKEN, startApi } from './support.js';

let nextTelegramId = 7_300_000_000;

describe.each(BACKENDS)('customers API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  const register = async (
    id: BotId,
    profile: { username?: string; firstName?: string; lastName?: string } = {},
  ) => {
    const telegramId = nextTelegramId++;
    const { customer } = await h.app.forTenant(id).customers.register({ telegramId, ...profile }, 'fa');
    return customer;
  };

  it('lists customers a page at a time with the total', async () => {
    const { id, apiToken } = await h.tenant();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await register(id, { firstName: `C${i}` }));
    const first = await h.call('GET', `/api/v1/bots/${id}/customers?limit=2`, { token: apiToken });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 5, nextOffset: 2 });
    expect(first.body.items.map((c: { id: number }) => c.id)).toEqual([made[0]!.id, made[1]!.id]);
    for (const item of first.body.items) customerView.strict().parse(item);
    const last = await h.call('GET', `/api/v1/bots/${id}/customers?limit=2&offset=4`, { token: apiToken });
    expect(last.body).toMatchObject({ total: 5, nextOffset: null });
    expect(last.body.items.map((c: { id: number }) => c.id)).toEqual([made[4]!.id]);
    const defaults = await h.call('GET', `/api/v1/bots/${id}/customers`, { token: apiToken });
    expect(defaults.body.items).toHaveLength(5);
  });

  it('searches by Telegram id, @username and name', async () => {
    const { id, apiToken } = await h.tenant();
    const ali = await register(id, { username: 'ali_vpn', firstName: 'Ali' });
    const sara = await register(id, { firstName: 'Sara', lastName: 'Khalili' });
    await register(id, { firstName: 'Reza' });
    const find = async (search: string) => {
      const answer = await h.call(
        'GET',
        `/api/v1/bots/${id}/customers?search=${encodeURIComponent(search)}`,
        {
          token: apiToken,
        },
      );
      expect(answer.status).toBe(200);
      return answer.body as { items: { id: number }[]; total: number };
    };
    expect((await find(String(ali.telegramId))).items.map((c) => c.id)).toEqual([ali.id]);
    expect((await find('@ali_vpn')).items.map((c) => c.id)).toEqual([ali.id]);
    const ali2 = await find('ali');
    expect(ali2.items.map((c) => c.id)).toEqual([ali.id, sara.id]);
    expect(ali2.total).toBe(2);
    expect((await find('nobody')).total).toBe(0);
    // a LIKE wildcard is taken literally; an empty search is no search
    expect((await find('%')).total).toBe(0);
    expect((await find('')).total).toBe(3);
  });

  it('gets one customer, and 404 for one that does not exist', async () => {
    const { id, apiToken } = await h.tenant();
    const customer = await register(id, { username: 'getme' });
    const got = await h.call('GET', `/api/v1/bots/${id}/customers/${customer.id}`, { token: apiToken });
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: customer.id,
      telegramId: customer.telegramId,
      username: 'getme',
      balance: 0,
    });
    expectErrorBody(
      await h.call('GET', `/api/v1/bots/${id}/customers/99999999`, { token: apiToken }),
      404,
      'not_found',
    );
  });

  it('credits a balance with a reason as an admin_credit ledger entry', async () => {
    const { id, apiToken } = await h.tenant();
    const customer = await register(id);
    const credited = await h.call('POST', `/api/v1/bots/${id}/customers/${customer.id}/credit`, {
      token: apiToken,
      body: { amount: 25_000, reason: 'compensation for downtime' },
    });
    expect(credited.status).toBe(201);
    expect(credited.body.replayed).toBe(false);
    expect(credited.body.balance).toBe(25_000);
    const entry = ledgerEntryView.strict().parse(credited.body.entry);
    expect(entry).toMatchObject({
      customerId: customer.id,
      amount: 25_000,
      balanceAfter: 25_000,
      kind: 'admin_credit',
      reason: 'compensation for downtime',
      externalRef: null,
    });
    const ledger = h.app.forTenant(id).ledger;
    expect(await ledger.balance(customer.id)).toBe(25_000);
    expect(await ledger.findImbalances()).toEqual([]);

    // without a key, two requests are two credits
    await h.call('POST', `/api/v1/bots/${id}/customers/${customer.id}/credit`, {
      token: OPERATOR_TOKEN,
      body: { amount: 5_000, reason: 'gift' },
    });
    expect(await ledger.balance(customer.id)).toBe(30_000);
  });

  it('requires a positive whole amount and a reason', async () => {
    const { id, apiToken } = await h.tenant();
    const customer = await register(id);
    const path = `/api/v1/bots/${id}/customers/${customer.id}/credit`;
    for (const body of [
      { amount: 1000 },
      { amount: 1000, reason: '   ' },
      { amount: 0, reason: 'x' },
      { amount: -5, reason: 'x' },
      { amount: 10.5, reason: 'x' },
      { amount: '1000', reason: 'x' },
      { amount: 1000, reason: 'x', idempotencyKey: 'has space' },
    ]) {
      expectErrorBody(await h.call('POST', path, { token: apiToken, body }), 400, 'invalid_request');
    }
    const missing = await h.call('POST', path, { token: apiToken, body: { amount: 1000 } });
    expect(missing.body.error.fields).toEqual([{ field: 'body.reason', message: expect.any(String) }]);
    expect(await h.app.forTenant(id).ledger.entries(customer.id)).toEqual([]);
    expectErrorBody(
      await h.call('POST', `/api/v1/bots/${id}/customers/99999999/credit`, {
        token: apiToken,
        body: { amount: 1000, reason: 'x' },
      }),
      404,
      'not_found',
    );
  });

  it('credits once per idempotency key, even when the retries race', async () => {
    const { id, apiToken } = await h.tenant();
    const customer = await register(id);
    const path = `/api/v1/bots/${id}/customers/${customer.id}/credit`;
    const send = () =>
      h.call('POST', path, {
        token: apiToken,
        headers: { 'idempotency-key': 'refund-2024-001' },
        body: { amount: 40_000, reason: 'refund' },
      });
    const answers = await Promise.all([send(), send(), send(), send()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    const entryIds = new Set(answers.map((a) => a.body.entry.id));
    expect(entryIds.size).toBe(1);
    expect(answers.filter((a) => a.body.replayed)).toHaveLength(3);
    expect(answers.every((a) => a.body.entry.externalRef === 'api-credit:refund-2024-001')).toBe(true);
    expect(await h.app.forTenant(id).ledger.balance(customer.id)).toBe(40_000);
    expect(await h.app.forTenant(id).ledger.entries(customer.id)).toHaveLength(1);

    // the same key in the body is the same key
    const viaBody = await h.call('POST', path, {
      token: apiToken,
      body: { amount: 40_000, reason: 'refund', idempotencyKey: 'refund-2024-001' },
    });
    expect(viaBody).toMatchObject({ status: 200, body: { replayed: true, balance: 40_000 } });

    // a key reused for something else is refused, not silently answered with the first credit
    const other = await h.call('POST', path, {
      token: apiToken,
      headers: { 'idempotency-key': 'refund-2024-001' },
      body: { amount: 1, reason: 'refund' },
    });
    expectErrorBody(other, 409, 'conflict');
    const otherCustomer = await register(id);
    const elsewhere = await h.call('POST', `/api/v1/bots/${id}/customers/${otherCustomer.id}/credit`, {
      token: apiToken,
      headers: { 'idempotency-key': 'refund-2024-001' },
      body: { amount: 40_000, reason: 'refund' },
    });
    expectErrorBody(elsewhere, 409, 'conflict');
    expect(await h.app.forTenant(id).ledger.balance(otherCustomer.id)).toBe(0);

    const differ = await h.call('POST', path, {
      token: apiToken,
      headers: { 'idempotency-key': 'a' },
      body: { amount: 1, reason: 'x', idempotencyKey: 'b' },
    });
    expectErrorBody(differ, 400, 'invalid_request');
    expect(await h.app.forTenant(id).ledger.balance(customer.id)).toBe(40_000);
  });

  it('keeps idempotency keys per tenant', async () => {
    const a = await h.tenant();
    const b = await h.tenant();
    const inA = await register(a.id);
    const inB = await register(b.id);
    for (const [bot, customer] of [
      [a, inA],
      [b, inB],
    ] as const) {
      const answer = await h.call('POST', `/api/v1/bots/${bot.id}/customers/${customer.id}/credit`, {
        token: bot.apiToken,
        headers: { 'idempotency-key': 'shared-key' },
        body: { amount: 700, reason: 'welcome' },
      });
      expect(answer.status).toBe(201);
    }
    expect(await h.app.forTenant(a.id).ledger.balance(inA.id)).toBe(700);
    expect(await h.app.forTenant(b.id).ledger.balance(inB.id)).toBe(700);
  });
});
