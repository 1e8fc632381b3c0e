import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTranslator } from '../../../src/bot/i18n.js';
import { helpPageView } from '../../../src/http/api/help-routes.js';
import { DEFAULT_HELP_PAGES } from '../../../src/modules/help/default-pages.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, type Json, OPERATOR_TOKEN, startApi } from './support.js';

const translator = createTranslator();
const refunds = { title: 'Refunds?', body: 'Within three days.' };

describe.each(BACKENDS)('help pages API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  const fieldsOf = (answer: { body: Json }) =>
    answer.body.error.fields.map((f: { field: string }) => f.field);

  it('lists the default pages with the text customers read in each language', async () => {
    const { id, apiToken } = await h.tenant();
    const answer = await h.call('GET', `/api/v1/bots/${id}/help-pages`, { token: apiToken });
    expect(answer.status).toBe(200);
    const items = answer.body.items.map((item: unknown) => helpPageView.strict().parse(item));
    expect(items.map((page: { key: string }) => page.key)).toEqual(
      DEFAULT_HELP_PAGES.map((page) => page.key),
    );
    expect(items[0]).toMatchObject({
      key: 'guide-v2rayng',
      kind: 'guide',
      isDefault: true,
      isHidden: false,
      isChanged: false,
      sortOrder: 10,
      updatedAt: null,
      texts: {
        fa: {
          title: 'v2rayNG (اندروید)',
          body: translator.t('fa', 'help-guide-v2rayng-body'),
          source: 'default',
        },
        en: { title: 'v2rayNG (Android)', source: 'default' },
        ru: { title: 'v2rayNG (Android)', source: 'default' },
      },
    });
  });

  it('writes a text per language, hides, resets a default page; the other bot keeps its own', async () => {
    const a = await h.tenant('A');
    const b = await h.tenant('B');
    const path = `/api/v1/bots/${a.id}/help-pages/faq-link`;
    const put = await h.call('PUT', path, {
      token: a.apiToken,
      body: { texts: { en: refunds }, isHidden: true },
    });
    expect(put.status).toBe(200);
    expect(helpPageView.strict().parse(put.body)).toMatchObject({
      isHidden: true,
      isChanged: true,
      texts: { en: { ...refunds, source: 'shop' }, fa: { source: 'default' } },
    });
    const theirs = await h.call('GET', `/api/v1/bots/${b.id}/help-pages/faq-link`, { token: b.apiToken });
    expect(theirs.body).toMatchObject({ isHidden: false, texts: { en: { source: 'default' } } });

    const back = await h.call('PUT', path, { token: OPERATOR_TOKEN, body: { texts: { en: null } } });
    expect(back.body.texts.en.source).toBe('default');
    const reset = await h.call('DELETE', path, { token: a.apiToken });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ key: 'faq-link', isHidden: false, isChanged: false });
  });

  it("creates, changes and deletes a bot's own page", async () => {
    const { id, apiToken } = await h.tenant();
    const created = await h.call('POST', `/api/v1/bots/${id}/help-pages`, {
      token: apiToken,
      body: { texts: { en: refunds } },
    });
    expect(created.status).toBe(201);
    const page = helpPageView.strict().parse(created.body);
    expect(page).toMatchObject({ kind: 'faq', isDefault: false, sortOrder: 90 });
    // a language without its own text shows one the page has
    expect(page.texts.fa).toEqual({ ...refunds, source: 'fallback' });
    const path = `/api/v1/bots/${id}/help-pages/${page.key}`;
    expect((await h.call('GET', path, { token: apiToken })).body.key).toBe(page.key);

    const last = await h.call('PUT', path, { token: apiToken, body: { texts: { en: null } } });
    expectErrorBody(last, 400, 'invalid_request');
    expect(fieldsOf(last)).toEqual(['body.texts']);
    const deleted = await h.call('DELETE', path, { token: apiToken });
    expect(deleted.status).toBe(204);
    expectErrorBody(await h.call('GET', path, { token: apiToken }), 404, 'not_found');
    expectErrorBody(await h.call('DELETE', path, { token: apiToken }), 404, 'not_found');
  });

  it('refuses texts that do not fit, naming the field, and stores nothing', async () => {
    const { id, apiToken } = await h.tenant();
    const base = `/api/v1/bots/${id}/help-pages`;
    const tooLong = await h.call('PUT', `${base}/guide-happ`, {
      token: apiToken,
      body: { texts: { fa: { title: 'x'.repeat(65), body: 'y'.repeat(4001) } } },
    });
    expectErrorBody(tooLong, 400, 'invalid_request');
    expect(fieldsOf(tooLong)).toEqual(expect.arrayContaining(['body.texts.fa.title', 'body.texts.fa.body']));
    for (const body of [
      { texts: {} },
      { texts: { de: refunds } },
      { texts: { en: refunds }, botId: 1 },
      { kind: 'video', texts: { en: refunds } },
    ]) {
      const refused = await h.call('POST', base, { token: apiToken, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
    }
    expectErrorBody(
      await h.call('PUT', `${base}/guide-happ`, { token: apiToken, body: {} }),
      400,
      'invalid_request',
    );
    expectErrorBody(await h.call('GET', `${base}/Bad%20Key`, { token: apiToken }), 400, 'invalid_request');
    expectErrorBody(await h.call('GET', `${base}/no-such-page`, { token: apiToken }), 404, 'not_found');
    expect(await h.app.forTenant(id).help.findPages()).toMatchObject(
      DEFAULT_HELP_PAGES.map((page) => ({ key: page.key, isChanged: false })),
    );
  });

  it('answers 409 past the number of pages a bot may have of its own', async () => {
    const { id, apiToken } = await h.tenant();
    const help = h.app.forTenant(id).help;
    for (let i = 0; i < 30; i++) await help.create({ texts: { en: { title: `Q${i}`, body: 'A' } } });
    const refused = await h.call('POST', `/api/v1/bots/${id}/help-pages`, {
      token: apiToken,
      body: { texts: { en: refunds } },
    });
    expectErrorBody(refused, 409, 'conflict');
  });
});
