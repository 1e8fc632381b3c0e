import { InlineKeyboard } from 'grammy';
import type { TenantServices } from '../../app.js';
import type { Translate } from '../i18n.js';

export type MenuEntry =
  | 'buy'
  | 'subscription'
  | 'trial'
  | 'topup'
  | 'referral'
  | 'promo'
  | 'support'
  | 'language'
  | 'server_status'
  | 'mini_app';

const LABELS: Record<MenuEntry, string> = {
  buy: 'menu-buy',
  subscription: 'menu-subscription',
  trial: 'menu-trial',
  topup: 'menu-topup',
  referral: 'menu-referral',
  promo: 'menu-promo',
  support: 'menu-support',
  language: 'menu-language',
  server_status: 'menu-server-status',
  mini_app: 'menu-mini-app',
};

/** The entries a tenant's flags and settings allow, in display order. */
export async function findMenuEntries(services: TenantServices): Promise<MenuEntry[]> {
  const [flags, settings] = await Promise.all([services.flags.list(), services.settings.getAll()]);
  const on = new Set(flags.filter((flag) => flag.enabled).map((flag) => flag.key));
  const miniAppUrl = flags.find((flag) => flag.key === 'mini_app')?.config.url;
  const supportByTickets = on.has('support_tickets') && settings.support_mode !== 'contact';
  const supportByContact =
    on.has('support_contact') && settings.support_mode !== 'tickets' && settings.support_username !== null;
  const entries: [MenuEntry, boolean][] = [
    ['buy', true],
    ['subscription', true],
    ['trial', on.has('trial_subscription')],
    ['topup', on.has('card_to_card') || on.has('zarinpal') || on.has('telegram_stars')],
    ['referral', on.has('referral_program')],
    ['promo', on.has('promo_codes')],
    ['support', settings.support_menu_enabled && (supportByTickets || supportByContact)],
    ['language', settings.language_selection_enabled && settings.available_languages.length > 1],
    ['server_status', on.has('server_status')],
    ['mini_app', on.has('mini_app') && typeof miniAppUrl === 'string' && miniAppUrl.startsWith('https://')],
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
