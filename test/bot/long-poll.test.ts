import { createServer } from 'node:net';
import { GrammyError } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { createLongPoller, LongPollNetworkError } from '../../src/bot/long-poll.js';
import { freePort } from '../support/database.js';

const params = (offset = 0, timeout = 0) => ({
  offset,
  limit: 100,
  timeout,
  allowed_updates: ['message', 'callback_query'],
});

/** The polling fleet's own getUpdates client, against the Telegram simulator. */
describe('long poll client', () => {
  let sim: TelegramSim;
  const calls: (number | 'network' | undefined)[] = [];
  let poller: ReturnType<typeof createLongPoller>;
  beforeAll(async () => {
    sim = await startTelegramSim();
    poller = createLongPoller({ apiRoot: sim.apiRoot, onCall: (code) => calls.push(code) });
  });
  afterAll(async () => {
    poller.close();
    await sim.close();
  });

  it('waits for an update and hands it over; the next offset confirms it', async () => {
    const bot = sim.addBot();
    const user = sim.user();
    const waiting = poller.poll(bot.token, params(0, 30), new AbortController().signal);
    setTimeout(() => user.sendText(bot, 'salam'), 50);
    const [update] = await waiting;
    expect(update?.message?.text).toBe('salam');
    expect(await poller.poll(bot.token, params(update!.update_id + 1), new AbortController().signal)).toEqual(
      [],
    );
    expect(calls.slice(-2)).toEqual([undefined, undefined]);
  });

  it("throws Telegram's refusal as grammY does: a revoked token is a GrammyError 401", async () => {
    const refused = await poller
      .poll('123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', params(), new AbortController().signal)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GrammyError);
    expect((refused as GrammyError).error_code).toBe(401);
    expect(calls.at(-1)).toBe(401);
    // the token stays out of the error
    expect(String((refused as Error).message)).not.toContain('AAAAAAAA');
  });

  it('gives up a poll when asked (a runner stopping), without waiting for its timeout', async () => {
    const bot = sim.addBot();
    const controller = new AbortController();
    const started = Date.now();
    const waiting = poller.poll(bot.token, params(0, 30), controller.signal).catch((error: unknown) => error);
    setTimeout(() => controller.abort(), 50);
    expect(await waiting).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports network trouble as a LongPollNetworkError, an answer that is not JSON too', async () => {
    const closed = createLongPoller({ apiRoot: `http://127.0.0.1:${await freePort()}` });
    const refused = await closed.poll('1:x', params(), new AbortController().signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LongPollNetworkError);
    closed.close();

    const server = createServer((socket) => {
      socket.once('data', () =>
        socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: 5\r\n\r\noops!'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    const proxy = createLongPoller({ apiRoot: `http://127.0.0.1:${address.port}` });
    const garbled = await proxy.poll('1:x', params(), new AbortController().signal).catch((e: unknown) => e);
    expect(garbled).toBeInstanceOf(LongPollNetworkError);
    expect((garbled as Error).message).toContain('502');
    proxy.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
