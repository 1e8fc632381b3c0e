import { InlineKeyboard } from 'grammy';
import type { App } from '../../../app.js';
import { asBotId } from '../../../shared/ids.js';
import type { Language } from '../../../shared/language.js';
import type { Currency } from '../../../shared/money.js';
import { callbackData, callbackPrefix, id, integer } from '../../callback-data.js';
import type { Awaiting, BotContext } from '../../context.js';
import type { Translate } from '../../i18n.js';
import { editOrReply, parseTypedInteger } from '../panel-ui.js';
import type { Section } from '../section.js';

export interface MasterDeps {
  readonly app: App;
  /** Bot API root for checking pasted tokens with getMe (a self-hosted server or the simulator). */
  readonly apiRoot: string;
}

/** A section of the panel, made with the business core it works on. */
export type PanelSection = (deps: MasterDeps) => Section;

/** Every callback of the operators' panel starts with `fleet:`; nothing else in the fleet uses it. */
export const anyPanelButton = callbackPrefix('fleet');
export const panelHomeButton = callbackData('fleet:home');
export const panelCancelButton = callbackData('fleet:cancel');
/** A page of the tenant list (the first is 0). */
export const tenantListButton = callbackData('fleet:list', { page: integer(6) });
/** A tenant's card. */
export const tenantButton = callbackData('fleet:t', { botId: id(asBotId) });
/** A tenant's setup screen (tenant-setup.ts): every step of the walk, and the walk itself. */
export const setupButton = callbackData('fleet:s', { botId: id(asBotId) });
/** A tenant's settings, every one of the registry, by group (tenant-settings.ts). */
export const tenantSettingsButton = callbackData('fleet:cfg', { botId: id(asBotId) });

/** The panel's questions: their kinds all start with `operator-`. */
export type OperatorAwaiting = Extract<Awaiting, { kind: `operator-${string}` }>;

const isOperatorAwaiting = (awaiting: Awaiting | undefined): awaiting is OperatorAwaiting =>
  awaiting?.kind.startsWith('operator-') ?? false;

/** Forgets what the operator was asked to type and a top-up waiting for confirmation. */
export const clearInput = (ctx: BotContext) => {
  if (isOperatorAwaiting(ctx.session.awaiting)) ctx.session.awaiting = undefined;
  if (ctx.session.confirming?.kind === 'operator-topup') ctx.session.confirming = undefined;
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

export const backToPanel = (t: Translate) =>
  new InlineKeyboard().text(t('master-btn-home'), panelHomeButton.build());

export const cancelKeyboard = (t: Translate) =>
  new InlineKeyboard().text(t('master-btn-cancel'), panelCancelButton.build());

/**
 * Navigation edits the panel message in place; a typed answer or a message too old to edit gets a
 * new one.
 */
export async function show(ctx: BotContext, text: string, keyboard: InlineKeyboard): Promise<void> {
  await editOrReply(ctx, text, keyboard, 'panel message not editable; sending a new one');
}
