import { Composer } from 'grammy';
import type { Logger } from '../shared/logger.js';
import type { BotContext } from './context.js';
import { createFallbackFeature } from './features/fallback.js';
import { createMenuSectionsFeature, createUnavailableSectionsFeature } from './features/menu-sections.js';
import { createOnboardingFeature } from './features/onboarding.js';
import type { Translator } from './i18n.js';
import { createPipeline } from './middleware/pipeline.js';

export interface HandlerDeps {
  readonly logger: Logger;
  readonly translator: Translator;
}

/**
 * The one middleware tree every tenant bot shares, built once. Features are mounted in this visible
 * order; the fallback is last.
 */
export function createBotHandler(deps: HandlerDeps): Composer<BotContext> {
  const handler = new Composer<BotContext>();
  handler.use(createPipeline(deps));
  handler.use(createOnboardingFeature());
  handler.use(createMenuSectionsFeature());
  // feature composers go here, in menu order
  handler.use(createUnavailableSectionsFeature());
  handler.use(createFallbackFeature());
  return handler;
}
