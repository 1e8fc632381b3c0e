import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import { isSettingKey, SETTING_KEYS, SETTINGS, type SettingKey } from '../../../modules/settings/registry.js';
import type { Language } from '../../../shared/language.js';
import type { Currency } from '../../../shared/money.js';
import { callbackData, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import { formatMoney, formatNumber } from '../../format.js';
import type { Translate } from '../../i18n.js';
import type { Section } from '../section.js';
import {
  answer,
  ask,
  backKeyboard,
  clearInput,
  parseInteger,
  replyWithCancel,
  show,
  withHome,
} from './admin-ui.js';

/** The settings a tenant admin may change, in the registry's order. */
export const TENANT_SETTING_KEYS: readonly SettingKey[] = SETTING_KEYS.filter(
  (key) => SETTINGS[key].tenantEditable,
);

/** Groups that hold at least one tenant-editable setting, in the registry's order. */
export const TENANT_SETTING_GROUPS: readonly string[] = [
  ...new Set(TENANT_SETTING_KEYS.map((key) => SETTINGS[key].group)),
];

const dashed = (text: string) => text.toLowerCase().replaceAll('_', '-');

/** Labels live in the locales as `adm-label-<key with dashes>` and `adm-group-<group with dashes>`. */
export const settingLabelKey = (key: SettingKey) => `adm-label-${dashed(key)}`;
export const groupLabelKey = (group: string) => `adm-group-${dashed(group)}`;
/**
 * What a setting accepts, in the admin's language (locales/<lang>/settings.ftl). The registry's
 * `expects` is English and stays with the REST API and the master bot.
 */
export const expectsKey = (key: SettingKey) => `adm-expects-${dashed(key)}`;
/** A choice's label (settings.ftl): `adm-choice-<key>-<value>`, lower case, dashes for underscores. */
export const choiceLabelKey = (key: SettingKey, value: string) =>
  `adm-choice-${dashed(key)}-${dashed(value)}`;

/** Settings that are amounts of money, in the shop currency's smallest unit: shown like every price. */
export const MONEY_SETTING_KEYS: ReadonlySet<SettingKey> = new Set<SettingKey>([
  'topup_presets',
  'topup_min',
  'topup_max',
  'autopay_min_balance',
  'referral_min_topup',
  'referral_first_topup_bonus',
  'referral_inviter_bonus',
  'wallet_low_balance_warning',
]);

/** Telegram ids (chats, topics, channels: `*_id`): digits in the admin's script, never grouped. */
const isIdSetting = (key: SettingKey) => key.endsWith('_id');

/** What the setting texts are rendered with: the admin's translator and language, the shop's currency. */
export interface SettingTextEnv {
  readonly t: Translate;
  readonly language: Language;
  readonly currency: Currency;
}

const envOf = (ctx: BotContext): SettingTextEnv => ({
  t: ctx.t,
  language: ctx.language,
  currency: ctx.shop.tenant.currency,
});

const settingsButton = callbackData('adm:settings');
const groupButton = callbackData('adm:set:g', { group: token(/[a-z_]{1,32}/) });
/** Any key is matched: the handlers refuse unknown and operator-only keys alike. */
const keyPart = token(/[a-z_]{1,40}/);
const settingButton = callbackData('adm:set', { key: keyPart });
const editSettingButton = callbackData('adm:set', { key: keyPart, edit: 'edit' });
const resetSettingButton = callbackData('adm:set', { key: keyPart, reset: 'reset' });
const chooseSettingButton = callbackData('adm:set', {
  key: keyPart,
  v: 'v',
  choice: token(/[A-Za-z0-9_]{1,20}/),
});

const isBoolean = (key: SettingKey) => typeof SETTINGS[key].default === 'boolean';

/** The options of a choice setting, or of each item of a list of choices (available_languages). */
export function choiceValuesOf(key: SettingKey): readonly string[] {
  let schema: unknown = SETTINGS[key].schema;
  if (schema instanceof z.ZodArray) schema = schema.element;
  if (!(schema instanceof z.ZodEnum)) return [];
  return (schema.options as readonly (string | number)[]).map(String);
}

/** A single choice (not a list of them): its options are buttons. */
const isChoice = (key: SettingKey) => !Array.isArray(SETTINGS[key].default) && choiceValuesOf(key).length > 0;

/** The values to offer as buttons: on and off, or the options of a choice. */
function choicesOf(key: SettingKey): readonly string[] {
  if (isBoolean(key)) return ['true', 'false'];
  if (!isChoice(key)) return [];
  // an option that could not travel in callback data is typed instead
  return choiceValuesOf(key).filter((choice) => chooseSettingButton.fits({ key, choice }));
}

/** Every value has its button: there is nothing to type. */
const setByButtons = (key: SettingKey) =>
  isBoolean(key) || (isChoice(key) && choicesOf(key).length === choiceValuesOf(key).length);

const listSeparator = (language: Language) => (language === 'fa' ? '، ' : ', ');

/** Latin digits in the admin's script (Persian in fa), not grouped: for ids. */
const localDigits = (text: string, language: Language) =>
  language === 'fa' ? text.replace(/[0-9]/g, (digit) => '۰۱۲۳۴۵۶۷۸۹'.charAt(Number(digit))) : text;

const INTL_LOCALES: Record<Language, string> = { fa: 'fa-IR', en: 'en-US', ru: 'ru-RU' };

/** "Iran Standard Time (Asia/Tehran)"; in fa the localized name alone, as fa screens carry no Latin. */
function formatTimeZone(zone: string, language: Language): string {
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat(INTL_LOCALES[language], { timeZone: zone, timeZoneName: 'longGeneric' })
      .formatToParts(new Date())
      .find((part) => part.type === 'timeZoneName')?.value;
  } catch {
    name = undefined;
  }
  if (!name) return zone;
  return language === 'fa' ? name : `${name} (${zone})`;
}

