import { Composer, InlineKeyboard } from 'grammy';
import type { App } from '../../../app.js';
import { TEXT_MAX } from '../../../modules/broadcasts/broadcast-content.js';
import type { Tenant } from '../../../modules/tenants/tenant-registry.js';
import { callbackData, onPress } from '../../callback-data.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import {
  backToPanel,
  cancelKeyboard,
  clearInput,
  formatNumber,
  type MasterDeps,
  type PanelSection,
  show,
} from './master-ui.js';

const broadcastButton = callbackData('fleet:bc');
const sendButton = callbackData('fleet:bc:go');

/** Every active shop (the master bot is the operators' own, not a shop), page by page. */
async function activeShops(app: App): Promise<Tenant[]> {
  const shops: Tenant[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await app.platform.tenants.findAll({ limit: 100, offset });
    shops.push(...page.filter((tenant) => tenant.isActive && !tenant.isMaster));
    if (page.length < 100) return shops;
  }
}

/** Each shop with how many of its admins its bot can write to (admins who started it). */
async function audience(app: App): Promise<{ shop: Tenant; admins: number }[]> {
  const reach: { shop: Tenant; admins: number }[] = [];
  for (const shop of await activeShops(app)) {
    if (shop.adminTelegramIds.length === 0) continue;
    const admins = await app
      .forTenant(shop.id)
      .broadcasts.countRecipients({ segment: 'admins', adminTelegramIds: shop.adminTelegramIds });
    if (admins > 0) reach.push({ shop, admins });
  }
  return reach;
}

const totals = (ctx: BotContext, reach: { admins: number }[]) => ({
  shops: formatNumber(ctx.language, reach.length),
  admins: formatNumber(
    ctx.language,
    reach.reduce((sum, shop) => sum + shop.admins, 0),
  ),
});

async function receiveText(
  ctx: BotContext,
  deps: MasterDeps,
  _awaiting: AwaitingOf<'operator-broadcast'>,
  text: string,
): Promise<void> {
  if (text.trim().length === 0 || text.length > TEXT_MAX) {
    await ctx.reply(ctx.t('broadcast-bad-text', { max: formatNumber(ctx.language, TEXT_MAX) }), {
      reply_markup: cancelKeyboard(ctx.t),
    });
    return;
  }
  const reach = await audience(deps.app);
  if (reach.length === 0) {
    clearInput(ctx);
    await ctx.reply(ctx.t('master-broadcast-nobody'), { reply_markup: backToPanel(ctx.t) });
    return;
  }
  ctx.session.awaiting = { kind: 'operator-broadcast', text };
  const keyboard = new InlineKeyboard()
    .text(ctx.t('master-broadcast-btn-send'), sendButton.build())
    .row()
    .text(ctx.t('adm-btn-cancel'), broadcastButton.build());
  await ctx.reply(ctx.t('master-broadcast-review', { ...totals(ctx, reach), text }), {
    reply_markup: keyboard,
  });
}

/**
 * Sends the text to every active shop's admins, each through the shop's own bot (an admin has
 * started their shop's bot, not necessarily the master bot): one broadcast per shop, segment
 * `admins`, at that bot's pace.
 */
async function send(ctx: BotContext, deps: MasterDeps): Promise<void> {
  const awaiting = ctx.session.awaiting;
  const text = awaiting?.kind === 'operator-broadcast' ? awaiting.text : null;
  // forgotten first: a second press finds nothing to send
  clearInput(ctx);
  if (!text) {
    await ctx.answerCallbackQuery({ text: ctx.t('master-broadcast-gone') });
    return;
  }
  await ctx.answerCallbackQuery();
  const sent: { admins: number }[] = [];
  for (const { shop } of await audience(deps.app)) {
    const created = await deps.app.forTenant(shop.id).broadcasts.create({
      text,
      audience: { segment: 'admins', adminTelegramIds: shop.adminTelegramIds },
      origin: 'operator',
      createdBy: ctx.from?.id ?? null,
    });
    if (created.ok) sent.push({ admins: created.value.total });
    else
      ctx.logger.warn({ botId: shop.id, error: created.error }, 'operator broadcast not created for a shop');
  }
  ctx.logger.info({ shops: sent.length, operator: ctx.from?.id }, 'operator broadcast to shop admins');
  await show(ctx, ctx.t('master-broadcast-sent', totals(ctx, sent)), backToPanel(ctx.t));
}

/** The operators' message to every shop's admins. */
export const broadcastSection: PanelSection = (deps) => {
  const buttons = new Composer<BotContext>();
  onPress(buttons, broadcastButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    clearInput(ctx);
    ctx.session.awaiting = { kind: 'operator-broadcast', text: null };
    await show(ctx, ctx.t('master-broadcast-ask'), cancelKeyboard(ctx.t));
  });
  onPress(buttons, sendButton, (ctx) => send(ctx, deps));
  return {
    button: (ctx) => ({ text: ctx.t('master-btn-broadcast'), data: broadcastButton.build() }),
    composer: buttons,
    onText: { 'operator-broadcast': (ctx, awaiting, text) => receiveText(ctx, deps, awaiting, text) },
  };
};
