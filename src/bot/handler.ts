import type { App } from '../app.js';
import type { Logger } from '../shared/logger.js';
import { BotComposer } from './composer.js';
import type { BotContext } from './context.js';
import { createAdminFeature } from './features/admin/admin-feature.js';
import { createBannedCustomersGate } from './features/banned-customers.js';
import { createFallbackFeature } from './features/fallback.js';
import { createMainMenuFeature } from './features/main-menu.js';
import { createMaintenanceGate } from './features/maintenance-gate.js';
import { createMasterFeature } from './features/master/master-feature.js';
import { createSignupFeature } from './features/master/signup.js';
import { createCustomerCapGate } from './features/master/signup-cap.js';
import { createOnboardingFeature } from './features/onboarding.js';
import { createCardToCardFeature } from './features/payments/card-to-card.js';
import { createReceiptReviewFeature } from './features/payments/receipt-review.js';
import { createStarsFeature } from './features/payments/stars.js';
import { createZarinpalFeature } from './features/payments/zarinpal.js';
import { createReachabilityFeature } from './features/reachability.js';
import { createTicketsFeature } from './features/tickets-feature.js';
import type { Translator } from './i18n.js';
import { createPipeline } from './middleware/pipeline.js';

export interface HandlerDeps {
  readonly logger: Logger;
  readonly translator: Translator;
  /**
   * The business core: the master bot's operators' panel works on it, and it tells whether a failure
   * means the database is out of reach.
   */
  readonly app: App;
  /** Bot API root the panel checks pasted tokens against (default: Telegram's). */
  readonly apiRoot?: string | undefined;
}

/**
 * The one middleware tree every tenant bot shares, built once. Features are mounted in this visible
 * order; the fallback is last.
 */
export function createBotHandler(deps: HandlerDeps): BotComposer<BotContext> {
  const handler = new BotComposer<BotContext>();
  handler.use(
    createPipeline({
      logger: deps.logger,
      translator: deps.translator,
      isDatabaseUnavailable: deps.app.platform.isDatabaseUnavailable,
    }),
  );
  // a customer the shop banned: one short line at most, nothing done (admins pass)
  handler.use(createBannedCustomersGate());
  // maintenance (the shop's or the platform's): customers get a short "back soon" line and nothing
  // else; admins and operators pass, and so do payments already made (maintenance-gate.ts says which)
  handler.use(createMaintenanceGate());
  // the master bot's operators' panel: first, so an operator's /start opens it
  handler.use(createMasterFeature({ app: deps.app, apiRoot: deps.apiRoot ?? 'https://api.telegram.org' }));
  // support tickets (tkt:*, tka:*, replies to a ticket's messages, the message a customer was asked
  // for): before the admin menu, so a reply to a ticket answers it even mid-question; anything else
  // goes on untouched
  handler.use(createTicketsFeature());
  // the tenant admin menu (/admin, adm:*): before onboarding, so a command typed mid-question drops it
  handler.use(createAdminFeature());
  // a reseller shop at its plan's customer cap turns someone new away politely, before registering them
  handler.use(createCustomerCapGate());
  // the master bot: "Open my shop" (reseller signups) and shops' wallet top-ups paid to the operator;
  // before onboarding, which takes /start (a wallet top-up link is a /start payload)
  handler.use(createSignupFeature({ app: deps.app, apiRoot: deps.apiRoot ?? 'https://api.telegram.org' }));
  handler.use(createOnboardingFeature());
  // Zarinpal and Stars (pay:zp:*, pay:stars:*, pre-checkout, /paysupport): before the top-up's
  // amount prompt, which takes a typed command as leaving it, and before the receipt prompt, which
  // takes any message, so a successful_payment is always credited
  handler.use(createZarinpalFeature());
  handler.use(createStarsFeature());
  // the customers' main menu (menu:*, after onboarding is complete) and its sections in menu order:
  // buy, subscription, trial, top-up (amount, then method), referral, support, language
  handler.use(createMainMenuFeature());
  // payments: card-to-card for customers, receipt review for admins
  handler.use(createCardToCardFeature());
  handler.use(createReceiptReviewFeature());
  // a customer blocking or unblocking the bot: notices stop and start again
  handler.use(createReachabilityFeature());
  handler.use(createFallbackFeature());
  return handler;
}
