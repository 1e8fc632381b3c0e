import { createServer, type Server } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimBot, type SimUser, startTelegramSim, type TelegramSim } from '../../sim/telegram/index.js';
import { type App, createApp } from '../../src/app.js';
import { floodWaitNotice } from '../../src/jobs/definitions/flood-wait-notice.js';
import { createSecretBox } from '../../src/shared/crypto.js';
import type { BotId } from '../../src/shared/ids.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { freePort, openTestDatabase, TEST_ENCRYPTION_KEY, type TestDatabase } from '../support/database.js';
import { type ServiceInstance, startInstance } from '../support/instances.js';
import { rememberSecret } from '../support/log-capture.js';

/**
 * Webhook mode with two service processes (src/main.ts each) behind a load balancer that sends
 * Telegram's requests to them in turn: every update handled once (each also delivered a second time,
 * to whichever process is next), every job run once, and each bot's webhook set once however the
 * processes start and restart.
 *
 * PostgreSQL only: the processes must share one database, and the embedded one serves one process.
 */
const POSTGRES = process.env.TEST_DATABASE_URL;
const BOTS = 4;
const JOBS_PER_BOT = 5;

/** Round robin over the instances, request by request; counts what each got. */
async function startBalancer(port: number, targets: () => readonly string[]) {
  let next = 0;
  const forwarded = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const all = targets();
      const target = all[next++ % all.length]!;
      forwarded.set(target, (forwarded.get(target) ?? 0) + 1);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
          headers[name] = value;
      }
      fetch(`${target}${request.url}`, {
        method: request.method ?? 'POST',
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : null,
        signal: AbortSignal.timeout(20_000),
      })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          response.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          response.end(body);
        })
        .catch(() => {
          response.writeHead(502);
          response.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    forwarded,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!POSTGRES)(
  'webhook mode with two processes (postgres; TEST_DATABASE_URL unset: skipped)',
  () => {
    let sim: TelegramSim;
    let database: TestDatabase;
    let setup: App;
    let balancer: Awaited<ReturnType<typeof startBalancer>>;
    let publicBaseUrl: string;
    const shops: { id: BotId; bot: SimBot; user: SimUser }[] = [];
    const running: ServiceInstance[] = [];

    beforeAll(async () => {
      sim = await startTelegramSim({ webhookRetryBaseMs: 50, webhookRetryMaxMs: 500 });
      database = await openTestDatabase('postgres');
      setup = createApp({
        database: database.handle,
        secrets: createSecretBox(TEST_ENCRYPTION_KEY),
        logger: createSilentLogger(),
      });
      for (let i = 0; i < BOTS; i++) {
        const bot = sim.addBot({ username: `hook_${i}_bot` });
        rememberSecret('bot token', bot.token);
        const created = await setup.platform.tenants.create({ name: `Shop ${i}`, token: bot.token });
        if (!created.ok) throw new Error(created.error.message);
        const services = setup.forTenant(created.value.tenant.id);
        await services.settings.set('language_selection_enabled', false, 'operator');
        await services.settings.set('skip_rules_acceptance', true, 'operator');
        await services.settings.set('default_language', 'en', 'operator');
        shops.push({ id: created.value.tenant.id, bot, user: sim.user({ firstName: `Customer${i}` }) });
      }
      const port = await freePort();
      publicBaseUrl = `http://127.0.0.1:${port}`;
      balancer = await startBalancer(port, () =>
        running.filter((instance) => !instance.exited).map((instance) => instance.url),
      );
    }, 60_000);

    afterAll(async () => {
      await Promise.allSettled(running.map((instance) => instance.kill()));
      await balancer?.close();
      await database?.close();
      await sim?.close();
    });

    const start = async (id: string) => {
      const instance = await startInstance({
        id,
        ownerUrl: database.url!,
        appUrl: database.appUrl!,
        apiRoot: sim.apiRoot,
        port: await freePort(),
        mode: 'webhook',
        publicBaseUrl,
      });
      running.push(instance);
      return instance;
    };

    const dump = () => running.map((instance) => instance.output()).join('\n');
    const until = async (check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check()) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out: ${what}\n${dump()}`);
    };
    type Shop = (typeof shops)[number];
    const botMessages = (shop: Shop) =>
      sim.chat(shop.bot, shop.user).messages.filter((message) => message.fromBot).length;
    const setWebhookCalls = (shop: Shop) => sim.calls({ method: 'setWebhook', botId: shop.bot }).length;
    /** /start to every bot; with `twice`, Telegram delivers each a second time once it was answered. */
    const startEverywhere = async (twice: boolean) => {
      const sent = shops.map((shop) => ({ shop, updateId: shop.user.start(shop.bot).updateId }));
      for (const { shop, updateId } of sent) {
        await until(
          async () => (await setup.forTenant(shop.id).updates.get(updateId))?.state === 'done',
          `update ${updateId} of shop ${shop.id} handled`,
        );
        if (twice) expect(sim.redeliver(shop.bot, updateId)).toBe(true);
      }
      // every delivery answered (the second ones too): nothing left with Telegram
      await until(
        () => shops.every((shop) => sim.pendingUpdateCount(shop.bot) === 0),
        'every delivery answered',
      );
    };

    it('two instances behind a load balancer: updates and jobs once, each webhook set once', async () => {
      const [a, b] = await Promise.all([start('hook-a'), start('hook-b')]);
      // both started at once, each with every bot; the webhook was set by one of them only
      for (const instance of [a!, b!]) {
        const bots = await instance.bots();
        expect(bots.filter((bot) => bot.state === 'running')).toHaveLength(BOTS);
      }
      for (const shop of shops) expect(setWebhookCalls(shop), `bot ${shop.id}`).toBe(1);

      // what one /start adds for a known customer, each delivered once
      await startEverywhere(false);
      await startEverywhere(false);
      const before = shops.map(botMessages);
      await startEverywhere(false);
      const perStart = shops.map((shop, i) => botMessages(shop) - before[i]!);
      expect(perStart.every((count) => count > 0)).toBe(true);

      // every update delivered twice, the load balancer alternating: still handled once each
      await startEverywhere(true);
      await startEverywhere(true);
      for (const [i, shop] of shops.entries()) {
        expect(botMessages(shop), `shop ${shop.id}`).toBe(before[i]! + 3 * perStart[i]!);
      }
      // both instances took Telegram's requests
      expect(balancer.forwarded.get(a!.url) ?? 0).toBeGreaterThan(0);
      expect(balancer.forwarded.get(b!.url) ?? 0).toBeGreaterThan(0);

      // jobs: both runners claim from one queue, each job runs once (one notice each)
      const sentBefore = shops.map(botMessages);
      for (const shop of shops) {
        for (let j = 0; j < JOBS_PER_BOT; j++) {
          await setup
            .forTenant(shop.id)
            .jobs.enqueue(floodWaitNotice, { chatId: shop.user.id, language: 'en' });
        }
      }
      const owner = new pg.Client({ connectionString: database.url! });
      await owner.connect();
      try {
        const jobs = async () =>
          (
            await owner.query<{ status: string; attempts: number }>(
              `SELECT status, attempts FROM jobs WHERE name = $1`,
              [floodWaitNotice.name],
            )
          ).rows;
        await until(async () => {
          const rows = await jobs();
          return rows.length === BOTS * JOBS_PER_BOT && rows.every((row) => row.status === 'done');
        }, 'every job done');
        expect((await jobs()).map((row) => Number(row.attempts))).toEqual(
          Array.from({ length: BOTS * JOBS_PER_BOT }, () => 1),
        );
      } finally {
        await owner.end();
      }
      for (const [i, shop] of shops.entries()) {
        expect(botMessages(shop), `shop ${shop.id}`).toBe(sentBefore[i]! + JOBS_PER_BOT);
      }

      // a restart of one of them sets no webhook again (the fingerprint is in the database)
      await b!.stop();
      running.splice(running.indexOf(b!), 1);
      const again = await start('hook-b');
      expect((await again.bots()).filter((bot) => bot.state === 'running')).toHaveLength(BOTS);
      await startEverywhere(true);
      for (const shop of shops) expect(setWebhookCalls(shop), `bot ${shop.id}`).toBe(1);
      await Promise.all([a!.stop(), again.stop()]);
    }, 300_000);
  },
);
