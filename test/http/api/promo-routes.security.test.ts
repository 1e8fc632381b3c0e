import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPromoCodeId } from '../../../src/modules/promo/promo-code.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, startApi } from './support.js';

describe.each(BACKENDS)('promo codes API security on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  it("answers 404 to another tenant's bot or code and changes nothing", async () => {
    const a = await h.tenant('Alpha');
    const b = await h.tenant('Beta');
    const aCode = await h.app.forTenant(a.id).promo.create({ code: 'ALPHA', kind: 'balance', amount: 1 });
    const bCode = await h.app.forTenant(b.id).promo.create({ code: 'BETA', kind: 'balance', amount: 1 });
    if (!aCode.ok || !bCode.ok) throw new Error('fixture');
    const state = async () => ({
      a: await h.app.forTenant(a.id).promo.findPage({ limit: 10, offset: 0 }),
      b: await h.app.forTenant(b.id).promo.findPage({ limit: 10, offset: 0 }),
    });
    const before = await state();
    const onA: [string, string, unknown?][] = [
      ['GET', `/api/v1/bots/${a.id}/promo-codes`],
      ['POST', `/api/v1/bots/${a.id}/promo-codes`, { code: 'NEW', kind: 'balance', amount: 1 }],
      ['GET', `/api/v1/bots/${a.id}/promo-codes/${aCode.value.id}`],
      ['DELETE', `/api/v1/bots/${a.id}/promo-codes/${aCode.value.id}`],
      ['PUT', `/api/v1/bots/${a.id}/promo-codes/${aCode.value.id}`, { isActive: false }],
    ];
    for (const [method, path, body] of onA) {
      const answer = await h.call(method, path, { token: b.apiToken, ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expectErrorBody(answer, 404, 'not_found');
    }
    const nested: [string, string, unknown?][] = [
      ['GET', `/api/v1/bots/${a.id}/promo-codes/${bCode.value.id}`],
      ['DELETE', `/api/v1/bots/${a.id}/promo-codes/${bCode.value.id}`],
      ['PUT', `/api/v1/bots/${a.id}/promo-codes/${bCode.value.id}`, { isActive: false }],
    ];
    for (const [method, path, body] of nested) {
      const answer = await h.call(method, path, { token: a.apiToken, ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(404);
    }
    expect(await state()).toEqual(before);
    expect((await h.app.forTenant(b.id).promo.get(asPromoCodeId(bCode.value.id)))?.isActive).toBe(true);
  });
});
