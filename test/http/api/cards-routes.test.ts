import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardView } from '../../../src/http/api/cards-routes.js';
import { asCardId } from '../../../src/shared/ids.js';
import { withLuhnDigit } from '../../modules/helpers.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, startApi } from './support.js';

let nextCard = 603_799_100_000_000;
const cardNumber = () => withLuhnDigit(String(nextCard++));

describe.each(BACKENDS)('cards API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it('adds a card typed with dashes, stored as digits, with no success rate yet', async () => {
    const { id, apiToken } = await h.tenant();
    const digits = cardNumber();
    const typed = digits.replace(/(\d{4})(?=\d)/g, '$1-');
    const created = await h.call('POST', `/api/v1/bots/${id}/cards`, {
      token: apiToken,
      body: { cardNumber: typed, holderName: 'Ali Rezaei', bankName: 'Melli' },
    });
    expect(created.status).toBe(201);
    const card = cardView.strict().parse(created.body);
    expect(card).toMatchObject({
      cardNumber: digits,
      holderName: 'Ali Rezaei',
      bankName: 'Melli',
      weight: 1,
      isActive: true,
      successCount: 0,
      failureCount: 0,
      successRate: null,
      usageCount: 0,
      lastUsedAt: null,
    });
    expect(await h.app.forTenant(id).cards.get(asCardId(card.id))).toMatchObject({ cardNumber: digits });

    const twice = await h.call('POST', `/api/v1/bots/${id}/cards`, {
      token: apiToken,
      body: { cardNumber: digits, holderName: 'Again' },
    });
    expectErrorBody(twice, 400, 'invalid_request');
    expect(twice.body.error.fields[0].field).toBe('body.cardNumber');
    const bad = await h.call('POST', `/api/v1/bots/${id}/cards`, {
      token: apiToken,
      body: { cardNumber: '1234-5678-9012-3456', holderName: '' },
    });
    expectErrorBody(bad, 400, 'invalid_request');
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['body.cardNumber', 'body.holderName']),
    );
    expect(await h.app.forTenant(id).cards.findAll()).toHaveLength(1);
  });

  it('lists cards with their success rates, a page at a time, optionally only active ones', async () => {
    const { id, apiToken } = await h.tenant();
    const cards = h.app.forTenant(id).cards;
    const good = await cards.create({ cardNumber: cardNumber(), holderName: 'Good' });
    const mixed = await cards.create({ cardNumber: cardNumber(), holderName: 'Mixed' });
    const off = await cards.create({ cardNumber: cardNumber(), holderName: 'Off', isActive: false });
    if (!good.ok || !mixed.ok || !off.ok) throw new Error('setup');
    for (let i = 0; i < 3; i++) await cards.recordSuccess(good.value.id);
    await cards.recordSuccess(mixed.value.id);
    for (let i = 0; i < 3; i++) await cards.recordFailure(mixed.value.id);

    const all = await h.call('GET', `/api/v1/bots/${id}/cards`, { token: apiToken });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, nextOffset: null });
    expect(
      all.body.items.map((c: { holderName: string; successRate: number | null }) => [
        c.holderName,
        c.successRate,
      ]),
    ).toEqual([
      ['Good', 1],
      ['Mixed', 0.25],
      ['Off', null],
    ]);
    expect(all.body.items[1]).toMatchObject({ successCount: 1, failureCount: 3 });

    const page = await h.call('GET', `/api/v1/bots/${id}/cards?limit=2`, { token: apiToken });
    expect(page.body).toMatchObject({ total: 3, nextOffset: 2 });
    const active = await h.call('GET', `/api/v1/bots/${id}/cards?active=true`, { token: apiToken });
    expect(active.body.items.map((c: { holderName: string }) => c.holderName)).toEqual(['Good', 'Mixed']);
  });

  it('gets, changes and switches off a card', async () => {
    const { id, apiToken } = await h.tenant();
    const created = await h.app.forTenant(id).cards.create({ cardNumber: cardNumber(), holderName: 'Sara' });
    if (!created.ok) throw new Error('setup');
    const path = `/api/v1/bots/${id}/cards/${created.value.id}`;

    const got = await h.call('GET', path, { token: apiToken });
    expect(got.body).toMatchObject({ id: created.value.id, holderName: 'Sara' });

    const changed = await h.call('PUT', path, { token: apiToken, body: { weight: 5, bankName: 'Saman' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ weight: 5, bankName: 'Saman', holderName: 'Sara' });
    expect(await h.app.forTenant(id).cards.get(created.value.id)).toMatchObject({ weight: 5 });
    expectErrorBody(
      await h.call('PUT', path, { token: apiToken, body: { weight: 0 } }),
      400,
      'invalid_request',
    );

    const off = await h.call('DELETE', path, { token: apiToken });
    expect(off.body).toMatchObject({ id: created.value.id, isActive: false });
    // no longer offered to customers
    expect(await h.app.forTenant(id).cards.pickNext()).toBeUndefined();
    const on = await h.call('PUT', path, { token: apiToken, body: { isActive: true } });
    expect(on.body.isActive).toBe(true);
    expect((await h.app.forTenant(id).cards.pickNext())?.id).toBe(created.value.id);

    for (const method of ['GET', 'DELETE'] as const) {
      expectErrorBody(
        await h.call(method, `/api/v1/bots/${id}/cards/99999999`, { token: apiToken }),
        404,
        'not_found',
      );
    }
    expectErrorBody(
      await h.call('PUT', `/api/v1/bots/${id}/cards/99999999`, { token: apiToken, body: { weight: 2 } }),
      404,
      'not_found',
    );
  });
});
