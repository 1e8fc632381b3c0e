import { createServer } from 'node:net';
import { Api, type ApiClientOptions, GrammyError, HttpError, InputFile } from 'grammy';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { BotApiNetworkError, type CallOutcome, createBotApiClient } from '../../src/bot/bot-api-client.js';
import { freePort } from '../support/database.js';

const params = (offset = 0, timeout = 0) => ({
  offset,
  limit: 100,
  timeout,
  allowed_updates: ['message', 'callback_query'],
});

/** The fleet's lean client (broadcast sends, grammY's fetch), against the Telegram simulator. */
describe('lean Bot API client', () => {
  let sim: TelegramSim;
  const calls: CallOutcome[] = [];
  const methods: string[] = [];
  let poller: ReturnType<typeof createBotApiClient>;
  beforeAll(async () => {
    sim = await startTelegramSim();
    poller = createBotApiClient({
      apiRoot: sim.apiRoot,
      onCall: (method, outcome) => {
        methods.push(method);
        calls.push(outcome);
      },
    });
  });
  afterAll(async () => {
    poller.close();
    await sim.close();
  });

  it("throws Telegram's refusal as grammY does: a revoked token is a GrammyError 401", async () => {
    const refused = await poller
      .call('123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'getMe', {}, { timeoutMs: 5_000 })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GrammyError);
    expect((refused as GrammyError).error_code).toBe(401);
    expect(calls.at(-1)).toBe(401);
    // the token stays out of the error
    expect(String((refused as Error).message)).not.toContain('AAAAAAAA');
  });

  it('sends a message with JSON parameters and returns what Telegram answered', async () => {
    const bot = sim.addBot();
    const user = sim.user();
    user.start(bot);
    const sent = await poller.call<{ message_id: number; text: string }>(
      bot.token,
      'sendMessage',
      {
        chat_id: user.id,
        text: 'سلام',
        reply_markup: { inline_keyboard: [[{ text: 'باز', url: 'https://example.com' }]] },
      },
      { timeoutMs: 5_000 },
    );
    expect(sent.text).toBe('سلام');
    const received = await sim.waitForMessage(bot, user, (m) => m.fromBot);
    expect(received.messageId).toBe(sent.message_id);
    expect(received.buttons.flat().map((button) => button.text)).toEqual(['باز']);
    expect(methods.at(-1)).toBe('sendMessage');
    expect(calls.at(-1)).toBeUndefined();
  });

  it('throws a send Telegram refuses as grammY does: a customer who blocked the bot is a 403, a flood a 429 with retry_after', async () => {
    const bot = sim.addBot();
    const user = sim.user();
    user.start(bot);
    user.blockBot(bot);
    const blocked = await poller
      .call(bot.token, 'sendMessage', { chat_id: user.id, text: 'hi' }, { timeoutMs: 5_000 })
      .catch((error: unknown) => error);
    expect(blocked).toBeInstanceOf(GrammyError);
    expect((blocked as GrammyError).error_code).toBe(403);
    expect((blocked as GrammyError).method).toBe('sendMessage');
    expect(calls.at(-1)).toBe(403);

    const limited = await startTelegramSim({ rateLimit: { perBotPerSecond: 2 } });
    const client = createBotApiClient({ apiRoot: limited.apiRoot });
    try {
      const busy = limited.addBot();
      const users = Array.from({ length: 3 }, () => limited.user());
      for (const u of users) u.start(busy);
      const results = await Promise.allSettled(
        users.map((u) =>
          client.call(busy.token, 'sendMessage', { chat_id: u.id, text: 'hi' }, { timeoutMs: 5_000 }),
        ),
      );
      const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as GrammyError);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused[0]!.error_code).toBe(429);
      expect(refused[0]!.parameters.retry_after).toBeGreaterThanOrEqual(1);
    } finally {
      client.close();
      await limited.close();
    }
  });

  it("carries grammY's own calls as its fetch: JSON, uploads, refusals and answers that are not JSON", async () => {
    const bot = sim.addBot();
    const user = sim.user();
    user.start(bot);
    const api = new Api(bot.token, {
      apiRoot: sim.apiRoot,
      fetch: poller.fetch as unknown as NonNullable<ApiClientOptions['fetch']>,
    });
    await expect(api.sendMessage(user.id, 'سلام')).resolves.toMatchObject({ text: 'سلام' });
    // an upload is a multipart stream
    const photo = await api.sendPhoto(user.id, new InputFile(Buffer.from('not really a jpeg'), 'p.jpg'), {
      caption: 'عکس',
    });
    expect(photo.caption).toBe('عکس');
    expect(photo.photo?.length).toBeGreaterThan(0);
    user.blockBot(bot);
    const refused = await api.sendMessage(user.id, 'hi').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GrammyError);
    expect((refused as GrammyError).error_code).toBe(403);

    const server = createServer((socket) => {
      socket.once('data', () =>
        socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 5\r\n\r\noops!'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = createBotApiClient({
      apiRoot: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    });
    const behind = new Api(bot.token, {
      apiRoot: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      fetch: proxy.fetch as unknown as NonNullable<ApiClientOptions['fetch']>,
    });
    await expect(behind.getMe()).rejects.toBeInstanceOf(HttpError);
    proxy.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("ends grammY's request when grammY gives up waiting for it", async () => {
    const closed: boolean[] = [];
    // reads the request and never answers
    const silent = createServer((socket) => {
      socket.resume();
      socket.on('close', () => closed.push(true));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const apiRoot = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    const client = createBotApiClient({ apiRoot });
    const api = new Api('1:x', {
      apiRoot,
      timeoutSeconds: 0.2,
      fetch: client.fetch as unknown as NonNullable<ApiClientOptions['fetch']>,
    });
    const failed = await api.getMe().catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(HttpError);
    expect(String((failed as HttpError).error)).toMatch(/timed out after 0.2 seconds/);
    // the connection is closed, not left waiting for an answer nobody reads
    await vi.waitFor(() => expect(closed).toEqual([true]));
    client.close();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('gives up every call of one signal when it aborts, and makes none once it has', async () => {
    const bots = [sim.addBot(), sim.addBot()];
    const controller = new AbortController();
    // a long poll through the general client: a call that stays in flight until aborted
    const waiting = bots.map((bot) =>
      poller
        .call(bot.token, 'getUpdates', params(0, 30), { signal: controller.signal, timeoutMs: 60_000 })
        .catch((error: unknown) => error),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('stopping'));
    expect((await Promise.all(waiting)).map((error) => (error as Error).message)).toEqual([
      'stopping',
      'stopping',
    ]);
    const mark = sim.mark();
    const late = await poller
      .call(bots[0]!.token, 'getMe', {}, { signal: controller.signal, timeoutMs: 5_000 })
      .catch((error: unknown) => error);
    expect((late as Error).message).toBe('stopping');
    expect(sim.calls({ since: mark })).toEqual([]);
  });

  it('reports network trouble as a BotApiNetworkError, an answer that is not JSON too', async () => {
    const closed = createBotApiClient({ apiRoot: `http://127.0.0.1:${await freePort()}` });
    const refused = await closed.call('1:x', 'getMe', {}, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BotApiNetworkError);
    closed.close();

    const server = createServer((socket) => {
      socket.once('data', () =>
        socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 5\r\n\r\noops!'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    const proxy = createBotApiClient({ apiRoot: `http://127.0.0.1:${address.port}` });
    const garbled = await proxy.call('1:x', 'getMe', {}, { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(garbled).toBeInstanceOf(BotApiNetworkError);
    expect((garbled as Error).message).toContain('502');
    proxy.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