/** One item of a value: a choice's label, an amount, a number, an id in the admin's digits, or text. */
function formatItem(key: SettingKey, item: unknown, env: SettingTextEnv): string {
  const { t, language } = env;
  if (typeof item === 'boolean') return t(item ? 'adm-value-on' : 'adm-value-off');
  if (choiceValuesOf(key).includes(String(item))) return t(choiceLabelKey(key, String(item)));
  if (typeof item === 'number') {
    if (MONEY_SETTING_KEYS.has(key)) return formatMoney(item, env.currency, language, t);
    if (isIdSetting(key)) return localDigits(String(item), language);
    return formatNumber(item, language);
  }
  if (key === 'timezone' && typeof item === 'string') return formatTimeZone(item, language);
  if (key === 'support_username' && typeof item === 'string') return `@${item}`;
  const text = String(item);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A setting's value as the admin reads it: labels for choices, money as prices, digits in their script. */
export function formatSettingValue(key: SettingKey, value: unknown, env: SettingTextEnv): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
    return env.t('adm-value-empty');
  if (Array.isArray(value))
    return value.map((item) => formatItem(key, item, env)).join(listSeparator(env.language));
  return formatItem(key, value, env);
}

/** What the setting accepts, in the admin's language. */
export function settingExpects(key: SettingKey, env: SettingTextEnv): string {
  return env.t(expectsKey(key), {
    choices: choiceValuesOf(key)
      .map((choice) => env.t('adm-quoted', { text: env.t(choiceLabelKey(key, choice)) }))
      .join(listSeparator(env.language)),
    unit: env.t(`adm-money-unit-${env.currency.toLowerCase()}`),
  });
}

