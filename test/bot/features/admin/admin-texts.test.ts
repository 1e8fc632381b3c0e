import { describe, expect, it } from 'vitest';
import {
  candidateValues,
  choiceLabelKey,
  choiceValuesOf,
  expectsKey,
  formatSettingValue,
  groupLabelKey,
  MONEY_SETTING_KEYS,
  type SettingTextEnv,
  settingAskText,
  settingCardText,
  settingInvalidText,
  settingLabelKey,
  TENANT_SETTING_GROUPS,
  TENANT_SETTING_KEYS,
} from '../../../../src/bot/features/admin/settings.js';
import { createTranslator, LANGUAGES } from '../../../../src/bot/i18n.js';
import { SETTING_KEYS, SETTINGS, type SettingKey } from '../../../../src/modules/settings/registry.js';
import { startOfDay } from '../../../../src/modules/stats/sales-stats.js';
import type { Language } from '../../../../src/shared/language.js';

describe('admin menu texts', () => {
  const translator = createTranslator();

  // labels are looked up by key name, so the locales test cannot see them used
  it('names every setting and every group in every language', () => {
    const groups = [...new Set(SETTING_KEYS.map((key) => SETTINGS[key].group))];
    for (const language of LANGUAGES) {
      const keys = new Set(translator.keys(language));
      expect({ language, missing: SETTING_KEYS.map(settingLabelKey).filter((k) => !keys.has(k)) }).toEqual({
        language,
        missing: [],
      });
      expect({ language, missing: groups.map(groupLabelKey).filter((k) => !keys.has(k)) }).toEqual({
        language,
        missing: [],
      });
    }
  });

  it('offers only the tenant-editable settings', () => {
    expect(TENANT_SETTING_KEYS).toContain('trial_days');
    expect(TENANT_SETTING_KEYS).not.toContain('panel_tag');
    expect(TENANT_SETTING_KEYS).not.toContain('panel_squads');
    expect(TENANT_SETTING_GROUPS).not.toContain('wallet');
  });

  it('reads typed values the way each setting expects them', () => {
    expect(candidateValues('trial_days', ' ۵ ')).toEqual([5, '۵']);
    expect(candidateValues('admin_chat_id', '-1001234567890')).toEqual([-1001234567890, '-1001234567890']);
    expect(candidateValues('admin_chat_id', '-')).toEqual([null, '-']);
    expect(candidateValues('topup_presets', '70000, 30000,150000')).toEqual([
      [70_000, 30_000, 150_000],
      ['70000', '30000', '150000'],
    ]);
    expect(candidateValues('available_languages', 'fa، en')).toEqual([['fa', 'en']]);
    expect(candidateValues('skip_rules_acceptance', 'بله')).toEqual([true]);
    expect(candidateValues('rules_text', '09:30')).toEqual(['09:30']);
  });
});

