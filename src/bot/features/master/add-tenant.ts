import { InlineKeyboard } from 'grammy';
import { telegramBotIdOfToken } from '../../../modules/tenants/tenant-registry.js';
import { asBotId } from '../../../shared/ids.js';
import { callbackData, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatId } from '../../format.js';
import {
  backToPanel,
  cancelKeyboard,
  clearInput,
  type MasterDeps,
  type PanelSection,
  panelHomeButton,
  setupButton,
  show,
  tenantButton,
} from './master-ui.js';
import { checkToken } from './telegram-checks.js';
import { createTenantSetup } from './tenant-setup.js';

export const addTenantButton = callbackData('fleet:add');

/** Adding a tenant: the operator pastes a bot token from @BotFather. */
async function askForToken(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  ctx.session.awaiting = { kind: 'operator-token' };
  await show(ctx, ctx.t('master-add-prompt'), cancelKeyboard(ctx.t));
}

async function receiveToken(ctx: BotContext, deps: MasterDeps, text: string): Promise<void> {
  const token = text.trim();
  const telegramBotId = telegramBotIdOfToken(token);
  if (telegramBotId === undefined) {
    // keep waiting: a mistyped paste is the common case
    await ctx.reply(ctx.t('master-token-invalid'), { reply_markup: cancelKeyboard(ctx.t) });
    return;
  }
  // The token is a secret: it should not stay in the chat history.
  await ctx.deleteMessage().catch(() => undefined);
  const tenants = deps.app.platform.tenants;
  const existing = await tenants.getByTelegramBotId(telegramBotId);
  if (existing) {
    clearInput(ctx);
    await ctx.reply(
      ctx.t('master-token-taken', { name: existing.name, id: formatId(existing.id, ctx.language) }),
      {
        reply_markup: new InlineKeyboard()
          .text(ctx.t('master-btn-open'), tenantButton.build({ botId: asBotId(existing.id) }))
          .row()
          .text(ctx.t('master-btn-home'), panelHomeButton.build()),
      },
    );
    return;
  }
  await ctx.replyWithChatAction('typing').catch(() => undefined);
  const check = await checkToken(deps.apiRoot, token, telegramBotId);
  if (!check.ok) {
    await ctx.reply(
      ctx.t(check.reason === 'rejected' ? 'master-token-rejected' : 'master-token-unreachable'),
      { reply_markup: cancelKeyboard(ctx.t) },
    );
    return;
  }
  const { me } = check;
  const created = await tenants.create({
    name: me.first_name.slice(0, 128) || me.username,
    token,
    createdBy: ctx.from!.id,
    // cached now, so the fleet starts the bot without asking getMe again
    botInfo: me as unknown as Record<string, unknown>,
    username: me.username,
  });
  clearInput(ctx);
  if (!created.ok) {
    const key = created.error.code === 'conflict' ? 'master-token-taken-race' : 'master-token-invalid';
    await ctx.reply(ctx.t(key), { reply_markup: backToPanel(ctx.t) });
    return;
  }
  const { tenant, apiToken } = created.value;
  ctx.logger.info({ tenantId: tenant.id, operator: ctx.from!.id }, 'tenant added from the master bot');
  // The registry announced the new tenant: the running fleet starts its bot within a moment.
  await ctx.reply(
    ctx.t('master-tenant-added', {
      name: tenant.name,
      username: me.username,
      id: formatId(tenant.id, ctx.language),
      apiToken,
    }),
    {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('onb-btn-setup'), setupButton.build({ botId: tenant.id }))
        .text(ctx.t('master-btn-open'), tenantButton.build({ botId: asBotId(tenant.id) }))
        .row()
        .text(ctx.t('master-btn-home'), panelHomeButton.build()),
    },
  );
  // A shop without admins leaves its receipts unseen: the walk through its setup starts at once,
  // each step skippable, every value changeable later from the shop's card.
  await createTenantSetup(deps).showStep(ctx, tenant.id, 'adm', true);
}

/** Adding a tenant from its bot token; the running fleet starts the new bot within a moment. */
export const addTenantSection: PanelSection = (deps) => {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, addTenantButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await askForToken(ctx);
  });
  return {
    button: (ctx) => ({ text: ctx.t('master-btn-add'), data: addTenantButton.build() }),
    composer: buttons,
    onText: { 'operator-token': (ctx, _token, text) => receiveToken(ctx, deps, text) },
  };
};
