import { InlineKeyboard } from 'grammy';
import type { TenantServices } from '../../app.js';
import type { Translate } from '../i18n.js';

/**
 * Every entry leads to a section that works: a feature that is not built yet has no entry (and no
 * switch), rather than a button that answers "not open yet".
 */
export type MenuEntry =
  | 'buy'
  | 'subscription'
  | 'trial'
  | 'topup'
  | 'referral'
  | 'support'
  | 'language'
  | 'mini_app';

const LABELS: Record<MenuEntry, string> = {
  buy: 'menu-buy',
  subscription: 'menu-subscription',
  trial: 'menu-trial',
  topup: 'menu-topup',
  referral: 'menu-referral',
  support: 'menu-support',
  language: 'menu-language',
  mini_app: 'menu-mini-app',
};

/** The entries a tenant's flags and settings allow, in display order. */
export async function findMenuEntries(services: TenantServices): Promise<MenuEntry[]> {
  const [flags, settings] = await Promise.all([services.flags.getAll(), services.settings.getAll()]);
  const miniAppUrl = flags.mini_app.config.url;
  const entries: [MenuEntry, boolean][] = [
    ['buy', true],
    ['subscription', true],
    ['trial', flags.trial_subscription.enabled],
    ['topup', flags.card_to_card.enabled || flags.zarinpal.enabled || flags.telegram_stars.enabled],
    ['referral', flags.referral_program.enabled],
    // the section shows the contact: without one there is nothing behind the button
    [
      'support',
      settings.support_menu_enabled && flags.support_contact.enabled && settings.support_username !== null,
    ],
    ['language', settings.language_selection_enabled && settings.available_languages.length > 1],
    [
      'mini_app',
      flags.mini_app.enabled && typeof miniAppUrl === 'string' && miniAppUrl.startsWith('https://'),
    ],
  ];
  return entries.filter(([, shown]) => shown).map(([entry]) => entry);
}

export async function buildMainMenu(services: TenantServices, t: Translate): Promise<InlineKeyboard> {
  const entries = await findMenuEntries(services);
  const keyboard = new InlineKeyboard();
  let inRow = 0;
  for (const entry of entries) {
    if (entry === 'mini_app') {
      const url = String((await services.flags.config('mini_app')).url);
      keyboard.row().webApp(t(LABELS[entry]), url);
      inRow = 1;
      continue;
    }
    keyboard.text(t(LABELS[entry]), `menu:${entry}`);
    inRow += 1;
    if (inRow === 2) {
      keyboard.row();
      inRow = 0;
    }
  }
  return keyboard;
}
