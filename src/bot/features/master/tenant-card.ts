import { InlineKeyboard } from 'grammy';
import { isFeatureKey } from '../../../modules/feature-flags/features.js';
import { asBotId, type BotId } from '../../../shared/ids.js';
import { MAX_MONEY } from '../../../shared/money.js';
import { callbackData, id, integer, oneOf, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { type AwaitingOf, type BotContext, confirmingOf } from '../../context.js';
import { formatId } from '../../format.js';
import { shopMaintenanceButton } from '../maintenance-master.js';
import type { Answers } from '../section.js';
import {
  backToPanel,
  cancelKeyboard,
  clearInput,
  formatAmounts,
  formatNumber,
  type MasterDeps,
  panelCancelButton,
  panelHomeButton,
  parseWholeNumber,
  setupButton,
  show,
  tenantButton,
  tenantLabels,
  tenantListButton,
  toGb,
} from './master-ui.js';

const botId = id(asBotId);
const switchTenantButton = callbackData('fleet:t', { botId, to: oneOf(['on', 'off']) });
const featuresButton = callbackData('fleet:t', { botId, features: 'f' });
const switchFeatureButton = callbackData('fleet:t', { botId, features: 'f', key: token(/[a-z0-9_]+/) });
const priceButton = callbackData('fleet:t', { botId, price: 'price' });
const topUpButton = callbackData('fleet:t', { botId, topUp: 'topup' });
/** `messageId`: the operator's message with the amount this button confirms. */
const confirmTopUpButton = callbackData('fleet:t', { botId, topUp: 'topup', messageId: integer() });
const walletButton = callbackData('fleet:t', { botId, wallet: 'w' });

const tenantKeyboard = (ctx: BotContext, id: BotId, isActive: boolean, isMaster: boolean) => {
  const keyboard = new InlineKeyboard();
  // suspending the master bot would take the operators' panel away with it
  if (!isMaster) {
    keyboard.text(
      ctx.t(isActive ? 'master-btn-suspend' : 'master-btn-activate'),
      switchTenantButton.build({ botId: id, to: isActive ? 'off' : 'on' }),
    );
  }
  return keyboard
    .text(ctx.t('master-btn-features'), featuresButton.build({ botId: id }))
    .row()
    .text(ctx.t('master-btn-topup'), topUpButton.build({ botId: id }))
    .text(ctx.t('master-btn-price'), priceButton.build({ botId: id }))
    .row()
    .text(ctx.t('master-btn-wallet'), walletButton.build({ botId: id }))
    .text(ctx.t('onb-btn-setup'), setupButton.build({ botId: id }))
    .row()
    .text(ctx.t('mnt-master-shop-btn'), shopMaintenanceButton.build({ botId: id }))
    .row()
    .text(ctx.t('master-btn-refresh'), tenantButton.build({ botId: id }))
    .row()
    .text(ctx.t('master-btn-tenants'), tenantListButton.build({ page: 0 }))
    .text(ctx.t('master-btn-home'), panelHomeButton.build());
};

async function notFound(ctx: BotContext): Promise<void> {
  clearInput(ctx);
  await show(ctx, ctx.t('master-tenant-not-found'), backToPanel(ctx.t));
}

/** The tenant's card: status, health, customers, sales, wallet, and what the operator can do. */
async function showTenant(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const services = deps.app.forTenant(id);
  const [stats, wallet] = await Promise.all([
    deps.app.platform.stats.tenantStats(id),
    services.wallet.summary(),
  ]);
  const n = (value: number) => formatNumber(ctx.language, value);
  const text = ctx.t('master-tenant-card', {
    id: formatId(tenant.id, ctx.language),
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

async function setActive(ctx: BotContext, deps: MasterDeps, id: BotId, active: boolean): Promise<void> {
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

async function showFeatures(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const flags = await deps.app.forTenant(id).flags.list();
  const keyboard = new InlineKeyboard();
  flags.forEach((flag, index) => {
    keyboard.text(
      `${flag.enabled ? '✅' : '▫️'} ${flag.key}`,
      switchFeatureButton.build({ botId: id, key: flag.key }),
    );
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row().text(ctx.t('master-btn-back'), tenantButton.build({ botId: id }));
  await show(
    ctx,
    ctx.t('master-features-title', { name: tenant.name, id: formatId(id, ctx.language) }),
    keyboard,
  );
}

async function toggleFeature(ctx: BotContext, deps: MasterDeps, id: BotId, key: string): Promise<void> {
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

async function showWalletEntries(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
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
  const text = `${ctx.t('master-wallet-title', { name: tenant.name, id: formatId(id, ctx.language) })}\n\n${
    lines.length > 0 ? lines.join('\n') : ctx.t('master-wallet-empty')
  }`;
  await show(
    ctx,
    text,
    new InlineKeyboard().text(ctx.t('master-btn-back'), tenantButton.build({ botId: id })),
  );
}

async function askForPrice(ctx: BotContext, deps: MasterDeps, id: BotId): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  clearInput(ctx);
  ctx.session.awaiting = { kind: 'operator-price', botId: id };
  await show(
    ctx,
    ctx.t('master-price-prompt', {
      name: tenant.name,
      price: formatNumber(ctx.language, tenant.wholesalePricePerGb),
    }),
    cancelKeyboard(ctx.t),
  );
}

async function receivePrice(
  ctx: BotContext,
  deps: MasterDeps,
  { botId: id }: AwaitingOf<'operator-price'>,
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

/**
 * Asks for a top-up amount. The setup walk (tenant-setup.ts) asks the same question as its last
 * step, with its own heading and buttons instead of Cancel.
 */
export async function askForTopUp(
  ctx: BotContext,
  deps: MasterDeps,
  id: BotId,
  within?: { heading: string; keyboard: InlineKeyboard; prefix?: string | undefined },
): Promise<void> {
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const balance = await deps.app.forTenant(id).wallet.balance();
  clearInput(ctx);
  ctx.session.awaiting = { kind: 'operator-topup', botId: id };
  const prompt = ctx.t('master-topup-prompt', {
    name: tenant.name,
    balance: formatNumber(ctx.language, balance),
  });
  if (!within) return show(ctx, prompt, cancelKeyboard(ctx.t));
  const text = [within.prefix, within.heading, prompt].filter((part) => part !== undefined).join('\n\n');
  await show(ctx, text, within.keyboard);
}

/** The typed amount is confirmed before any money moves. */
async function receiveTopUp(
  ctx: BotContext,
  deps: MasterDeps,
  { botId: id }: AwaitingOf<'operator-topup'>,
  text: string,
): Promise<void> {
  const amount = parseWholeNumber(text);
  if (amount === undefined || amount <= 0) {
    await ctx.reply(ctx.t('master-number-invalid'), { reply_markup: cancelKeyboard(ctx.t) });
    return;
  }
  const tenant = await deps.app.platform.tenants.get(id);
  if (!tenant) return notFound(ctx);
  const messageId = ctx.msg!.message_id;
  ctx.session.awaiting = undefined;
  ctx.session.confirming = {
    kind: 'operator-topup',
    botId: id,
    amount,
    messageId,
    ref: `master:${ctx.chat!.id}:${messageId}`,
  };
  await ctx.reply(
    ctx.t('master-topup-confirm', {
      name: tenant.name,
      id: formatId(id, ctx.language),
      amount: formatNumber(ctx.language, amount),
    }),
    {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('master-btn-confirm'), confirmTopUpButton.build({ botId: id, messageId }))
        .text(ctx.t('master-btn-cancel'), panelCancelButton.build()),
    },
  );
}

/** `messageId`: the typed amount the pressed button confirms; an older confirmation button is stale. */
async function confirmTopUp(ctx: BotContext, deps: MasterDeps, id: BotId, messageId: number): Promise<void> {
  const pending = confirmingOf(ctx.session, 'operator-topup');
  if (!pending || pending.botId !== id || pending.messageId !== messageId) {
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
      .text(ctx.t('master-btn-open'), tenantButton.build({ botId: id }))
      .text(ctx.t('master-btn-home'), panelHomeButton.build()),
  );
}

/** The tenant card's buttons: open, suspend or activate, features, price, top-up, wallet entries. */
export function tenantCardButtons(deps: MasterDeps): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, tenantButton, async (ctx, { botId }) => {
    await ctx.answerCallbackQuery();
    await showTenant(ctx, deps, botId);
  });
  onPress(buttons, switchTenantButton, (ctx, { botId, to }) => setActive(ctx, deps, botId, to === 'on'));
  onPress(buttons, featuresButton, async (ctx, { botId }) => {
    await ctx.answerCallbackQuery();
    await showFeatures(ctx, deps, botId);
  });
  onPress(buttons, switchFeatureButton, (ctx, { botId, key }) => toggleFeature(ctx, deps, botId, key));
  onPress(buttons, priceButton, async (ctx, { botId }) => {
    await ctx.answerCallbackQuery();
    await askForPrice(ctx, deps, botId);
  });
  onPress(buttons, topUpButton, async (ctx, { botId }) => {
    await ctx.answerCallbackQuery();
    await askForTopUp(ctx, deps, botId);
  });
  onPress(buttons, confirmTopUpButton, (ctx, { botId, messageId }) =>
    confirmTopUp(ctx, deps, botId, messageId),
  );
  onPress(buttons, walletButton, async (ctx, { botId }) => {
    await ctx.answerCallbackQuery();
    await showWalletEntries(ctx, deps, botId);
  });
  return buttons;
}

/** The answers the tenant card asks for: a wholesale price, a top-up amount. */
export const tenantCardAnswers = (deps: MasterDeps): Answers => ({
  'operator-price': (ctx, awaiting, text) => receivePrice(ctx, deps, awaiting, text),
  'operator-topup': (ctx, awaiting, text) => receiveTopUp(ctx, deps, awaiting, text),
});
