import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramSim, type TelegramSim } from './index.js';

let sim: TelegramSim;
const servers: Server[] = [];

beforeEach(async () => {
  sim = await startTelegramSim({ webhookRetryBaseMs: 20, webhookRetryMaxMs: 100 });
});

afterEach(async () => {
  await sim.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface Delivery {
  update: Update;
  /** The body as it was sent. */
  text: string;
  headers: IncomingHttpHeaders;
  at: number;
}

/** A webhook endpoint whose answer is decided per delivery by `respond`. */
async function endpoint(respond: (delivery: Delivery, res: ServerResponse) => void | Promise<void>) {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const delivery = {
        update: JSON.parse(text) as Update,
        text,
        headers: req.headers,
        at: Date.now(),
      };
      deliveries.push(delivery);
      void respond(delivery, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tg/hook`;
  return { url, deliveries };
}

const ok = (res: ServerResponse): void => {
  res.writeHead(200).end();
};

async function until(check: () => boolean, timeoutMs = 1500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('webhooks', () => {
  it('delivers to a grammY webhook handler with the secret header', async () => {
    const info = sim.addBot();
    const bot = new Bot(info.token, { client: { apiRoot: sim.apiRoot } });
    bot.command('start', (ctx) => ctx.reply('welcome via webhook'));
    await bot.init();
    const secret = 'sec_ret-123';
    const handle = webhookCallback(bot, 'http', { secretToken: secret });
    const server = createServer((req, res) => void handle(req, res));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tg/${info.id}`;

    await bot.api.setWebhook(url, { secret_token: secret, allowed_updates: ['message', 'callback_query'] });
    const info1 = await bot.api.getWebhookInfo();
    expect(info1).toMatchObject({ url, pending_update_count: 0, max_connections: 40 });
    expect(info1.allowed_updates).toEqual(['message', 'callback_query']);

    const user = sim.user();
    user.start(info);
    const reply = await sim.waitForMessage(info, user);
    expect(reply.text).toBe('welcome via webhook');
    await until(() => sim.pendingUpdateCount(info) === 0);
  });

  it('sends the secret header and retries with backoff after a 500, recording last_error', async () => {
    const info = sim.addBot();
    let failures = 2;
    const hook = await endpoint((_delivery, res) => {
      if (failures-- > 0) res.writeHead(500).end();
      else ok(res);
    });
    const set = await fetch(`${sim.apiRoot}/bot${info.token}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ url: hook.url, secret_token: 'abc' }).toString(),
    });
    expect(await set.json()).toEqual({ ok: true, result: true, description: 'Webhook was set' });

    const sent = sim.user().sendText(info, 'hello');
    await until(() => hook.deliveries.length === 3 && sim.pendingUpdateCount(info) === 0);
    expect(hook.deliveries.map((d) => d.update.update_id)).toEqual([
      sent.updateId,
      sent.updateId,
      sent.updateId,
    ]);
    expect(hook.deliveries.every((d) => d.headers['x-telegram-bot-api-secret-token'] === 'abc')).toBe(true);
    // Backoff doubles: 20 ms then 40 ms.
    const gaps = [
      hook.deliveries[1]!.at - hook.deliveries[0]!.at,
      hook.deliveries[2]!.at - hook.deliveries[1]!.at,
    ];
    expect(gaps[0]).toBeGreaterThanOrEqual(15);
    expect(gaps[1]).toBeGreaterThanOrEqual(35);
    const webhook = sim.webhookInfo(info);
    expect(webhook.last_error_message).toBe('Wrong response from the webhook: 500 Internal Server Error');
    expect(webhook.last_error_date).toBeTypeOf('number');
  });

  it('records connection errors while the endpoint is down and delivers once it is up', async () => {
    const info = sim.addBot();
    await fetch(
      `${sim.apiRoot}/bot${info.token}/setWebhook?url=${encodeURIComponent('http://127.0.0.1:9/down')}`,
    );
    sim.user().sendText(info, 'queued');
    await until(() => sim.webhookInfo(info).last_error_message !== undefined);
    expect(sim.webhookInfo(info)).toMatchObject({
      pending_update_count: 1,
      last_error_message: 'Connection refused',
    });

    const hook = await endpoint((_d, res) => ok(res));
    await fetch(`${sim.apiRoot}/bot${info.token}/setWebhook?url=${encodeURIComponent(hook.url)}`);
    await until(() => hook.deliveries.length === 1 && sim.pendingUpdateCount(info) === 0);
    expect(hook.deliveries[0]?.update.message?.text).toBe('queued');
  });

  it('writes every character beyond ASCII as an escape, in webhook bodies and in answers, as the Bot API does', async () => {
    const info = sim.addBot();
    const hook = await endpoint((_d, res) => ok(res));
    await fetch(`${sim.apiRoot}/bot${info.token}/setWebhook?url=${encodeURIComponent(hook.url)}`);
    const user = sim.user({ firstName: 'علی' });
    user.sendText(info, 'سلام 😀');
    await until(() => hook.deliveries.length === 1);
    const [delivery] = hook.deliveries;
    expect(delivery?.text).toMatch(/^[\x20-\x7e]+$/);
    expect(delivery?.text).toContain('"text":"\\u0633\\u0644\\u0627\\u0645 \\ud83d\\ude00"');
    expect(delivery?.text).toContain('"first_name":"\\u0639\\u0644\\u06cc"');
    expect(delivery?.update.message?.text).toBe('سلام 😀');

    const answer = await fetch(`${sim.apiRoot}/bot${info.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: user.id, text: 'خوش آمدید 🎉' }),
    });
    const text = await answer.text();
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text).toContain(
      '"text":"\\u062e\\u0648\\u0634 \\u0622\\u0645\\u062f\\u06cc\\u062f \\ud83c\\udf89"',
    );
    expect((JSON.parse(text) as { result: { text: string } }).result.text).toBe('خوش آمدید 🎉');
  });

  it('is sequential per chat and concurrent across chats', async () => {
    const info = sim.addBot();
    const spans: { text: string; start: number; end: number }[] = [];
    const hook = await endpoint(async (delivery, res) => {
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 80));
      spans.push({ text: delivery.update.message?.text ?? '', start, end: Date.now() });
      ok(res);
    });
    await fetch(`${sim.apiRoot}/bot${info.token}/setWebhook?url=${encodeURIComponent(hook.url)}`);
    const alice = sim.user();
    const bob = sim.user();
    alice.sendText(info, 'a1');
    alice.sendText(info, 'a2');
    bob.sendText(info, 'b1');
    await until(() => spans.length === 3);
    const span = (text: string) => spans.find((s) => s.text === text)!;
    expect(span('a2').start).toBeGreaterThanOrEqual(span('a1').end);
    expect(span('b1').start).toBeLessThan(span('a1').end);
  });

  it('limits parallel deliveries to max_connections', async () => {
    const info = sim.addBot();
    let inFlight = 0;
    let peak = 0;
    const hook = await endpoint(async (_d, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      ok(res);
    });
    await fetch(
      `${sim.apiRoot}/bot${info.token}/setWebhook?url=${encodeURIComponent(hook.url)}&max_connections=2`,
    );
    for (let i = 0; i < 6; i++) sim.user().sendText(info, `m${i}`);
    await until(() => hook.deliveries.length === 6 && sim.pendingUpdateCount(info) === 0);
    expect(peak).toBe(2);
  });

  it('can deliver the same update twice to prove deduplication', async () => {
    const info = sim.addBot();
    const hook = await endpoint((_d, res) => ok(res));
    const user = sim.user();
    const first = user.sendText(info, 'pay me once');
    expect(sim.redeliver(info, first.updateId)).toBe(true);
    await fetch(`${sim.apiRoot}/bot${info.token}/setWebhook?url=${encodeURIComponent(hook.url)}`);
    await until(() => hook.deliveries.length === 2);
    expect(hook.deliveries.map((d) => d.update.update_id)).toEqual([first.updateId, first.updateId]);
    // Already acknowledged updates can be replayed too.
    expect(sim.redeliver(info, first.updateId)).toBe(true);
    await until(() => hook.deliveries.length === 3);
    expect(sim.redeliver(info, 1)).toBe(false);
  });

  it('executes a method returned in the webhook response (webhook reply)', async () => {
    const info = sim.addBot();
    const hook = await endpoint((delivery, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ method: 'sendMessage', chat_id: delivery.update.message?.chat.id, text: 'quick' }),
      );
    });
    await fetch(`${sim.apiRoot}/bot${info.token}/setWebhook?url=${encodeURIComponent(hook.url)}`);
    const user = sim.user();
    user.sendText(info, 'hi');
    const reply = await sim.waitForMessage(info, user);
    expect(reply.text).toBe('quick');
    const call = await sim.waitForCall({ botId: info, method: 'sendMessage' });
    expect(call.source).toBe('webhook-reply');
  });

  it('stops delivering after deleteWebhook and can drop pending updates', async () => {
    const info = sim.addBot();
    const hook = await endpoint((_d, res) => {
      res.writeHead(503).end();
    });
    await fetch(`${sim.apiRoot}/bot${info.token}/setWebhook?url=${encodeURIComponent(hook.url)}`);
    sim.user().sendText(info, 'x');
    await until(() => hook.deliveries.length >= 1);
    const res = await fetch(`${sim.apiRoot}/bot${info.token}/deleteWebhook?drop_pending_updates=true`);
    expect(await res.json()).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
    expect(sim.webhookInfo(info)).toEqual({
      url: '',
      has_custom_certificate: false,
      pending_update_count: 0,
    });
    const count = hook.deliveries.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(hook.deliveries.length).toBe(count);
  });
});