/** The card of one setting: its name, current value and who set it, default, and what it accepts. */
export function settingCardText(
  key: SettingKey,
  view: { readonly value: unknown; readonly source: string },
  env: SettingTextEnv,
): string {
  return env.t('adm-setting-card', {
    name: env.t(settingLabelKey(key)),
    value: formatSettingValue(key, view.value, env),
    default: formatSettingValue(key, SETTINGS[key].default, env),
    source: view.source,
    expects: settingExpects(key, env),
  });
}

/** The question after "Change". */
export function settingAskText(key: SettingKey, env: SettingTextEnv): string {
  return env.t('adm-setting-ask', {
    name: env.t(settingLabelKey(key)),
    expects: settingExpects(key, env),
    nullable: clearable(key) ? 'yes' : 'no',
    // numbers are written without thousands separators: the comma separates the items
    list: !Array.isArray(SETTINGS[key].default) ? 'no' : choiceValuesOf(key).length > 0 ? 'yes' : 'numbers',
  });
}

/** A typed value the setting refused. The registry's reason is English, for the API: not shown here. */
export function settingInvalidText(key: SettingKey, env: SettingTextEnv): string {
  return env.t('adm-setting-invalid', { expects: settingExpects(key, env) });
}

/** "-" empties it: null, or an empty list (no reminders, no warnings). */
const clearable = (key: SettingKey) => {
  const { schema, default: fallback } = SETTINGS[key];
  return schema.safeParse(Array.isArray(fallback) ? [] : null).success;
};

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  on: true,
  off: false,
  '1': true,
  '0': false,
  بله: true,
  آری: true,
  روشن: true,
  خیر: false,
  نه: false,
  خاموش: false,
  да: true,
  нет: false,
  вкл: true,
  выкл: false,
};

/** "null", "-" or "—" clears a setting that may be empty. */
const CLEAR_WORDS = new Set(['null', 'none', '-', '—', 'خالی', 'пусто']);

const scalar = (text: string): unknown => parseInteger(text) ?? text;

/** Compared loosely: case, spaces, zero-width non-joiners and the Arabic/Persian ye and kaf aside. */
const loose = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\u200c\s]+/g, '')
    .replaceAll('ي', 'ی')
    .replaceAll('ك', 'ک');

/**
 * A choice typed by its label in the admin's language ("فارسی" for fa), or by its value. `t` is
 * optional: without it only values are recognised.
 */
function choiceOf(key: SettingKey, text: string, t?: Translate): string | undefined {
  const wanted = loose(text);
  return choiceValuesOf(key).find(
    (choice) =>
      loose(choice) === wanted || (t !== undefined && loose(t(choiceLabelKey(key, choice))) === wanted),
  );
}

/**
 * What the typed text may mean for this setting, most likely first: the registry's schema decides
 * which one fits (a number where a number is expected, a comma-separated list for a list, true or
 * false for a switch, a choice by its label, null to clear), and the raw text is the last resort for
 * text settings.
 */
export function candidateValues(key: SettingKey, text: string, t?: Translate): unknown[] {
  const raw = text.trim();
  const fallback = SETTINGS[key].default;
  if (CLEAR_WORDS.has(raw.toLowerCase())) return [Array.isArray(fallback) ? [] : null, raw];
  if (typeof fallback === 'boolean') {
    const word = BOOLEAN_WORDS[raw.toLowerCase()];
    return word === undefined ? [raw] : [word];
  }
  const choices = choiceValuesOf(key).length > 0;
  if (Array.isArray(fallback)) {
    const items = raw
      .split(/[,،;\n]/)
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    if (choices) return [items.map((item) => choiceOf(key, item, t) ?? item)];
    return [items.map(scalar), items];
  }
  if (choices) return [choiceOf(key, raw, t) ?? raw];
  const number = parseInteger(raw);
  return number === undefined ? [raw] : [number, raw];
}

