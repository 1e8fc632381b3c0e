import { autopayAction } from './autopay.js';
import { connectionGuidesAction } from './connection-guides.js';
import { devicesAction } from './devices.js';
import { extraDaysAction, extraTrafficAction } from './extra-traffic.js';
import { newLinkAction } from './new-link.js';
import type { SubscriptionAction } from './subscription-action.js';

/**
 * What a customer can do with one of their subscriptions, in the order its card shows the buttons.
 * A new action is a file exporting a `SubscriptionAction` and one line here.
 */
export const SUBSCRIPTION_ACTIONS: readonly SubscriptionAction[] = [
  connectionGuidesAction, // how to connect: the shop's connection guides
  extraTrafficAction, // the shop's extra traffic packs
  extraDaysAction, // the shop's extra day packs
  devicesAction, // the subscription's devices, removed one by one or all at once
  newLinkAction, // a new subscription link; the old one stops working
  autopayAction, // renewal from the balance before expiry, on or off
];
