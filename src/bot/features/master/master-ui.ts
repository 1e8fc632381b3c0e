import { InlineKeyboard } from 'grammy';
import type { App } from '../../../app.js';
import type { Currency, Language } from '../../../db/schema.js';
import { asBotId, type BotId } from '../../../shared/ids.js';
import type { BotContext } from '../../context.js';
import type { Translate } from '../../i18n.js';
import { editOrReply, isListedAdmin, parseTypedInteger } from '../panel-ui.js';

export interface MasterDeps {
  readonly app: App;
  /** Bot API root for checking pasted tokens with getMe (a self-hosted server or the simulator). */
  readonly apiRoot: string;
}

/** Every callback of the operator panel starts with this; nothing else in the fleet uses it. */
export const PREFIX = 'fleet';
/** `ctx.session.awaiting` values of the panel all start with `fleet:`. */
export const AWAITING_TOKEN = 'fleet:token';
export const awaitingPrice = (id: BotId) => `fleet:price:${id}`;
export const awaitingTopUp = (id: BotId) => `fleet:topup:${id}`;

/** The master bot's admins are the operators (OPERATOR_TELEGRAM_IDS, merged in by ensureMaster). */
export const isOperator = (ctx: BotContext): boolean => ctx.shop.tenant.isMaster && isListedAdmin(ctx);

/** A top-up typed and waiting for the operator's confirmation. */
export interface PendingTopUp {
  readonly botId: number;
  readonly amount: number;
  /** The operator's message with the amount, which the confirmation button names. */
  readonly messageId: number;
  /** The operator's message with the amount: confirming twice still tops up once. */
  readonly ref: string;
}

export const readPendingTopUp = (ctx: BotContext): PendingTopUp | undefined => {
  const value = ctx.session.fleetTopUp as Partial<PendingTopUp> | undefined;
  return value &&
    typeof value.botId === 'number' &&
    typeof value.amount === 'number' &&
    typeof value.messageId === 'number' &&
    value.ref
    ? { botId: value.botId, amount: value.amount, messageId: value.messageId, ref: value.ref }
    : undefined;
};

export const clearInput = (ctx: BotContext) => {
  if (typeof ctx.session.awaiting === 'string' && ctx.session.awaiting.startsWith(`${PREFIX}:`))
    ctx.session.awaiting = undefined;
  delete ctx.session.fleetTopUp;
};

export const tenantIdOf = (text: string | undefined): BotId | undefined => {
  const id = Number(text);
  return Number.isSafeInteger(id) && id > 0 ? asBotId(id) : undefined;
};

/**
 * A whole amount typed by an operator: Persian and Arabic digits and thousands separators (, ٬ ’
 * ' _ spaces) are accepted. A decimal point is not: amounts are whole units, and "1.5" must not
 * silently become 15.
 */
export const parseWholeNumber = (text: string): number | undefined => parseTypedInteger(text, /^\d{1,15}$/);

export const formatNumber = (language: Language, value: number): string =>
  new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);

/** GiB with two decimals, as operators read traffic. */
export const toGb = (bytes: number): number => Math.round((bytes / 1024 ** 3) * 100) / 100;

/** Sales in each currency they were made in, e.g. "1,200,000 Toman + 10 USD"; "0" for none. */
export function formatAmounts(
  ctx: BotContext,
  amounts: readonly { currency: Currency; amount: number }[],
): string {
  if (amounts.length === 0) return formatNumber(ctx.language, 0);
  return amounts
    .map(
      ({ currency, amount }) =>
        `${formatNumber(ctx.language, amount)} ${ctx.t('master-currency', { currency })}`,
    )
    .join(' + ');
}

/** Status, health and the master mark of a tenant, in the reader's language. */
export const tenantLabels = (
  ctx: BotContext,
  tenant: { isActive: boolean; isMaster: boolean; healthStatus: string },
) => ({
  active: ctx.t('master-active', { active: tenant.isActive ? 'yes' : 'no' }),
  health: ctx.t('master-health', { health: tenant.healthStatus }),
  master: tenant.isMaster ? ctx.t('master-is-master') : '',
});

export const homeKeyboard = (t: Translate) =>
  new InlineKeyboard()
    .text(t('master-btn-add'), `${PREFIX}:add`)
    .row()
    .text(t('master-btn-tenants'), `${PREFIX}:list:0`)
    .text(t('master-btn-stats'), `${PREFIX}:stats`);

export const backToPanel = (t: Translate) =>
  new InlineKeyboard().text(t('master-btn-home'), `${PREFIX}:home`);

export const cancelKeyboard = (t: Translate) =>
  new InlineKeyboard().text(t('master-btn-cancel'), `${PREFIX}:cancel`);

/**
 * Navigation edits the panel message in place; a typed answer or a message too old to edit gets a
 * new one.
 */
export async function show(ctx: BotContext, text: string, keyboard: InlineKeyboard): Promise<void> {
  await editOrReply(ctx, text, keyboard, 'panel message not editable; sending a new one');
}

export async function showHome(ctx: BotContext): Promise<void> {
  await show(ctx, ctx.t('master-home'), homeKeyboard(ctx.t));
}
