import { InlineKeyboard } from 'grammy';
import type { PaidOrders } from '../../../modules/stats/sales-stats.js';
import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatMoney, formatNumber } from '../../format.js';
import type { Section } from '../section.js';
import { answer, clearInput, show, withHome } from './admin-ui.js';

const statsButton = callbackData('adm:stats');

/** "3 · 360,000 Toman": a count of paid orders and their sum in each currency they were paid in. */
function paidText(ctx: BotContext, paid: PaidOrders): string {
  const sums =
    paid.amounts.length === 0
      ? formatMoney(0, ctx.shop.tenant.currency, ctx.language, ctx.t)
      : paid.amounts
          .map(({ currency, amount }) => formatMoney(amount, currency, ctx.language, ctx.t))
          .join(' + ');
  return ctx.t('adm-stats-paid', { count: formatNumber(paid.count, ctx.language), sum: sums });
}

async function showStats(ctx: BotContext): Promise<void> {
  const services = ctx.shop.services;
  const stats = await services.stats.summary(await services.settings.get('timezone'));
  const n = (value: number) => formatNumber(value, ctx.language);
  const text = ctx.t('adm-stats', {
    customers: n(stats.customers.total),
    newToday: n(stats.customers.newToday),
    today: paidText(ctx, stats.paid.today),
    week: paidText(ctx, stats.paid.last7Days),
    month: paidText(ctx, stats.paid.last30Days),
    active: n(stats.activeSubscriptions),
  });
  await show(
    ctx,
    text,
    withHome(new InlineKeyboard().text(ctx.t('adm-btn-refresh'), statsButton.build()), ctx.t),
  );
}

function statsButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, statsButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showStats(ctx);
  });
  return buttons;
}

/** Sales statistics: customers, paid orders today, this week and this month, active subscriptions. */
export const statsSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-stats'), data: statsButton.build() }),
  composer: statsButtons(),
};
