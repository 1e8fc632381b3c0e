import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import { isSettingKey, SETTING_KEYS, SETTINGS, type SettingKey } from '../../../modules/settings/registry.js';
import { asBotId, type BotId } from '../../../shared/ids.js';
import { callbackData, id, onPress, token } from '../../callback-data.js';
import { BotComposer } from '../../composer.js';
import type { AwaitingOf, BotContext } from '../../context.js';
import { formatId } from '../../format.js';
import { candidateValues, groupLabelKey, settingLabelKey } from '../admin/settings.js';
import type { Answers } from '../section.js';
import {
  backToPanel,
  clearInput,
  type MasterDeps,
  setupButton,
  show,
  tenantSettingsButton,
} from './master-ui.js';

/*
 * Every setting of a shop, for the operator: what the REST API's /config offers (the registry's
 * keys, operator-only ones included), by group; switches and choices are buttons, other values are
 * typed and checked by the settings service, whose refusal is shown with what the key expects.
 */

const botId = id(asBotId);
const GROUPS: readonly string[] = [...new Set(SETTING_KEYS.map((key) => SETTINGS[key].group))];
const keyPart = token(/[a-z_]{1,40}/);
const groupButton = callbackData('fleet:cfg', { botId, g: 'g', group: token(/[a-z_]{1,32}/) });
const settingButton = callbackData('fleet:cfg', { botId, key: keyPart });
const editButton = callbackData('fleet:cfg', { botId, key: keyPart, edit: 'e' });
const resetButton = callbackData('fleet:cfg', { botId, key: keyPart, reset: 'r' });
const chooseButton = callbackData('fleet:cfg', {
  botId,
  key: keyPart,
  v: 'v',
  choice: token(/[A-Za-z0-9_]{1,20}/),
});

const isBoolean = (key: SettingKey) => typeof SETTINGS[key].default === 'boolean';

function choicesOf(key: SettingKey, shop: BotId): readonly string[] {
  if (isBoolean(key)) return ['true', 'false'];
  const schema: unknown = SETTINGS[key].schema;
  if (!(schema instanceof z.ZodEnum)) return [];
  return (schema.options as readonly (string | number)[])
    .map(String)
    .filter((choice) => chooseButton.fits({ botId: shop, key, choice }));
}

/** A setting's label in the reader's language; its key where no label was written yet. */
const labelOf = (ctx: BotContext, key: SettingKey) => {
  const label = ctx.t(settingLabelKey(key));
  return label === settingLabelKey(key) ? key : label;
};
const groupOf = (ctx: BotContext, group: string) => {
  const label = ctx.t(groupLabelKey(group));
  return label === groupLabelKey(group) ? group : label;
};

