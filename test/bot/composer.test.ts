import { Api, Composer, Context, type Middleware } from 'grammy';
import type { Chat, Update, UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { BotComposer } from '../../src/bot/composer.js';

const me: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: 'Shop',
  username: 'shop_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
const api = new Api('42:test');
const chat: Chat.PrivateChat = { id: 7, type: 'private', first_name: 'Ali' };
const group: Chat.GroupChat = { id: -9, type: 'group', title: 'Staff' };
const from = { id: 7, is_bot: false, first_name: 'Ali' };

const message = (text: string, at: Chat.PrivateChat | Chat.GroupChat = chat): Update => ({
  update_id: 1,
  message: {
    message_id: 1,
    date: 0,
    chat: at,
    from,
    text,
    ...(text.startsWith('/')
      ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }
      : {}),
  },
});
const press = (data: string): Update => ({
  update_id: 2,
  callback_query: {
    id: 'q',
    from,
    chat_instance: 'c',
    data,
    message: { message_id: 1, date: 0, chat, text: 'menu' },
  },
});

const UPDATES: [string, Update][] = [
  ['a text', message('hello')],
  ['/start', message('/start promo_X')],
  ['/help in private', message('/help')],
  ['/help in a group', message('/help', group)],
  ['a press', press('menu:support')],
  ['another press', press('adm:home')],
  ['a word the async filter takes', message('async')],
  ['a word the drop lets through', message('keep')],
  ['a word that stops the chain', message('stop')],
];

/**
 * One tree of every kind of registration the bot's features use, built on `root`, recording the
 * order middleware ran in.
 */
function tree(root: Composer<Context>, trace: string[]): Composer<Context> {
  root.use(async (_ctx, next) => {
    trace.push('first');
    await next();
    trace.push('first, after');
  });
  root.on('message:text', async (ctx, next) => {
    trace.push(`text ${ctx.message.text}`);
    await next();
  });
  root.command('start', (ctx) => {
    trace.push(`start ${ctx.match}`);
  });
  const privately = root.chatType('private');
  privately.command('help', () => {
    trace.push('help in private');
  });
  root.command('help', () => {
    trace.push('help elsewhere');
  });
  root.callbackQuery(/^menu:(.+)$/, async (ctx) => {
    trace.push(`menu ${ctx.match[1]}`);
  });
  root.filter(
    async (ctx) => ctx.message?.text === 'async',
    () => {
      trace.push('async filter');
    },
  );
  root.drop(
    (ctx) => ctx.message?.text !== 'keep',
    async (_ctx, next) => {
      trace.push('not dropped');
      await next();
    },
  );
  // a feature: a composer of the same kind mounted as an object, holding another as its last step
  // and given to a third's constructor, as the bot's features are built
  const Kind = root.constructor as new (...middleware: Middleware<Context>[]) => Composer<Context>;
  const inner = new Kind();
  inner.on('message:text', (_ctx, next) => {
    trace.push('inner text');
    return next();
  });
  const feature = new Kind(async (_ctx, next) => {
    trace.push('feature');
    await next();
    trace.push('feature, after');
  });
  feature.callbackQuery('adm:home', (_ctx, next) => {
    trace.push('feature adm');
    return next();
  });
  feature.use(new Kind(inner));
  root.use(feature);
  root.hears('stop', () => {
    trace.push('stopped');
  });
  // grammY's own composer mounted inside, as a plugin's would be
  const plugin = new Composer<Context>();
  plugin.on('callback_query:data', (ctx) => {
    trace.push(`plugin ${ctx.callbackQuery.data}`);
  });
  root.use(plugin);
  root.use(() => {
    trace.push('last');
  });
  return root;
}

async function run(root: Composer<Context>, update: Update): Promise<void> {
  await root.middleware()(new Context(update, api, me), () => Promise.resolve());
}

describe('BotComposer', () => {
  it.each(UPDATES)(
    'runs %s as grammY does: the same middleware, in the same order',
    async (_name, update) => {
      const grammy: string[] = [];
      const ours: string[] = [];
      await run(tree(new Composer<Context>(), grammy), update);
      await run(tree(new BotComposer<Context>(), ours), update);
      expect(ours).toEqual(grammy);
      expect(ours.length).toBeGreaterThan(2);
    },
  );

  it('runs middleware registered on a returned composer after the tree was mounted', async () => {
    const trace: string[] = [];
    const root = new BotComposer<Context>();
    const texts = root.on('message:text');
    await run(root, message('one'));
    texts.use(() => {
      trace.push('late');
    });
    await run(root, message('two'));
    expect(trace).toEqual(['late']);
  });

  it('refuses a second call of next, as grammY does', async () => {
    const root = new BotComposer<Context>();
    root.use(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(run(root, message('hi'))).rejects.toThrow('`next` already called before!');
  });

  it('passes on what a predicate or a middleware throws', async () => {
    const throwing = new BotComposer<Context>();
    throwing.filter(() => {
      throw new Error('predicate failed');
    });
    await expect(run(throwing, message('hi'))).rejects.toThrow('predicate failed');
    const failing = new BotComposer<Context>();
    failing.on('message', () => {
      throw new Error('handler failed');
    });
    await expect(run(failing, message('hi'))).rejects.toThrow('handler failed');
  });

  it('goes on to the next middleware when a step neither waits for next nor returns a promise', async () => {
    const trace: string[] = [];
    const root = new BotComposer<Context>();
    root.use((_ctx, next) => {
      trace.push('sync');
      return next();
    });
    root.use(() => {
      trace.push('end');
    });
    await run(root, message('hi'));
    expect(trace).toEqual(['sync', 'end']);
  });
});
