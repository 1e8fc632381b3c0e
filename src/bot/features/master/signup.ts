import { InlineKeyboard } from 'grammy';
import type { FeatureKey } from '../../../modules/feature-flags/features.js';
import type { ResellerPlan } from '../../../modules/resellers/reseller-plans.js';
import type { ResellerSignup } from '../../../modules/resellers/signups.js';
import { telegramBotIdOfToken } from '../../../modules/tenants/tenant-registry.js';
import { onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { awaitingOf, type BotContext, forgetAwaiting } from '../../context.js';
import { formatMoney, formatNumber } from '../../format.js';
import { backToMenu, menuHomeButton } from '../keyboards.js';
import { sendPaymentMethods } from '../payments/topup.js';
import { retireButtons } from '../shop/shop-context.js';
import type { MasterDeps } from './master-ui.js';
import { signupCancelButton, signupOpenButton, signupPayButton, signupPlanButton } from './signup-buttons.js';
import { createWalletTopUpFeature } from './signup-topup.js';
import { checkToken } from './telegram-checks.js';

/** A pasted token is expected for this long after a plan was chosen. */
const TOKEN_WINDOW_MS = 30 * 60_000;

const money = (ctx: BotContext, amount: number) =>
  formatMoney(amount, ctx.shop.tenant.currency, ctx.language, ctx.t);

/** Whether the master bot offers "Open my shop" now: the operators switched it on and sell a plan. */
export async function signupOffered(ctx: BotContext): Promise<boolean> {
  if (!ctx.shop.tenant.isMaster) return false;
  const services = ctx.shop.services;
  if (!(await services.settings.get('reseller_signup_enabled'))) return false;
  return (await services.resellers.plans.list({ activeOnly: true })).length > 0;
}

/** A plan as a person choosing one reads it. */
export function planText(
  ctx: BotContext,
  plan: Pick<ResellerPlan, 'name' | 'monthlyFee' | 'includedCredit' | 'customerCap' | 'featureKeys'>,
): string {
  return ctx.t('reseller-plan-line', {
    name: plan.name,
    fee: money(ctx, plan.monthlyFee),
    credit: money(ctx, plan.includedCredit),
    cap:
      plan.customerCap === null ? ctx.t('reseller-cap-none') : formatNumber(plan.customerCap, ctx.language),
    features: plan.featureKeys.map((key: FeatureKey) => ctx.t('reseller-feature', { key })).join('، '),
  });
}

/** Where a signup stands, for its owner. */
function statusText(ctx: BotContext, signup: ResellerSignup): string {
  return ctx.t('reseller-signup-status', { status: signup.status, bot: `@${signup.botUsername}` });
}

async function showPlans(ctx: BotContext): Promise<void> {
  const plans = await ctx.shop.services.resellers.plans.list({ activeOnly: true });
  const keyboard = new InlineKeyboard();
  for (const plan of plans) keyboard.text(plan.name, signupPlanButton.build({ planId: plan.id })).row();
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  const lines = plans.map((plan) => planText(ctx, plan));
  await ctx.reply(`${ctx.t('reseller-plans-title')}\n\n${lines.join('\n\n')}`, { reply_markup: keyboard });
}

/**
 * What the signup waits for now: paid from the balance when it covers the price (a button), else
 * the master shop's payment methods for the amount missing (at least the smallest top-up; the rest
 * stays on the balance). A payment that settles takes the price by itself.
 */
async function offerPayment(ctx: BotContext, signup: ResellerSignup): Promise<void> {
  const services = ctx.shop.services;
  const balance = (await services.ledger.balance(ctx.customer!.id)) ?? 0;
  const summary = ctx.t('reseller-signup-summary', {
    bot: `@${signup.botUsername}`,
    price: money(ctx, signup.price),
    balance: money(ctx, balance),
  });
  const cancel = signupCancelButton.build({ signupId: signup.id });
  if (balance >= signup.price) {
    await ctx.reply(summary, {
      reply_markup: new InlineKeyboard()
        .text(ctx.t('reseller-btn-pay-balance'), signupPayButton.build({ signupId: signup.id }))
        .row()
        .text(ctx.t('reseller-btn-cancel'), cancel),
    });
    return;
  }
  const limits = await services.topUp.limits();
  const amount = Math.min(Math.max(signup.price - balance, limits.min), limits.max);
  await ctx.reply(`${summary}\n\n${ctx.t('reseller-signup-pay-hint')}`, {
    reply_markup: new InlineKeyboard().text(ctx.t('reseller-btn-cancel'), cancel),
  });
  await sendPaymentMethods(ctx, { amount });
}

async function receiveToken(ctx: BotContext, deps: MasterDeps, planId: number, text: string): Promise<void> {
  const token = text.trim();
  const telegramBotId = telegramBotIdOfToken(token);
  if (telegramBotId === undefined) {
    await ctx.reply(ctx.t('reseller-token-invalid'));
    return;
  }
  // a token is a secret: it should not stay in the chat
  await ctx.deleteMessage().catch(() => undefined);
  if (await deps.app.platform.tenants.getByTelegramBotId(telegramBotId)) {
    forgetAwaiting(ctx.session, 'reseller-token');
    await ctx.reply(ctx.t('reseller-token-taken'), { reply_markup: backToMenu(ctx.t) });
    return;
  }
  await ctx.replyWithChatAction('typing').catch(() => undefined);
  const check = await checkToken(deps.apiRoot, token, telegramBotId);
  if (!check.ok) {
    await ctx.reply(
      ctx.t(check.reason === 'rejected' ? 'reseller-token-rejected' : 'reseller-token-unreachable'),
    );
    return;
  }
  forgetAwaiting(ctx.session, 'reseller-token');
  const opened = await ctx.shop.services.resellers.signups.open({
    customerId: ctx.customer!.id,
    planId,
    token,
    bot: { id: check.me.id, username: check.me.username, firstName: check.me.first_name },
  });
  if (opened.status === 'plan_unavailable') {
    await ctx.reply(ctx.t('reseller-plan-unavailable'), { reply_markup: backToMenu(ctx.t) });
    return;
  }
  if (opened.status === 'taken') {
    await ctx.reply(ctx.t('reseller-token-taken'), { reply_markup: backToMenu(ctx.t) });
    return;
  }
  ctx.logger.info({ signupId: opened.signup.id, telegramBotId }, 'reseller signup opened');
  await offerPayment(ctx, opened.signup);
}

/**
 * "Open my shop" in the master bot (setting reseller_signup_enabled): a customer of the master shop
 * chooses a reseller plan, pastes their bot's token (checked with getMe; a bot already a shop is
 * refused) and pays the plan from their balance, topped up with the master shop's own payment
 * methods. The shop starts when the payment settles, or once an operator approves it
 * (reseller_approval_required). Also the wallet top-ups shops' admins pay here (signup-topup.ts).
 */
export function createSignupFeature(deps: MasterDeps): BotComposer<BotContext> {
  const feature = new BotComposer<BotContext>();
  const master = feature.filter((ctx) => ctx.shop.tenant.isMaster);
  master.use(createWalletTopUpFeature(deps));

  const refuse = (ctx: BotContext) =>
    ctx.answerCallbackQuery({ text: ctx.t('reseller-signup-closed'), show_alert: true });

  onPress(master, signupOpenButton, async (ctx) => {
    if (!ctx.customer || !(await signupOffered(ctx))) return refuse(ctx);
    await ctx.answerCallbackQuery();
    const latest = await ctx.shop.services.resellers.signups.latestOf(ctx.customer.id);
    if (latest && (latest.status === 'awaiting_approval' || latest.status === 'approved')) {
      await ctx.reply(statusText(ctx, latest), { reply_markup: backToMenu(ctx.t) });
      return;
    }
    await showPlans(ctx);
  });

  onPress(master, signupPlanButton, async (ctx, { planId }) => {
    if (!ctx.customer || !(await signupOffered(ctx))) return refuse(ctx);
    const plan = await ctx.shop.services.resellers.plans.get(planId);
    if (!plan?.isActive) {
      await ctx.answerCallbackQuery({ text: ctx.t('reseller-plan-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    ctx.session.awaiting = { kind: 'reseller-token', planId, at: Date.now() };
    await ctx.reply(`${planText(ctx, plan)}\n\n${ctx.t('reseller-token-ask')}`, {
      reply_markup: new InlineKeyboard().text(ctx.t('back-to-menu'), menuHomeButton.build()),
    });
  });

  onPress(master, signupPayButton, async (ctx, { signupId }) => {
    if (!ctx.customer) return ctx.answerCallbackQuery();
    const outcome = await ctx.shop.services.resellers.signups.pay(ctx.customer.id, signupId);
    if (outcome.status === 'insufficient') {
      await ctx.answerCallbackQuery();
      await offerPayment(ctx, outcome.signup);
      return;
    }
    if (outcome.status === 'not_payable') {
      await ctx.answerCallbackQuery({
        text: outcome.signup ? statusText(ctx, outcome.signup) : ctx.t('reseller-plan-unavailable'),
        show_alert: true,
      });
      return;
    }
    await ctx.answerCallbackQuery();
    await retireButtons(ctx);
    await ctx.reply(
      ctx.t(outcome.next === 'approval' ? 'reseller-signup-paid-approval' : 'reseller-signup-paid-start', {
        bot: `@${outcome.signup.botUsername}`,
      }),
    );
  });

  onPress(master, signupCancelButton, async (ctx, { signupId }) => {
    if (!ctx.customer) return ctx.answerCallbackQuery();
    const cancelled = await ctx.shop.services.resellers.signups.cancel(ctx.customer.id, signupId);
    await ctx.answerCallbackQuery();
    await retireButtons(ctx);
    await ctx.reply(ctx.t(cancelled ? 'reseller-signup-cancelled' : 'reseller-plan-unavailable'), {
      reply_markup: backToMenu(ctx.t),
    });
  });

  master.chatType('private').on('message:text', async (ctx, next) => {
    const asked = awaitingOf(ctx.session, 'reseller-token');
    if (!asked || !ctx.customer) return next();
    if (Date.now() - asked.at > TOKEN_WINDOW_MS || ctx.message.text.startsWith('/')) {
      forgetAwaiting(ctx.session, 'reseller-token');
      return next();
    }
    await receiveToken(ctx, deps, asked.planId, ctx.message.text);
  });

  return feature;
}
