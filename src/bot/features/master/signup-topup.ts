import { InlineKeyboard } from 'grammy';
import { parseAmount } from '../../../modules/payments/top-up.js';
import type { ResellerWalletTopUp } from '../../../modules/resellers/wallet-topups.js';
import type { Tenant } from '../../../modules/tenants/tenant-registry.js';
import { asBotId, type BotId } from '../../../shared/ids.js';
import { onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { awaitingOf, type BotContext, forgetAwaiting } from '../../context.js';
import { formatMoney, MINOR_UNITS } from '../../format.js';
import { backToMenu } from '../keyboards.js';
import { sendPaymentMethods } from '../payments/topup.js';
import { retireButtons } from '../shop/shop-context.js';
import type { MasterDeps } from './master-ui.js';
import {
  WALLET_TOPUP_START_PREFIX,
  walletTopUpAmountButton,
  walletTopUpCustomButton,
  walletTopUpPayButton,
} from './signup-buttons.js';

const AMOUNT_WINDOW_MS = 15 * 60_000;

const money = (ctx: BotContext, amount: number) =>
  formatMoney(amount, ctx.shop.tenant.currency, ctx.language, ctx.t);

/** The shop whose wallet this person may top up: an active shop (not the master) they are an admin of. */
async function ownShop(ctx: BotContext, deps: MasterDeps, shopId: BotId): Promise<Tenant | undefined> {
  const shop = await deps.app.platform.tenants.get(shopId);
  if (!shop || shop.isMaster || !ctx.from || !shop.adminTelegramIds.includes(ctx.from.id)) return undefined;
  return shop;
}

/** Registers the sender as a customer of the master shop when the link is their first visit. */
async function ensureCustomer(ctx: BotContext): Promise<void> {
  if (ctx.customer || !ctx.from) return;
  const services = ctx.shop.services;
  const language = await services.settings.get('default_language');
  const { customer } = await services.customers.register(
    {
      telegramId: ctx.from.id,
      username: ctx.from.username,
      firstName: ctx.from.first_name,
      lastName: ctx.from.last_name,
    },
    language,
  );
  ctx.customer = customer;
  ctx.language = customer.language;
  ctx.t = ctx.translator.forLanguage(customer.language);
}

async function showAmounts(ctx: BotContext, shop: Tenant): Promise<void> {
  const limits = await ctx.shop.services.topUp.limits();
  const keyboard = new InlineKeyboard();
  limits.presets.forEach((amount, index) => {
    keyboard.text(money(ctx, amount), walletTopUpAmountButton.build({ shopId: shop.id, amount }));
    if (index % 2 === 1) keyboard.row();
  });
  if (limits.presets.length % 2 === 1) keyboard.row();
  keyboard.text(ctx.t('reseller-topup-custom'), walletTopUpCustomButton.build({ shopId: shop.id }));
  await ctx.reply(ctx.t('reseller-topup-title', { shop: shop.name }), { reply_markup: keyboard });
}

/** Paid from the balance when it covers the amount, else the master shop's payment methods. */
async function offerPayment(ctx: BotContext, topUp: ResellerWalletTopUp, shopName: string): Promise<void> {
  const services = ctx.shop.services;
  const balance = (await services.ledger.balance(ctx.customer!.id)) ?? 0;
  const summary = ctx.t('reseller-topup-summary', {
    shop: shopName,
    amount: money(ctx, topUp.amount),
    balance: money(ctx, balance),
  });
  if (balance >= topUp.amount) {
    await ctx.reply(summary, {
      reply_markup: new InlineKeyboard().text(
        ctx.t('reseller-btn-pay-balance'),
        walletTopUpPayButton.build({ topUpId: topUp.id }),
      ),
    });
    return;
  }
  const limits = await services.topUp.limits();
  await ctx.reply(`${summary}\n\n${ctx.t('reseller-topup-pay-hint')}`);
  await sendPaymentMethods(ctx, {
    amount: Math.min(Math.max(topUp.amount - balance, limits.min), limits.max),
  });
}

async function requestTopUp(ctx: BotContext, shop: Tenant, amount: number): Promise<void> {
  const topUp = await ctx.shop.services.resellers.topUps.request(ctx.customer!.id, shop.id, amount);
  ctx.logger.info({ topUpId: topUp.id, shopId: shop.id, amount }, 'reseller wallet top-up asked');
  await offerPayment(ctx, topUp, shop.name);
}

/**
 * A shop's admin pays the operator for wallet credit in the master bot: the wallet screen's link
 * (`/start wtopup_<shop>`) opens it; an amount is chosen or typed and paid from the admin's
 * master-shop balance, topped up with the master shop's own payment methods. The shop's wallet is
 * credited by a job once the money is in (src/modules/resellers/wallet-topups.ts).
 */
export function createWalletTopUpFeature(deps: MasterDeps): BotComposer<BotContext> {
  const feature = new BotComposer<BotContext>();
  const privateChats = feature.chatType('private');

  privateChats.command('start', async (ctx, next) => {
    const payload = ctx.match.trim();
    if (!payload.startsWith(WALLET_TOPUP_START_PREFIX)) return next();
    const shopId = Number(payload.slice(WALLET_TOPUP_START_PREFIX.length));
    const shop =
      Number.isSafeInteger(shopId) && shopId > 0 ? await ownShop(ctx, deps, asBotId(shopId)) : undefined;
    if (!shop) return next();
    await ensureCustomer(ctx);
    await showAmounts(ctx, shop);
  });

  onPress(feature, walletTopUpAmountButton, async (ctx, { shopId, amount }) => {
    const shop = await ownShop(ctx, deps, shopId);
    const check = shop && (await ctx.shop.services.topUp.checkAmount(amount));
    if (!shop || !ctx.customer || check?.status !== 'ok') {
      await ctx.answerCallbackQuery({ text: ctx.t('reseller-topup-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await retireButtons(ctx);
    await requestTopUp(ctx, shop, amount);
  });

  onPress(feature, walletTopUpCustomButton, async (ctx, { shopId }) => {
    const shop = await ownShop(ctx, deps, shopId);
    if (!shop || !ctx.customer) {
      await ctx.answerCallbackQuery({ text: ctx.t('reseller-topup-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const limits = await ctx.shop.services.topUp.limits();
    ctx.session.awaiting = { kind: 'reseller-topup-amount', shopId, at: Date.now() };
    await ctx.reply(
      ctx.t('reseller-topup-enter', { min: money(ctx, limits.min), max: money(ctx, limits.max) }),
    );
  });

  onPress(feature, walletTopUpPayButton, async (ctx, { topUpId }) => {
    if (!ctx.customer) return ctx.answerCallbackQuery();
    const outcome = await ctx.shop.services.resellers.topUps.pay(ctx.customer.id, topUpId);
    if (outcome.status === 'not_payable') {
      await ctx.answerCallbackQuery({ text: ctx.t('reseller-topup-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await retireButtons(ctx);
    const shop = await deps.app.platform.tenants.get(asBotId(outcome.topUp.shopBotId));
    if (outcome.status === 'insufficient') {
      await offerPayment(ctx, outcome.topUp, shop?.name ?? '');
      return;
    }
    await ctx.reply(
      ctx.t('reseller-topup-paid', { amount: money(ctx, outcome.topUp.amount), shop: shop?.name ?? '' }),
      { reply_markup: backToMenu(ctx.t) },
    );
  });

  privateChats.on('message:text', async (ctx, next) => {
    const asked = awaitingOf(ctx.session, 'reseller-topup-amount');
    if (!asked || !ctx.customer) return next();
    if (Date.now() - asked.at > AMOUNT_WINDOW_MS || ctx.message.text.startsWith('/')) {
      forgetAwaiting(ctx.session, 'reseller-topup-amount');
      return next();
    }
    const shop = await ownShop(ctx, deps, asked.shopId);
    const amount = parseAmount(ctx.message.text, MINOR_UNITS[ctx.shop.tenant.currency]);
    const check = amount === undefined ? undefined : await ctx.shop.services.topUp.checkAmount(amount);
    if (!shop) {
      forgetAwaiting(ctx.session, 'reseller-topup-amount');
      await ctx.reply(ctx.t('reseller-topup-unavailable'));
      return;
    }
    if (check?.status !== 'ok') {
      await ctx.reply(ctx.t('reseller-topup-amount-invalid'));
      return;
    }
    forgetAwaiting(ctx.session, 'reseller-topup-amount');
    await requestTopUp(ctx, shop, check.amount);
  });

  return feature;
}
