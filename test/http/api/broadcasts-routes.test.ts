import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastView } from '../../../src/http/api/broadcasts-routes.js';
import type { BotId } from '../../../src/shared/ids.js';
import { BACKENDS } from '../../support/database.js';
import { type ApiHarness, expectErrorBody, type Json, OPERATOR_TOKEN, startApi } from './support.js';

let nextTelegramId = 8_600_000_000;

describe.each(BACKENDS)('broadcasts API on %s', (backend) => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApi(backend);
  });
  afterAll(() => h.close());

  const customers = async (botId: BotId, languages: ('fa' | 'en' | 'ru')[]) => {
    for (const language of languages)
      await h.app
        .forTenant(botId)
        .customers.register({ telegramId: nextTelegramId++, firstName: 'C' }, language);
  };
  const fieldsOf = (answer: { body: Json }) =>
    answer.body.error.fields.map((f: { field: string }) => f.field);

  it('counts a segment, creates a broadcast for it and shows its progress', async () => {
    const { id, apiToken } = await h.tenant();
    await customers(id, ['fa', 'fa', 'en']);
    const count = await h.call('GET', `/api/v1/bots/${id}/broadcasts/audience?segment=language&language=fa`, {
      token: apiToken,
    });
    expect(count).toMatchObject({ status: 200, body: { count: 2 } });
    const answer = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
      token: apiToken,
      body: {
        text: 'سلام',
        button: { text: 'Shop', url: 'https://example.com' },
        segment: 'language',
        language: 'fa',
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      origin: 'api',
      status: 'sending',
      text: 'سلام',
      segment: 'language',
      language: 'fa',
      total: 2,
      button: { text: 'Shop', url: 'https://example.com' },
      counts: { pending: 2, sent: 0 },
    });
    const got = await h.call('GET', `/api/v1/bots/${id}/broadcasts/${answer.body.id}`, {
      token: OPERATOR_TOKEN,
    });
    expect(got.body).toMatchObject({ id: answer.body.id, counts: { pending: 2 } });
    const list = await h.call('GET', `/api/v1/bots/${id}/broadcasts`, { token: apiToken });
    expect(list.body).toMatchObject({ total: 1, nextOffset: null });
    expect(broadcastView.strict().parse(list.body.items[0])).toMatchObject({ id: answer.body.id });
  });

  it('takes a photo by URL or by file id with its caption, and a tg:// button', async () => {
    const { id, apiToken } = await h.tenant();
    await customers(id, ['en']);
    for (const photo of ['https://example.com/servers.jpg', 'AgACAgIAAxkBAAIBZ2V_file-id_1']) {
      const answer = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
        token: apiToken,
        body: {
          text: 'c'.repeat(1024),
          photo,
          button: { text: 'Channel', url: 'tg://resolve?domain=remnafleet' },
          segment: 'all',
        },
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        photo,
        button: { text: 'Channel', url: 'tg://resolve?domain=remnafleet' },
        total: 1,
      });
    }
    // neither a file id nor an http(s) URL; a button's text over 64 characters
    for (const body of [
      { text: 'x', photo: 'ftp://example.com/a.jpg', segment: 'all' },
      { text: 'x', photo: 'not a file id', segment: 'all' },
      { text: 'x', button: { text: 'b'.repeat(65), url: 'https://example.com' }, segment: 'all' },
      { text: 'x', button: { text: 'Go', url: 'javascript:alert(1)' }, segment: 'all' },
    ]) {
      const refused = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, { token: apiToken, body });
      expectErrorBody(refused, 400, 'invalid_request');
    }
  });

  it('refuses bad input with the fields named, an empty segment and a shop with broadcasts off (409)', async () => {
    const { id, apiToken } = await h.tenant();
    await customers(id, ['en']);
    const bad = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
      token: apiToken,
      body: { text: '', segment: 'everyone', extra: 1 },
    });
    expectErrorBody(bad, 400, 'invalid_request');
    expect(fieldsOf(bad)).toEqual(expect.arrayContaining(['body.text', 'body.segment']));
    const noLanguage = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
      token: apiToken,
      body: { text: 'x', segment: 'language' },
    });
    expectErrorBody(noLanguage, 400, 'invalid_request');
    const caption = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
      token: apiToken,
      body: { text: 'x'.repeat(1025), photo: 'https://example.com/a.jpg', segment: 'all' },
    });
    expectErrorBody(caption, 400, 'invalid_request');
    const link = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
      token: apiToken,
      body: { text: 'x', button: { text: 'Go', url: 'ftp://example.com' }, segment: 'all' },
    });
    expectErrorBody(link, 400, 'invalid_request');
    const empty = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
      token: apiToken,
      body: { text: 'x', segment: 'active' },
    });
    expectErrorBody(empty, 409, 'conflict');
    await h.app.forTenant(id).flags.set('broadcasts', false);
    const off = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
      token: apiToken,
      body: { text: 'x', segment: 'all' },
    });
    expectErrorBody(off, 409, 'conflict');
    expect((await h.call('GET', `/api/v1/bots/${id}/broadcasts`, { token: apiToken })).body.total).toBe(0);
  });

  it('cancels a broadcast once; 404 for one that does not exist', async () => {
    const { id, apiToken } = await h.tenant();
    await customers(id, ['ru', 'ru']);
    const created = await h.call('POST', `/api/v1/bots/${id}/broadcasts`, {
      token: apiToken,
      body: { text: 'x', segment: 'all' },
    });
    const path = `/api/v1/bots/${id}/broadcasts/${created.body.id}/cancel`;
    const cancelled = await h.call('POST', path, { token: apiToken });
    expect(cancelled).toMatchObject({
      status: 200,
      body: { status: 'cancelled', counts: { cancelled: 2, pending: 0 } },
    });
    expectErrorBody(await h.call('POST', path, { token: apiToken }), 409, 'conflict');
    expectErrorBody(
      await h.call('POST', `/api/v1/bots/${id}/broadcasts/999999/cancel`, { token: apiToken }),
      404,
      'not_found',
    );
  });
});
