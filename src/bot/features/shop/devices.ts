import { InlineKeyboard } from 'grammy';
import {
  type Device,
  type DeviceList,
  type DevicesError,
  KEY_PATTERN,
} from '../../../modules/subscriptions/devices.js';
import type { Subscription } from '../../../modules/subscriptions/subscriptions-service.js';
import { asSubscriptionId, type SubscriptionId } from '../../../shared/ids.js';
import { scrubText } from '../../../shared/input-safety.js';
import type { Language } from '../../../shared/language.js';
import { callbackData, id, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatDate, formatNumber } from '../../format.js';
import type { Translate } from '../../i18n.js';
import { viewContext } from './shop-context.js';
import type { SubscriptionAction } from './subscription-action.js';
import { openSubscriptionButton } from './subscription-buttons.js';
import { deviceLimitText, type ViewContext } from './view.js';

/*
 * A subscription's devices: the card's button → the list read from the panel, one remove button
 * per device and "remove all" (asked again first). The list is edited in place as devices go. A
 * device is named in a press by its key (a short hash of its hwid, which may be longer than the
 * 64 bytes of callback data allow), and the press reads the list again to find it.
 */

const subscription = id(asSubscriptionId);
/** The card's button: the list, as a new message. */
const devicesButton = callbackData('sub:dev', { subscriptionId: subscription });
/** The list again, in place of the message pressed (back from "remove all?"). */
const listButton = callbackData('sub:dev', { subscriptionId: subscription, list: 'list' });
const removeButton = callbackData('sub:dev', {
  subscriptionId: subscription,
  rm: 'rm',
  device: token(KEY_PATTERN),
});
const removeAllButton = callbackData('sub:dev', { subscriptionId: subscription, all: 'all' });
const confirmRemoveAllButton = callbackData('sub:dev', {
  subscriptionId: subscription,
  all: 'all',
  yes: 'yes',
});

/** Devices listed, each with its button; a list longer than this ends with "and n more". */
const MAX_SHOWN = 20;
/** Text an app reports is cut to this, so one odd model name cannot crowd out the list. */
const MAX_FIELD_CHARS = 32;

/** The platform names the locales spell out; any other is shown as the app reports it. */
const PLATFORM_KEYS: Readonly<Record<string, string>> = {
  android: 'device-platform-android',
  ios: 'device-platform-ios',
  ipados: 'device-platform-ios',
  windows: 'device-platform-windows',
  macos: 'device-platform-macos',
  'mac os': 'device-platform-macos',
  darwin: 'device-platform-macos',
  linux: 'device-platform-linux',
};

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

/** A version such as "14.2" in the reader's digits (Persian customers read Persian digits). */
const localDigits = (text: string, language: Language): string =>
  language === 'fa' ? text.replace(/[0-9]/g, (digit) => PERSIAN_DIGITS[Number(digit)] ?? digit) : text;

/**
 * Any text an app reports, on one line, valid Unicode and short: control characters and bidi
 * overrides (which could turn the rest of the line around) become spaces.
 */
const UNSHOWABLE = /[\p{Cc}\u202A-\u202E\u2066-\u2069]+/gu;

function reported(text: string | null): string | undefined {
  const line = text && scrubText(text).replace(UNSHOWABLE, ' ').replace(/\s+/g, ' ').trim();
  if (!line) return undefined;
  return line.length > MAX_FIELD_CHARS ? `${line.slice(0, MAX_FIELD_CHARS - 1)}…` : line;
}

function platformName(platform: string | null, t: Translate): string | undefined {
  const text = reported(platform);
  if (!text) return undefined;
  const key = PLATFORM_KEYS[text.toLowerCase()];
  return key ? t(key) : text;
}

/** "Android 14 · Pixel 7", or "Unknown device" when the app said nothing about itself. */
export function deviceName(device: Device, v: Pick<ViewContext, 't' | 'language'>): string {
  const version = reported(device.osVersion);
  const system = [platformName(device.platform, v.t), version && localDigits(version, v.language)]
    .filter(Boolean)
    .join(' ');
  const parts = [system, reported(device.model)].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : v.t('device-unknown');
}

const subscriptionName = (subscription: Subscription, v: ViewContext) =>
  v.t('subscription-name', { number: formatNumber(subscription.ordinal, v.language) });

function listText({ subscription, devices }: DeviceList, v: ViewContext): string {
  const lines = [
    v.t('devices-title', {
      name: subscriptionName(subscription, v),
      count: formatNumber(devices.length, v.language),
      limit: deviceLimitText(subscription.deviceLimit, v),
    }),
    '',
  ];
  if (devices.length === 0) {
    lines.push(v.t('devices-none'));
    return lines.join('\n');
  }
  devices.slice(0, MAX_SHOWN).forEach((device, index) => {
    const args = { number: formatNumber(index + 1, v.language), device: deviceName(device, v) };
    lines.push(
      device.addedAt
        ? v.t('devices-line', { ...args, date: formatDate(device.addedAt, v.language, v.timeZone) })
        : v.t('devices-line-undated', args),
    );
  });
  if (devices.length > MAX_SHOWN)
    lines.push(v.t('devices-more', { count: formatNumber(devices.length - MAX_SHOWN, v.language) }));
  lines.push('', v.t('devices-hint'));
  return lines.join('\n');
}

function listKeyboard({ subscription, devices }: DeviceList, v: ViewContext): InlineKeyboard {
  const subscriptionId = asSubscriptionId(subscription.id);
  const keyboard = new InlineKeyboard();
  devices.slice(0, MAX_SHOWN).forEach((device, index) => {
    const text = v.t('devices-remove', {
      number: formatNumber(index + 1, v.language),
      device: deviceName(device, v),
    });
    keyboard.text(text, removeButton.build({ subscriptionId, device: device.key })).row();
  });
  if (devices.length > 0)
    keyboard.text(v.t('devices-remove-all'), removeAllButton.build({ subscriptionId })).row();
  return keyboard.text(v.t('back'), openSubscriptionButton.build({ subscriptionId }));
}

