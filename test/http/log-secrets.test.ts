import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { asBotId } from '../../src/shared/ids.js';
import { withLuhnDigit } from '../modules/helpers.js';
import { BACKENDS, fakeBotToken } from '../support/database.js';
import { type FleetHarness, startFleetHarness } from '../support/fleet.js';
import { createLogCapture, passesLuhn, rememberSecret, testLogs } from '../support/log-capture.js';
import { withServices } from '../support/services.js';
import { enterShop, hasButton, nextBotMessage, openTestShop } from '../support/shop.js';
import { type ApiHarness, type Json, OPERATOR_TOKEN, startApi } from './api/support.js';

/*
 * Secrets never reach the logs. Every test app logs through `testLogs` (debug level, in memory) and
 * fails on close when a card number, merchant id, bot token, panel token or API token is in a line;
 * these tests drive the flows that handle them, failures the database refuses included, and look
 * at what was logged.
 */

const op = { token: OPERATOR_TOKEN };
/** Marks a request the wrapped app turns into one PostgreSQL refuses (a NUL in a text column). */
const REFUSE = 'refuse-this';
const refused = (text: unknown) => (text === REFUSE ? 'refused\u0000here' : text);

let nextCard = 603_799_100_000_000;
const newCardNumber = () => withLuhnDigit(String(nextCard++));

const parsed = (lines: readonly string[]) => lines.map((line) => JSON.parse(line) as Record<string, Json>);

describe('the log capture', () => {
  it('finds a remembered secret, a Luhn-valid card number and a bot token, in any line', () => {
    const capture = createLogCapture();
    const merchant = randomUUID();
    capture.logger.info({ merchant }, 'written before it was known');
    capture.remember('merchant id', merchant);
    const card = newCardNumber();
    capture.logger.debug(`card ${card}`);
    capture.logger.debug(`shown as ${card.replace(/(\d{4})(?=\d)/g, '$1 ')}`);
    // a bot token in the message itself is masked by the logger before it is written
    const token = fakeBotToken();
    capture.logger.warn(`token ${token}`);
    expect(capture.lines.at(-1)).not.toContain(token);
    expect(capture.leaks().map((leak) => leak.kind)).toEqual(['merchant id', 'card number', 'card number']);
    expect(() => capture.expectNoLeaks()).toThrow(/3 secret\(s\) reached the logs/);
    expect(passesLuhn(card)).toBe(true);
    expect(passesLuhn(`${card.slice(0, 15)}${(Number(card[15]) + 1) % 10}`)).toBe(false);
  });
});

