import { expect } from 'vitest';
import { describeSecurity, type Fixture } from './security.js';

/*
 * The help routes' refusals: each tenant has a page of its own and a changed default page; another
 * tenant's token, or another tenant's page under one's own bot, answers 404 and changes nothing.
 */

interface HelpFixture extends Fixture {
  readonly pageKey: string;
}

const text = { title: 'Intruder', body: 'Changed' };
const page = (bot: HelpFixture, items: HelpFixture = bot) =>
  `/api/v1/bots/${bot.id}/help-pages/${items.pageKey}`;

describeSecurity<HelpFixture>(
  'help pages',
  [
    { method: 'GET', path: (bot) => `/api/v1/bots/${bot.id}/help-pages` },
    { method: 'POST', path: (bot) => `/api/v1/bots/${bot.id}/help-pages`, body: { texts: { en: text } } },
    { method: 'GET', path: page, nested: true },
    { method: 'PUT', path: page, body: { texts: { en: text }, isHidden: true }, nested: true },
    { method: 'DELETE', path: page, nested: true },
    // a default page exists in every bot: only the bot's own token reaches it
    { method: 'DELETE', path: (bot) => `/api/v1/bots/${bot.id}/help-pages/guide-happ` },
  ],
  {
    items: 'page',
    fixture: async (h, fixture, name) => {
      const help = h.app.forTenant(fixture.id).help;
      const created = await help.create({ texts: { en: { title: `${name} question`, body: 'Answer' } } });
      if (!created.ok) throw new Error('fixture');
      await help.setText('guide-happ', 'fa', { title: `${name} Happ`, body: 'متن' });
      return { ...fixture, pageKey: created.value.key };
    },
    state: async (h, fixture) => ({ help: await h.app.forTenant(fixture.id).help.findPages() }),
    afterwards: async ({ h, b }) => {
      const own = await h.call('GET', `/api/v1/bots/${b.id}/help-pages/guide-happ`, { token: b.apiToken });
      expect(own.body.texts.fa).toEqual({ title: 'Beta Happ', body: 'متن', source: 'shop' });
    },
  },
);
