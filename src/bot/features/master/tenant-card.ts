import { InlineKeyboard } from 'grammy';
import { isFeatureKey } from '../../../modules/feature-flags/features.js';
import type { BotId } from '../../../shared/ids.js';
import { MAX_MONEY } from '../../../shared/money.js';
import type { BotContext } from '../../context.js';
import {
  awaitingPrice,
  awaitingTopUp,
  backToPanel,
  cancelKeyboard,
  clearInput,
  formatAmounts,
  formatNumber,
  type MasterDeps,
  type PendingTopUp,
  PREFIX,
  parseWholeNumber,
  readPendingTopUp,
  show,
  tenantLabels,
  toGb,
} from './master-ui.js';

const tenantKeyboard = (ctx: BotContext, id: BotId, isActive: boolean, isMaster: boolean) => {
  const keyboard = new InlineKeyboard();
  // suspending the master bot would take the operators' panel away with it
  if (!isMaster) {
    keyboard.text(
      ctx.t(isActive ? 'master-btn-suspend' : 'master-btn-activate'),
      `${PREFIX}:t:${id}:${isActive ? 'off' : 'on'}`,
    );
  }
  return keyboard
    .text(ctx.t('master-btn-features'), `${PREFIX}:t:${id}:f`)
    .row()
    .text(ctx.t('master-btn-topup'), `${PREFIX}:t:${id}:topup`)
    .text(ctx.t('master-btn-price'), `${PREFIX}:t:${id}:price`)
    .row()
    .text(ctx.t('master-btn-wallet'), `${PREFIX}:t:${id}:w`)
    .text(ctx.t('master-btn-refresh'), `${PREFIX}:t:${id}`)
    .row()
    .text(ctx.t('master-btn-tenants'), `${PREFIX}:list:0`)
    .text(ctx.t('master-btn-home'), `${PREFIX}:home`);
};

async function notFound(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  await show(ctx, ctx.t('master-tenant-not-found'), backToPanel(ctx.t));
}

/** The tenant's card: status, health, customers, sales, wallet, and what the operator can do. */
export async function showTenant(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const services = deps.app.forTenant(id);
  const [stats, wallet] = await Promise.all([
    deps.app.platform.stats.tenantStats(id),
    services.wallet.summary(),
  ]);
  const n = (value: number) => formatNumber(ctx.language, value);
  const text = ctx.t('master-tenant-card', {
    id: String(tenant.id),
    name: tenant.name,
    username: tenant.username ?? '-',
    ...tenantLabels(ctx, tenant),
    healthError: tenant.healthError ?? '',
    customers: n(stats.customers),
    subscriptions: n(stats.activeSubscriptions),
    sales: n(stats.sales.count),
    amount: formatAmounts(ctx, stats.sales.amounts),
    balance: n(wallet.balance),
    price: n(wallet.wholesalePricePerGb),
    sold: n(toGb(wallet.trafficSoldBytes)),
    consumed: n(toGb(wallet.trafficConsumedBytes)),
  });
  await show(ctx, text, tenantKeyboard(ctx, id, tenant.isActive, tenant.isMaster));
}

export async function setActive(
  ctx: BotContext,
  deps: MasterDeps,
  id: BotId,
  active: boolean,
): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  if (tenant.isMaster && !active) {
    await ctx.answerCallbackQuery({ text: ctx.t('master-cannot-suspend-master'), show_alert: true });
    return;
  }
  const tenants = deps.app.platform.tenants;
  // the registry announces it: the fleet starts or stops the bot within a moment
  await (active ? tenants.activate(id) : tenants.deactivate(id));
  ctx.logger.info({ tenantId: id, active, operator: ctx.from?.id }, 'tenant switched from the master bot');
  await ctx.answerCallbackQuery({ text: ctx.t(active ? 'master-activated' : 'master-suspended') });
  await showTenant(ctx, deps, id);
}

