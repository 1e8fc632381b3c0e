/**
 * The baseline side of `npm run bench:fleet`: the same bots as bare grammY bots, with no database,
 * no sessions, no i18n and none of the product's features, so the parent can print how much CPU
 * per update the product costs beyond the framework itself.
 *
 * It answers the benchmark's customers as the product does, with the same Bot API work per update:
 * `/start` sends a message with a menu button; pressing `menu:support` or `menu:home` answers the
 * button in the webhook response (as the product's `canUseWebhookReply` does) and sends a message
 * with the other button. Webhook mode serves the product's route shape (`POST /tg/:botId` on
 * Fastify, the bot's secret header checked by grammY's `webhookCallback`); polling mode runs every
 * bot with @grammyjs/runner, grammY's own way to poll many bots (the product has a polling loop and
 * long-poll connections of its own: src/bot/poller.ts, src/bot/long-poll.ts).
 *
 * The bots come from the JSON file BENCH_BOTS_FILE (`[{ id, token, username, firstName }]`); the
 * messages from the parent are those of bench/fleet-server.ts (`rss`, `cpu`, `stop`). Imports
 * nothing from the repository, so it runs the same under tsx and as plain JavaScript.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { type RunnerHandle, run } from '@grammyjs/runner';
import Fastify from 'fastify';
import { Bot, InlineKeyboard, webhookCallback } from 'grammy';

// Garbage collection so far, as bench/fleet-server.ts counts it
const gc = { ms: 0, fullMs: 0, full: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.ms += entry.duration;
    if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gc.fullMs += entry.duration;
      gc.full += 1;
    }
  }
}).observe({ entryTypes: ['gc'] });

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

interface BenchBot {
  readonly id: number;
  readonly token: string;
  readonly username: string;
  readonly firstName: string;
}

const started = performance.now();
const apiRoot = env('BENCH_API_ROOT');
const mode = process.env.BENCH_MODE === 'polling' ? 'polling' : 'webhook';
const port = Number(env('BENCH_PORT'));
const secretKey = env('BENCH_SECRET_KEY');
const list = JSON.parse(readFileSync(env('BENCH_BOTS_FILE'), 'utf8')) as BenchBot[];
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

let updates = 0;
const menu = (data: string) => new InlineKeyboard().text(data === 'menu:home' ? 'Back' : 'Support', data);

function createBareBot(info: BenchBot): Bot {
  const bot = new Bot(info.token, {
    botInfo: {
      id: info.id,
      is_bot: true,
      first_name: info.firstName,
      username: info.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    },
    client: { apiRoot, canUseWebhookReply: (method) => method === 'answerCallbackQuery' },
  });
  bot.use(async (_ctx, next) => {
    updates += 1;
    await next();
  });
  bot.command('start', (ctx) => ctx.reply('Welcome to the shop.', { reply_markup: menu('menu:support') }));
  bot.callbackQuery(['menu:support', 'menu:home'], async (ctx) => {
    await ctx.answerCallbackQuery();
    const support = ctx.callbackQuery.data === 'menu:support';
    await ctx.reply(support ? 'Write to @bench_support.' : 'Main menu', {
      reply_markup: menu(support ? 'menu:home' : 'menu:support'),
    });
  });
  bot.catch(() => undefined);
  return bot;
}

const bots = new Map(list.map((info) => [String(info.id), createBareBot(info)] as const));
const secret = (id: number) => createHmac('sha256', secretKey).update(`bare:${id}`).digest('base64url');

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

const server = Fastify({ logger: false });
const runners: RunnerHandle[] = [];
if (mode === 'webhook') {
  const callbacks = new Map(
    list.map((info) => [
      String(info.id),
      webhookCallback(bots.get(String(info.id))!, 'fastify', { secretToken: secret(info.id) }),
    ]),
  );
  server.post<{ Params: { botId: string } }>('/tg/:botId', (request, reply) => {
    const callback = callbacks.get(request.params.botId);
    if (!callback) return reply.code(401).send({ ok: false });
    return callback(request, reply);
  });
  await server.listen({ host: '127.0.0.1', port });
  await inBatches(list, 32, (info) =>
    bots.get(String(info.id))!.api.setWebhook(`http://127.0.0.1:${port}/tg/${info.id}`, {
      secret_token: secret(info.id),
      allowed_updates: ALLOWED_UPDATES,
    }),
  );
} else {
  await inBatches(list, 32, (info) => bots.get(String(info.id))!.api.deleteWebhook());
  for (const bot of bots.values())
    runners.push(run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES } } }));
}
const startupMs = performance.now() - started;

const rss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};

process.on('message', (message: { type: string }) => {
  if (message.type === 'rss') process.send?.({ type: 'rss', rss: rss() });
  if (message.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({
      type: 'cpu',
      userUs: user,
      systemUs: system,
      updates,
      queries: 0,
      apiCalls: 0,
      connections: 0,
      gc: { ...gc },
    });
  }
  if (message.type === 'stop') {
    void (async () => {
      await Promise.all(runners.map((runner) => (runner.isRunning() ? runner.stop() : undefined)));
      await server.close();
      process.exit(0);
    })();
  }
});
process.send?.({
  type: 'ready',
  startupMs,
  importMs: 0,
  processMs: performance.now(),
  bots: bots.size,
  rss: rss(),
});
