import { Bot, GrammyError, InlineKeyboard } from 'grammy';
import type { Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTelegramSim, type TelegramSim } from './index.js';
import { MAX_POLL_TIMEOUT_SECONDS, UpdateQueue } from './updates.js';

let sim: TelegramSim;

beforeEach(async () => {
  sim = await startTelegramSim();
});

afterEach(async () => {
  await sim.close();
});

async function raw(token: string, method: string, params: Record<string, unknown> = {}) {
  const res = await fetch(`${sim.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('long polling with grammY', () => {
  it('answers getMe with the bot identity', async () => {
    const info = sim.addBot({ username: 'shop_bot', firstName: 'Shop' });
    expect(info.token).toMatch(/^\d+:[A-Za-z0-9_-]{35}$/);
    const bot = new Bot(info.token, { client: { apiRoot: sim.apiRoot } });
    await bot.init();
    expect(bot.botInfo).toMatchObject({
      id: info.id,
      is_bot: true,
      username: 'shop_bot',
      first_name: 'Shop',
    });
  });

  it('replies to /start with a payload, and stop() returns promptly', async () => {
    const info = sim.addBot();
    const bot = new Bot(info.token, { client: { apiRoot: sim.apiRoot } });
    bot.command('start', (ctx) => ctx.reply(`hello ${ctx.from?.first_name}, payload=${ctx.match}`));
    const running = bot.start({ timeout: 30 });

    const alice = sim.user({ firstName: 'Alice' });
    const sent = alice.start(info, 'ref42');
    expect(sent.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);

    const reply = await sim.waitForMessage(info, alice, (m) => m.text?.startsWith('hello') ?? false);
    expect(reply.text).toBe('hello Alice, payload=ref42');
    expect(reply.raw.from?.id).toBe(info.id);
    expect(reply.messageId).toBe(sent.messageId + 1);

    const started = Date.now();
    await bot.stop();
    await running;
    expect(Date.now() - started).toBeLessThan(1000);
    // The last update was confirmed by stop(), so nothing is pending any more.
    expect(sim.pendingUpdateCount(info)).toBe(0);
  });

  it('delivers a button press as a callback query that the bot answers', async () => {
    const info = sim.addBot();
    const bot = new Bot(info.token, { client: { apiRoot: sim.apiRoot } });
    bot.command('menu', (ctx) =>
      ctx.reply('Pick a plan', {
        reply_markup: new InlineKeyboard().text('Monthly', 'plan:m').text('Yearly', 'plan:y'),
      }),
    );
    bot.callbackQuery(/^plan:(.)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: `chosen ${ctx.match[1]}` });
      await ctx.editMessageText(`Plan ${ctx.match[1]} selected`);
    });
    const running = bot.start();

    const user = sim.user();
    user.sendCommand(info, 'menu');
    const menu = await sim.waitForMessage(info, user, (m) => m.buttons.length > 0);
    expect(menu.buttons[0]?.map((b) => b.callbackData)).toEqual(['plan:m', 'plan:y']);

    const press = user.pressButton(info, 'Yearly');
    expect(press.messageId).toBe(menu.messageId);
    const answer = await sim.waitForCallbackAnswer(press.callbackQueryId);
    expect(answer).toMatchObject({ text: 'chosen y', showAlert: false, userId: user.id, data: 'plan:y' });

    const edited = await sim.waitForMessage(
      info,
      user,
      (m) => m.messageId === menu.messageId && m.text !== 'Pick a plan',
    );
    expect(edited.text).toBe('Plan y selected');
    expect(edited.buttons).toEqual([]);
    expect(edited.editDate).toBeTypeOf('number');

    await bot.stop();
    await running;
  });

  it('runs several bots at once, each seeing only its own users', async () => {
    const infos = [sim.addBot(), sim.addBot(), sim.addBot(), sim.addBot()];
    const bots = infos.map((info) => {
      const bot = new Bot(info.token, { client: { apiRoot: sim.apiRoot } });
      bot.on('message:text', (ctx) => ctx.reply(`bot ${ctx.me.id} got ${ctx.message.text}`));
      return bot;
    });
    const running = bots.map((bot) => bot.start());
    const user = sim.user();
    for (const [i, info] of infos.entries()) user.sendText(info, `hi ${i}`);
    for (const [i, info] of infos.entries()) {
      const reply = await sim.waitForMessage(info, user);
      expect(reply.text).toBe(`bot ${info.id} got hi ${i}`);
      expect(sim.chat(info, user).messages).toHaveLength(2);
    }
    await Promise.all(bots.map((bot) => bot.stop()));
    await Promise.all(running);
  });

  it('keeps updates until a later offset confirms them and honours limit', async () => {
    const info = sim.addBot();
    const user = sim.user();
    const ids = [
      user.sendText(info, 'a').updateId,
      user.sendText(info, 'b').updateId,
      user.sendText(info, 'c').updateId,
    ];
    expect(ids[1]).toBe(ids[0]! + 1);

    const first = await raw(info.token, 'getUpdates', { limit: 2 });
    expect((first.body.result as Update[]).map((u) => u.update_id)).toEqual(ids.slice(0, 2));
    // Not confirmed yet: the same updates come again.
    const again = await raw(info.token, 'getUpdates', { limit: 2 });
    expect((again.body.result as Update[]).map((u) => u.update_id)).toEqual(ids.slice(0, 2));
    const rest = await raw(info.token, 'getUpdates', { offset: ids[1]! + 1 });
    expect((rest.body.result as Update[]).map((u) => u.message?.text)).toEqual(['c']);
    expect(sim.pendingUpdateCount(info)).toBe(1);
    // Negative offset keeps only the newest updates.
    user.sendText(info, 'd');
    const last = await raw(info.token, 'getUpdates', { offset: -1 });
    expect((last.body.result as Update[]).map((u) => u.message?.text)).toEqual(['d']);
  });

  it('honours allowed_updates: filtered types are never queued', async () => {
    const info = sim.addBot();
    const user = sim.user();
    await raw(info.token, 'getUpdates', { allowed_updates: ['callback_query'] });
    const dropped = user.sendText(info, 'ignored');
    expect(dropped.queued).toBe(false);
    expect(sim.pendingUpdateCount(info)).toBe(0);
    await raw(info.token, 'getUpdates', { allowed_updates: [] });
    expect(user.sendText(info, 'kept').queued).toBe(true);
  });

  it('long polls: waits for an update, or returns empty after the timeout', async () => {
    const info = sim.addBot();
    const user = sim.user();
    const started = Date.now();
    const empty = await raw(info.token, 'getUpdates', { timeout: 1 });
    expect(empty.body.result).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const waiting = raw(info.token, 'getUpdates', { timeout: 30 });
    setTimeout(() => user.sendText(info, 'ping'), 50);
    const got = await waiting;
    expect((got.body.result as Update[])[0]?.message?.text).toBe('ping');
  });

  it('holds a long poll 50 s at most, as Telegram does, however long is asked', async () => {
    vi.useFakeTimers();
    try {
      const queue = new UpdateQueue(1);
      let answered: unknown;
      void queue
        .poll({ offset: undefined, limit: 100, timeoutSeconds: 300, signal: new AbortController().signal })
        .then((batch) => {
          answered = batch;
        });
      await vi.advanceTimersByTimeAsync(MAX_POLL_TIMEOUT_SECONDS * 1000 - 1);
      expect(answered).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(answered).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('terminates the older poller when a second one arrives (409) and releases aborted polls', async () => {
    const info = sim.addBot();
    const first = raw(info.token, 'getUpdates', { timeout: 30 });
    await new Promise((r) => setTimeout(r, 50));
    const second = raw(info.token, 'getUpdates', { timeout: 1 });
    const terminated = await first;
    expect(terminated.status).toBe(409);
    expect(terminated.body.description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    sim.user().sendText(info, 'release the second poll');
    const released = await second;
    expect(released.status).toBe(200);
    const [update] = released.body.result as Update[];
    await raw(info.token, 'getUpdates', { offset: update!.update_id + 1 });

    const controller = new AbortController();
    const aborted = fetch(`${sim.apiRoot}/bot${info.token}/getUpdates?timeout=30`, {
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(aborted).rejects.toThrow();
    // The aborted poll no longer holds the slot: a new poll is not a conflict for anyone.
    const next = await raw(info.token, 'getUpdates', { timeout: 0 });
    expect(next.status).toBe(200);
  });

  it('ends a waiting poll with 409 on any other getUpdates, a short one too, and counts it', async () => {
    const info = sim.addBot();
    expect(sim.pollConflicts(info)).toBe(0);
    const waiting = raw(info.token, 'getUpdates', { timeout: 30 });
    await new Promise((r) => setTimeout(r, 50));
    // a second poller that does not wait still ends the first, as Telegram does
    const short = await raw(info.token, 'getUpdates', { timeout: 0 });
    expect(short.status).toBe(200);
    expect((await waiting).status).toBe(409);
    expect(sim.pollConflicts(info)).toBe(1);
    // one poller at a time: no conflict
    await raw(info.token, 'getUpdates', { timeout: 0 });
    expect(sim.pollConflicts(info)).toBe(1);
  });

  it('makes bot.start() reject with 409 while a webhook is set', async () => {
    const info = sim.addBot();
    await raw(info.token, 'setWebhook', { url: 'http://127.0.0.1:1/hook' });
    const res = await raw(info.token, 'getUpdates');
    expect(res).toEqual({
      status: 409,
      body: {
        ok: false,
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      },
    });
    // grammY's start() deletes the webhook first, so polling works afterwards.
    const bot = new Bot(info.token, { client: { apiRoot: sim.apiRoot } });
    const api = bot.api;
    await expect(api.getUpdates()).rejects.toBeInstanceOf(GrammyError);
    await api.deleteWebhook();
    await expect(api.getUpdates()).resolves.toEqual([]);
  });

  it('close() returns promptly even with long polls and keep-alive sockets open', async () => {
    const other = await startTelegramSim();
    const info = other.addBot();
    const api = new Bot(info.token, { client: { apiRoot: other.apiRoot } }).api;
    await api.getMe();
    const polling = fetch(`${other.apiRoot}/bot${info.token}/getUpdates?timeout=30`).then(
      (res) => res.json(),
      (error: unknown) => error,
    );
    await new Promise((r) => setTimeout(r, 30));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await polling;
  });
});
