import { asBotId } from '../../../shared/ids.js';
import { callbackData, id, integer } from '../../callback-data.js';

/*
 * The buttons of resellers signing up in the master bot and paying the operator, shared by the
 * features that answer them and the notices that send them.
 */

/** "Open my shop" on the master bot's main menu. */
export const signupOpenButton = callbackData('rsu:open');
/** A reseller plan chosen: the token is asked next. */
export const signupPlanButton = callbackData('rsu:plan', { planId: integer() });
/** Pay a signup from the master-shop balance (shown once the balance covers it). */
export const signupPayButton = callbackData('rsu:pay', { signupId: integer() });
export const signupCancelButton = callbackData('rsu:cancel', { signupId: integer() });

/** The operators' decision on a paid signup waiting for approval (master panel, private chats). */
export const signupApproveButton = callbackData('fleet:rsu:ok', { signupId: integer() });
export const signupRejectButton = callbackData('fleet:rsu:no', { signupId: integer() });

/** A shop's admin topping its wallet up in the master bot: a preset amount, typing one, paying. */
export const walletTopUpAmountButton = callbackData('rwt:amt', { shopId: id(asBotId), amount: integer() });
export const walletTopUpCustomButton = callbackData('rwt:custom', { shopId: id(asBotId) });
export const walletTopUpPayButton = callbackData('rwt:pay', { topUpId: integer() });

/** The /start payload of the master bot's link on a shop's wallet screen. */
export const WALLET_TOPUP_START_PREFIX = 'wtopup_';
export const walletTopUpLink = (masterUsername: string, shopId: number) =>
  `https://t.me/${masterUsername}?start=${WALLET_TOPUP_START_PREFIX}${shopId}`;
