import { sequentialize } from '@grammyjs/runner';
import { Composer } from 'grammy';
import type { Logger } from '../../shared/logger.js';
import type { BotContext } from '../context.js';
import type { Translator } from '../i18n.js';

export interface PipelineDeps {
  readonly logger: Logger;
  readonly translator: Translator;
}

const sessionKey = (ctx: BotContext): string | undefined => (ctx.chat ? String(ctx.chat.id) : undefined);

/**
 * Middleware every update passes before the features: deduplication, ordering per chat, a child
 * logger, the persisted session and the customer with their language.
 */
export function createPipeline({ logger, translator }: PipelineDeps): Composer<BotContext> {
  const pipeline = new Composer<BotContext>();

  pipeline.use(async (ctx, next) => {
    Object.assign(ctx, { translator });
    ctx.logger = logger.child({ botId: ctx.shop.tenant.id, updateId: ctx.update.update_id });
    // Telegram re-sends an update it thinks was not handled; a second delivery is dropped here.
    if (!(await ctx.shop.services.updates.claim(ctx.update.update_id))) {
      ctx.logger.debug('duplicate update dropped');
      return;
    }
    const started = performance.now();
    await next();
    ctx.logger.debug({ ms: Math.round(performance.now() - started) }, 'update handled');
  });

  // Updates of one chat are handled one after another (sessions, onboarding order), chats in parallel.
  pipeline.use(sequentialize((ctx: BotContext) => sessionKey(ctx)));

  pipeline.use(async (ctx, next) => {
    const key = sessionKey(ctx);
    const stored = key ? await ctx.shop.services.sessions.read(key) : undefined;
    ctx.session = { ...(stored ?? {}) };
    const before = JSON.stringify(ctx.session);
    await next();
    if (key && JSON.stringify(ctx.session) !== before)
      await ctx.shop.services.sessions.write(key, ctx.session);
  });

  pipeline.use(async (ctx, next) => {
    const from = ctx.from;
    ctx.customer =
      from && !from.is_bot ? await ctx.shop.services.customers.getByTelegramId(from.id) : undefined;
    ctx.language = ctx.customer?.language ?? (await ctx.shop.services.settings.get('default_language'));
    ctx.t = translator.forLanguage(ctx.language);
    await next();
  });

  return pipeline;
}