/** The list, as a new message or in place of the one pressed. */
async function showList(ctx: BotContext, list: DeviceList, how: 'reply' | 'edit'): Promise<void> {
  const v = await viewContext(ctx);
  const text = listText(list, v);
  const reply_markup = listKeyboard(list, v);
  if (how === 'reply') {
    await ctx.reply(text, { reply_markup });
    return;
  }
  // an unchanged list ("message is not modified") or a message too old to edit: nothing to redo
  await ctx.editMessageText(text, { reply_markup }).catch((error: unknown) => {
    ctx.logger.debug({ err: error }, 'device list not edited');
  });
}

const ERROR_TEXTS = {
  not_found: 'subscription-unavailable',
  not_provisioned: 'devices-not-ready',
  panel_lost: 'devices-panel-lost',
  panel_unavailable: 'devices-panel-unavailable',
} as const satisfies Record<DevicesError['code'], string>;

/** Answers a press that could not be done with why, politely (shared with the new link). */
export async function answerDevicesError(ctx: BotContext, error: DevicesError): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t(ERROR_TEXTS[error.code]), show_alert: true });
}

/**
 * The customer behind a press of a devices button while the shop offers them; otherwise the press
 * is answered (a button of an old message, after the switch went off) and undefined.
 */
async function customerFor(ctx: BotContext) {
  if (!(await ctx.shop.services.flags.isEnabled('subscription_devices'))) {
    await ctx.answerCallbackQuery({ text: ctx.t('feature-disabled'), show_alert: true });
    return undefined;
  }
  if (!ctx.customer) await ctx.answerCallbackQuery();
  return ctx.customer;
}

async function openList(ctx: BotContext, subscriptionId: SubscriptionId, how: 'reply' | 'edit') {
  const customer = await customerFor(ctx);
  if (!customer) return;
  const result = await ctx.shop.services.devices.listDevices(customer.id, subscriptionId);
  if (!result.ok) {
    await answerDevicesError(ctx, result.error);
    return;
  }
  await ctx.answerCallbackQuery();
  await showList(ctx, result.value, how);
}

function createDevicesComposer(): BotComposer<BotContext> {
  const composer = new BotComposer<BotContext>();

  onPress(composer, devicesButton, (ctx, { subscriptionId }) => openList(ctx, subscriptionId, 'reply'));
  onPress(composer, listButton, (ctx, { subscriptionId }) => openList(ctx, subscriptionId, 'edit'));

  onPress(composer, removeButton, async (ctx, { subscriptionId, device }) => {
    const customer = await customerFor(ctx);
    if (!customer) return;
    const result = await ctx.shop.services.devices.removeDevice(customer.id, subscriptionId, device);
    if (!result.ok) {
      await answerDevicesError(ctx, result.error);
      return;
    }
    if (result.value.removed) ctx.logger.info({ subscriptionId }, 'device removed by the customer');
    await ctx.answerCallbackQuery({
      text: ctx.t(result.value.removed ? 'devices-removed' : 'devices-already-removed'),
    });
    await showList(ctx, result.value, 'edit');
  });

  // "remove all" asks first, in place of the list, naming how many would go
  onPress(composer, removeAllButton, async (ctx, { subscriptionId }) => {
    const customer = await customerFor(ctx);
    if (!customer) return;
    const result = await ctx.shop.services.devices.listDevices(customer.id, subscriptionId);
    if (!result.ok) {
      await answerDevicesError(ctx, result.error);
      return;
    }
    await ctx.answerCallbackQuery();
    const v = await viewContext(ctx);
    const { devices, subscription } = result.value;
    if (devices.length === 0) {
      await showList(ctx, result.value, 'edit');
      return;
    }
    const text = ctx.t('devices-remove-all-confirm', {
      count: formatNumber(devices.length, v.language),
      name: subscriptionName(subscription, v),
    });
    const reply_markup = new InlineKeyboard()
      .text(ctx.t('devices-remove-all-yes'), confirmRemoveAllButton.build({ subscriptionId }))
      .row()
      .text(ctx.t('devices-back'), listButton.build({ subscriptionId }));
    await ctx.editMessageText(text, { reply_markup }).catch(() => ctx.reply(text, { reply_markup }));
  });

  onPress(composer, confirmRemoveAllButton, async (ctx, { subscriptionId }) => {
    const customer = await customerFor(ctx);
    if (!customer) return;
    const devices = ctx.shop.services.devices;
    const removed = await devices.removeAllDevices(customer.id, subscriptionId);
    if (!removed.ok) {
      await answerDevicesError(ctx, removed.error);
      return;
    }
    ctx.logger.info({ subscriptionId }, 'all devices removed by the customer');
    await ctx.answerCallbackQuery({ text: ctx.t('devices-all-removed') });
    // read again rather than assumed empty: an app may have fetched the subscription since
    const list = await devices.listDevices(customer.id, subscriptionId);
    if (list.ok) await showList(ctx, list.value, 'edit');
  });

  return composer;
}

/** The devices of a subscription the panel has a user for, while the switch `subscription_devices` is on. */
export const devicesAction: SubscriptionAction = {
  async button(ctx, subscription) {
    if (subscription.panelUserId === null) return undefined;
    if (!(await ctx.shop.services.flags.isEnabled('subscription_devices'))) return undefined;
    return {
      text: ctx.t('devices-button'),
      data: devicesButton.build({ subscriptionId: asSubscriptionId(subscription.id) }),
    };
  },
  composer: createDevicesComposer(),
};
