import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { isAdmin } from '../is-admin.js';

/**
 * A reseller shop's customer cap (its reseller plan's): someone new writing to a shop that has as
 * many customers as its plan allows is told politely and not registered. Existing customers and
 * the shop's admins pass; in any other shop this costs nothing but for a first message, one read.
 * Mounted before onboarding, which registers new customers.
 */
export function createCustomerCapGate(): BotComposer<BotContext> {
  const gate = new BotComposer<BotContext>();
  gate.use(async (ctx, next) => {
    if (ctx.customer || ctx.shop.tenant.isMaster || !ctx.from || ctx.chat?.type !== 'private' || isAdmin(ctx))
      return next();
    if (!(await ctx.shop.services.resellerShop.customerCapReached())) return next();
    ctx.logger.info({ telegramId: ctx.from.id }, 'reseller shop full: a new customer turned away');
    if (ctx.callbackQuery)
      await ctx.answerCallbackQuery({ text: ctx.t('reseller-shop-full'), show_alert: true });
    else if (ctx.message) await ctx.reply(ctx.t('reseller-shop-full'));
  });
  return gate;
}
