import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { BACKENDS, TEST_ENCRYPTION_KEY } from '../support/database.js';
import { type FleetHarness, startFleetHarness } from '../support/fleet.js';
import { type ApiHarness, startApi } from './api/support.js';

/*
 * The routes anyone can reach without a token: Telegram's webhook and the browser's way back from
 * Zarinpal. They must not tell which shops exist, must not grow memory per made-up id, and must
 * take hostile text without a 500.
 */

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** What a response says, less what differs between any two responses (date, length of the same body). */
const answerOf = async (response: Response) => ({
  status: response.status,
  contentType: response.headers.get('content-type'),
  body: await response.text(),
});

const publicId = () => randomBytes(16).toString('hex');

describe.each(BACKENDS)('public routes of a running fleet on %s', (backend) => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness(backend, 'webhook');
  });
  afterAll(() => h.close());

  it('answers a webhook call without the right secret the same for a shop that exists and one that does not', async () => {
    const shop = await h.addTenant('Hidden');
    const update = JSON.stringify({ update_id: 1 });
    const unknownId = shop.id + 1_000_000;
    const answers = [
      await answerOf(await post(`${h.platform.url}/tg/${shop.id}`, update)),
      await answerOf(
        await post(`${h.platform.url}/tg/${shop.id}`, update, { 'x-telegram-bot-api-secret-token': 'wrong' }),
      ),
      await answerOf(await post(`${h.platform.url}/tg/${unknownId}`, update)),
      await answerOf(
        await post(`${h.platform.url}/tg/${unknownId}`, update, {
          'x-telegram-bot-api-secret-token': 'wrong',
        }),
      ),
    ];
    expect(answers[0]).toEqual({
      status: 401,
      contentType: expect.stringContaining('json'),
      body: '{"ok":false}',
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    // and the secret of another bot does not open this one
    const otherSecret = createHmac('sha256', TEST_ENCRYPTION_KEY)
      .update(`webhook:${unknownId}`)
      .digest('base64url');
    const crossed = await post(`${h.platform.url}/tg/${shop.id}`, update, {
      'x-telegram-bot-api-secret-token': otherSecret,
    });
    expect(await answerOf(crossed)).toEqual(answers[0]);
  });

  it('takes an update with a NUL and unpaired surrogates, storing replacement characters instead', async () => {
    const shop = await h.addTenant('Scrubbed');
    const user = h.sim.user({ firstName: 'Ali\u0000\ud800', username: 'ali_scrubbed' });
    user.start(shop.bot);
    const menu = await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.buttons.length > 0);
    expect(menu.text).toContain('Ali\ufffd\ufffd');
    const customer = await h.testApp.app.forTenant(shop.id).customers.getByTelegramId(user.id);
    expect(customer?.firstName).toBe('Ali\ufffd\ufffd');
    // the bot stays healthy: the text was not a failure of the shop
    expect(h.platform.fleet.status().find((s) => s.botId === shop.id)?.health).not.toBe('failing');
  });

  it('takes an update whose JSON starts with a byte order mark', async () => {
    const shop = await h.addTenant('Marked');
    const user = h.sim.user({ firstName: 'Sara' });
    const secret = createHmac('sha256', TEST_ENCRYPTION_KEY).update(`webhook:${shop.id}`).digest('base64url');
    const update = {
      update_id: 900_001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: 'private', first_name: 'Sara' },
        from: { id: user.id, is_bot: false, first_name: 'Sara' },
        text: '/start',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    };
    const answer = await post(`${h.platform.url}/tg/${shop.id}`, `\uFEFF${JSON.stringify(update)}`, {
      'x-telegram-bot-api-secret-token': secret,
    });
    expect(answer.status).toBe(200);
    const customer = await h.testApp.app.forTenant(shop.id).customers.getByTelegramId(user.id);
    expect(customer?.firstName).toBe('Sara');
  });

  it('refuses an update nested absurdly deep with a 400, not a 500', async () => {
    const shop = await h.addTenant('Deep');
    const depth = 50_000;
    const body = `{"update_id":7,"message":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    const answer = await post(`${h.platform.url}/tg/${shop.id}`, body);
    expect(answer.status).toBe(400);
  });

  it("answers an unknown Zarinpal payment with one page for every shop, whatever the shop's language", async () => {
    const english = await h.addTenant('English');
    const russian = await h.addTenant('Russian');
    await h.testApp.app.forTenant(english.id).settings.set('default_language', 'en', 'operator');
    await h.testApp.app.forTenant(russian.id).settings.set('default_language', 'ru', 'operator');
    const visit = async (path: string) => answerOf(await fetch(`${h.platform.url}${path}`));
    const answers = [
      await visit(`/pay/zarinpal/${english.id}-${publicId()}?Authority=A${'1'.repeat(35)}&Status=OK`),
      await visit(`/pay/zarinpal/${russian.id}-${publicId()}`),
      await visit(`/pay/zarinpal/${russian.id + 1_000_000}-${publicId()}?Status=NOK`),
      await visit(`/pay/zarinpal/999999999999999-${publicId()}`),
      await visit('/pay/zarinpal/not-a-payment'),
      await visit(`/pay/zarinpal/${english.id}-${publicId()}%00?Authority=%00%ED%A0%80&Status=%00`),
    ];
    expect(answers[0]?.status).toBe(404);
    expect(answers[0]?.contentType).toBe('text/html; charset=utf-8');
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    // in every language, since it names no shop
    for (const text of [
      'Invalid payment link',
      'لینک پرداخت نامعتبر است',
      'Недействительная ссылка на оплату',
    ]) {
      expect(answers[0]?.body).toContain(text);
    }
  });
});

describe.each(BACKENDS)('public routes and memory on %s', (backend) => {
  let h: ApiHarness;
  /** The tenant services each request reached, by bot id: settings and flags are cached per bot. */
  const reached = new Map<number, Set<string>>();
  beforeAll(async () => {
    h = await startApi(backend, {
      wrapApp: (app): App => ({
        ...app,
        forTenant: (botId) =>
          new Proxy(app.forTenant(botId), {
            get(services, name) {
              const seen = reached.get(botId) ?? new Set<string>();
              seen.add(String(name));
              reached.set(botId, seen);
              // read on the services themselves: a service is built by a getter that reads their own state
              return Reflect.get(services, name);
            },
          }),
      }),
    });
  });
  afterAll(() => h.close());

  it('reaches no per-bot cache for unknown ids on the Zarinpal callback', async () => {
    const { id } = await h.tenant('Known');
    const ids = [id, ...Array.from({ length: 200 }, (_, index) => 5_000_000 + index)];
    for (const botId of ids) {
      const answer = await h.call('GET', `/pay/zarinpal/${botId}-${publicId()}`);
      expect(answer.status).toBe(404);
    }
    // each id was looked up in the payments table only: nothing that keeps an entry per bot id
    expect(reached.size).toBe(ids.length);
    for (const services of reached.values()) expect([...services]).toEqual(['zarinpal']);
  });
});
