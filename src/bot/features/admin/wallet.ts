import { InlineKeyboard } from 'grammy';
import type { WalletKindTotal } from '../../../modules/wallet/wallet-report.js';
import type { WalletEntry } from '../../../modules/wallet/wallet-service.js';
import type { Language } from '../../../shared/language.js';
import { callbackData, integer, onPress } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatNumber, formatTraffic } from '../../format.js';
import type { Translate } from '../../i18n.js';
import { walletTopUpLink } from '../master/signup-buttons.js';
import type { Section } from '../section.js';
import { answer, ask, clearInput, money, parseWhole, replyWithCancel, show, withHome } from './admin-ui.js';

/*
 * The shop's wallet with the operator, as its admins see it: the balance the operator's wholesale
 * traffic is paid from, its history, this month's figures, the low-balance warning and how to top
 * it up. Read only but for the warning threshold (a tenant setting): money moves by the operator.
 */

export const walletButton = callbackData('adm:wallet');
/** A page of the history: entries older than `before` (0: the newest). */
const historyButton = callbackData('adm:wallet:h', { before: integer() });
const topUpButton = callbackData('adm:wallet:topup');
const warningButton = callbackData('adm:wallet:warn');

const PAGE_SIZE = 8;

// fa dates use the Persian (Jalali) calendar, as everywhere the shop shows dates
const DATE_LOCALES: Record<Language, string> = { fa: 'fa-IR-u-ca-persian', en: 'en-GB', ru: 'ru-RU' };

