import { InlineKeyboard } from 'grammy';
import { asBotId } from '../../../shared/ids.js';
import { onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatId } from '../../format.js';
import { addTenantButton } from './add-tenant.js';
import {
  formatAmounts,
  type MasterDeps,
  type PanelSection,
  panelHomeButton,
  show,
  tenantButton,
  tenantLabels,
  tenantListButton,
} from './master-ui.js';
import { tenantCardAnswers, tenantCardButtons } from './tenant-card.js';
import { createTenantSettings } from './tenant-settings.js';
import { createTenantSetup } from './tenant-setup.js';

const PAGE_SIZE = 6;

/** One page of tenants with their health and sales; a button per tenant opens it. */
async function showTenantList(ctx: BotContext, deps: MasterDeps, page: number): Promise<void> {
  const { tenants, stats } = deps.app.platform;
  // one extra row tells whether there is a next page, without counting every tenant
  const rows = await tenants.findAll({ limit: PAGE_SIZE + 1, offset: page * PAGE_SIZE });
  const shown = rows.slice(0, PAGE_SIZE);
  if (shown.length === 0 && page > 0) return showTenantList(ctx, deps, 0);
  const sales = await Promise.all(shown.map((tenant) => stats.tenantStats(tenant.id)));
  const lines = shown.map((tenant, index) =>
    ctx.t('master-list-line', {
      id: formatId(tenant.id, ctx.language),
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
        tenantButton.build({ botId: asBotId(tenant.id) }),
      )
      .row();
  }
  if (page > 0) keyboard.text(ctx.t('master-btn-prev'), tenantListButton.build({ page: page - 1 }));
  if (rows.length > PAGE_SIZE)
    keyboard.text(ctx.t('master-btn-next'), tenantListButton.build({ page: page + 1 }));
  keyboard
    .row()
    .text(ctx.t('master-btn-add'), addTenantButton.build())
    .text(ctx.t('master-btn-home'), panelHomeButton.build());
  await show(ctx, text, keyboard);
}

/** The tenants, a page at a time, and each tenant's card behind its button. */
export const tenantsSection: PanelSection = (deps) => {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, tenantListButton, async (ctx, { page }) => {
    await ctx.answerCallbackQuery();
    await showTenantList(ctx, deps, page);
  });
  buttons.use(tenantCardButtons(deps));
  // a shop's setup (every step of the walk) and its settings, behind its card
  const setup = createTenantSetup(deps);
  buttons.use(setup.buttons);
  const settings = createTenantSettings(deps);
  buttons.use(settings.buttons);
  return {
    button: (ctx) => ({ text: ctx.t('master-btn-tenants'), data: tenantListButton.build({ page: 0 }) }),
    composer: buttons,
    onText: { ...tenantCardAnswers(deps), ...setup.answers, ...settings.answers },
  };
};