describe.each(BACKENDS)('secrets in the logs of API flows on %s', (backend) => {
  let h: ApiHarness;
  const merchant = randomUUID();
  beforeAll(async () => {
    rememberSecret('merchant id', merchant);
    h = await startApi(backend, {
      // the HTTP edge refuses a NUL: the wrapped app injects one past it, so PostgreSQL refuses
      // the insert or update and the route fails the way any database refusal would
      wrapApp: (app): App => ({
        ...app,
        platform: {
          ...app.platform,
          tenants: {
            ...app.platform.tenants,
            update: (id, patch) =>
              app.platform.tenants.update(id, { ...patch, name: refused(patch.name) as string }),
          },
        },
        forTenant: (botId) => {
          const services = app.forTenant(botId);
          return withServices(services, {
            cards: {
              ...services.cards,
              create: (input) =>
                services.cards.create({ ...input, holderName: refused(input.holderName) as string }),
            },
          });
        },
      }),
    });
  });
  afterAll(() => h.close());

  it('logs a card insert and a merchant update PostgreSQL refuses without the card number or merchant id', async () => {
    const token = fakeBotToken();
    const bot = await h.call('POST', '/api/v1/bots', { ...op, body: { name: 'Logged', token } });
    expect(bot.status).toBe(201);
    rememberSecret('api token', bot.body.apiToken);
    const id = bot.body.bot.id as number;
    const merchantSet = await h.call('PUT', `/api/v1/bots/${id}`, {
      ...op,
      body: { zarinpalMerchantId: merchant },
    });
    expect(merchantSet.status).toBe(200);
    const card = await h.call('POST', `/api/v1/bots/${id}/cards`, {
      ...op,
      body: { cardNumber: newCardNumber(), holderName: 'Sara', bankName: 'Melli' },
    });
    expect(card.status).toBe(201);

    const refusedCard = newCardNumber();
    const cardInsert = await h.call('POST', `/api/v1/bots/${id}/cards`, {
      ...op,
      body: { cardNumber: refusedCard, holderName: REFUSE },
    });
    const merchantUpdate = await h.call('PUT', `/api/v1/bots/${id}`, {
      ...op,
      body: { name: REFUSE, zarinpalMerchantId: merchant },
    });
    expect([cardInsert.status, merchantUpdate.status]).toEqual([500, 500]);

    // both failures are logged, with what one needs to know what failed
    const lines = parsed(testLogs.lines);
    for (const [answer, table] of [
      [cardInsert, 'tenant_payment_cards'],
      [merchantUpdate, 'bots'],
    ] as const) {
      const entry = lines.find((line) => line.requestId === answer.body.error.requestId);
      expect(entry?.msg).toBe('API request failed');
      expect(entry?.err.message).toContain(`"${table}"`);
      expect(entry?.err.message).toContain('params: [redacted]');
      expect(entry?.err.params).toBe('[redacted]');
      expect(entry?.err.database).toMatchObject({ code: expect.stringMatching(/^[0-9A-Z]{5}$/) });
      expect(entry?.err.stack).not.toContain(refusedCard);
    }
    const text = testLogs.lines.join('\n');
    expect(text).not.toContain(refusedCard);
    expect(text).not.toContain(merchant);
    expect(text).not.toContain(token);
    testLogs.expectNoLeaks();
  });

  it('keeps them out of errors logged straight from the database, under any key and as the only argument', async () => {
    const { id } = await h.tenant('Direct');
    const services = h.app.forTenant(asBotId(id));
    const cardNumber = newCardNumber();
    const insert = await services.cards.create({ cardNumber, holderName: 'Nul\u0000Name' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    const update = await h.app.platform.tenants
      .update(asBotId(id), { zarinpalMerchantId: merchant, name: 'Nul\u0000Name' })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(insert).toBeInstanceOf(Error);
    expect(update).toBeInstanceOf(Error);
    // what the error itself holds: the reason it must be redacted on the way out
    expect(JSON.stringify({ ...(insert as object) })).toContain(cardNumber);

    const from = testLogs.written;
    testLogs.logger.error({ err: insert }, 'card insert refused');
    testLogs.logger.error({ error: update }, 'merchant update refused');
    testLogs.logger.error(insert as Error);
    testLogs.logger.warn({ err: new Error('wrapped', { cause: update }) }, 'wrapped');
    const written = testLogs.lines.slice(-(testLogs.written - from));
    expect(written).toHaveLength(4);
    for (const line of written) {
      expect(line).not.toContain(cardNumber);
      expect(line).not.toContain(merchant);
    }
    expect(parsed(written)[0]?.err.message).toMatch(/^Failed query: insert into "tenant_payment_cards"/);
    testLogs.expectNoLeaks();
  });
});

describe('secrets in the logs of a running fleet', () => {
  let h: FleetHarness;
  beforeAll(async () => {
    h = await startFleetHarness('pglite', 'webhook');
  });
  afterAll(() => h.close());

  it('logs a failed send of the card to pay and a failing panel without the card number or the panel token', async () => {
    const squad = h.panel.addSquad('Logs');
    const { shop, services } = await openTestShop(h, 'Secretive', { squad });
    const cardNumber = newCardNumber();
    const card = await services.cards.create({ cardNumber, holderName: 'Holder', bankName: 'Melli' });
    expect(card.ok).toBe(true);
    const user = h.sim.user({ firstName: 'Payer', languageCode: 'en' });
    await enterShop(h, shop, user);

    // the message that shows the card fails at Telegram: the handler fails with the message in hand
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => hasButton(m, 'topup:amt:50000'),
      () => user.pressButton(shop.bot, 'menu:topup'),
    );
    await nextBotMessage(
      h,
      shop,
      user,
      (m) => hasButton(m, 'pay:card:50000:0'),
      () => user.pressButton(shop.bot, 'topup:amt:50000'),
    );
    const from = testLogs.written;
    h.sim.fault({
      botId: shop.bot,
      method: ['sendMessage', 'editMessageText'],
      kind: 'error',
      errorCode: 400,
      description: 'Bad Request: message is too long',
      times: 2,
    });
    const press = user.pressButton(shop.bot, 'pay:card:50000:0');
    await h.sim.waitForCallbackAnswer(press.callbackQueryId).catch(() => undefined);

    // the panel fails a trial's provisioning twice before it works
    h.panel.addFault({ kind: 'status', status: 500, body: { message: 'boom' }, times: 2 });
    const trial = user.pressButton(shop.bot, 'menu:trial');
    await h.sim.waitForCallbackAnswer(trial.callbackQueryId).catch(() => undefined);
    await h.sim.waitForCall({ botId: shop.bot.id, method: 'sendPhoto', chatId: user.id, timeoutMs: 10_000 });

    const written = testLogs.lines.slice(-(testLogs.written - from));
    expect(written.some((line) => line.includes('"level":50') || line.includes('"level":40'))).toBe(true);
    // the failed send is logged, with the method and chat but not the text that showed the card
    const failedSend = parsed(written).find((line) => line.err?.method === 'sendMessage');
    expect(failedSend?.err.payload).toEqual({ chat_id: user.id, omitted: expect.arrayContaining(['text']) });
    const text = written.join('\n');
    expect(text).not.toContain(cardNumber);
    expect(text).not.toContain(cardNumber.replace(/(\d{4})(?=\d)/g, '$1 '));
    expect(text).not.toContain(h.panel.apiToken);
    expect(text).not.toContain(shop.bot.token);
    testLogs.expectNoLeaks();
  });
});

/*
 * The demo (`npm run demo`: a master bot, two shops, card-to-card with a real-looking card number, a
 * Zarinpal merchant, the panel simulator) run as a process at debug level: the log lines hold no
 * bot token, no full card number, no merchant id and no panel token. The conversation it prints
 * does show the card (the customer must see it), which proves the check looks at a run that had one.
 */
describe('secrets in the logs of the demo', () => {
  const DEMO_MERCHANT = '5f1d2c3b-4a59-4e7d-8c6b-1a2b3c4d5e6f';
  const BOT_TOKEN = /(?<![\w-])\d{5,15}:[\w-]{35}(?![\w-])/g;
  const SIXTEEN_DIGITS = /(?<![\d.])\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}(?!\d)/g;
  /** The Remnawave simulator's random token (sim/remnawave/server.ts), and any bearer header. */
  const PANEL_TOKEN = /sim-[0-9a-f]{32}|Bearer [\w.-]{16,}/g;
  const cards = (text: string) =>
    [...text.matchAll(SIXTEEN_DIGITS)].map((m) => m[0].replace(/\D/g, '')).filter(passesLuhn);

  it('logs no bot token, card number, merchant id or panel token at debug level', async () => {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'scripts/demo.ts'], {
      env: { ...process.env, LOG_LEVEL: 'debug', FORCE_COLOR: '0' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
    });
    const lines = `${stdout}\n${stderr}`.split('\n');
    const logLines = lines.filter((line) => line.startsWith('{"level"'));
    const printed = lines.filter((line) => !line.startsWith('{"level"')).join('\n');
    // the run logged (debug lines included) and reached the steps that handle each secret
    expect(logLines.length).toBeGreaterThan(50);
    expect(logLines.some((line) => line.includes('"level":20'))).toBe(true);
    expect(cards(printed)).toContain('6037991234567893');
    const logged = logLines.join('\n');
    expect([...logged.matchAll(BOT_TOKEN)].map((m) => m[0])).toEqual([]);
    expect(cards(logged)).toEqual([]);
    expect(logged).not.toContain(DEMO_MERCHANT);
    expect([...logged.matchAll(PANEL_TOKEN)].map((m) => m[0])).toEqual([]);
  }, 200_000);
});
