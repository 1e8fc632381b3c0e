import { Composer, InlineKeyboard } from 'grammy';
import { z } from 'zod';
import { isSettingKey, SETTING_KEYS, SETTINGS, type SettingKey } from '../../../modules/settings/registry.js';
import { callbackData, onPress, token } from '../../callback-data.js';
import type { BotContext } from '../../context.js';
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

/** Labels live in admin.ftl as `adm-label-<key with dashes>` and `adm-group-<group with dashes>`. */
export const settingLabelKey = (key: SettingKey) => `adm-label-${key.replaceAll('_', '-')}`;
export const groupLabelKey = (group: string) => `adm-group-${group.replaceAll('_', '-')}`;

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

/** The values to offer as buttons: on and off, or the options of a choice. */
function choicesOf(key: SettingKey): readonly string[] {
  if (isBoolean(key)) return ['true', 'false'];
  const schema: unknown = SETTINGS[key].schema;
  if (!(schema instanceof z.ZodEnum)) return [];
  // an option that could not travel in callback data is typed instead
  return (schema.options as readonly (string | number)[])
    .map(String)
    .filter((choice) => chooseSettingButton.fits({ key, choice }));
}

function formatValue(value: unknown, t: Translate): string {
  if (value === null || value === '' || (Array.isArray(value) && value.length === 0))
    return t('adm-value-empty');
  if (typeof value === 'boolean') return t(value ? 'adm-value-on' : 'adm-value-off');
  if (Array.isArray(value)) return value.map(String).join(', ');
  const text = String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

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

/**
 * What the typed text may mean for this setting, most likely first: the registry's schema decides
 * which one fits (a number where a number is expected, a comma-separated list for a list, true or
 * false for a switch, null to clear), and the raw text is the last resort for text settings.
 */
export function candidateValues(key: SettingKey, text: string): unknown[] {
  const raw = text.trim();
  const fallback = SETTINGS[key].default;
  if (CLEAR_WORDS.has(raw.toLowerCase())) return [null, raw];
  if (typeof fallback === 'boolean') {
    const word = BOOLEAN_WORDS[raw.toLowerCase()];
    return word === undefined ? [raw] : [word];
  }
  if (Array.isArray(fallback)) {
    const items = raw
      .split(/[,،;\n]/)
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    return [items.map(scalar), items];
  }
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
  const keyboard = new InlineKeyboard();
  for (const key of keys) keyboard.text(ctx.t(settingLabelKey(key)), settingButton.build({ key })).row();
  withHome(keyboard.text(ctx.t('adm-btn-back'), settingsButton.build()), ctx.t);
  const lines = keys.map((key) =>
    ctx.t('adm-setting-line', { name: ctx.t(settingLabelKey(key)), value: formatValue(values[key], ctx.t) }),
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
  const keyboard = new InlineKeyboard();
  for (const choice of choicesOf(settingKey)) {
    const label =
      choice === 'true' ? ctx.t('adm-value-on') : choice === 'false' ? ctx.t('adm-value-off') : choice;
    const current = String(view?.value) === choice ? '• ' : '';
    keyboard.text(`${current}${label}`, chooseSettingButton.build({ key: settingKey, choice }));
  }
  keyboard.row();
  // switches and choices are set with their buttons; everything else is typed after "Change"
  if (!isBoolean(settingKey))
    keyboard.text(ctx.t('adm-btn-change'), editSettingButton.build({ key: settingKey }));
  keyboard
    .text(ctx.t('adm-btn-reset'), resetSettingButton.build({ key: settingKey }))
    .row()
    .text(ctx.t('adm-btn-back'), groupButton.build({ group: definition.group }));
  withHome(keyboard, ctx.t);
  const text = ctx.t('adm-setting-card', {
    name: ctx.t(settingLabelKey(settingKey)),
    key: settingKey,
    value: formatValue(view?.value, ctx.t),
    default: formatValue(definition.default, ctx.t),
    source: view?.source ?? 'default',
    expects: definition.expects,
  });
  clearInput(ctx);
  await show(ctx, prefix ? `${prefix}\n\n${text}` : text, keyboard);
}

/** "Change": the next text the admin sends is the new value. */
async function askSetting(ctx: BotContext, key: string): Promise<void> {
  if (await refuseKey(ctx, key)) return;
  const settingKey = key as SettingKey;
  clearInput(ctx);
  await ask(
    ctx,
    { kind: 'admin-setting', key: settingKey },
    ctx.t('adm-setting-ask', {
      name: ctx.t(settingLabelKey(settingKey)),
      expects: SETTINGS[settingKey].expects,
      nullable: SETTINGS[settingKey].schema.safeParse(null).success ? 'yes' : 'no',
      list: Array.isArray(SETTINGS[settingKey].default) ? 'yes' : 'no',
    }),
  );
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
    await answer(ctx, { text: result.error.message, show_alert: true });
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
    await answer(ctx, { text: result.error.message, show_alert: true });
    return;
  }
  ctx.logger.info({ setting: key, admin: ctx.from?.id }, 'setting reset by a tenant admin');
  await answer(ctx, { text: ctx.t('adm-setting-reset-done') });
  await showSetting(ctx, key, ctx.t('adm-setting-reset-done'));
}

/** A typed value: the first reading the registry accepts is stored; otherwise its refusal is shown. */
async function receiveSetting(ctx: BotContext, key: string, text: string): Promise<void> {
  if (await refuseKey(ctx, key)) return;
  const settingKey = key as SettingKey;
  const settings = ctx.shop.services.settings;
  let refusal: string | undefined;
  for (const value of candidateValues(settingKey, text)) {
    const result = await settings.set(settingKey, value, 'tenant');
    if (result.ok) {
      clearInput(ctx);
      return saved(ctx, settingKey);
    }
    refusal ??= result.error.message;
  }
  await replyWithCancel(
    ctx,
    ctx.t('adm-setting-invalid', { expects: SETTINGS[settingKey].expects, reason: refusal ?? '' }),
  );
}

function settingsButtons(): Composer<BotContext> {
  const buttons = new Composer<BotContext>();
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
