import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';
import { sendMainMenu } from './main-menu.js';
import { continueOnboarding, start } from './onboarding.js';

/** Last in line: a message nothing else took brings the customer back to where they can act. */
export function createFallbackFeature() {
  const feature = new BotComposer<BotContext>();
  feature.chatType('private').on('message', async (ctx) => {
    if (!ctx.customer) return start(ctx, '');
    if (await continueOnboarding(ctx)) await sendMainMenu(ctx);
  });
  feature.on('callback_query:data', async (ctx) => {
    // a button of an old message whose handler no longer exists
    await ctx.answerCallbackQuery();
  });
  return feature;
}
