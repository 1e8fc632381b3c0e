import { sequentialize } from '@grammyjs/runner';
import type { Update } from 'grammy/types';
import type { StoredUpdate } from '../../modules/updates/updates-service.js';
import type { Logger } from '../../shared/logger.js';
import { BotComposer } from '../composer.js';
import { type BotContext, readSession } from '../context.js';
import type { Translator } from '../i18n.js';

export interface PipelineDeps {
  readonly logger: Logger;
  readonly translator: Translator;
  /** Whether an error means the database is out of reach for now (app.platform.isDatabaseUnavailable). */
  readonly isDatabaseUnavailable: (error: unknown) => boolean;
}

/** The chat's session, stored per tenant (bot_sessions is a tenant table): the chat id is the key. */
const sessionKey = (ctx: BotContext): string | undefined => (ctx.chat ? String(ctx.chat.id) : undefined);

/**
 * Updates wait for the one before them in the same chat of the same bot. The middleware tree is
 * shared by every bot of the fleet and a private chat's id is the user's, so the bot is part of the
 * key: a customer of two shops is two conversations, neither waiting for the other.
 */
const sequenceKey = (ctx: BotContext): string | undefined =>
  ctx.chat ? `${ctx.shop.tenant.id}:${ctx.chat.id}` : undefined;

/**
 * Updates that move money: a failure while handling one is never given up on, because the money
 * has already moved on Telegram's side (Stars) or the customer has sent proof of it (a receipt).
 */
export const movesMoney = (update: Update): boolean =>
  update.message?.successful_payment !== undefined ||
  update.message?.photo !== undefined ||
  update.message?.document !== undefined;

/**
 * `logger.child(bindings())`, made when it is first used: most updates log nothing at info level,
 * and a pino child costs its bindings' serialisation on every update. A plain object property (not
 * an accessor defined on the context, which would give every context a shape of its own).
 */
function lazyChild(logger: Logger, bindings: () => Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = () => {
    child ??= logger.child(bindings());
    return child;
  };
  return new Proxy({} as Logger, {
    get: (_target, property) => {
      const value = Reflect.get(real(), property) as unknown;
      return typeof value === 'function' ? value.bind(real()) : value;
    },
    set: (_target, property, value) => Reflect.set(real(), property, value),
    has: (_target, property) => Reflect.has(real(), property),
  });
}

/**
 * Middleware every update passes before the features: ordering per chat, then in one round trip the
 * claim of the update in the inbox, the persisted session and the customer; a child logger and the
 * language. The claim is finished (with the session) only once the features are done with the
 * update; a handling cut short by the database stays unfinished and is handled again.
 */
export function createPipeline({
  logger,
  translator,
  isDatabaseUnavailable,
}: PipelineDeps): BotComposer<BotContext> {
  const pipeline = new BotComposer<BotContext>();

  // Updates of one chat are handled one after another (sessions, onboarding order), chats in parallel.
  pipeline.use(sequentialize(sequenceKey));

  pipeline.use(async (ctx, next) => {
    Object.assign(ctx, { translator });
    ctx.logger = lazyChild(logger, () => ({ botId: ctx.shop.tenant.id, updateId: ctx.update.update_id }));
    const key = sessionKey(ctx);
    const from = ctx.from && !ctx.from.is_bot ? ctx.from : undefined;
    const updates = ctx.shop.services.updates;
    const admission = await updates.admit({
      update: ctx.update as unknown as StoredUpdate,
      sessionKey: key,
      telegramId: from?.id,
    });
    // Telegram re-sends an update it thinks was not handled; one handled or in hand is dropped here.
    if (admission.duplicate) {
      ctx.logger.debug('duplicate update dropped');
      return;
    }
    if (admission.attempt > 1) ctx.logger.info({ attempt: admission.attempt }, 'handling an update again');
    // checked as it is read: a session this version cannot read is an empty one
    ctx.session = readSession(admission.session);
    ctx.customer = admission.customer;
    ctx.attempt = admission.attempt;
    ctx.language = ctx.customer?.language ?? (await ctx.shop.services.settings.get('default_language'));
    ctx.t = translator.forLanguage(ctx.language);
    const before = JSON.stringify(ctx.session);
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      // Cut short by the database, or a payment whatever the cause: left unfinished, so it is
      // handled again (Telegram's redelivery or the inbox's recovery). Anything else is a bug that
      // would fail the same way again: finished, and the error boundary apologises.
      if (isDatabaseUnavailable(error)) {
        // the database may be back already (a deadlock, a restart): then it is taken at once
        await updates.release(ctx.update.update_id).catch(() => undefined);
      } else if (!movesMoney(ctx.update)) {
        await updates.finish(ctx.update.update_id).catch((finishError: unknown) => {
          ctx.logger.warn({ err: finishError }, 'could not finish a failed update');
        });
      }
      throw error;
    }
    // a changed session is saved before the chat's next update is admitted; without one the
    // finish goes about 20 ms later with other shops' (`FinishQueue`)
    if (key !== undefined && JSON.stringify(ctx.session) !== before)
      await updates.finish(ctx.update.update_id, { key, data: ctx.session });
    else updates.finishLater(ctx.update.update_id, admission.attempt);
    if (logger.isLevelEnabled('debug'))
      ctx.logger.debug({ ms: Math.round(performance.now() - started) }, 'update handled');
  });

  return pipeline;
}
