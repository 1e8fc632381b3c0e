import { InlineKeyboard } from 'grammy';
import type { TenantServices } from '../../app.js';
import { callbackPrefix, onPress } from '../callback-data.js';
import { BotComposer } from '../composer.js';
import type { BotContext } from '../context.js';
import type { Translate } from '../i18n.js';
import { adminHomeButton } from './admin/admin-ui.js';
import { isAdmin } from './is-admin.js';
import { menuHomeButton } from './keyboards.js';
import { signupOffered } from './master/signup.js';
import { signupOpenButton } from './master/signup-buttons.js';
import { helpSection } from './menu/help.js';
import { languageSection } from './menu/language.js';
import { miniAppSection, syncMenuButton } from './menu/mini-app.js';
import { promoSection } from './menu/promo.js';
import { referralSection } from './menu/referral.js';
import { supportSection } from './menu/support.js';
import { continueOnboarding } from './onboarding.js';
import { topUpSection } from './payments/topup.js';
import type { MenuSection, MenuSwitches } from './section.js';
import { buySection } from './shop/buy.js';
import { subscriptionSection } from './shop/my-subscription.js';
import { trialSection } from './shop/trial.js';

/**
 * The main menu's sections, in display order. A new section is a file exporting a `MenuSection`
 * (when it shows, its button, its composer) and a line here. Every entry leads to a section that
 * works: a feature that is not built yet has no entry (and no switch), rather than a button that
 * answers "not open yet".
 */
const SECTIONS: readonly MenuSection[] = [
  buySection,
  subscriptionSection,
  trialSection,
  topUpSection,
  promoSection,
  referralSection,
  supportSection,
  helpSection,
  languageSection,
  miniAppSection,
];

/** Every button of the main menu's sections starts with `menu:`. */
const anyMenuButton = callbackPrefix('menu');

async function shownSections(
  services: TenantServices,
): Promise<{ shown: MenuSection[]; switches: MenuSwitches }> {
  const [flags, settings] = await Promise.all([services.flags.getAll(), services.settings.getAll()]);
  const switches = { flags, settings, miniAppUrl: services.miniApp.url() };
  return { shown: SECTIONS.filter((section) => section.isShown(switches)), switches };
}

/** The entries a tenant's flags and settings allow, in display order. */
export async function findMenuEntries(services: TenantServices): Promise<string[]> {
  return (await shownSections(services)).shown.map((section) => section.entry);
}

/** Two buttons a row; a web app button starts a row of its own. */
export async function buildMainMenu(services: TenantServices, t: Translate): Promise<InlineKeyboard> {
  const { shown, switches } = await shownSections(services);
  const keyboard = new InlineKeyboard();
  let inRow = 0;
  for (const section of shown) {
    const button = section.button(t, switches);
    if ('webApp' in button) {
      keyboard.row().webApp(button.text, button.webApp);
      inRow = 1;
      continue;
    }
    keyboard.text(button.text, button.data);
    inRow += 1;
    if (inRow === 2) {
      keyboard.row();
      inRow = 0;
    }
  }
  return keyboard;
}

export async function sendMainMenu(ctx: BotContext, greeting?: string): Promise<void> {
  const keyboard = await buildMainMenu(ctx.shop.services, ctx.t);
  // the tenant's admins also get their menu; customers see the menu unchanged
  if (!ctx.shop.tenant.isMaster && isAdmin(ctx))
    keyboard.row().text(ctx.t('adm-menu-button'), adminHomeButton.build());
  // the master bot sells shops of their own (reseller plans) while the operators offer them
  if (ctx.shop.tenant.isMaster && (await signupOffered(ctx)))
    keyboard.row().text(ctx.t('reseller-open-shop'), signupOpenButton.build());
  // the chat's menu button opens the shop's Mini App while it is on
  await syncMenuButton(ctx);
  const text = greeting ? `${greeting}\n\n${ctx.t('menu-title')}` : ctx.t('menu-title');
  await ctx.reply(text, { reply_markup: keyboard });
}

/**
 * The customers' main menu: every menu button first makes sure onboarding is complete, then goes
 * to its section.
 */
export function createMainMenuFeature(): BotComposer<BotContext> {
  const feature = new BotComposer<BotContext>();

  feature.callbackQuery(anyMenuButton.pattern, async (ctx, next) => {
    if (!ctx.customer || !(await continueOnboarding(ctx))) {
      await ctx.answerCallbackQuery();
      if (!ctx.customer) await ctx.reply(ctx.t('menu-title'));
      return;
    }
    await next();
  });

  onPress(feature, menuHomeButton, async (ctx) => {
    await ctx.answerCallbackQuery();
    await sendMainMenu(ctx);
  });

  for (const section of SECTIONS) if (section.composer) feature.use(section.composer);
  return feature;
}
