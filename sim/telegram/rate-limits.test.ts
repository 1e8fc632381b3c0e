import { Api, type GrammyError } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from './index.js';
import { RateLimiter } from './rate-limits.js';

let sim: TelegramSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('rate limits (off unless asked for)', () => {
  it('lets any number of sends through by default', async () => {
    sim = await startTelegramSim();
    const bot = sim.addBot();
    const api = new Api(bot.token, { apiRoot: sim.apiRoot });
    const users = Array.from({ length: 40 }, () => sim!.user());
    for (const user of users) user.start(bot);
    const sent = await Promise.all(users.map((user) => api.sendMessage(user.id, 'hi')));
    expect(sent).toHaveLength(40);
    expect(sim.rateLimitStats()).toEqual({ accepted: 0, limited: 0 });
  });

  it('refuses a burst past 30 sends with 429 and retry_after, per bot, and lets it go on after', async () => {
    sim = await startTelegramSim({ rateLimit: { perBotPerSecond: 30 } });
    const [a, b] = [sim.addBot(), sim.addBot()];
    const apiA = new Api(a.token, { apiRoot: sim.apiRoot });
    const apiB = new Api(b.token, { apiRoot: sim.apiRoot });
    const users = Array.from({ length: 35 }, () => sim!.user());
    for (const user of users) user.start(a);
    users[0]!.start(b);
    const results = await Promise.allSettled(users.map((user) => apiA.sendMessage(user.id, 'hi')));
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason as GrammyError);
    // a full bucket of 30, and one more for every 33 ms the 35 requests took (a slow machine)
    const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
    expect(fulfilled).toBeGreaterThanOrEqual(30);
    expect(fulfilled).toBeLessThanOrEqual(33);
    expect(refused).toHaveLength(35 - fulfilled);
    for (const error of refused) {
      expect(error.error_code).toBe(429);
      expect(error.parameters.retry_after).toBeGreaterThanOrEqual(1);
    }
    // another bot has a limit of its own
    await expect(apiB.sendMessage(users[0]!.id, 'hi')).resolves.toMatchObject({ text: 'hi' });
    // edits and reads are not counted
    await expect(apiA.getMe()).resolves.toMatchObject({ id: a.id });
    expect(sim.rateLimitStats()).toEqual({ accepted: fulfilled + 1, limited: 35 - fulfilled });
    await new Promise((resolve) => setTimeout(resolve, 1050));
    await expect(apiA.sendMessage(users[0]!.id, 'again')).resolves.toMatchObject({ text: 'again' });
  });

  it("refills a second's worth a second, and when asked limits each chat to about one a second", () => {
    const limiter = new RateLimiter({ perBotPerSecond: 3, perChatPerSecond: 1 });
    limiter.check(1, 'sendMessage', { chat_id: 10 }, 0);
    // the chat's one token is spent; it is back a second later
    expect(() => limiter.check(1, 'sendMessage', { chat_id: 10 }, 100)).toThrow(/retry after 1/);
    limiter.check(1, 'sendPhoto', { chat_id: 11 }, 200);
    limiter.check(1, 'copyMessage', { chat_id: 12 }, 210);
    // a burst past the bot's three: refused, and edits are not counted
    expect(() => limiter.check(1, 'sendMessage', { chat_id: 13 }, 220)).toThrow(/Too Many Requests/);
    limiter.check(1, 'editMessageText', { chat_id: 13 }, 230);
    // a third of a second refills one token
    limiter.check(1, 'sendMessage', { chat_id: 13 }, 560);
    limiter.check(1, 'sendMessage', { chat_id: 10 }, 1100);
    expect(limiter.stats()).toEqual({ accepted: 5, limited: 2 });
  });
});