async function showSettingGroups(ctx: BotContext): Promise<void> {
  const keyboard = new InlineKeyboard();
  TENANT_SETTING_GROUPS.forEach((group, index) => {
    keyboard.text(ctx.t(groupLabelKey(group)), groupButton.build({ group }));
    if (index % 2 === 1) keyboard.row();
  });
  withHome(keyboard.row(), ctx.t);
  await show(ctx, ctx.t('adm-settings-title'), keyboard);
}

async function showSettingGroup(ctx: BotContext, group: string): Promise<void> {
  const keys = TENANT_SETTING_KEYS.filter((key) => SETTINGS[key].group === group);
  if (keys.length === 0) return showSettingGroups(ctx);
  const values = await ctx.shop.services.settings.getAll();
  const env = envOf(ctx);
  const keyboard = new InlineKeyboard();
  for (const key of keys) keyboard.text(ctx.t(settingLabelKey(key)), settingButton.build({ key })).row();
  withHome(keyboard.text(ctx.t('adm-btn-back'), settingsButton.build()), ctx.t);
  const lines = keys.map((key) =>
    ctx.t('adm-setting-line', {
      name: ctx.t(settingLabelKey(key)),
      value: formatSettingValue(key, values[key], env),
    }),
  );
  await show(ctx, `${ctx.t(groupLabelKey(group))}\n\n${lines.join('\n')}`, keyboard);
}

/** Unknown keys and operator-only keys are refused alike, whatever the button said. */
async function refuseKey(ctx: BotContext, key: string): Promise<boolean> {
  if (isSettingKey(key) && SETTINGS[key].tenantEditable) return false;
  clearInput(ctx);
  await show(
    ctx,
    ctx.t(isSettingKey(key) ? 'adm-setting-operator-only' : 'adm-setting-unknown'),
    backKeyboard(ctx.t, settingsButton.build()),
  );
  return true;
}

/** One setting: its value, what it accepts, buttons for switches and choices, reset; typed values otherwise. */
async function showSetting(ctx: BotContext, key: string, prefix?: string): Promise<void> {
  if (await refuseKey(ctx, key)) return;
  const settingKey = key as SettingKey;
  const definition = SETTINGS[settingKey];
  const view = (await ctx.shop.services.settings.list()).find((item) => item.key === settingKey);
  const env = envOf(ctx);
  const keyboard = new InlineKeyboard();
  for (const choice of choicesOf(settingKey)) {
    const label = isBoolean(settingKey)
      ? formatSettingValue(settingKey, choice === 'true', env)
      : formatSettingValue(settingKey, choice, env);
    const current = String(view?.value) === choice ? '• ' : '';
    keyboard.text(`${current}${label}`, chooseSettingButton.build({ key: settingKey, choice }));
  }
  keyboard.row();
  // switches and choices are set with their buttons; everything else is typed after "Change"
  if (!setByButtons(settingKey))
    keyboard.text(ctx.t('adm-btn-change'), editSettingButton.build({ key: settingKey }));
  keyboard
    .text(ctx.t('adm-btn-reset'), resetSettingButton.build({ key: settingKey }))
    .row()
    .text(ctx.t('adm-btn-back'), groupButton.build({ group: definition.group }));
  withHome(keyboard, ctx.t);
  const text = settingCardText(
    settingKey,
    { value: view?.value ?? definition.default, source: view?.source ?? 'default' },
    env,
  );
  clearInput(ctx);
  await show(ctx, prefix ? `${prefix}\n\n${text}` : text, keyboard);
}

/** "Change": the next text the admin sends is the new value. */
async function askSetting(ctx: BotContext, key: string): Promise<void> {
  if (await refuseKey(ctx, key)) return;
  const settingKey = key as SettingKey;
  clearInput(ctx);
  await ask(ctx, { kind: 'admin-setting', key: settingKey }, settingAskText(settingKey, envOf(ctx)));
}

async function saved(ctx: BotContext, key: SettingKey): Promise<void> {
  ctx.logger.info({ setting: key, admin: ctx.from?.id }, 'setting changed by a tenant admin');
  await showSetting(ctx, key, ctx.t('adm-setting-saved'));
}