function formatValue(ctx: BotContext, value: unknown): string {
  if (value === null || value === '' || (Array.isArray(value) && value.length === 0))
    return ctx.t('onb-not-set');
  if (typeof value === 'boolean') return ctx.t('onb-on-off', { on: value ? 'yes' : 'no' });
  if (Array.isArray(value)) return value.map(String).join(', ');
  const text = String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function createTenantSettings(deps: MasterDeps) {
  const { tenants } = deps.app.platform;

  const notFound = async (ctx: BotContext) => {
    clearInput(ctx);
    await show(ctx, ctx.t('master-tenant-not-found'), backToPanel(ctx.t));
  };

  async function showGroups(ctx: BotContext, shop: BotId): Promise<void> {
    const tenant = await tenants.get(shop);
    if (!tenant) return notFound(ctx);
    clearInput(ctx);
    const keyboard = new InlineKeyboard();
    GROUPS.forEach((group, index) => {
      keyboard.text(groupOf(ctx, group), groupButton.build({ botId: shop, group }));
      if (index % 2 === 1) keyboard.row();
    });
    keyboard.row().text(ctx.t('master-btn-back'), setupButton.build({ botId: shop }));
    await show(
      ctx,
      ctx.t('onb-settings-title', { name: tenant.name, id: formatId(shop, ctx.language) }),
      keyboard,
    );
  }

  async function showGroup(ctx: BotContext, shop: BotId, group: string): Promise<void> {
    const keys = SETTING_KEYS.filter((key) => SETTINGS[key].group === group);
    if (keys.length === 0) return showGroups(ctx, shop);
    const values = await deps.app.forTenant(shop).settings.getAll();
    const keyboard = new InlineKeyboard();
    for (const key of keys) keyboard.text(labelOf(ctx, key), settingButton.build({ botId: shop, key })).row();
    keyboard.text(ctx.t('master-btn-back'), tenantSettingsButton.build({ botId: shop }));
    const lines = keys.map((key) => `• ${labelOf(ctx, key)}: ${formatValue(ctx, values[key])}`);
    await show(ctx, `${groupOf(ctx, group)}\n\n${lines.join('\n')}`, keyboard);
  }

  async function showSetting(ctx: BotContext, shop: BotId, key: string, prefix?: string): Promise<void> {
    if (!isSettingKey(key)) return showGroups(ctx, shop);
    if (!(await tenants.get(shop))) return notFound(ctx);
    const definition = SETTINGS[key];
    const view = (await deps.app.forTenant(shop).settings.list()).find((item) => item.key === key);
    const keyboard = new InlineKeyboard();
    for (const choice of choicesOf(key, shop)) {
      const label =
        choice === 'true'
          ? ctx.t('onb-on-off', { on: 'yes' })
          : choice === 'false'
            ? ctx.t('onb-on-off', { on: 'no' })
            : choice;
      const current = String(view?.value) === choice ? '• ' : '';
      keyboard.text(`${current}${label}`, chooseButton.build({ botId: shop, key, choice }));
    }
    keyboard.row();
    if (!isBoolean(key)) keyboard.text(ctx.t('onb-btn-change'), editButton.build({ botId: shop, key }));
    keyboard
      .text(ctx.t('onb-btn-reset'), resetButton.build({ botId: shop, key }))
      .row()
      .text(ctx.t('master-btn-back'), groupButton.build({ botId: shop, group: definition.group }));
    clearInput(ctx);
    const text = ctx.t('onb-setting-card', {
      name: labelOf(ctx, key),
      key,
      value: formatValue(ctx, view?.value),
      default: formatValue(ctx, definition.default),
      expects: definition.expects,
      tenant: definition.tenantEditable ? 'yes' : 'no',
    });
    await show(ctx, prefix ? `${prefix}\n\n${text}` : text, keyboard);
  }

  async function askSetting(ctx: BotContext, shop: BotId, key: string): Promise<void> {
    if (!isSettingKey(key)) return showGroups(ctx, shop);
    clearInput(ctx);
    ctx.session.awaiting = { kind: 'operator-setting', botId: shop, key };
    await show(
      ctx,
      ctx.t('onb-setting-ask', { name: labelOf(ctx, key), expects: SETTINGS[key].expects }),
      new InlineKeyboard().text(ctx.t('master-btn-back'), settingButton.build({ botId: shop, key })),
    );
  }

  const saved = (ctx: BotContext, shop: BotId, key: SettingKey) => {
    ctx.logger.info(
      { tenantId: shop, setting: key, operator: ctx.from?.id },
      'setting changed from the master bot',
    );
    return showSetting(ctx, shop, key, ctx.t('onb-saved'));
  };

  async function choose(ctx: BotContext, shop: BotId, key: string, choice: string): Promise<void> {
    if (!isSettingKey(key) || !choicesOf(key, shop).includes(choice)) {
      await ctx.answerCallbackQuery();
      return showGroups(ctx, shop);
    }
    const value = isBoolean(key) ? choice === 'true' : choice;
    const result = await deps.app.forTenant(shop).settings.set(key, value, 'operator');
    await ctx.answerCallbackQuery(
      result.ok
        ? {}
        : { text: ctx.t('onb-setting-invalid', { expects: SETTINGS[key].expects }), show_alert: true },
    );
    if (result.ok) await saved(ctx, shop, key);
  }

  async function reset(ctx: BotContext, shop: BotId, key: string): Promise<void> {
    await ctx.answerCallbackQuery();
    if (!isSettingKey(key)) return showGroups(ctx, shop);
    await deps.app.forTenant(shop).settings.reset(key, 'operator');
    await saved(ctx, shop, key);
  }

  async function receive(
    ctx: BotContext,
    awaiting: AwaitingOf<'operator-setting'>,
    text: string,
  ): Promise<void> {
    const { botId: shop, key } = awaiting;
    if (!isSettingKey(key)) {
      clearInput(ctx);
      return showGroups(ctx, shop);
    }
    if (!(await tenants.get(shop))) return notFound(ctx);
    const settings = deps.app.forTenant(shop).settings;
    for (const value of candidateValues(key, text)) {
      const result = await settings.set(key, value, 'operator');
      if (result.ok) {
        clearInput(ctx);
        return saved(ctx, shop, key);
      }
    }
    await ctx.reply(ctx.t('onb-setting-invalid', { expects: SETTINGS[key].expects }), {
      reply_markup: new InlineKeyboard().text(
        ctx.t('master-btn-back'),
        settingButton.build({ botId: shop, key }),
      ),
    });
  }

  const buttons = new BotComposer<BotContext>();
  onPress(buttons, tenantSettingsButton, async (ctx, { botId: shop }) => {
    await ctx.answerCallbackQuery();
    await showGroups(ctx, shop);
  });
  // before a setting's own buttons: `fleet:cfg:<id>:g:<group>` is a group, never a setting "g"
  onPress(buttons, groupButton, async (ctx, { botId: shop, group }) => {
    await ctx.answerCallbackQuery();
    clearInput(ctx);
    await showGroup(ctx, shop, group);
  });
  onPress(buttons, settingButton, async (ctx, { botId: shop, key }) => {
    await ctx.answerCallbackQuery();
    await showSetting(ctx, shop, key);
  });
  onPress(buttons, editButton, async (ctx, { botId: shop, key }) => {
    await ctx.answerCallbackQuery();
    await askSetting(ctx, shop, key);
  });
  onPress(buttons, resetButton, (ctx, { botId: shop, key }) => reset(ctx, shop, key));
  onPress(buttons, chooseButton, (ctx, { botId: shop, key, choice }) => choose(ctx, shop, key, choice));

  const answers: Answers = { 'operator-setting': receive };
  return { buttons, answers };
}
