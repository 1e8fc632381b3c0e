import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import {
  backToPanel,
  formatAmounts,
  formatNumber,
  type MasterDeps,
  type PanelSection,
  show,
  toGb,
} from './master-ui.js';

const statsButton = callbackData('fleet:stats');

async function showFleetStats(ctx: BotContext, deps: MasterDeps): Promise<void> {
  const stats = await deps.app.platform.stats.fleetStats();
  const n = (value: number) => formatNumber(ctx.language, value);
  const text = ctx.t('master-stats', {
    total: n(stats.tenants.total),
    active: n(stats.tenants.active),
    suspended: n(stats.tenants.suspended),
    healthy: n(stats.tenants.healthy),
    unhealthy: n(stats.tenants.unhealthy),
    customers: n(stats.customers),
    subscriptions: n(stats.activeSubscriptions),
    sales: n(stats.sales.count),
    amount: formatAmounts(ctx, stats.sales.amounts),
    wallets: n(stats.wallets.balance),
    sold: n(toGb(stats.wallets.trafficSoldBytes)),
    consumed: n(toGb(stats.wallets.trafficConsumedBytes)),
  });
  await show(ctx, text, backToPanel(ctx.t).text(ctx.t('master-btn-refresh'), statsButton.build()));
}

/** Fleet-wide figures: tenants and their health, customers, sales, wallets and traffic. */
export const fleetStatsSection: PanelSection = (deps) => {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, statsButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showFleetStats(ctx, deps);
  });
  return {
    button: (ctx) => ({ text: ctx.t('master-btn-stats'), data: statsButton.build() }),
    composer: buttons,
  };
};
