import { InlineKeyboard } from 'grammy';
import type { RedeemOutcome } from '../../../modules/promo/redeem-promo.js';
import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { awaitingOf, type BotContext, forgetAwaiting } from '../../context.js';
import { formatDate, formatMoney, formatNumber } from '../../format.js';
import { backToMenu, menuHomeButton } from '../keyboards.js';
import type { MenuSection } from '../section.js';
import { buyMenuButton } from '../shop/buy.js';
import { viewContext } from '../shop/shop-context.js';

const promoMenuButton = callbackData('menu:promo');
/** The code is taken for a while after "Promo code" was pressed, then the prompt is forgotten. */
const CODE_WINDOW_MS = 30 * 60_000;
/** `/start promo_<CODE>`: Telegram deep links carry letters, digits, `_` and `-` only. */
export const PROMO_START_PREFIX = 'promo_';

/** The customer's answer to a code, in their words. */
async function outcomeText(
  ctx: BotContext,
  outcome: RedeemOutcome | { status: 'disabled' },
): Promise<string> {
  const v = await viewContext(ctx);
  const money = (amount: number) => formatMoney(amount, v.currency, v.language, ctx.t);
  switch (outcome.status) {
    case 'discount_held':
      return [
        outcome.percent !== null
          ? ctx.t('promo-held-percent', {
              code: outcome.code,
              percent: formatNumber(outcome.percent, v.language),
            })
          : ctx.t('promo-held-fixed', { code: outcome.code, amount: money(outcome.amount ?? 0) }),
        ...(outcome.expiresAt
          ? [ctx.t('promo-held-until', { date: formatDate(outcome.expiresAt, v.language, v.timeZone) })]
          : []),
      ].join('\n');
    case 'credited':
      return ctx.t('promo-credited', { amount: money(outcome.amount), balance: money(outcome.balance) });
    case 'days_added':
      return ctx.t('promo-days-added', { days: formatNumber(outcome.days, v.language) });
    case 'trial_started':
      return ctx.t('promo-trial-started', { days: formatNumber(outcome.days, v.language) });
    case 'group_joined':
      return ctx.t('promo-group-joined', { group: outcome.group });
    case 'holding_other':
      return ctx.t('promo-error-holding-other', { code: outcome.code ?? '' });
    default:
      return ctx.t('promo-error', { reason: outcome.status });
  }
}

/**
 * Redeems a code the customer typed or followed a link with, and answers: what it did, or why it
 * did nothing. A held discount leads to the plans, which show it.
 */
export async function redeemAndAnswer(ctx: BotContext, text: string): Promise<void> {
  const customer = ctx.customer;
  if (!customer) return;
  const outcome = await ctx.shop.services.promo.redeem(customer.id, text);
  ctx.logger.info({ customerId: customer.id, outcome: outcome.status }, 'promo code entered');
  const keyboard =
    outcome.status === 'discount_held'
      ? new InlineKeyboard()
          .text(ctx.t('menu-buy'), buyMenuButton.build())
          .row()
          .text(ctx.t('back-to-menu'), menuHomeButton.build())
      : backToMenu(ctx.t);
  await ctx.reply(await outcomeText(ctx, outcome), { reply_markup: keyboard });
}

function createPromoFeature(): BotComposer<BotContext> {
  const feature = new BotComposer<BotContext>();

  onPress(feature, promoMenuButton, async (ctx) => {
    if (!ctx.customer || !(await ctx.shop.services.promo.isEnabled())) {
      await ctx.answerCallbackQuery({ text: ctx.t('promo-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const held = await ctx.shop.services.promo.held(ctx.customer.id);
    ctx.session.awaiting = { kind: 'promo-code', at: Date.now() };
    const lines = [ctx.t('promo-ask')];
    if (held) lines.push('', ctx.t('promo-holding', { code: held.code }));
    await ctx.reply(lines.join('\n'), { reply_markup: backToMenu(ctx.t) });
  });

  feature.chatType('private').on('message:text', async (ctx, next) => {
    const asked = awaitingOf(ctx.session, 'promo-code');
    if (!asked || !ctx.customer) return next();
    forgetAwaiting(ctx.session, 'promo-code');
    // an old prompt, or a command instead of a code (/start...), goes on as usual
    if (Date.now() - asked.at > CODE_WINDOW_MS || ctx.message.text.startsWith('/')) return next();
    await redeemAndAnswer(ctx, ctx.message.text);
  });

  return feature;
}

/** "Promo code" in the main menu, while the shop's `promo_codes` switch is on. */
export const promoSection: MenuSection = {
  entry: 'promo',
  isShown: ({ flags }) => flags.promo_codes.enabled,
  button: (t) => ({ text: t('menu-promo'), data: promoMenuButton.build() }),
  composer: createPromoFeature(),
};
