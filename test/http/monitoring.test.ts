import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floodWaitNotice } from '../../src/jobs/definitions/flood-wait-notice.js';
import type { CustomerId } from '../../src/shared/ids.js';
import { BACKENDS } from '../support/database.js';
import { eventually, type FleetHarness, startFleetHarness } from '../support/fleet.js';
import { enterShop, openTestShop } from '../support/shop.js';

const TOKEN = 'metrics-token-for-tests-0123456789abcdef';

/** The value of one sample in Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[4]);
  }
  return undefined;
}

describe.each(BACKENDS)('GET /metrics, /health and /health/bots on %s', (backend) => {
  let h: FleetHarness;
  const get = async (path: string, token?: string) => {
    const response = await fetch(`${h.platform.url}${path}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', text };
  };
  const scrape = async () => {
    const answer = await get('/metrics', TOKEN);
    expect(answer.status).toBe(200);
    return answer.text;
  };

  beforeAll(async () => {
    h = await startFleetHarness(backend, 'webhook', { metricsToken: TOKEN });
  }, 60_000);
  afterAll(() => h?.close());

  it('wants the token: none or a wrong one is 401 and shows nothing', async () => {
    for (const token of [undefined, 'wrong', `${TOKEN}x`, '']) {
      for (const path of ['/metrics', '/health/bots']) {
        const answer = await get(path, token);
        expect(answer.status, `${path} with ${token}`).toBe(401);
        expect(answer.text).not.toContain('remnafleet');
      }
    }
    const answer = await get('/metrics', TOKEN);
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('counts updates with their latency, Bot API calls and errors by method and code, and bots by state', async () => {
    const { shop } = await openTestShop(h, 'Metered');
    const user = h.sim.user({ firstName: 'Mina', languageCode: 'en' });
    const before = await scrape();
    const handled = sample(before, 'remnafleet_updates_total', { outcome: 'handled' }) ?? 0;
    const sends = sample(before, 'remnafleet_telegram_api_calls_total', { method: 'sendMessage' }) ?? 0;
    await enterShop(h, shop, user);
    // the next welcome fails at Telegram with a 400: the handler fails
    h.sim.fault({
      botId: shop.bot,
      method: 'sendMessage',
      kind: 'error',
      errorCode: 400,
      description: 'Bad Request: message is too long',
      times: 1,
    });
    user.start(shop.bot);
    await eventually(
      async () => (sample(await scrape(), 'remnafleet_updates_total', { outcome: 'failed' }) ?? 0) >= 1,
      'the failed update counted',
      10_000,
    );
    const after = await scrape();
    expect(sample(after, 'remnafleet_updates_total', { outcome: 'handled' })).toBeGreaterThan(handled);
    expect(sample(after, 'remnafleet_update_duration_seconds_count', { outcome: 'handled' })).toBeGreaterThan(
      handled,
    );
    expect(
      sample(after, 'remnafleet_update_duration_seconds_bucket', { outcome: 'handled', le: '+Inf' }),
    ).toBe(sample(after, 'remnafleet_update_duration_seconds_count', { outcome: 'handled' }));
    expect(sample(after, 'remnafleet_telegram_api_calls_total', { method: 'sendMessage' })).toBeGreaterThan(
      sends,
    );
    expect(
      sample(after, 'remnafleet_telegram_api_errors_total', { method: 'sendMessage', code: '400' }),
    ).toBeGreaterThanOrEqual(1);
    const running = h.platform.fleet.status().filter((bot) => bot.state === 'running');
    const byHealth = new Map<string, number>();
    for (const bot of running) byHealth.set(bot.health, (byHealth.get(bot.health) ?? 0) + 1);
    for (const [health, n] of byHealth)
      expect(sample(after, 'remnafleet_bots', { state: 'running', health })).toBe(n);
    // process metrics come with it; the pool only on PostgreSQL
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    if (backend === 'postgres') {
      // the test database's pool (poolMax 20), with the connections it holds now
      expect(sample(after, 'remnafleet_db_pool_connections', { state: 'max' })).toBe(20);
      const total = sample(after, 'remnafleet_db_pool_connections', { state: 'total' }) ?? 0;
      expect(total).toBeGreaterThanOrEqual(1);
      expect(total).toBeLessThanOrEqual(20);
    } else {
      expect(sample(after, 'remnafleet_db_pool_connections', { state: 'max' })).toBeUndefined();
    }
  });

  it('counts broadcast sends, which go out through the lean client, as Bot API calls', async () => {
    const { shop, services } = await openTestShop(h, 'Broadcasting');
    const users = ['Bita', 'Kian', 'Sina'].map((firstName) => h.sim.user({ firstName, languageCode: 'en' }));
    for (const user of users) await enterShop(h, shop, user);
    const sends =
      sample(await scrape(), 'remnafleet_telegram_api_calls_total', { method: 'sendMessage' }) ?? 0;
    const created = await services.broadcasts.create({
      text: 'Metered news',
      audience: { segment: 'all' },
      origin: 'api',
    });
    if (!created.ok) throw new Error(created.error.message);
    for (const user of users)
      await h.sim.waitForMessage(shop.bot, user, (m) => m.fromBot && m.text === 'Metered news', {
        timeoutMs: 15_000,
      });
    // counted when each answer is read, a moment after the simulator delivered the message
    await eventually(
      async () =>
        (sample(await scrape(), 'remnafleet_telegram_api_calls_total', { method: 'sendMessage' }) ?? 0) >=
        sends + users.length,
      'the three sends counted',
      5_000,
    );
  });

  it('counts a payment credited once by its method, however many admins approve it at once', async () => {
    const { services } = await openTestShop(h, 'Paying');
    const card = await services.cards.create({ cardNumber: '6037991234567893', holderName: 'Holder' });
    if (!card.ok) throw new Error('card');
    const { customer } = await services.customers.register({ telegramId: 7_100_000_001 }, 'en');
    const submitted = await services.cardPayments.submit({
      customerId: customer.id as CustomerId,
      amount: 50_000,
      cardId: card.value.id,
      receipt: { text: 'paid' },
    });
    if (submitted.status !== 'submitted') throw new Error(submitted.status);
    const before = sample(await scrape(), 'remnafleet_payments_credited_total', {
      method: 'c2c',
      kind: 'topup',
    });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        services.cardPayments.approve(submitted.payment.id, { telegramId: 3000 + index, name: `A${index}` }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'approved')).toHaveLength(1);
    const after = sample(await scrape(), 'remnafleet_payments_credited_total', {
      method: 'c2c',
      kind: 'topup',
    });
    expect(after).toBe((before ?? 0) + 1);
  });

  it('/health/bots lists each bot of this process with its state and health', async () => {
    const answer = await get('/health/bots', TOKEN);
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text) as { bots: { botId: number; state: string; health: string }[] };
    const status = h.platform.fleet.status();
    expect(body.bots).toHaveLength(status.length);
    for (const bot of status) {
      expect(body.bots).toContainEqual(
        expect.objectContaining({ botId: bot.botId, state: bot.state, health: bot.health }),
      );
    }
    // nothing secret: no token, no secret
    expect(answer.text).not.toMatch(/\d{5,15}:[\w-]{35}/);
  });

  it('/health reports the database, the change bus and the job runner; jobs by name with the oldest due', async () => {
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({
      status: 'ok',
      database: 'up',
      changeBus: 'connected',
      jobs: 'alive',
    });

    // with the runner stopped, a due job waits: counted queued, with its age; /health says so
    await h.platform.jobs.stop();
    const { shop, services } = await openTestShop(h, 'Queued');
    await services.jobs.enqueue(floodWaitNotice, { chatId: 1, language: 'en' });
    await services.jobs.enqueue(floodWaitNotice, { chatId: 2, language: 'en' }, { delayMs: 3_600_000 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const text = await scrape();
    expect(sample(text, 'remnafleet_jobs', { name: 'flood-wait-notice', status: 'queued' })).toBe(2);
    expect(
      sample(text, 'remnafleet_jobs_oldest_age_seconds', { name: 'flood-wait-notice', status: 'queued' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'remnafleet_metrics_source_up', { source: 'jobs' })).toBe(1);
    const stopped = await get('/health');
    expect(stopped.status).toBe(200);
    expect(JSON.parse(stopped.text)).toMatchObject({ status: 'degraded', jobs: 'stopped' });
    expect(shop.id).toBeGreaterThan(0);
  });
});
