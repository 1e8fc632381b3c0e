import { InlineKeyboard } from 'grammy';
import { asBotId, type BotId } from '../../shared/ids.js';
import { callbackData, id, oneOf, onPress } from '../callback-data.js';
import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';
import { formatNumber } from '../format.js';
import { maintenanceStateText } from './maintenance-texts.js';
import { backToPanel, type MasterDeps, panelHomeButton, show, tenantButton } from './master/master-ui.js';
import type { Section } from './section.js';

const platformButton = callbackData('fleet:mnt');
const switchPlatformButton = callbackData('fleet:mnt', { to: oneOf(['on', 'off']) });
/** A shop's maintenance, from its card in the panel. */
export const shopMaintenanceButton = callbackData('fleet:mnt', { t: 't', botId: id(asBotId) });
const switchShopButton = callbackData('fleet:mnt', { t: 't', botId: id(asBotId), to: oneOf(['on', 'off']) });

/** Dates in the operators' panel are in the master shop's time zone. */
const panelTimeZone = (ctx: BotContext) => ctx.shop.services.settings.get('timezone');

async function showPlatform(ctx: BotContext, deps: MasterDeps): Promise<void> {
  const maintenance = deps.app.platform.maintenance;
  const [state, shops, timeZone] = await Promise.all([
    maintenance.get(),
    maintenance.shopsInMaintenance(),
    panelTimeZone(ctx),
  ]);
  const keyboard = new InlineKeyboard()
    .text(
      ctx.t(state.on ? 'mnt-master-btn-off' : 'mnt-master-btn-on'),
      switchPlatformButton.build({ to: state.on ? 'off' : 'on' }),
    )
    .row()
    .text(ctx.t('master-btn-home'), panelHomeButton.build());
  await show(
    ctx,
    ctx.t('mnt-master-screen', {
      state: maintenanceStateText(state, ctx.t, ctx.language, timeZone),
      shops: formatNumber(shops, ctx.language),
    }),
    keyboard,
  );
}

async function showShop(ctx: BotContext, deps: MasterDeps, botId: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(botId);
  if (!tenant) {
    await show(ctx, ctx.t('master-tenant-not-found'), backToPanel(ctx.t));
    return;
  }
  const [state, timeZone] = await Promise.all([
    deps.app.forTenant(botId).maintenance.state(),
    panelTimeZone(ctx),
  ]);
  const keyboard = new InlineKeyboard()
    .text(
      ctx.t(state.shop.on ? 'mnt-adm-btn-off' : 'mnt-adm-btn-on'),
      switchShopButton.build({ botId, to: state.shop.on ? 'off' : 'on' }),
    )
    .row()
    .text(ctx.t('master-btn-back'), tenantButton.build({ botId }))
    .text(ctx.t('master-btn-home'), panelHomeButton.build());
  await show(
    ctx,
    ctx.t('mnt-master-shop-screen', {
      name: tenant.name,
      id: String(botId),
      state: maintenanceStateText(state.shop, ctx.t, ctx.language, timeZone),
      platform: maintenanceStateText(state.platform, ctx.t, ctx.language, timeZone),
    }),
    keyboard,
  );
}

/**
 * The operators' maintenance switches (src/modules/maintenance/): the whole platform's, from the
 * panel's home screen, and one shop's, from its card. Behind the panel's gate: operators only.
 */
export const maintenanceMasterSection = (deps: MasterDeps): Section => {
  const composer = new BotComposer<BotContext>();
  onPress(composer, platformButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showPlatform(ctx, deps);
  });
  onPress(composer, switchPlatformButton, async (ctx, { to }) => {
    const on = to === 'on';
    await deps.app.platform.maintenance.set(on, ctx.from?.id ?? null);
    ctx.logger.warn({ on, operator: ctx.from?.id }, 'platform maintenance switched from the master bot');
    await ctx.answerCallbackQuery({ text: ctx.t(on ? 'mnt-master-platform-on' : 'mnt-master-platform-off') });
    await showPlatform(ctx, deps);
  });
  onPress(composer, shopMaintenanceButton, async (ctx, { botId }) => {
    await ctx.answerCallbackQuery();
    await showShop(ctx, deps, botId);
  });
  onPress(composer, switchShopButton, async (ctx, { botId, to }) => {
    if (!(await deps.app.platform.tenants.get(botId))) {
      await ctx.answerCallbackQuery();
      return showShop(ctx, deps, botId);
    }
    const on = to === 'on';
    await deps.app.forTenant(botId).maintenance.set(on);
    ctx.logger.info(
      { tenantId: botId, on, operator: ctx.from?.id },
      'shop maintenance switched from the master bot',
    );
    await ctx.answerCallbackQuery({ text: ctx.t(on ? 'mnt-master-shop-on' : 'mnt-master-shop-off') });
    await showShop(ctx, deps, botId);
  });
  return {
    button: async (ctx) => {
      const state = await deps.app.platform.maintenance.get();
      return { text: ctx.t('mnt-master-btn', { on: state.on ? 'yes' : 'no' }), data: platformButton.build() };
    },
    composer,
  };
};
