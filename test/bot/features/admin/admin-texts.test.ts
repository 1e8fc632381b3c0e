import { describe, expect, it } from 'vitest';
import {
  candidateValues,
  groupLabelKey,
  settingLabelKey,
  TENANT_SETTING_GROUPS,
  TENANT_SETTING_KEYS,
} from '../../../../src/bot/features/admin/settings.js';
import { createTranslator, LANGUAGES } from '../../../../src/bot/i18n.js';
import { SETTING_KEYS, SETTINGS } from '../../../../src/modules/settings/registry.js';
import { startOfDay } from '../../../../src/modules/stats/sales-stats.js';

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
    expect(candidateValues('available_languages', 'fa، en')).toEqual([
      ['fa', 'en'],
      ['fa', 'en'],
    ]);
    expect(candidateValues('skip_rules_acceptance', 'بله')).toEqual([true]);
    expect(candidateValues('rules_text', '09:30')).toEqual(['09:30']);
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
