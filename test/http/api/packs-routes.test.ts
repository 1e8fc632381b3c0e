import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orders } from '../../../src/db/schema.js';
import { inTenant } from '../../../src/db/tenant-tx.js';
import { packView } from '../../../src/http/api/packs-routes.js';
import { asPackId, type BotId } from '../../../src/shared/ids.js';
import { MAX_MONEY } from '../../../src/shared/money.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, type Json, OPERATOR_TOKEN, startApi } from './support.js';

const tenGb = { kind: 'traffic', amount: 10, price: 50_000 } as const;
const month = { kind: 'days', amount: 30, price: 90_000 } as const;

describe.each(BACKENDS)('packs API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  const created = async (botId: BotId, input: typeof tenGb | typeof month, extra: object = {}) => {
    const pack = await h.app.forTenant(botId).packs.create({ ...input, ...extra });
    if (!pack.ok) throw new Error(pack.error.message);
    return pack.value;
  };
  const fieldsOf = (answer: { body: Json }) =>
    answer.body.error.fields.map((f: { field: string }) => f.field);

  it('creates a pack with defaults for what is left out', async () => {
    const { id, apiToken } = await h.tenant();
    const answer = await h.call('POST', `/api/v1/bots/${id}/packs`, { token: apiToken, body: tenGb });
    expect(answer.status).toBe(201);
    const pack = packView.strict().parse(answer.body);
    expect(pack).toMatchObject({ ...tenGb, isActive: true, sortOrder: 0 });
    expect(await h.app.forTenant(id).packs.get(asPackId(pack.id))).toMatchObject({ ...tenGb, botId: id });

    const days = await h.call('POST', `/api/v1/bots/${id}/packs`, {
      token: OPERATOR_TOKEN,
      body: { ...month, amount: 3650, price: MAX_MONEY, isActive: false, sortOrder: 7 },
    });
    expect(days.status).toBe(201);
    expect(days.body).toMatchObject({
      kind: 'days',
      amount: 3650,
      price: MAX_MONEY,
      isActive: false,
      sortOrder: 7,
    });
  });

  it('refuses an invalid pack with every bad field named, and stores nothing', async () => {
    const { id, apiToken } = await h.tenant();
    const path = `/api/v1/bots/${id}/packs`;
    const refused = await h.call('POST', path, {
      token: apiToken,
      body: { kind: 'devices', amount: 0, price: 1.5, botId: 1 },
    });
    expectErrorBody(refused, 400, 'invalid_request');
    expect(fieldsOf(refused)).toEqual(
      expect.arrayContaining(['body.kind', 'body.amount', 'body.price', 'body']),
    );
    expect(refused.body.error.message).toContain('botId');

    const tooLong = await h.call('POST', path, { token: apiToken, body: { ...month, amount: 3651 } });
    expectErrorBody(tooLong, 400, 'invalid_request');
    expect(fieldsOf(tooLong)).toEqual(['body.amount']);
    expect(tooLong.body.error.message).toContain('a day pack adds at most 3650 days');
    const tooDear = await h.call('POST', path, { token: apiToken, body: { ...tenGb, price: MAX_MONEY + 1 } });
    expect(fieldsOf(tooDear)).toEqual(['body.price']);
    expectErrorBody(
      await h.call('POST', path, { token: apiToken, body: { amount: 5, price: 5 } }),
      400,
      'invalid_request',
    );
    expect(await h.app.forTenant(id).packs.findAll()).toEqual([]);
  });

  it('lists packs in the tenant order, a page at a time, by kind and state', async () => {
    const { id, apiToken } = await h.tenant();
    await created(id, tenGb, { amount: 50, sortOrder: 10 });
    await created(id, month, { sortOrder: 5 });
    await created(id, tenGb, { amount: 5, sortOrder: 1, isActive: false });
    const list = (query = '') => h.call('GET', `/api/v1/bots/${id}/packs${query}`, { token: apiToken });
    const amounts = (answer: { body: Json }) => answer.body.items.map((p: { amount: number }) => p.amount);

    const all = await list();
    expect(all.status).toBe(200);
    expect(amounts(all)).toEqual([5, 30, 50]);
    expect(all.body).toMatchObject({ total: 3, nextOffset: null });
    for (const item of all.body.items) packView.strict().parse(item);

    const page = await list('?limit=1&offset=1');
    expect(amounts(page)).toEqual([30]);
    expect(page.body).toMatchObject({ total: 3, nextOffset: 2 });
    expect(amounts(await list('?kind=traffic'))).toEqual([5, 50]);
    expect(amounts(await list('?kind=traffic&active=true'))).toEqual([50]);
    expect(amounts(await list('?active=false'))).toEqual([5]);
    expectErrorBody(await list('?kind=devices'), 400, 'invalid_request');
  });

  it('gets one pack, and 404 for one that does not exist', async () => {
    const { id, apiToken } = await h.tenant();
    const pack = await created(id, month);
    const got = await h.call('GET', `/api/v1/bots/${id}/packs/${pack.id}`, { token: apiToken });
    expect(got.body).toMatchObject({ id: pack.id, ...month });
    expectErrorBody(
      await h.call('GET', `/api/v1/bots/${id}/packs/99999999`, { token: apiToken }),
      404,
      'not_found',
    );
    expectErrorBody(
      await h.call('GET', `/api/v1/bots/${id}/packs/0`, { token: apiToken }),
      400,
      'invalid_request',
    );
  });

  it('changes a pack: fields left out keep their value, the kind never changes', async () => {
    const { id, apiToken } = await h.tenant();
    const pack = await created(id, month);
    const path = `/api/v1/bots/${id}/packs/${pack.id}`;
    const changed = await h.call('PUT', path, { token: apiToken, body: { price: 120_000, amount: 60 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ kind: 'days', amount: 60, price: 120_000, isActive: true });

    for (const body of [{}, { price: 0 }, { kind: 'traffic' }, { amount: 5000 }]) {
      const refused = await h.call('PUT', path, { token: apiToken, body });
      expectErrorBody(refused, 400, 'invalid_request');
    }
    const overDays = await h.call('PUT', path, { token: apiToken, body: { amount: 5000 } });
    expect(fieldsOf(overDays)).toEqual(['body.amount']);
    expectErrorBody(
      await h.call('PUT', `/api/v1/bots/${id}/packs/99999999`, { token: apiToken, body: { price: 1 } }),
      404,
      'not_found',
    );
    expect(await h.app.forTenant(id).packs.get(pack.id)).toMatchObject({
      kind: 'days',
      amount: 60,
      price: 120_000,
    });
  });

  it('erases a pack nobody ordered, and only switches off one an order points at', async () => {
    const { id, apiToken } = await h.tenant();
    const services = h.app.forTenant(id);
    const unused = await created(id, tenGb);
    const gone = await h.call('DELETE', `/api/v1/bots/${id}/packs/${unused.id}`, { token: apiToken });
    expect(gone.status).toBe(204);
    expect(gone.body).toBeUndefined();
    expect(await services.packs.get(unused.id)).toBeUndefined();
    expectErrorBody(
      await h.call('DELETE', `/api/v1/bots/${id}/packs/${unused.id}`, { token: apiToken }),
      404,
      'not_found',
    );

    // a customer ordered this one (and is still short of money): the order must keep naming it
    const ordered = await created(id, month);
    const { customer } = await services.customers.register(
      { telegramId: 7_400_000_001, firstName: 'Omid' },
      'fa',
    );
    await inTenant(h.t.database.handle.db, id, (tx) =>
      tx.insert(orders).values({
        botId: id,
        customerId: customer.id,
        kind: 'day_pack',
        packId: ordered.id,
        price: ordered.price,
        currency: 'IRT',
        periodDays: ordered.amount,
        trafficGb: 0,
        deviceLimit: 1,
      }),
    );
    const off = await h.call('DELETE', `/api/v1/bots/${id}/packs/${ordered.id}`, { token: apiToken });
    expect(off.status).toBe(200);
    expect(packView.strict().parse(off.body)).toMatchObject({ id: ordered.id, isActive: false });
    expect(await services.packs.findActive()).toEqual([]);
    expect((await services.orders.findByCustomer(customer.id))[0]?.packId).toBe(ordered.id);

    const on = await h.call('PUT', `/api/v1/bots/${id}/packs/${ordered.id}`, {
      token: apiToken,
      body: { isActive: true },
    });
    expect(on.body.isActive).toBe(true);
  });

  it('documents the routes with the schemas they parse', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
    const collection = doc.paths['/api/v1/bots/{id}/packs'];
    const item = doc.paths['/api/v1/bots/{id}/packs/{packId}'];
    expect(Object.keys(collection).sort()).toEqual(['get', 'post']);
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'put']);
    const body = collection.post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['kind', 'amount', 'price']);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.kind.enum).toEqual(['traffic', 'days']);
    expect(body.properties.price).toMatchObject({ type: 'integer', minimum: 1, maximum: MAX_MONEY });
    expect(Object.keys(item.delete.responses)).toEqual(expect.arrayContaining(['200', '204', '404']));
    expect(
      collection.get.parameters
        .filter((p: { in: string }) => p.in === 'query')
        .map((p: { name: string }) => p.name)
        .sort(),
    ).toEqual(['active', 'kind', 'limit', 'offset']);
  });
});
