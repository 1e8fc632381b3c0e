/**
 * Input for test/modules/feature-flags/every-switch-is-read.test.ts, never run. `mentionsOnly` names keys in every
 * way that decides nothing (listings, definitions, text, writes, typed lists); `reads` reads keys
 * in each way the test accepts. The test expects to find exactly the reads, so a guard that counted
 * a mere mention would fail there rather than wave an unused key through.
 */
import { eq } from 'drizzle-orm';
import { botConfigurations, botFeatureFlags } from '../../../src/db/schema.js';
import type { FeatureFlagsService } from '../../../src/modules/feature-flags/feature-flags-service.js';
import { FEATURE_KEYS, FEATURES, type FeatureKey } from '../../../src/modules/feature-flags/features.js';
import { SETTING_KEYS, SETTINGS, type SettingKey } from '../../../src/modules/settings/registry.js';
import type { SettingsService } from '../../../src/modules/settings/settings-service.js';

export async function mentionsOnly(
  settings: SettingsService,
  flags: FeatureFlagsService,
  log: (line: string) => void,
): Promise<void> {
  // listings: every key goes through, none is chosen
  for (const key of SETTING_KEYS) log(`${key}: ${JSON.stringify(await settings.get(key))}`);
  for (const key of FEATURE_KEYS) log(`${key}: ${await flags.isEnabled(key)}`);
  for (const flag of await flags.list()) log(flag.key);
  const values = await settings.getAll();
  for (const key of SETTING_KEYS) log(String(values[key]));
  // definitions and text: trial_days, topup_max and mini_app are named, not read
  log(SETTINGS.trial_days.description);
  log(FEATURES.mini_app.description);
  log('topup_max');
  // writes change a value; nothing here depends on it
  await settings.set('rules_text', '', 'operator');
  await settings.reset('trial_devices', 'operator');
  await flags.set('referral_program', true);
  await flags.delete('support_contact');
  // typed lists of keys offered somewhere
  const offered: SettingKey[] = ['timezone', 'skip_rules_acceptance'];
  const shown: FeatureKey[] = ['trial_subscription'];
  log([...offered, ...shown].join());
}

export async function reads(settings: SettingsService, flags: FeatureFlagsService) {
  const values = await settings.getAll();
  const all = await flags.getAll();
  const method = { card: 'card_to_card', stars: 'telegram_stars' } as const;
  const chosen = Math.random() > 0.5 ? 'card' : 'stars';
  return {
    language: await settings.get('default_language'),
    strategy: values.card_rotation_strategy,
    expiry: eq(botConfigurations.configKey, 'receipt_expiry_hours'),
    zarinpal: await flags.isEnabled('zarinpal'),
    payWith: await flags.isEnabled(method[chosen]),
    app: all.mini_app.config.url,
    stored: eq(botFeatureFlags.featureKey, 'support_contact'),
  };
}

/** What the test must find in `reads`, and nothing else. */
export const EXPECTED_READS = {
  setting: ['card_rotation_strategy', 'default_language', 'receipt_expiry_hours'],
  feature: ['card_to_card', 'mini_app', 'support_contact', 'telegram_stars', 'zarinpal'],
};
