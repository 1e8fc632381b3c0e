import { InlineKeyboard } from 'grammy';
import type { PaidOrders } from '../../../modules/stats/sales-stats.js';
import type { BotContext } from '../../context.js';
import { formatMoney, formatNumber } from '../../format.js';
import { PREFIX, show } from './admin-ui.js';

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

export async function showStats(ctx: BotContext): Promise<void> {
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
    new InlineKeyboard()
      .text(ctx.t('adm-btn-refresh'), `${PREFIX}:stats`)
      .text(ctx.t('adm-btn-home'), `${PREFIX}:home`),
  );
}
