import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';

/**
 * Telegram tells a bot when a customer blocks it (`my_chat_member`, status `kicked`) and when they
 * unblock it (`member`): notices stop and start again accordingly. A 403 on a send marks them too
 * (src/bot/notices/notices.ts), and /start clears it.
 */
export function createReachabilityFeature() {
  const feature = new BotComposer<BotContext>();
  feature.chatType('private').on('my_chat_member', async (ctx) => {
    const customer = ctx.customer;
    if (!customer) return;
    const status = ctx.myChatMember.new_chat_member.status;
    if (status === 'kicked') await ctx.shop.services.customers.markUnreachable(customer.id);
    else if (status === 'member') await ctx.shop.services.customers.markReachable(customer.id);
  });
  return feature;
}
