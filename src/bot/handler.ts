import { Composer } from 'grammy';
import type { App } from '../app.js';
import type { Logger } from '../shared/logger.js';
import type { BotContext } from './context.js';
import { createAdminFeature } from './features/admin/admin-feature.js';
import { createFallbackFeature } from './features/fallback.js';
import { createMasterFeature } from './features/master/master-feature.js';
import { createMenuSectionsFeature } from './features/menu-sections.js';
import { createOnboardingFeature } from './features/onboarding.js';
import { createCardToCardFeature } from './features/payments/card-to-card.js';
import { createReceiptReviewFeature } from './features/payments/receipt-review.js';
import { createStarsFeature } from './features/payments/stars.js';
import { createTopUpFeature } from './features/payments/topup.js';
import { createZarinpalFeature } from './features/payments/zarinpal.js';
import { createBuyFeature } from './features/shop/buy.js';
import { createMySubscriptionFeature } from './features/shop/my-subscription.js';
import { createTrialFeature } from './features/shop/trial.js';
import type { Translator } from './i18n.js';
import { createPipeline } from './middleware/pipeline.js';

export interface HandlerDeps {
  readonly logger: Logger;
  readonly translator: Translator;
  /** The business core, for the operators' panel of the master bot (absent: no panel). */
  readonly app?: App | undefined;
  /** Bot API root the panel checks pasted tokens against (default: Telegram's). */
  readonly apiRoot?: string | undefined;
}

/**
 * The one middleware tree every tenant bot shares, built once. Features are mounted in this visible
 * order; the fallback is last.
 */
export function createBotHandler(deps: HandlerDeps): Composer<BotContext> {
  const handler = new Composer<BotContext>();
  handler.use(createPipeline(deps));
  // the master bot's operators' panel: first, so an operator's /start opens it
  if (deps.app)
    handler.use(createMasterFeature({ app: deps.app, apiRoot: deps.apiRoot ?? 'https://api.telegram.org' }));
  // the tenant admin menu (/admin, adm:*): before onboarding, so a command typed mid-question drops it
  handler.use(createAdminFeature());
  handler.use(createOnboardingFeature());
  handler.use(createMenuSectionsFeature());
  // feature composers go here, in menu order
  // Zarinpal and Stars (pay:zp:*, pay:stars:*, pre-checkout, /paysupport): before the receipt
  // prompt, which takes any message, so a successful_payment is always credited
  handler.use(createZarinpalFeature());
  handler.use(createStarsFeature());
  // payments: top-up (amount, then method), card-to-card for customers, receipt review for admins
  handler.use(createTopUpFeature());
  handler.use(createCardToCardFeature());
  handler.use(createReceiptReviewFeature());
  handler.use(createBuyFeature());
  handler.use(createMySubscriptionFeature());
  handler.use(createTrialFeature());
  handler.use(createFallbackFeature());
  return handler;
}
