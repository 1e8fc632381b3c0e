import type { BotContext } from '../context.js';

/**
 * The one admin check, for every admin entry point: the sender (a person, not a bot) is one of the
 * admins of the bot that received the update. In a tenant's bot these are the shop's admins; in the
 * master bot they are the operators (OPERATOR_TELEGRAM_IDS, merged in by ensureMaster). A filter:
 * `composer.filter(isAdmin)`. Which menu an admin gets follows from the bot (`tenant.isMaster`).
 */
export const isAdmin = (ctx: BotContext): boolean =>
  ctx.from !== undefined && !ctx.from.is_bot && ctx.shop.tenant.adminTelegramIds.includes(ctx.from.id);