export async function showFeatures(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const flags = await deps.app.forTenant(id).flags.list();
  const keyboard = new InlineKeyboard();
  flags.forEach((flag, index) => {
    keyboard.text(`${flag.enabled ? '✅' : '▫️'} ${flag.key}`, `${PREFIX}:t:${id}:f:${flag.key}`);
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row().text(ctx.t('master-btn-back'), `${PREFIX}:t:${id}`);
  await show(ctx, ctx.t('master-features-title', { name: tenant.name, id: String(id) }), keyboard);
}

export async function toggleFeature(
  ctx: BotContext,
  deps: MasterDeps,
  id: BotId,
  key: string,
): Promise<void> {
  if (!(await deps.app.platform.tenants.get(id))) return notFound(ctx);
  if (!isFeatureKey(key)) {
    // the button of a switch removed since the message was sent: show the switches there are now
    await ctx.answerCallbackQuery();
    return showFeatures(ctx, deps, id);
  }
  const flags = deps.app.forTenant(id).flags;
  const enabled = !(await flags.isEnabled(key));
  await flags.set(key, enabled);
  ctx.logger.info({ tenantId: id, feature: key, enabled, operator: ctx.from?.id }, 'feature switched');
  await ctx.answerCallbackQuery({
    text: ctx.t(enabled ? 'master-feature-on' : 'master-feature-off', { key }),
  });
  await showFeatures(ctx, deps, id);
}

export async function showWalletEntries(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const entries = await deps.app.forTenant(id).wallet.entries({ limit: 10 });
  const lines = entries.map((entry) =>
    ctx.t('master-wallet-line', {
      kind: entry.kind,
      amount: `${entry.amount > 0 ? '+' : '−'}${formatNumber(ctx.language, Math.abs(entry.amount))}`,
      balance: formatNumber(ctx.language, entry.balanceAfter),
      date: entry.createdAt.toISOString().slice(0, 16).replace('T', ' '),
      reason: entry.reason ?? '',
    }),
  );
  const text = `${ctx.t('master-wallet-title', { name: tenant.name, id: String(id) })}\n\n${
    lines.length > 0 ? lines.join('\n') : ctx.t('master-wallet-empty')
  }`;
  await show(ctx, text, new InlineKeyboard().text(ctx.t('master-btn-back'), `${PREFIX}:t:${id}`));
}

export async function askForPrice(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  clearInput(ctx);
  ctx.session.awaiting = awaitingPrice(id);
  await show(
    ctx,
    ctx.t('master-price-prompt', {
      name: tenant.name,
      price: formatNumber(ctx.language, tenant.wholesalePricePerGb),
    }),
    cancelKeyboard(ctx.t),
  );
}

export async function receivePrice(
  ctx: BotContext,
  deps: MasterDeps,
  id: BotId,
  text: string,
): Promise<void> {
  const price = parseWholeNumber(text);
  if (price === undefined) {
    await ctx.reply(ctx.t('master-number-invalid'), { reply_markup: cancelKeyboard(ctx.t) });
    return;
  }
  const result = await deps.app.forTenant(id).wallet.setWholesalePrice(price);
  if (!result.ok) {
    await ctx.reply(ctx.t('master-number-invalid'), { reply_markup: cancelKeyboard(ctx.t) });
    return;
  }
  clearInput(ctx);
  ctx.logger.info({ tenantId: id, price, operator: ctx.from?.id }, 'wholesale price set');
  await ctx.reply(ctx.t('master-price-set', { price: formatNumber(ctx.language, price) }));
  await showTenant(ctx, deps, id);
}

export async function askForTopUp(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const balance = await deps.app.forTenant(id).wallet.balance();
  clearInput(ctx);
  ctx.session.awaiting = awaitingTopUp(id);
  await show(
    ctx,
    ctx.t('master-topup-prompt', { name: tenant.name, balance: formatNumber(ctx.language, balance) }),
    cancelKeyboard(ctx.t),
  );
}

/** The typed amount is confirmed before any money moves. */
export async function receiveTopUp(
  ctx: BotContext,
  deps: MasterDeps,
  id: BotId,
  text: string,
): Promise<void> {
  const amount = parseWholeNumber(text);
  if (amount === undefined || amount <= 0) {
    await ctx.reply(ctx.t('master-number-invalid'), { reply_markup: cancelKeyboard(ctx.t) });
    return;
  }
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const pending: PendingTopUp = {
    botId: id,
    amount,
    messageId: ctx.msg!.message_id,
    ref: `master:${ctx.chat!.id}:${ctx.msg!.message_id}`,
  };
  ctx.session.awaiting = undefined;
  ctx.session.fleetTopUp = pending;
  await ctx.reply(
    ctx.t('master-topup-confirm', {
      name: tenant.name,
      id: String(id),
      amount: formatNumber(ctx.language, amount),
    }),
    {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('master-btn-confirm'), `${PREFIX}:t:${id}:topup:${pending.messageId}`)
        .text(ctx.t('master-btn-cancel'), `${PREFIX}:cancel`),
    },
  );
}

/** `messageId`: the typed amount the pressed button confirms; an older confirmation button is stale. */
export async function confirmTopUp(
  ctx: BotContext,
  deps: MasterDeps,
  id: BotId,
  messageId: string,
): Promise<void> {
  const pending = readPendingTopUp(ctx);
  if (!pending || pending.botId !== id || String(pending.messageId) !== messageId) {
    await ctx.answerCallbackQuery({ text: ctx.t('master-topup-expired'), show_alert: true });
    return;
  }
  const result = await deps.app.forTenant(id).wallet.topUp({
    amount: pending.amount,
    reason: 'top-up from the master bot',
    createdBy: ctx.from!.id,
    // the operator's message: a second confirmation (or a redelivered update) tops up once
    externalRef: pending.ref,
  });
  if (result.status === 'over_limit') {
    await ctx.answerCallbackQuery({
      text: ctx.t('master-topup-over-limit', {
        max: formatNumber(ctx.language, MAX_MONEY),
        room: formatNumber(ctx.language, result.room),
      }),
      show_alert: true,
    });
    return;
  }
  if (result.status !== 'posted' && result.status !== 'duplicate') {
    await ctx.answerCallbackQuery({ text: ctx.t('master-number-invalid'), show_alert: true });
    return;
  }
  clearInput(ctx);
  ctx.logger.info(
    { tenantId: id, amount: pending.amount, operator: ctx.from?.id, status: result.status },
    'tenant wallet topped up',
  );
  await ctx.answerCallbackQuery();
  await show(
    ctx,
    ctx.t('master-topup-done', {
      amount: formatNumber(ctx.language, result.entry.amount),
      balance: formatNumber(ctx.language, result.entry.balanceAfter),
    }),
    new InlineKeyboard()
      .text(ctx.t('master-btn-open'), `${PREFIX}:t:${id}`)
      .text(ctx.t('master-btn-home'), `${PREFIX}:home`),
  );
}
