import type { Subscription } from '../../../modules/subscriptions/subscriptions-service.js';
import type { BotComposer } from '../../composer.js';
import type { BotContext } from '../../context.js';
import type { SectionButton } from '../section.js';

/**
 * Something a customer does with one of their subscriptions (renew, extra traffic, devices, a new
 * link, autopay...), offered as a button on its card. An action is a file exporting one and a line
 * in SUBSCRIPTION_ACTIONS (subscription-actions.ts); the card draws the buttons that apply.
 */
export interface SubscriptionAction {
  /**
   * Its button on the card of `subscription`, or undefined when it does not apply (its feature is
   * off, the shop sells nothing of the kind...): a button never answers "not available".
   */
  readonly button: (ctx: BotContext, subscription: Subscription) => Promise<SectionButton | undefined>;
  /**
   * Its handlers. Each press names the subscription by id: load it with
   * `services.subscriptions.getOwned(customer.id, id)` so a customer only reaches their own.
   */
  readonly composer: BotComposer<BotContext>;
}
