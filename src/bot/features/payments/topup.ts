import { InlineKeyboard } from 'grammy';
import type { Customer } from '../../../modules/customers/customers-service.js';
import type { PaymentMethod as ShopPaymentMethod } from '../../../modules/miniapp/miniapp-service.js';
import { parseAmount } from '../../../modules/payments/top-up.js';
import { asOrderId, type OrderId } from '../../../shared/ids.js';
import { callbackData, id, integer, oneOf, onPress, optionalId } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import { awaitingOf, type BotContext, forgetAwaiting } from '../../context.js';
import { formatMoney, MINOR_UNITS } from '../../format.js';
import { backToMenu, menuHomeButton } from '../keyboards.js';
import type { MenuSection } from '../section.js';
import { retireButtons } from '../shop/shop-context.js';
import { orderLabel } from '../shop/view.js';

/** A typed amount is expected for this long after "Another amount" was pressed. */
const AMOUNT_WINDOW_MS = 15 * 60_000;

const PAYMENT_METHODS = ['card', 'zp', 'stars'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * A payment method chosen for an amount: `pay:<method>:<amount>:<order id, 0 for none>`. Each
 * method's own feature answers its presses (`payButton.with({ method })`) and checks the amount
 * again.
 */
export const payButton = callbackData('pay', {
  method: oneOf(PAYMENT_METHODS),
  amount: integer(),
  order: optionalId(asOrderId),
});

export const topUpMenuButton = callbackData('menu:topup');
/** Pay what a waiting purchase still lacks. */
export const payOrderButton = callbackData('topup:order', { orderId: id(asOrderId) });
const presetAmountButton = callbackData('topup:amt', { amount: integer() });
const customAmountButton = callbackData('topup:custom');
const cancelTopUpButton = callbackData('topup:cancel');

const METHOD_LABELS: Record<PaymentMethod, string> = {
  card: 'pay-method-card',
  zp: 'pay-method-zarinpal',
  stars: 'pay-method-stars',
};

/** The bot's name of each payment method of the shop (`pay:zp:...` is older than the Mini App). */
const BUTTON_METHODS: Record<ShopPaymentMethod, PaymentMethod> = {
  card: 'card',
  zarinpal: 'zp',
  stars: 'stars',
};
const SHOP_METHODS: Record<PaymentMethod, ShopPaymentMethod> = {
  card: 'card',
  zp: 'zarinpal',
  stars: 'stars',
};

/**
 * The payment methods this tenant has switched on, in the order they are offered; card-to-card
 * only while the shop has an active card to show (the rule the Mini App shares).
 */
export async function enabledMethods(ctx: BotContext): Promise<PaymentMethod[]> {
  return (await ctx.shop.services.miniApp.enabledMethods()).map((method) => BUTTON_METHODS[method]);
}

const money = (ctx: BotContext, amount: number) =>
  formatMoney(amount, ctx.shop.tenant.currency, ctx.language, ctx.t);

/** The method choice for an amount, one `payButton` per method the tenant has switched on. */
export async function sendPaymentMethods(
  ctx: BotContext,
  input: { amount: number; orderId?: OrderId | undefined; plan?: string | null | undefined },
): Promise<void> {
  const methods = await enabledMethods(ctx);
  if (methods.length === 0) {
    await ctx.reply(ctx.t('topup-no-methods'), { reply_markup: backToMenu(ctx.t) });
    return;
  }
  const keyboard = new InlineKeyboard();
  for (const method of methods) {
    const data = payButton.build({ method, amount: input.amount, order: input.orderId ?? null });
    keyboard.text(ctx.t(METHOD_LABELS[method]), data).row();
  }
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  const amount = money(ctx, input.amount);
  const text =
    input.orderId === undefined
      ? ctx.t('topup-choose-method', { amount })
      : ctx.t('topup-choose-method-order', { amount, plan: input.plan ?? '' });
  await ctx.reply(text, { reply_markup: keyboard });
}

/** The balance covers a waiting purchase now (money came another way): complete it instead. */
export async function completeCoveredOrder(ctx: BotContext, orderId: OrderId): Promise<void> {
  const outcome = await ctx.shop.services.orders.payAwaiting(orderId);
  if (outcome.status === 'paid') {
    await ctx.reply(
      ctx.t('purchase-paid', {
        plan: orderLabel(outcome.order, ctx),
        price: money(ctx, outcome.order.price),
      }),
    );
    return;
  }
  if (outcome.status === 'wallet_insufficient') {
    await ctx.reply(ctx.t('wallet-sale-unavailable'), { reply_markup: backToMenu(ctx.t) });
    return;
  }
  await ctx.reply(ctx.t('topup-order-unavailable'), { reply_markup: backToMenu(ctx.t) });
}

/** What a `payButton` press asks to pay, checked again as things are now. */
export interface PaymentRequest {
  readonly customer: Customer;
  readonly amount: number;
  /** The purchase the money is for; null for a plain top-up. */
  readonly orderId: OrderId | null;
}

/**
 * The start every method's `payButton` handler shares: the customer is
 * known and the method is still switched on; a plain top-up's amount is still within the limits; a
 * purchase is paid its missing amount as it is now (the balance may have changed since the offer),
 * and one the balance covers by now is completed instead. Otherwise the press is answered and
 * undefined returned: there is nothing for the method to do.
 */
export async function paymentRequest(
  ctx: BotContext,
  { method, amount: offeredAmount, order }: { method: PaymentMethod; amount: number; order: OrderId | null },
): Promise<PaymentRequest | undefined> {
  const customer = ctx.customer;
  if (!customer) {
    await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
    return undefined;
  }
  // the same rules as the Mini App's payments (modules/miniapp): method on, amount, order due
  const request = await ctx.shop.services.miniApp.paymentRequest({
    customerId: customer.id,
    method: SHOP_METHODS[method],
    amount: offeredAmount,
    orderId: order,
  });
  switch (request.status) {
    case 'ok':
      return { customer, amount: request.amount, orderId: request.orderId };
    case 'method_unavailable':
      await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
      return undefined;
    case 'order_unavailable':
      await ctx.answerCallbackQuery({ text: ctx.t('topup-order-unavailable'), show_alert: true });
      return undefined;
    case 'covered':
      await ctx.answerCallbackQuery();
      await retireButtons(ctx);
      await completeCoveredOrder(ctx, request.orderId);
      return undefined;
    case 'amount_out_of_range':
      await ctx.answerCallbackQuery({ text: ctx.t('topup-amount-unavailable'), show_alert: true });
      return undefined;
    default: {
      const never: never = request;
      throw new Error(`unhandled payment request ${JSON.stringify(never)}`);
    }
  }
}

async function sendAmountChoice(ctx: BotContext): Promise<void> {
  const services = ctx.shop.services;
  const [limits, balance] = await Promise.all([
    services.topUp.limits(),
    services.ledger.balance(ctx.customer!.id),
  ]);
  const keyboard = new InlineKeyboard();
  limits.presets.forEach((amount, index) => {
    keyboard.text(money(ctx, amount), presetAmountButton.build({ amount }));
    if (index % 2 === 1) keyboard.row();
  });
  if (limits.presets.length % 2 === 1) keyboard.row();
  keyboard.text(ctx.t('topup-custom'), customAmountButton.build()).row();
  keyboard.text(ctx.t('back-to-menu'), menuHomeButton.build());
  await ctx.reply(ctx.t('topup-title', { balance: money(ctx, balance ?? 0) }), { reply_markup: keyboard });
}

/** An example amount in the customer's digits and the currency's major unit, for the prompts. */
function exampleAmount(ctx: BotContext, amount: number): string {
  const units = MINOR_UNITS[ctx.shop.tenant.currency];
  return String(amount / units);
}

/**
 * Topping up the balance: an amount (a preset, or typed within the tenant's limits), then one of
 * the payment methods the tenant has enabled. A purchase short of money comes here with its
 * missing amount (`payOrderButton`), recomputed from the order's price and the current balance.
 */
function createTopUpFeature() {
  const feature = new BotComposer<BotContext>();

  onPress(feature, topUpMenuButton, async (ctx) => {
    if (!ctx.customer || (await enabledMethods(ctx)).length === 0) {
      await ctx.answerCallbackQuery({ text: ctx.t('topup-no-methods'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    forgetAwaiting(ctx.session, 'topup-amount');
    await sendAmountChoice(ctx);
  });

  onPress(feature, payOrderButton, async (ctx, { orderId }) => {
    const customer = ctx.customer;
    if (!customer || (await enabledMethods(ctx)).length === 0) {
      await ctx.answerCallbackQuery({ text: ctx.t('topup-no-methods'), show_alert: true });
      return;
    }
    const due = await ctx.shop.services.topUp.dueForOrder(customer.id, orderId);
    if (due.status === 'not_payable') {
      await ctx.answerCallbackQuery({ text: ctx.t('topup-order-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await retireButtons(ctx);
    if (due.status === 'covered') {
      await completeCoveredOrder(ctx, orderId);
      return;
    }
    await sendPaymentMethods(ctx, { amount: due.missing, orderId, plan: orderLabel(due.order, ctx) });
  });

  onPress(feature, presetAmountButton, async (ctx, { amount }) => {
    if (!ctx.customer) return ctx.answerCallbackQuery();
    const check = await ctx.shop.services.topUp.checkAmount(amount);
    if (check.status !== 'ok') {
      await ctx.answerCallbackQuery({ text: ctx.t('topup-amount-unavailable'), show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    await sendPaymentMethods(ctx, { amount: check.amount });
  });

  onPress(feature, customAmountButton, async (ctx) => {
    if (!ctx.customer) return ctx.answerCallbackQuery();
    await ctx.answerCallbackQuery();
    const limits = await ctx.shop.services.topUp.limits();
    ctx.session.awaiting = { kind: 'topup-amount', at: Date.now() };
    await ctx.reply(
      ctx.t('topup-enter-amount', {
        min: money(ctx, limits.min),
        max: money(ctx, limits.max),
        example: exampleAmount(ctx, limits.presets[0] ?? limits.min),
      }),
      { reply_markup: new InlineKeyboard().text(ctx.t('topup-cancel'), cancelTopUpButton.build()) },
    );
  });

  onPress(feature, cancelTopUpButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    forgetAwaiting(ctx.session, 'topup-amount');
    await retireButtons(ctx);
    await ctx.reply(ctx.t('topup-cancelled'), { reply_markup: backToMenu(ctx.t) });
  });

  feature.chatType('private').on('message:text', async (ctx, next) => {
    const asked = awaitingOf(ctx.session, 'topup-amount');
    if (!asked || !ctx.customer) return next();
    if (Date.now() - asked.at > AMOUNT_WINDOW_MS) {
      forgetAwaiting(ctx.session, 'topup-amount');
      return next();
    }
    // a command (e.g. /start) leaves the amount prompt
    if (ctx.message.text.startsWith('/')) {
      forgetAwaiting(ctx.session, 'topup-amount');
      return next();
    }
    const limits = await ctx.shop.services.topUp.limits();
    const example = exampleAmount(ctx, limits.presets[0] ?? limits.min);
    const amount = parseAmount(ctx.message.text, MINOR_UNITS[ctx.shop.tenant.currency]);
    if (amount === undefined) {
      await ctx.reply(ctx.t('topup-amount-invalid', { example }));
      return;
    }
    const check = await ctx.shop.services.topUp.checkAmount(amount);
    if (check.status !== 'ok') {
      await ctx.reply(
        check.status === 'too_small'
          ? ctx.t('topup-amount-too-small', { min: money(ctx, check.limits.min) })
          : ctx.t('topup-amount-too-large', { max: money(ctx, check.limits.max) }),
      );
      return;
    }
    forgetAwaiting(ctx.session, 'topup-amount');
    await sendPaymentMethods(ctx, { amount: check.amount });
  });

  return feature;
}

/** Topping up the balance, shown while the tenant has a payment method switched on. */
export const topUpSection: MenuSection = {
  entry: 'topup',
  isShown: ({ flags }) =>
    flags.card_to_card.enabled || flags.zarinpal.enabled || flags.telegram_stars.enabled,
  button: (t) => ({ text: t('menu-topup'), data: topUpMenuButton.build() }),
  composer: createTopUpFeature(),
};
