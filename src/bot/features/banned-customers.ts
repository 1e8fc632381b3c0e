import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';
import { isAdmin } from './is-admin.js';

/**
 * A customer the shop banned gets one short line per update at most, and nothing is done for them:
 * a message in a private chat is answered with it, a button press with it as a toast, a Stars
 * checkout refused with it; anything else (their messages in groups...) is dropped quietly. Two
 * updates still go on: a `successful_payment` (Telegram already took the Stars: they are credited,
 * money moves once whatever the state) and `my_chat_member` (blocking or unblocking the bot).
 * The shop's own admins are never stopped here.
 */
export function createBannedCustomersGate(): BotComposer<BotContext> {
  const gate = new BotComposer<BotContext>();
  gate.use(async (ctx, next) => {
    if (!ctx.customer?.isBlocked || isAdmin(ctx)) return next();
    if (ctx.message?.successful_payment !== undefined || ctx.myChatMember !== undefined) return next();
    ctx.logger.debug(
      { customerId: ctx.customer.id },
      'update of a banned customer answered with the ban line',
    );
    const line = ctx.t('mod-banned');
    if (ctx.preCheckoutQuery) {
      await ctx.answerPreCheckoutQuery(false, { error_message: line });
    } else if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: line }).catch(() => undefined);
    } else if (ctx.message && ctx.chat?.type === 'private') {
      await ctx.reply(line);
    }
  });
  return gate;
}
