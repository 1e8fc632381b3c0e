import type { ReferralTerms } from '../../../modules/referral/referral-terms.js';
import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatMoney, formatNumber } from '../../format.js';
import { backToMenu } from '../keyboards.js';
import type { MenuSection } from '../section.js';

const referralButton = callbackData('menu:referral');

/** The shop's rewards in a line each; nothing when the shop rewards nothing. */
function termsLines(ctx: BotContext, terms: ReferralTerms): string[] {
  const money = (amount: number) => formatMoney(amount, ctx.shop.tenant.currency, ctx.language, ctx.t);
  const lines: string[] = [];
  if (terms.firstTopUpBonus > 0 || terms.inviterBonus > 0) {
    const minimum =
      terms.minTopUp > 0 ? ` ${ctx.t('referral-terms-minimum', { minimum: money(terms.minTopUp) })}` : '';
    if (terms.inviterBonus > 0)
      lines.push(ctx.t('referral-terms-inviter', { amount: money(terms.inviterBonus), minimum }));
    if (terms.firstTopUpBonus > 0)
      lines.push(ctx.t('referral-terms-invited', { amount: money(terms.firstTopUpBonus), minimum }));
  }
  if (terms.commissionPercent > 0)
    lines.push(
      ctx.t('referral-terms-commission', { percent: formatNumber(terms.commissionPercent, ctx.language) }),
    );
  return lines;
}

function referralButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, referralButton, async (ctx) => {
    const services = ctx.shop.services;
    if (!(await services.flags.isEnabled('referral_program'))) {
      await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const customer = ctx.customer!;
    const [summary, terms] = await Promise.all([
      services.referral.summary(customer.id),
      services.referral.terms(),
    ]);
    const link = `https://t.me/${ctx.me.username}?start=ref_${customer.referralCode}`;
    const termLines = termsLines(ctx, terms);
    const text = [
      ctx.t('referral-screen-title'),
      '',
      ctx.t('referral-screen-link', { link }),
      ...(termLines.length > 0 ? ['', ctx.t('referral-screen-terms-title'), ...termLines] : []),
      '',
      ctx.t('referral-screen-invited', { count: formatNumber(summary.invited, ctx.language) }),
      ctx.t('referral-screen-paying', { count: formatNumber(summary.paying, ctx.language) }),
      ctx.t('referral-screen-earned', {
        amount: formatMoney(summary.earned, ctx.shop.tenant.currency, ctx.language, ctx.t),
      }),
    ].join('\n');
    await ctx.reply(text, { reply_markup: backToMenu(ctx.t), link_preview_options: { is_disabled: true } });
  });
  return buttons;
}

/** The customer's invitation link, who joined and paid through it, the shop's rewards and what they earned. */
export const referralSection: MenuSection = {
  entry: 'referral',
  isShown: ({ flags }) => flags.referral_program.enabled,
  button: (t) => ({ text: t('menu-referral'), data: referralButton.build() }),
  composer: referralButtons(),
};