const dateTime = (date: Date, language: Language, timeZone: string) =>
  new Intl.DateTimeFormat(DATE_LOCALES[language], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(date);

/** An id (an order, the shop) in the reader's digits, without thousands separators. */
const idText = (value: number, language: Language) =>
  new Intl.NumberFormat(language === 'fa' ? 'fa-IR' : 'en-US', { useGrouping: false }).format(value);

const dateOnly = (date: Date, language: Language, timeZone: string) =>
  new Intl.DateTimeFormat(DATE_LOCALES[language], { dateStyle: 'long', timeZone }).format(date);

/**
 * The first moment of the current month in the shop's time zone: a Jalali month for a Persian
 * reader (the month Iranian shops count in), a Gregorian one otherwise.
 */
export function monthStart(now: Date, timeZone: string, language: Language): Date {
  const calendar = language === 'fa' ? 'persian' : 'gregory';
  const parts = new Intl.DateTimeFormat(`en-US-u-ca-${calendar}-nu-latn`, {
    timeZone,
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((item) => item.type === type)?.value ?? 0);
  const elapsedSeconds =
    (part('day') - 1) * 86_400 + part('hour') * 3_600 + part('minute') * 60 + part('second');
  return new Date(now.getTime() - elapsedSeconds * 1_000 - now.getMilliseconds());
}

const signed = (ctx: BotContext, amount: number) =>
  `${amount > 0 ? '+' : '−'}${money(ctx, Math.abs(amount))}`;

/** What this month's entries add up to, by what the reseller cares about. */
function monthFigures(totals: readonly WalletKindTotal[]) {
  const of = (kind: WalletKindTotal['kind']) =>
    totals.find((total) => total.kind === kind) ?? { count: 0, amount: 0, bytes: 0 };
  const sales = of('sale');
  const refunds = of('refund');
  const consumption = of('consumption');
  return {
    salesCount: sales.count,
    soldBytes: Math.max(0, sales.bytes - refunds.bytes),
    consumedBytes: consumption.bytes,
    // debits are negative: what the traffic cost this month, refunds taken off
    spent: Math.max(0, -(sales.amount + refunds.amount + consumption.amount)),
    toppedUp: of('topup').amount,
  };
}

async function showWallet(ctx: BotContext, prefix?: string): Promise<void> {
  const services = ctx.shop.services;
  const [summary, timeZone, threshold] = await Promise.all([
    services.wallet.summary(),
    services.settings.get('timezone'),
    services.settings.get('wallet_low_balance_warning'),
  ]);
  const since = monthStart(new Date(), timeZone, ctx.language);
  const month = monthFigures(await services.walletReport.totalsSince(since));
  const traffic = (bytes: number) => formatTraffic(bytes, ctx.language, ctx.t);
  const lines = [
    ctx.t('wallet-admin-title', { shop: ctx.shop.tenant.name }),
    '',
    ctx.t('wallet-admin-balance', {
      balance: money(ctx, summary.balance),
      price: money(ctx, summary.wholesalePricePerGb),
    }),
    '',
    ctx.t('wallet-admin-month', {
      since: dateOnly(since, ctx.language, timeZone),
      sales: formatNumber(month.salesCount, ctx.language),
      sold: traffic(month.soldBytes),
      consumed: traffic(month.consumedBytes),
      spent: money(ctx, month.spent),
      toppedUp: money(ctx, month.toppedUp),
    }),
    ctx.t('wallet-admin-totals', {
      sold: traffic(summary.trafficSoldBytes),
      consumed: traffic(summary.trafficConsumedBytes),
    }),
    '',
    threshold > 0
      ? ctx.t('wallet-admin-warning-at', { threshold: money(ctx, threshold) })
      : ctx.t('wallet-admin-warning-off'),
  ];
  if (summary.balance <= 0) lines.push('', ctx.t('wallet-admin-empty-now'));
  else if (threshold > 0 && summary.balance < threshold) lines.push('', ctx.t('wallet-admin-low-now'));
  const keyboard = new InlineKeyboard()
    .text(ctx.t('wallet-admin-btn-history'), historyButton.build({ before: 0 }))
    .text(ctx.t('wallet-admin-btn-topup'), topUpButton.build())
    .row()
    .text(ctx.t('wallet-admin-btn-warning'), warningButton.build())
    .text(ctx.t('adm-btn-refresh'), walletButton.build())
    .row();
  const text = lines.join('\n');
  await show(ctx, prefix ? `${prefix}\n\n${text}` : text, withHome(keyboard, ctx.t));
}

/** One entry as the reseller reads it: when, what (in their language), how much, the balance after. */
function historyLine(ctx: BotContext, entry: WalletEntry, timeZone: string): string {
  const detail =
    entry.kind === 'adjustment'
      ? // the operator's own words for a correction
        (entry.reason ?? '')
      : ctx.t('wallet-admin-detail', {
          kind: entry.kind,
          order: entry.orderId === null ? '' : idText(entry.orderId, ctx.language),
          traffic: entry.bytes > 0 ? formatTraffic(entry.bytes, ctx.language, ctx.t) : '',
        });
  return ctx.t('wallet-admin-line', {
    date: dateTime(entry.createdAt, ctx.language, timeZone),
    kind: entry.kind,
    amount: signed(ctx, entry.amount),
    balance: money(ctx, entry.balanceAfter),
    detail: detail.trim(),
  });
}

async function showHistory(ctx: BotContext, before: number): Promise<void> {
  const services = ctx.shop.services;
  const [entries, timeZone] = await Promise.all([
    services.wallet.entries({ limit: PAGE_SIZE + 1, ...(before > 0 ? { beforeId: before } : {}) }),
    services.settings.get('timezone'),
  ]);
  const shown = entries.slice(0, PAGE_SIZE);
  const body =
    shown.length === 0
      ? ctx.t('wallet-admin-history-empty')
      : shown.map((entry) => historyLine(ctx, entry, timeZone)).join('\n\n');
  const keyboard = new InlineKeyboard();
  if (before > 0) keyboard.text(ctx.t('wallet-admin-btn-newest'), historyButton.build({ before: 0 }));
  const last = shown.at(-1);
  if (entries.length > PAGE_SIZE && last)
    keyboard.text(ctx.t('wallet-admin-btn-older'), historyButton.build({ before: last.id }));
  keyboard.row().text(ctx.t('adm-btn-back'), walletButton.build());
  await show(ctx, `${ctx.t('wallet-admin-history-title')}\n\n${body}`, withHome(keyboard, ctx.t));
}

/**
 * How the operator's contact reads on a wallet screen or alert, with buttons to write to them.
 * Resellers do not pay the operator from their bot yet: the operator credits the wallet.
 */
export function topUpContact(
  t: Translate,
  contact: { masterUsername: string | null; supportUsername: string | null },
  shopId: number,
  language: Language,
): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  if (contact.supportUsername)
    keyboard.url(t('wallet-admin-btn-support'), `https://t.me/${contact.supportUsername}`).row();
  if (contact.masterUsername)
    keyboard.url(t('wallet-admin-btn-master'), `https://t.me/${contact.masterUsername}`).row();
  const who = contact.supportUsername ?? contact.masterUsername;
  const text = who
    ? t('wallet-admin-topup-contact', { contact: `@${who}`, shop: idText(shopId, language) })
    : t('wallet-admin-topup-no-contact', { shop: idText(shopId, language) });
  return { text, keyboard };
}

async function showTopUp(ctx: BotContext): Promise<void> {
  const contact = await ctx.shop.services.operatorContact();
  const { text, keyboard } = topUpContact(ctx.t, contact, ctx.shop.tenant.id, ctx.language);
  // paid to the operator in the master bot with its payment methods, credited to this wallet once
  // (src/bot/features/master/signup-topup.ts)
  const payHere = contact.masterUsername
    ? new InlineKeyboard()
        .url(ctx.t('reseller-btn-topup'), walletTopUpLink(contact.masterUsername, ctx.shop.tenant.id))
        .row()
    : undefined;
  if (payHere) for (const row of keyboard.inline_keyboard) if (row.length > 0) payHere.row(...row);
  await show(
    ctx,
    `${ctx.t('wallet-admin-topup-title')}\n\n${payHere ? `${ctx.t('reseller-topup-how')}\n\n` : ''}${text}`,
    withHome((payHere ?? keyboard).text(ctx.t('adm-btn-back'), walletButton.build()), ctx.t),
  );
}

async function askWarning(ctx: BotContext): Promise<void> {
  const current = await ctx.shop.services.settings.get('wallet_low_balance_warning');
  clearInput(ctx);
  await ask(
    ctx,
    { kind: 'admin-wallet-warning' },
    ctx.t('wallet-admin-warning-ask', {
      current: current > 0 ? money(ctx, current) : ctx.t('wallet-admin-warning-none'),
    }),
  );
}

async function receiveWarning(ctx: BotContext, text: string): Promise<void> {
  const value = parseWhole(text);
  const set =
    value === undefined
      ? undefined
      : await ctx.shop.services.settings.set('wallet_low_balance_warning', value, 'tenant');
  if (!set?.ok) {
    await replyWithCancel(ctx, ctx.t('wallet-admin-warning-invalid'));
    return;
  }
  clearInput(ctx);
  ctx.logger.info({ threshold: value, admin: ctx.from?.id }, 'wallet low-balance warning set');
  await showWallet(
    ctx,
    value === 0
      ? ctx.t('wallet-admin-warning-cleared')
      : ctx.t('wallet-admin-warning-saved', { threshold: money(ctx, value!) }),
  );
}

function walletButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, walletButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showWallet(ctx);
  });
  onPress(buttons, historyButton, async (ctx, { before }) => {
    await answer(ctx);
    await showHistory(ctx, before);
  });
  onPress(buttons, topUpButton, async (ctx) => {
    await answer(ctx);
    await showTopUp(ctx);
  });
  onPress(buttons, warningButton, async (ctx) => {
    await answer(ctx);
    await askWarning(ctx);
  });
  return buttons;
}

/** The shop's wallet with the operator: balance, history, this month, the low-balance warning, top-up. */
export const walletSection: Section = {
  button: (ctx) => ({ text: ctx.t('wallet-admin-btn'), data: walletButton.build() }),
  composer: walletButtons(),
  onText: { 'admin-wallet-warning': (ctx, _awaiting, text) => receiveWarning(ctx, text) },
};

/** The wallet screen's button, for alerts sent to an admin's private chat. */
export const walletKeyboard = (t: Translate) =>
  new InlineKeyboard().text(t('wallet-admin-btn'), walletButton.build());
