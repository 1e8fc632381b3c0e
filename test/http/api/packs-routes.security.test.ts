import { expect } from 'vitest';
import { asPackId } from '../../../src/shared/ids.js';
import { describeSecurity, type Fixture } from './security.js';

/*
 * The packs routes' refusals: the shared fixture has no pack, so each tenant gets one, and the
 * packs are in the snapshot of what a refusal must leave alone.
 */

interface PackFixture extends Fixture {
  readonly packId: number;
}

const pack = (bot: PackFixture, items: PackFixture = bot) => `/api/v1/bots/${bot.id}/packs/${items.packId}`;

describeSecurity<PackFixture>(
  'packs',
  [
    { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/packs` },
    {
      method: 'POST',
      path: (bot) => `/api/v1/bots/${bot.id}/packs`,
      body: { kind: 'traffic', amount: 1, price: 1 },
    },
    { method: 'GET', path: pack, nested: true },
    { method: 'PUT', path: pack, body: { price: 1, isActive: false }, nested: true },
    { method: 'DELETE', path: pack, nested: true },
  ],
  {
    items: 'pack',
    fixture: async (h, fixture) => {
      const created = await h.app
        .forTenant(fixture.id)
        .packs.create({ kind: 'days', amount: 30, price: 90_000 });
      if (!created.ok) throw new Error('fixture');
      return { ...fixture, packId: created.value.id };
    },
    state: async (h, fixture) => ({ packs: await h.app.forTenant(fixture.id).packs.findAll() }),
    afterwards: async ({ h, b }) => {
      expect(await h.app.forTenant(b.id).packs.get(asPackId(b.packId))).toMatchObject({
        isActive: true,
        price: 90_000,
      });
    },
  },
);
