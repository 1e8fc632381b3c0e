import { InlineKeyboard } from 'grammy';
import type { FeatureKey } from '../../../modules/feature-flags/features.js';
import type { PurchaseOutcome } from '../../../modules/orders/orders-service.js';
import type { Pack, PackKind } from '../../../modules/packs/packs-service.js';
import type { Subscription } from '../../../modules/subscriptions/subscriptions-service.js';
import { asPackId, asSubscriptionId, type PackId, type SubscriptionId } from '../../../shared/ids.js';
import { callbackData, id, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { daysLeft, formatDate, formatMoney, formatNumber, formatTraffic } from '../../format.js';
import { answerOrderPress } from './payment-offer.js';
import { viewContext } from './shop-context.js';
import type { SubscriptionAction } from './subscription-action.js';
import { openSubscriptionButton } from './subscription-buttons.js';
import { trafficLimitText, type ViewContext } from './view.js';

/*
 * Extra traffic and extra days for one of the customer's subscriptions: the card's button → the
 * shop's packs of that kind → one pack with a confirm button → the purchase. Both kinds work the
 * same way, so one factory makes both actions; each has its own buttons (the kind is in the data)
 * and its own switch.
 */

/** The switch that offers each kind. */
const FEATURE_OF = { traffic: 'traffic_packs', days: 'day_packs' } as const satisfies Record<
  PackKind,
  FeatureKey
>;

/** Each kind's texts, named in full rather than built from the kind, so a search for a key finds it. */
const TEXTS = {
  traffic: { button: 'pack-btn-traffic', list: 'pack-list-traffic', details: 'pack-details-traffic' },
  days: { button: 'pack-btn-days', list: 'pack-list-days', details: 'pack-details-days' },
} as const satisfies Record<PackKind, Record<string, string>>;

/** The packs of a kind for a subscription (the card's button). */
const packsButton = (kind: PackKind) =>
  callbackData(`pack:${kind}`, { subscriptionId: id(asSubscriptionId) });
/** One pack for a subscription: its details and the confirm button. */
const packButton = (kind: PackKind) =>
  callbackData(`pack:${kind}`, { subscriptionId: id(asSubscriptionId), packId: id(asPackId) });
/** Confirm: the message it sits on names the purchase (its idempotency key). */
const buyPackButton = (kind: PackKind) =>
  callbackData(`pack:${kind}`, { subscriptionId: id(asSubscriptionId), packId: id(asPackId), buy: 'buy' });

/** What a pack adds, in words: "10 GB", "30 days". */
export const packAmountText = (
  pack: Pick<Pack, 'kind' | 'amount'>,
  r: Pick<ViewContext, 't' | 'language'>,
): string =>
  r.t(pack.kind === 'traffic' ? 'traffic-gb' : 'pack-amount-days', {
    amount: formatNumber(pack.amount, r.language),
  });

const subscriptionName = (subscription: Subscription, v: ViewContext) =>
  v.t('subscription-name', { number: formatNumber(subscription.ordinal, v.language) });

/** Whether a pack of this kind can go on this subscription: unlimited traffic has nothing to add to. */
const takesPacks = (kind: PackKind, subscription: Subscription) =>
  kind === 'days' || subscription.trafficLimitBytes > 0;

/** Where the subscription stands on what the pack adds: its traffic, or its expiry. */
function currentState(kind: PackKind, subscription: Subscription, v: ViewContext) {
  const expiresAt = subscription.expiresAt ?? v.now;
  return kind === 'traffic'
    ? {
        used: formatTraffic(subscription.usedTrafficBytes, v.language, v.t),
        limit: trafficLimitText(subscription.trafficLimitBytes, v),
      }
    : {
        date: formatDate(expiresAt, v.language, v.timeZone),
        days: formatNumber(daysLeft(expiresAt, v.now), v.language),
      };
}

/**
 * The customer's subscription named by a press, when this action applies to it now; otherwise the
 * press is answered with why not (an alert) and undefined.
 */
async function subscriptionFor(
  ctx: BotContext,
  kind: PackKind,
  subscriptionId: SubscriptionId,
): Promise<Subscription | undefined> {
  const services = ctx.shop.services;
  const subscription =
    ctx.customer && (await services.subscriptions.getOwned(ctx.customer.id, subscriptionId));
  let refusal: string | undefined;
  if (!subscription) refusal = 'pack-subscription-unavailable';
  else if (!(await services.flags.isEnabled(FEATURE_OF[kind]))) refusal = 'pack-none';
  else if (!takesPacks(kind, subscription)) refusal = 'pack-unlimited';
  if (refusal === undefined) return subscription;
  await ctx.answerCallbackQuery({ text: ctx.t(refusal), show_alert: true });
  return undefined;
}

/** The pack named by a press, when it is on sale and of this kind; otherwise the press is refused. */
async function packFor(ctx: BotContext, kind: PackKind, packId: PackId): Promise<Pack | undefined> {
  const pack = await ctx.shop.services.packs.get(packId);
  if (pack?.isActive && pack.kind === kind) return pack;
  await ctx.answerCallbackQuery({ text: ctx.t('pack-unavailable'), show_alert: true });
  return undefined;
}

async function showPacks(ctx: BotContext, kind: PackKind, subscriptionId: SubscriptionId): Promise<void> {
  const subscription = await subscriptionFor(ctx, kind, subscriptionId);
  if (!subscription) return;
  const packs = await ctx.shop.services.packs.findActive(kind);
  if (packs.length === 0) {
    await ctx.answerCallbackQuery({ text: ctx.t('pack-none'), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  const v = await viewContext(ctx);
  const keyboard = new InlineKeyboard();
  for (const pack of packs)
    keyboard
      .text(
        ctx.t('pack-button', {
          amount: packAmountText(pack, v),
          price: formatMoney(pack.price, v.currency, v.language, ctx.t),
        }),
        packButton(kind).build({ subscriptionId, packId: asPackId(pack.id) }),
      )
      .row();
  keyboard.text(ctx.t('back'), openSubscriptionButton.build({ subscriptionId }));
  await ctx.reply(
    ctx.t(TEXTS[kind].list, {
      name: subscriptionName(subscription, v),
      ...currentState(kind, subscription, v),
    }),
    { reply_markup: keyboard },
  );
}

async function showPack(
  ctx: BotContext,
  kind: PackKind,
  subscriptionId: SubscriptionId,
  packId: PackId,
): Promise<void> {
  const customer = ctx.customer;
  const subscription = await subscriptionFor(ctx, kind, subscriptionId);
  if (!subscription || !customer) return;
  const pack = await packFor(ctx, kind, packId);
  if (!pack) return;
  await ctx.answerCallbackQuery();
  const v = await viewContext(ctx);
  const money = (amount: number) => formatMoney(amount, v.currency, v.language, ctx.t);
  const balance = (await ctx.shop.services.ledger.balance(customer.id)) ?? 0;
  const text = [
    ctx.t(TEXTS[kind].details, {
      amount: packAmountText(pack, v),
      name: subscriptionName(subscription, v),
      price: money(pack.price),
      ...currentState(kind, subscription, v),
    }),
    '',
    ctx.t('balance-line', { balance: money(balance) }),
  ].join('\n');
  await ctx.reply(text, {
    reply_markup: new InlineKeyboard()
      .text(
        ctx.t('buy-confirm', { price: money(pack.price) }),
        buyPackButton(kind).build({ subscriptionId, packId }),
      )
      .row()
      .text(ctx.t('back'), packsButton(kind).build({ subscriptionId })),
  });
}

/** Tells the customer what came of pressing Confirm. */
function answerPurchase(ctx: BotContext, outcome: PurchaseOutcome): Promise<void> {
  return answerOrderPress(ctx, outcome, {
    paidText: async (order) => {
      const v = await viewContext(ctx);
      const kind: PackKind = order.kind === 'traffic_pack' ? 'traffic' : 'days';
      return ctx.t('pack-paid', {
        price: formatMoney(order.price, v.currency, v.language, ctx.t),
        amount: packAmountText({ kind, amount: kind === 'traffic' ? order.trafficGb : order.periodDays }, v),
      });
    },
    refusalText: (refusal) =>
      ['subscription_unavailable', 'subscription_limit', 'no_customer'].includes(refusal.status)
        ? ctx.t('pack-subscription-unavailable')
        : ctx.t('pack-unavailable'),
  });
}

function packsComposer(kind: PackKind): BotComposer<BotContext> {
  const composer = new BotComposer<BotContext>();
  onPress(composer, packsButton(kind), (ctx, { subscriptionId }) => showPacks(ctx, kind, subscriptionId));
  onPress(composer, packButton(kind), (ctx, { subscriptionId, packId }) =>
    showPack(ctx, kind, subscriptionId, packId),
  );
  onPress(composer, buyPackButton(kind), async (ctx, { subscriptionId, packId }) => {
    const customer = ctx.customer;
    const message = ctx.callbackQuery.message;
    if (!customer || !message) {
      await ctx.answerCallbackQuery();
      return;
    }
    // the switch turned off or the pack withdrawn since the button was drawn: refused, nothing bought
    if (!(await subscriptionFor(ctx, kind, subscriptionId)) || !(await packFor(ctx, kind, packId))) return;
    const outcome = await ctx.shop.services.orders.purchasePack({
      customerId: customer.id,
      packId,
      subscriptionId,
      // the confirm message names the purchase: a second press, or the update handled again, buys once
      idempotencyKey: `pack:${message.chat.id}:${message.message_id}`,
    });
    await answerPurchase(ctx, outcome);
  });
  return composer;
}

/**
 * The action of one kind: its button shows on a subscription's card only while its switch is on,
 * the shop sells an active pack of that kind and the subscription can take one.
 */
function packAction(kind: PackKind): SubscriptionAction {
  return {
    async button(ctx, subscription) {
      const services = ctx.shop.services;
      if (!takesPacks(kind, subscription)) return undefined;
      if (!(await services.flags.isEnabled(FEATURE_OF[kind]))) return undefined;
      if (!(await services.packs.hasActive(kind))) return undefined;
      return {
        text: ctx.t(TEXTS[kind].button),
        data: packsButton(kind).build({ subscriptionId: asSubscriptionId(subscription.id) }),
      };
    },
    composer: packsComposer(kind),
  };
}

/** Extra traffic (GB added to the subscription's limit), switch `traffic_packs`. */
export const extraTrafficAction: SubscriptionAction = packAction('traffic');

/** Extra days (added to the expiry, or to today once it has passed), switch `day_packs`. */
export const extraDaysAction: SubscriptionAction = packAction('days');
