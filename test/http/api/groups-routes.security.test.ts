import { expect } from 'vitest';
import { asGroupId } from '../../../src/modules/groups/groups-service.js';
import { describeSecurity, type Fixture } from './security.js';

/*
 * The customer groups routes' refusals: each tenant has a group (named after it) besides the shared
 * fixture's plan and customer; a path or body naming another tenant's group, plan or customer under
 * one's own bot is a 404 like another tenant's bot.
 */

interface GroupFixture extends Fixture {
  readonly groupId: number;
}

const group = (bot: GroupFixture, items: GroupFixture = bot) =>
  `/api/v1/bots/${bot.id}/groups/${items.groupId}`;
const customerGroup = (bot: GroupFixture, customerId: number) =>
  `/api/v1/bots/${bot.id}/customers/${customerId}/group`;

describeSecurity<GroupFixture>(
  'customer groups',
  [
    { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/groups` },
    { method: 'POST', path: (bot) => `/api/v1/bots/${bot.id}/groups`, body: { name: 'Z' } },
    { method: 'GET', path: group, nested: true },
    { method: 'PUT', path: group, body: { discountPercent: 99 }, nested: true },
    { method: 'DELETE', path: group, nested: true },
    // the other tenant's group with one's own plan, one's own group with its plan, or both its own
    {
      method: 'PUT',
      path: (bot, items) => `${group(bot, items)}/prices/${bot.planId}`,
      body: { price: 1 },
      nested: true,
    },
    {
      method: 'PUT',
      path: (bot, items = bot) => `${group(bot)}/prices/${items.planId}`,
      body: { price: 1 },
      nested: true,
    },
    {
      method: 'DELETE',
      path: (bot, items = bot) => `${group(bot, items)}/prices/${items.planId}`,
      nested: true,
    },
    // the other tenant's customer into one's own group, or one's own customer into its group
    {
      method: 'PUT',
      path: (bot, items = bot) => customerGroup(bot, items.customerId),
      body: (bot: GroupFixture) => ({ groupId: bot.groupId }),
      nested: true,
    },
    {
      method: 'PUT',
      path: (bot) => customerGroup(bot, bot.customerId),
      body: (bot: GroupFixture, items: GroupFixture = bot) => ({ groupId: items.groupId }),
      nested: true,
    },
  ],
  {
    items: 'group, plan or customer',
    fixture: async (h, fixture, name) => {
      const created = await h.app.forTenant(fixture.id).groups.create({ name, discountPercent: 5 });
      if (!created.ok) throw new Error('fixture');
      return { ...fixture, groupId: created.value.id };
    },
    state: async (h, fixture) => {
      const groups = h.app.forTenant(fixture.id).groups;
      // the group with its prices and members, and every group of the tenant
      return { group: await groups.get(asGroupId(fixture.groupId)), groups: await groups.findAll() };
    },
    afterwards: async ({ h, b }) => {
      expect((await h.app.forTenant(b.id).groups.findAll()).map((g) => g.name)).toEqual(['Beta']);
    },
  },
);