describe('setting screens in the admin language', () => {
  const translator = createTranslator();
  const env = (language: Language, currency: SettingTextEnv['currency'] = 'IRT'): SettingTextEnv => ({
    t: translator.forLanguage(language),
    language,
    currency,
  });
  const fa = env('fa');
  /** Settings whose items are choices, tenant-editable (the only ones the admin menu shows). */
  const CHOICE_KEYS = TENANT_SETTING_KEYS.filter((key) => choiceValuesOf(key).length > 0);
  /** A Latin letter or an ASCII digit. */
  const LATIN = /[A-Za-z0-9]/;

  /** The card (as set by the tenant and as the default), the question and the refusal of a setting. */
  const screens = (key: SettingKey, on: SettingTextEnv) => [
    settingCardText(key, { value: SETTINGS[key].default, source: 'default' }, on),
    settingCardText(key, { value: SETTINGS[key].default, source: 'tenant' }, on),
    settingAskText(key, on),
    settingInvalidText(key, on),
  ];

  it('says what every tenant-editable setting accepts, in every language', () => {
    for (const language of LANGUAGES) {
      const keys = new Set(translator.keys(language));
      expect({ language, missing: TENANT_SETTING_KEYS.map(expectsKey).filter((k) => !keys.has(k)) }).toEqual({
        language,
        missing: [],
      });
    }
  });

  it('names every choice of every choice setting in every language', () => {
    expect(CHOICE_KEYS).toEqual(
      expect.arrayContaining([
        'default_language',
        'available_languages',
        'support_mode',
        'traffic_reset_strategy',
        'card_rotation_strategy',
      ]),
    );
    for (const language of LANGUAGES) {
      const keys = new Set(translator.keys(language));
      const missing = CHOICE_KEYS.flatMap((key) =>
        choiceValuesOf(key)
          .map((choice) => choiceLabelKey(key, choice))
          .filter((k) => !keys.has(k)),
      );
      expect({ language, missing }).toEqual({ language, missing: [] });
    }
  });

  it('shows fa admins no Latin letters and no Latin digits on any setting screen', () => {
    expect(TENANT_SETTING_KEYS.length).toBeGreaterThan(30);
    const offending = TENANT_SETTING_KEYS.flatMap((key) =>
      screens(key, fa)
        .filter((text) => LATIN.test(text))
        .map((text) => ({ key, latin: [...new Set(text.match(/[A-Za-z0-9]/g))].join(''), text })),
    );
    expect(offending).toEqual([]);
  });

  it('never shows a raw setting key, a missing text or a raw choice value, in any language', () => {
    for (const language of LANGUAGES) {
      for (const key of TENANT_SETTING_KEYS) {
        for (const text of screens(key, env(language))) {
          expect({ key, language, rawKey: text.includes(key) }).toEqual({ key, language, rawKey: false });
          expect({ key, language, missing: text.match(/adm-[a-z-]+/g) }).toEqual({
            key,
            language,
            missing: null,
          });
        }
      }
      for (const key of CHOICE_KEYS)
        for (const choice of choiceValuesOf(key)) {
          const label = formatSettingValue(key, choice, env(language));
          // labels differ from the stored values: "Never", not NO_RESET (en "Random" is fine, not "random")
          expect({ key, choice, label: label === choice }).toEqual({ key, choice, label: false });
        }
    }
  });

  it('formats values as a Persian reader expects them', () => {
    expect(formatSettingValue('topup_presets', [50_000, 100_000], fa)).toBe('۵۰٬۰۰۰ تومان، ۱۰۰٬۰۰۰ تومان');
    expect(formatSettingValue('topup_min', 10_000, fa)).toBe('۱۰٬۰۰۰ تومان');
    expect(formatSettingValue('renewal_warning_days', [3, 1], fa)).toBe('۳، ۱');
    expect(formatSettingValue('renewal_warning_days', [], fa)).toBe('(خالی)');
    expect(formatSettingValue('card_rotation_interval_minutes', 10_080, fa)).toBe('۱۰٬۰۸۰');
    expect(formatSettingValue('admin_chat_id', -1001234567890, fa)).toBe('-۱۰۰۱۲۳۴۵۶۷۸۹۰');
    expect(formatSettingValue('traffic_reset_strategy', 'NO_RESET', fa)).toBe('بدون بازنشانی');
    expect(formatSettingValue('available_languages', ['fa', 'en', 'ru'], fa)).toBe('فارسی، انگلیسی، روسی');
    expect(formatSettingValue('language_selection_enabled', true, fa)).toBe('✅ روشن');
    expect(formatSettingValue('timezone', 'Asia/Tehran', fa)).not.toMatch(/[A-Za-z0-9]/);
    expect(formatSettingValue('timezone', 'Asia/Tehran', env('en'))).toContain('(Asia/Tehran)');
    expect(formatSettingValue('topup_min', 499, env('en', 'USD'))).toBe('$4.99');
    // the registry's English stays with the API: the fa card says it in Persian
    const card = settingCardText('renewal_warning_days', { value: [3, 1], source: 'tenant' }, fa);
    expect(card).toContain('فهرستی از حداکثر ۵ عدد صحیح متفاوت از ۱ تا ۶۰ (روز)، مثلاً ۳، ۱');
    expect(card).toContain('۳، ۱ (تنظیم‌شده توسط شما)');
    expect(card).not.toContain(SETTINGS.renewal_warning_days.expects);
    expect(settingAskText('topup_min', fa)).toContain('به تومان');
    expect(settingAskText('topup_min', env('fa', 'USD'))).toContain('به سنت');
    // lists that may be empty say how to empty them
    expect(settingAskText('renewal_warning_days', fa)).toContain('برای خالی گذاشتن، - بفرستید.');
    expect(settingAskText('topup_presets', fa)).not.toContain('برای خالی گذاشتن');
  });

  it('shows every amount of money as money', () => {
    // a new money setting (its English says "amount" or "currency") must be formatted as money too
    const looksLikeMoney = TENANT_SETTING_KEYS.filter((key) =>
      /amount|currency/i.test(SETTINGS[key].expects),
    );
    expect(looksLikeMoney.filter((key) => !MONEY_SETTING_KEYS.has(key))).toEqual([]);
    for (const key of MONEY_SETTING_KEYS) {
      const value = SETTINGS[key].default;
      if (typeof value === 'number') expect(formatSettingValue(key, value, fa)).toContain('تومان');
    }
  });

  it('reads a choice typed by its label, and "-" as an empty list', () => {
    expect(candidateValues('available_languages', 'فارسی، انگلیسی', fa.t)).toEqual([['fa', 'en']]);
    expect(candidateValues('available_languages', 'Russian, english', env('en').t)).toEqual([['ru', 'en']]);
    expect(candidateValues('traffic_reset_strategy', 'هفتگی', fa.t)).toEqual(['WEEK']);
    expect(candidateValues('traffic_reset_strategy', 'week', fa.t)).toEqual(['WEEK']);
    expect(candidateValues('support_mode', 'هر دو', fa.t)).toEqual(['both']);
    expect(candidateValues('renewal_warning_days', '-')).toEqual([[], '-']);
    expect(candidateValues('renewal_warning_days', '۷، ۳، ۱')).toEqual([
      [7, 3, 1],
      ['۷', '۳', '۱'],
    ]);
  });
});

describe('startOfDay', () => {
  it('is midnight in the tenant time zone', () => {
    // 02:00 in Tehran (UTC+3:30) on 2 March is still 1 March in UTC
    const now = new Date('2025-03-01T22:30:00Z');
    expect(startOfDay(now, 'Asia/Tehran').toISOString()).toBe('2025-03-01T20:30:00.000Z');
    expect(startOfDay(now, 'UTC').toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(startOfDay(now, 'Europe/Moscow').toISOString()).toBe('2025-03-01T21:00:00.000Z');
  });
});
