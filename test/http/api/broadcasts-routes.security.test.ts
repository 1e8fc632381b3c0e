import { expect } from 'vitest';
import { describeSecurity, type Fixture } from './security.js';

/*
 * The broadcasts routes' refusals: each tenant has a broadcast (still sending: no job runner here),
 * and the snapshot of what a refusal must leave alone holds both tenants' broadcasts with their
 * recipients' states.
 */

interface BroadcastFixture extends Fixture {
  readonly broadcastId: number;
}

describeSecurity<BroadcastFixture>(
  'broadcasts',
  [
    { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/broadcasts` },
    { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/broadcasts/audience?segment=all` },
    {
      method: 'POST',
      path: (bot) => `/api/v1/bots/${bot.id}/broadcasts`,
      body: { text: 'x', segment: 'all' },
    },
    {
      method: 'GET',
      path: (bot, items = bot) => `/api/v1/bots/${bot.id}/broadcasts/${items.broadcastId}`,
      nested: true,
    },
    {
      method: 'POST',
      path: (bot, items = bot) => `/api/v1/bots/${bot.id}/broadcasts/${items.broadcastId}/cancel`,
      nested: true,
    },
  ],
  {
    items: 'broadcast',
    notFound: (items) => `broadcast ${items.broadcastId} was not found`,
    fixture: async (h, fixture, name) => {
      const created = await h.app
        .forTenant(fixture.id)
        .broadcasts.create({ text: `${name} news`, audience: { segment: 'all' }, origin: 'api' });
      if (!created.ok) throw new Error('fixture');
      return { ...fixture, broadcastId: created.value.id };
    },
    state: async (h, fixture) => {
      const broadcasts = h.app.forTenant(fixture.id).broadcasts;
      return {
        broadcasts: await broadcasts.list(),
        progress: await broadcasts.progress(fixture.broadcastId),
      };
    },
    afterwards: async ({ h, b }) => {
      expect((await h.app.forTenant(b.id).broadcasts.get(b.broadcastId))?.status).toBe('sending');
    },
  },
);
