import { InlineKeyboard, InputFile } from 'grammy';
import { KEY_PATTERN, linkKey } from '../../../modules/subscriptions/devices.js';
import type { Subscription } from '../../../modules/subscriptions/subscriptions-service.js';
import { asSubscriptionId, type SubscriptionId } from '../../../shared/ids.js';
import { callbackData, id, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatNumber } from '../../format.js';
import { menuHomeButton } from '../keyboards.js';
import { answerDevicesError } from './devices.js';
import { retireButtons, viewContext } from './shop-context.js';
import type { SubscriptionAction } from './subscription-action.js';
import { openSubscriptionButton } from './subscription-buttons.js';
import { qrPng, subscriptionCard } from './view.js';

/*
 * A new subscription link: the card's button → a confirmation that the old link stops working →
 * the panel issues a new one → the card with the new link and its QR code. The confirm button
 * carries a key of the link it was shown for, so pressing it twice (or Telegram delivering the
 * press again) replaces the link once and shows the new one both times.
 */

const subscription = id(asSubscriptionId);
const newLinkButton = callbackData('sub:link', { subscriptionId: subscription });
const confirmButton = callbackData('sub:link', { subscriptionId: subscription, link: token(KEY_PATTERN) });
const cancelButton = callbackData('sub:link', { subscriptionId: subscription, no: 'no' });

/**
 * The customer behind a press of a new-link button while the shop offers it; otherwise the press
 * is answered (a button of an old message, after the switch went off) and undefined.
 */
async function customerFor(ctx: BotContext) {
  if (!(await ctx.shop.services.flags.isEnabled('subscription_new_link'))) {
    await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
    return undefined;
  }
  if (!ctx.customer) await ctx.answerCallbackQuery();
  return ctx.customer;
}

async function askToConfirm(ctx: BotContext, subscriptionId: SubscriptionId): Promise<void> {
  const customer = await customerFor(ctx);
  if (!customer) return;
  const owned = await ctx.shop.services.subscriptions.getOwned(customer.id, subscriptionId);
  if (!owned) {
    await answerDevicesError(ctx, { code: 'not_found' });
    return;
  }
  const key = linkKey(owned);
  if (owned.panelUserId === null || key === null) {
    await answerDevicesError(ctx, { code: 'not_provisioned' });
    return;
  }
  await ctx.answerCallbackQuery();
  const v = await viewContext(ctx);
  const name = ctx.t('subscription-name', { number: formatNumber(owned.ordinal, v.language) });
  await ctx.reply(ctx.t('link-confirm', { name }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('link-confirm-yes'), confirmButton.build({ subscriptionId, link: key }))
      .row()
      .text(ctx.t('link-cancel'), cancelButton.build({ subscriptionId })),
  });
}

/** The card with the link the subscription has now, and its QR code. */
async function sendNewLink(ctx: BotContext, subscription: Subscription, renewed: boolean): Promise<void> {
  const v = await viewContext(ctx);
  const caption = [
    ctx.t(renewed ? 'link-renewed' : 'link-current'),
    '',
    subscriptionCard(subscription, v),
  ].join('\n');
  const reply_markup = new InlineKeyboard()
    .text(
      ctx.t('subscription-open'),
      openSubscriptionButton.build({ subscriptionId: asSubscriptionId(subscription.id) }),
    )
    .row()
    .text(ctx.t('back-to-menu'), menuHomeButton.build());
  const url = subscription.subscriptionUrl;
  if (!url) {
    await ctx.reply(caption, { reply_markup });
    return;
  }
  await ctx.replyWithPhoto(new InputFile(await qrPng(url), 'subscription-qr.png'), { caption, reply_markup });
}

function createNewLinkComposer(): BotComposer<BotContext> {
  const composer = new BotComposer<BotContext>();

  onPress(composer, newLinkButton, (ctx, { subscriptionId }) => askToConfirm(ctx, subscriptionId));

  onPress(composer, confirmButton, async (ctx, { subscriptionId, link }) => {
    const customer = await customerFor(ctx);
    if (!customer) return;
    const result = await ctx.shop.services.devices.newLink(customer.id, subscriptionId, link);
    // refused (the panel down, say): the confirmation keeps its buttons, to try again
    if (!result.ok) {
      await answerDevicesError(ctx, result.error);
      return;
    }
    await ctx.answerCallbackQuery();
    await retireButtons(ctx);
    const { subscription, renewed } = result.value;
    if (renewed) ctx.logger.info({ subscriptionId }, 'new subscription link issued to the customer');
    await sendNewLink(ctx, subscription, renewed);
  });

  onPress(composer, cancelButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('link-cancelled')).catch(() => retireButtons(ctx));
  });

  return composer;
}

/** A new link for a subscription the panel has a user for, while the switch `subscription_new_link` is on. */
export const newLinkAction: SubscriptionAction = {
  async button(ctx, subscription) {
    if (subscription.panelUserId === null || linkKey(subscription) === null) return undefined;
    if (!(await ctx.shop.services.flags.isEnabled('subscription_new_link'))) return undefined;
    return {
      text: ctx.t('link-button'),
      data: newLinkButton.build({ subscriptionId: asSubscriptionId(subscription.id) }),
    };
  },
  composer: createNewLinkComposer(),
};