/** A value chosen with a button. */
async function chooseSetting(ctx: BotContext, key: string, choice: string): Promise<void> {
  if (await refuseKey(ctx, key)) {
    await answer(ctx);
    return;
  }
  const settingKey = key as SettingKey;
  if (!choicesOf(settingKey).includes(choice)) {
    await answer(ctx);
    return showSetting(ctx, settingKey);
  }
  const value = isBoolean(settingKey) ? choice === 'true' : choice;
  const result = await ctx.shop.services.settings.set(settingKey, value, 'tenant');
  if (!result.ok) {
    // the registry's message is English, for the API
    ctx.logger.warn({ setting: settingKey, reason: result.error.message }, 'setting choice refused');
    await answer(ctx, { text: ctx.t('adm-setting-not-saved'), show_alert: true });
    return;
  }
  await answer(ctx, { text: ctx.t('adm-setting-saved') });
  await saved(ctx, settingKey);
}

async function resetSetting(ctx: BotContext, key: string): Promise<void> {
  if (await refuseKey(ctx, key)) {
    await answer(ctx);
    return;
  }
  const result = await ctx.shop.services.settings.reset(key, 'tenant');
  if (!result.ok) {
    ctx.logger.warn({ setting: key, reason: result.error.message }, 'setting reset refused');
    await answer(ctx, { text: ctx.t('adm-setting-not-saved'), show_alert: true });
    return;
  }
  ctx.logger.info({ setting: key, admin: ctx.from?.id }, 'setting reset by a tenant admin');
  await answer(ctx, { text: ctx.t('adm-setting-reset-done') });
  await showSetting(ctx, key, ctx.t('adm-setting-reset-done'));
}

/** A typed value: the first reading the registry accepts is stored; otherwise what it accepts is shown. */
async function receiveSetting(ctx: BotContext, key: string, text: string): Promise<void> {
  if (await refuseKey(ctx, key)) return;
  const settingKey = key as SettingKey;
  const settings = ctx.shop.services.settings;
  for (const value of candidateValues(settingKey, text, ctx.t)) {
    const result = await settings.set(settingKey, value, 'tenant');
    if (result.ok) {
      clearInput(ctx);
      return saved(ctx, settingKey);
    }
  }
  await replyWithCancel(ctx, settingInvalidText(settingKey, envOf(ctx)));
}

function settingsButtons(): BotComposer<BotContext> {
  const buttons = new BotComposer<BotContext>();
  onPress(buttons, settingsButton, async (ctx) => {
    clearInput(ctx);
    await answer(ctx);
    await showSettingGroups(ctx);
  });
  // before the settings' own buttons: `adm:set:g:<group>` is a group, never a setting called "g"
  onPress(buttons, groupButton, async (ctx, { group }) => {
    clearInput(ctx);
    await answer(ctx);
    await showSettingGroup(ctx, group);
  });
  onPress(buttons, settingButton, async (ctx, { key }) => {
    await answer(ctx);
    await showSetting(ctx, key);
  });
  onPress(buttons, editSettingButton, async (ctx, { key }) => {
    await answer(ctx);
    await askSetting(ctx, key);
  });
  onPress(buttons, resetSettingButton, (ctx, { key }) => resetSetting(ctx, key));
  onPress(buttons, chooseSettingButton, (ctx, { key, choice }) => chooseSetting(ctx, key, choice));
  return buttons;
}

/** The settings a tenant may change, by group: switches and choices are buttons, other values typed. */
export const settingsSection: Section = {
  button: (ctx) => ({ text: ctx.t('adm-btn-settings'), data: settingsButton.build() }),
  composer: settingsButtons(),
  onText: { 'admin-setting': (ctx, { key }, text) => receiveSetting(ctx, key, text) },
};
