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
 * Middleware every update passes before the features: ordering per chat, then in one transaction
 * deduplication, the persisted session and the customer; a child logger and the language.
 */
export function createPipeline({ logger, translator }: PipelineDeps): Composer<BotContext> {
  const pipeline = new Composer<BotContext>();

  // Updates of one chat are handled one after another (sessions, onboarding order), chats in parallel.
  pipeline.use(sequentialize((ctx: BotContext) => sessionKey(ctx)));

  pipeline.use(async (ctx, next) => {
    Object.assign(ctx, { translator });
    ctx.logger = logger.child({ botId: ctx.shop.tenant.id, updateId: ctx.update.update_id });
    const key = sessionKey(ctx);
    const from = ctx.from && !ctx.from.is_bot ? ctx.from : undefined;
    const admission = await ctx.shop.services.updates.admit({
      updateId: ctx.update.update_id,
      sessionKey: key,
      telegramId: from?.id,
    });
    // Telegram re-sends an update it thinks was not handled; a second delivery is dropped here.
    if (admission.duplicate) {
      ctx.logger.debug('duplicate update dropped');
      return;
    }
    ctx.session = { ...(admission.session ?? {}) };
    ctx.customer = admission.customer;
    ctx.language = ctx.customer?.language ?? (await ctx.shop.services.settings.get('default_language'));
    ctx.t = translator.forLanguage(ctx.language);
    const before = JSON.stringify(ctx.session);
    const started = performance.now();
    await next();
    if (key && JSON.stringify(ctx.session) !== before)
      await ctx.shop.services.sessions.write(key, ctx.session);
    ctx.logger.debug({ ms: Math.round(performance.now() - started) }, 'update handled');
  });

  return pipeline;
}
