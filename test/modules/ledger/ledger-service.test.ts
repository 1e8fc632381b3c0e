import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantServices } from '../../../src/app.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { type PostingInput, postEntry } from '../../../src/modules/ledger/ledger-service.js';
import { asCustomerId, type CustomerId } from '../../../src/shared/ids.js';
import { MAX_MONEY } from '../../../src/shared/money.js';
import { BACKENDS, createTenant, createTestApp, type TestApp } from '../../support/database.js';

let nextTelegramId = 6_000_000_000;

describe.each(BACKENDS)('ledger on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  /** A fresh tenant with one customer. */
  const freshCustomer = async (): Promise<{ shop: TenantServices; customerId: CustomerId }> => {
    const shop = t.app.forTenant((await createTenant(t.app)).tenant.id);
    const { customer } = await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa');
    return { shop, customerId: customer.id };
  };

  /** The ledger's own invariants for one customer: balance = sum of entries = last balance_after. */
  const expectConsistent = async (shop: TenantServices, customerId: CustomerId) => {
    const balance = await shop.ledger.balance(customerId);
    const entries = await shop.ledger.entries(customerId, 5000);
    expect(balance).toBe(entries.reduce((sum, entry) => sum + entry.amount, 0));
    expect(balance).toBe(entries[0]?.balanceAfter ?? 0);
    // replayed oldest first, every balance_after is the running sum and never negative
    let running = 0;
    for (const entry of [...entries].reverse()) {
      running += entry.amount;
      expect(entry.balanceAfter).toBe(running);
      expect(entry.balanceAfter).toBeGreaterThanOrEqual(0);
    }
    expect(await shop.ledger.findImbalances()).toEqual([]);
    return { balance, entries };
  };

  it('credits and debits, keeping the balance and balance_after of every entry', async () => {
    const { shop, customerId } = await freshCustomer();
    const credited = await shop.ledger.credit({
      customerId,
      amount: 50_000,
      kind: 'topup',
      reason: 'card-to-card',
      createdBy: 42,
    });
    expect(credited).toMatchObject({ status: 'posted', balance: 50_000 });
    if (credited.status !== 'posted') throw new Error('not posted');
    expect(credited.entry).toMatchObject({
      customerId,
      botId: shop.botId,
      amount: 50_000,
      balanceAfter: 50_000,
      kind: 'topup',
      reason: 'card-to-card',
      externalRef: null,
      createdBy: 42,
    });

    const debited = await shop.ledger.debit({ customerId, amount: 20_000, kind: 'purchase' });
    expect(debited).toMatchObject({ status: 'posted', balance: 30_000 });
    if (debited.status !== 'posted') throw new Error('not posted');
    expect(debited.entry).toMatchObject({ amount: -20_000, balanceAfter: 30_000, kind: 'purchase' });

    expect(await shop.ledger.debit({ customerId, amount: 30_000, kind: 'renewal' })).toMatchObject({
      status: 'posted',
      balance: 0,
    });
    expect(await shop.ledger.balance(customerId)).toBe(0);
    expect((await shop.customers.get(customerId))?.balance).toBe(0);
    const { entries } = await expectConsistent(shop, customerId);
    expect(entries.map((entry) => [entry.amount, entry.balanceAfter])).toEqual([
      [-30_000, 0],
      [-20_000, 30_000],
      [50_000, 50_000],
    ]);
  });

  it('refuses a debit beyond the balance, says what is missing, and writes nothing', async () => {
    const { shop, customerId } = await freshCustomer();
    await shop.ledger.credit({ customerId, amount: 50, kind: 'admin_credit' });
    expect(
      await shop.ledger.debit({ customerId, amount: 80, kind: 'purchase', externalRef: 'order-1' }),
    ).toEqual({
      status: 'insufficient',
      balance: 50,
      missing: 30,
    });
    expect(await shop.ledger.balance(customerId)).toBe(50);
    expect(await shop.ledger.entries(customerId)).toHaveLength(1);
    // the refused reference was not used up
    expect(
      await shop.ledger.debit({ customerId, amount: 50, kind: 'purchase', externalRef: 'order-1' }),
    ).toMatchObject({ status: 'posted', balance: 0 });
    expect(await shop.ledger.debit({ customerId, amount: 1, kind: 'purchase' })).toEqual({
      status: 'insufficient',
      balance: 0,
      missing: 1,
    });
    await expectConsistent(shop, customerId);
  });

  it.each([
    ['zero', 0],
    ['negative', -100],
    ['fractional', 10.5],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
    ['too large', 1e13],
  ])('refuses a %s amount for credit and debit, writing nothing', async (_label, amount) => {
    const { shop, customerId } = await freshCustomer();
    await shop.ledger.credit({ customerId, amount: 1000, kind: 'admin_credit' });
    for (const result of [
      await shop.ledger.credit({ customerId, amount, kind: 'admin_credit' }),
      await shop.ledger.debit({ customerId, amount, kind: 'admin_debit' }),
    ]) {
      expect(result.status).toBe('invalid');
      if (result.status !== 'invalid') throw new Error('not refused');
      expect(result.error).toMatchObject({ code: 'invalid', field: 'amount' });
      expect(result.error.message).toMatch(/^amount: /);
    }
    expect(await shop.ledger.balance(customerId)).toBe(1000);
    expect(await shop.ledger.entries(customerId)).toHaveLength(1);
  });

  it('answers no_customer for an unknown customer and for a customer of another tenant', async () => {
    const { shop } = await freshCustomer();
    const other = await freshCustomer();
    expect(
      await shop.ledger.credit({ customerId: asCustomerId(987_654_321), amount: 1, kind: 'topup' }),
    ).toEqual({
      status: 'no_customer',
    });
    expect(await shop.ledger.credit({ customerId: other.customerId, amount: 1, kind: 'topup' })).toEqual({
      status: 'no_customer',
    });
    expect(await shop.ledger.balance(other.customerId)).toBeUndefined();
    expect(await shop.ledger.entries(other.customerId)).toEqual([]);
    expect(await other.shop.ledger.balance(other.customerId)).toBe(0);
  });

  it('moves money once per external reference: a repeat is a duplicate that points at the first entry', async () => {
    const { shop, customerId } = await freshCustomer();
    const first = await shop.ledger.credit({
      customerId,
      amount: 70_000,
      kind: 'topup',
      externalRef: 'zp-A1',
    });
    expect(first).toMatchObject({ status: 'posted', balance: 70_000 });
    const again = await shop.ledger.credit({
      customerId,
      amount: 70_000,
      kind: 'topup',
      externalRef: 'zp-A1',
    });
    expect(again.status).toBe('duplicate');
    if (first.status !== 'posted' || again.status !== 'duplicate') throw new Error('unexpected');
    expect(again.entry).toEqual(first.entry);
    expect(again.balance).toBe(70_000);
    // a debit with a reference already used is a duplicate as well
    expect(
      (await shop.ledger.debit({ customerId, amount: 10, kind: 'purchase', externalRef: 'zp-A1' })).status,
    ).toBe('duplicate');
    expect(await shop.ledger.balance(customerId)).toBe(70_000);
    await expectConsistent(shop, customerId);

    // references are per tenant: another tenant may use the same one
    const other = await freshCustomer();
    expect(
      await other.shop.ledger.credit({
        customerId: other.customerId,
        amount: 5,
        kind: 'topup',
        externalRef: 'zp-A1',
      }),
    ).toMatchObject({ status: 'posted', balance: 5 });
  });

  it('20 concurrent credits with one external reference post exactly one entry', async () => {
    const { shop, customerId } = await freshCustomer();
    const posting: PostingInput = {
      customerId,
      amount: 25_000,
      kind: 'topup',
      externalRef: 'stars-charge-1',
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => shop.ledger.credit(posting)));
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 'posted')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'duplicate')).toHaveLength(19);
    const { balance, entries } = await expectConsistent(shop, customerId);
    expect(balance).toBe(25_000);
    expect(entries).toHaveLength(1);
  });

  it('20 concurrent debits of 10 from a balance of 100 post exactly 10 and never go below zero', async () => {
    const { shop, customerId } = await freshCustomer();
    await shop.ledger.credit({ customerId, amount: 100, kind: 'admin_credit' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        shop.ledger.debit({ customerId, amount: 10, kind: 'purchase', externalRef: `order-${index}` }),
      ),
    );
    expect(results.filter((result) => result.status === 'posted')).toHaveLength(10);
    const refused = results.filter((result) => result.status === 'insufficient');
    expect(refused).toHaveLength(10);
    for (const result of refused) expect(result).toEqual({ status: 'insufficient', balance: 0, missing: 10 });
    const { balance, entries } = await expectConsistent(shop, customerId);
    expect(balance).toBe(0);
    expect(entries).toHaveLength(11);
    expect(entries.map((entry) => entry.balanceAfter).sort((a, b) => a - b)).toEqual([
      0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100,
    ]);
  });

  it('concurrent credits and debits of several customers leave every balance equal to its entries', async () => {
    const { shop, customerId } = await freshCustomer();
    const second = (await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa')).customer.id;
    await Promise.all([
      ...Array.from({ length: 10 }, (_, index) =>
        shop.ledger.credit({
          customerId: index % 2 ? customerId : second,
          amount: 100 + index,
          kind: 'topup',
        }),
      ),
      ...Array.from({ length: 10 }, (_, index) =>
        shop.ledger.debit({ customerId: index % 2 ? customerId : second, amount: 50, kind: 'purchase' }),
      ),
    ]);
    await expectConsistent(shop, customerId);
    await expectConsistent(shop, second);
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });

  it('keeps exact sums over many large credits, holds exactly MAX_MONEY and refuses the unit beyond it', async () => {
    const { shop, customerId } = await freshCustomer();
    // 1000 credits of the largest amount the service takes, until the balance is exactly at the
    // maximum: read as numbers, this is where a lost unit would show (the issue measured one past
    // 2^53). Posted 100 to a transaction, through the same postEntry as every credit, to keep it quick.
    const step = 1_000_000_000_000;
    for (let batch = 0; batch < 10; batch += 1) {
      await inTenant(t.database.handle.db, shop.botId, async (tx) => {
        for (let index = 0; index < 100; index += 1) {
          const credited = await postEntry(tx, {
            customerId,
            amount: step,
            kind: 'admin_credit',
          });
          expect(credited.status).toBe('posted');
        }
      });
    }
    const { balance, entries } = await expectConsistent(shop, customerId);
    expect(balance).toBe(MAX_MONEY);
    expect(entries).toHaveLength(1000);
    expect((await shop.customers.get(customerId))?.balance).toBe(MAX_MONEY);

    // one unit more is refused as a value, and nothing is written
    expect(await shop.ledger.credit({ customerId, amount: 1, kind: 'admin_credit' })).toEqual({
      status: 'over_limit',
      balance: MAX_MONEY,
      room: 0,
    });
    expect(await shop.ledger.balance(customerId)).toBe(MAX_MONEY);
    expect(await shop.ledger.entries(customerId, 2000)).toHaveLength(1000);

    // a debit still works, and the room it leaves is exact to the unit
    expect(await shop.ledger.debit({ customerId, amount: 3, kind: 'purchase' })).toMatchObject({
      status: 'posted',
      balance: MAX_MONEY - 3,
    });
    expect(
      await shop.ledger.credit({ customerId, amount: 4, kind: 'topup', externalRef: 'pay-over' }),
    ).toEqual({ status: 'over_limit', balance: MAX_MONEY - 3, room: 3 });
    // the refused reference was not used up; the same reference at the maximum is a duplicate
    expect(
      await shop.ledger.credit({ customerId, amount: 3, kind: 'topup', externalRef: 'pay-over' }),
    ).toMatchObject({ status: 'posted', balance: MAX_MONEY });
    expect(
      await shop.ledger.credit({ customerId, amount: 3, kind: 'topup', externalRef: 'pay-over' }),
    ).toMatchObject({ status: 'duplicate', balance: MAX_MONEY });
    const after = await expectConsistent(shop, customerId);
    expect(after.balance).toBe(MAX_MONEY);
    expect(after.entries[0]).toMatchObject({ amount: 3, balanceAfter: MAX_MONEY });
    expect(after.entries).toHaveLength(1002);
  });

  it('refuses, inside a transaction, a posting that passes the maximum in one step', async () => {
    const { shop, customerId } = await freshCustomer();
    const post = (amount: number) =>
      inTenant(t.database.handle.db, shop.botId, (tx) =>
        postEntry(tx, { customerId, amount, kind: 'migration' }),
      );
    expect(await post(MAX_MONEY + 1)).toEqual({ status: 'over_limit', balance: 0, room: MAX_MONEY });
    expect(await shop.ledger.entries(customerId)).toEqual([]);
    expect(await post(MAX_MONEY)).toMatchObject({ status: 'posted', balance: MAX_MONEY });
    expect(await post(1)).toEqual({ status: 'over_limit', balance: MAX_MONEY, room: 0 });
    // amounts a number cannot hold exactly are a caller's bug, not money
    await expect(post(2 ** 53)).rejects.toThrow(RangeError);
    await expect(post(0.5)).rejects.toThrow(RangeError);
    const { balance, entries } = await expectConsistent(shop, customerId);
    expect(balance).toBe(MAX_MONEY);
    expect(entries).toHaveLength(1);
  });

  // BUG (src/modules/ledger/ledger-service.ts, postEntry): the duplicate check locks only the
  // customer's row, so two postings with the same externalRef for two DIFFERENT customers of a
  // tenant are not serialised: both find no entry, both insert, and the loser's insert violates
  // unique (bot_id, external_ref) and throws instead of answering 'duplicate'. On PGlite (one
  // connection, transactions run one after the other) it cannot happen; on PostgreSQL it does.
  it('the same external reference posted concurrently for two customers answers duplicate, not an error', async () => {
    const { shop, customerId } = await freshCustomer();
    const second = (await shop.customers.register({ telegramId: nextTelegramId++ }, 'fa')).customer.id;
    for (let round = 0; round < 10; round += 1) {
      const ref = `payment-${round}`;
      const results = await Promise.all([
        shop.ledger.credit({ customerId, amount: 10, kind: 'topup', externalRef: ref }),
        shop.ledger.credit({ customerId: second, amount: 10, kind: 'topup', externalRef: ref }),
      ]);
      expect(results.map((result) => result.status).sort()).toEqual(['duplicate', 'posted']);
    }
    expect(await shop.ledger.findImbalances()).toEqual([]);
  });
});
