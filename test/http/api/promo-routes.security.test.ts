import { expect } from 'vitest';
import { asPromoCodeId } from '../../../src/modules/promo/promo-code.js';
import { describeSecurity, type Fixture } from './security.js';

/* The promo code routes' refusals: each tenant has a code (its name in capitals). */

interface PromoFixture extends Fixture {
  readonly promoId: number;
}

const code = (bot: PromoFixture, items: PromoFixture = bot) =>
  `/api/v1/bots/${bot.id}/promo-codes/${items.promoId}`;

describeSecurity<PromoFixture>(
  'promo codes',
  [
    { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/promo-codes` },
    {
      method: 'POST',
      path: (bot) => `/api/v1/bots/${bot.id}/promo-codes`,
      body: { code: 'NEW', kind: 'balance', amount: 1 },
    },
    { method: 'GET', path: code, nested: true },
    { method: 'DELETE', path: code, nested: true },
    { method: 'PUT', path: code, body: { isActive: false }, nested: true },
  ],
  {
    items: 'code',
    fixture: async (h, fixture, name) => {
      const created = await h.app
        .forTenant(fixture.id)
        .promo.create({ code: name.toUpperCase(), kind: 'balance', amount: 1 });
      if (!created.ok) throw new Error('fixture');
      return { ...fixture, promoId: created.value.id };
    },
    state: async (h, fixture) => ({
      promo: await h.app.forTenant(fixture.id).promo.findPage({ limit: 10, offset: 0 }),
    }),
    afterwards: async ({ h, b }) => {
      expect((await h.app.forTenant(b.id).promo.get(asPromoCodeId(b.promoId)))?.isActive).toBe(true);
    },
  },
);
