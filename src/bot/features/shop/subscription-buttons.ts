import { asSubscriptionId } from '../../../shared/ids.js';
import { callbackData, id } from '../../callback-data.js';

/*
 * The buttons that lead to a customer's subscriptions, in a module of their own: the card's
 * actions, notices and the buy flow all point at them without importing the screens.
 */

/** The customer's subscriptions: the card of the only one, or the list. */
export const subscriptionMenuButton = callbackData('menu:subscription');
/** Opens the card of one of the customer's subscriptions. */
export const openSubscriptionButton = callbackData('sub:open', { subscriptionId: id(asSubscriptionId) });
/** "Renew" on a subscription's card: the plans, for that subscription. */
export const renewSubscriptionButton = callbackData('sub:renew', { subscriptionId: id(asSubscriptionId) });
