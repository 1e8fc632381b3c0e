import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../context.js';
import {
  backToPanel,
  formatAmounts,
  formatNumber,
  type MasterDeps,
  PREFIX,
  show,
  tenantLabels,
  toGb,
} from './master-ui.js';

export const PAGE_SIZE = 6;

/** One page of tenants with their health and sales; a button per tenant opens it. */
export async function showTenantList(ctx: BotContext, deps: MasterDeps, page: number): Promise<void> {
  const { tenants, stats } = deps.app.platform;
  // one extra row tells whether there is a next page, without counting every tenant
  const rows = await tenants.findAll({ limit: PAGE_SIZE + 1, offset: page * PAGE_SIZE });
  const shown = rows.slice(0, PAGE_SIZE);
  if (shown.length === 0 && page > 0) return showTenantList(ctx, deps, 0);
  const sales = await Promise.all(shown.map((tenant) => stats.tenantStats(tenant.id)));
  const lines = shown.map((tenant, index) =>
    ctx.t('master-list-line', {
      id: String(tenant.id),
      name: tenant.name,
      username: tenant.username ?? '-',
      ...tenantLabels(ctx, tenant),
      sales: sales[index]!.sales.count,
      amount: formatAmounts(ctx, sales[index]!.sales.amounts),
    }),
  );
  const text =
    shown.length === 0
      ? ctx.t('master-list-empty')
      : `${ctx.t('master-list-title', { page: page + 1 })}\n\n${lines.join('\n\n')}`;
  const keyboard = new InlineKeyboard();
  for (const tenant of shown) {
    keyboard
      .text(
        `${tenant.isActive ? '🟢' : '⏸'} #${tenant.id} ${tenant.name}`.slice(0, 60),
        `${PREFIX}:t:${tenant.id}`,
      )
      .row();
  }
  if (page > 0) keyboard.text(ctx.t('master-btn-prev'), `${PREFIX}:list:${page - 1}`);
  if (rows.length > PAGE_SIZE) keyboard.text(ctx.t('master-btn-next'), `${PREFIX}:list:${page + 1}`);
  keyboard
    .row()
    .text(ctx.t('master-btn-add'), `${PREFIX}:add`)
    .text(ctx.t('master-btn-home'), `${PREFIX}:home`);
  await show(ctx, text, keyboard);
}

export async function showFleetStats(ctx: BotContext, deps: MasterDeps): Promise<void> {
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
  await show(ctx, text, backToPanel(ctx.t).text(ctx.t('master-btn-refresh'), `${PREFIX}:stats`));
}
