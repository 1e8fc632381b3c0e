import { InlineKeyboard } from 'grammy';
import { callbackData, oneOf, onPress, token } from '../callback-data.js';
import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';
import { answer, show, withHome } from './admin/admin-ui.js';
import { formatMoment, maintenanceStateText } from './maintenance-texts.js';
import type { Section } from './section.js';

const maintenanceButton = callbackData('adm:mnt');
const switchButton = callbackData('adm:mnt', { to: oneOf(['on', 'off']) });
/** The setting's own card in the settings section (admin/settings.ts answers it). */
const messageSettingButton = callbackData('adm:set', { key: token(/[a-z_]{1,40}/) });

/** The shop's maintenance: its state, the platform's when on, the line customers get, the switch. */
async function showMaintenance(ctx: BotContext): Promise<void> {
  const services = ctx.shop.services;
  const [state, timeZone, custom] = await Promise.all([
    services.maintenance.state(),
    services.settings.get('timezone'),
    services.settings.get('maintenance_message'),
  ]);
  const parts = [
    ctx.t('mnt-adm-screen', {
      shop: ctx.shop.tenant.name,
      state: maintenanceStateText(state.shop, ctx.t, ctx.language, timeZone),
      message: custom.trim() === '' ? ctx.t('mnt-back-soon') : custom,
    }),
  ];
  if (state.platform.on && state.platform.since) {
    parts.push(
      ctx.t('mnt-adm-platform-note', { since: formatMoment(state.platform.since, ctx.language, timeZone) }),
    );
  }
  const keyboard = new InlineKeyboard()
    .text(
      ctx.t(state.shop.on ? 'mnt-adm-btn-off' : 'mnt-adm-btn-on'),
      switchButton.build({ to: state.shop.on ? 'off' : 'on' }),
    )
    .row()
    .text(ctx.t('mnt-adm-btn-message'), messageSettingButton.build({ key: 'maintenance_message' }))
    .row();
  await show(ctx, parts.join('\n\n'), withHome(keyboard, ctx.t));
}

const composer = new BotComposer<BotContext>();
onPress(composer, maintenanceButton, async (ctx) => {
  await answer(ctx);
  await showMaintenance(ctx);
});
onPress(composer, switchButton, async (ctx, { to }) => {
  const on = to === 'on';
  await ctx.shop.services.maintenance.set(on);
  ctx.logger.info({ on, admin: ctx.from?.id }, 'shop maintenance switched from the admin menu');
  await answer(ctx, { text: ctx.t(on ? 'mnt-adm-turned-on' : 'mnt-adm-turned-off') });
  await showMaintenance(ctx);
});

/**
 * The admin menu's maintenance section: the shop's admins put their own shop in maintenance and
 * take it out (src/modules/maintenance/); the line customers get is the setting `maintenance_message`.
 */
export const maintenanceSection: Section = {
  button: async (ctx) => {
    const state = await ctx.shop.services.maintenance.state();
    return {
      text: ctx.t('mnt-adm-btn', { on: state.shop.on ? 'yes' : 'no' }),
      data: maintenanceButton.build(),
    };
  },
  composer,
};
