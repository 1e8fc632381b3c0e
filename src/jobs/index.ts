import type { AnyJob } from './define.js';
import { autopayRenewals } from './definitions/autopay.js';
import { broadcastDeliver } from './definitions/broadcast-deliver.js';
import { cardPaymentDecided, cardReceiptForward } from './definitions/card-payments.js';
import { chargeConsumption } from './definitions/consumption-billing.js';
import { customerMessage, customerModerationNotice } from './definitions/customer-moderation.js';
import { dailyBackup } from './definitions/daily-backup.js';
import { expireReceipts } from './definitions/expire-receipts.js';
import { floodWaitNotice } from './definitions/flood-wait-notice.js';
import { orderActiveNotice } from './definitions/order-notice.js';
import { panelUserLostAlert, panelUserLostOperatorAlert } from './definitions/panel-user-lost.js';
import { provisionOrder } from './definitions/provision-order.js';
import { pruneJobs } from './definitions/prune-jobs.js';
import { pruneUpdates } from './definitions/prune-updates.js';
import { referralReward, referralRewardNotice } from './definitions/referral-reward.js';
import { resellerFeeNotice, resellerRenewal } from './definitions/reseller-renewal.js';
import {
  resellerSignupNotice,
  resellerSignupReview,
  resellerStartShop,
} from './definitions/reseller-signups.js';
import { resellerWalletCredit } from './definitions/reseller-wallet-topup.js';
import { saleRefusedAlert } from './definitions/sale-refused-alert.js';
import {
  planSubscriptionNotices,
  pruneSubscriptionNotices,
  sendSubscriptionNotice,
} from './definitions/subscription-notices.js';
import { syncTraffic } from './definitions/sync-traffic.js';
import { ticketDeliver } from './definitions/ticket-deliver.js';
import { walletLowBalanceAlert } from './definitions/wallet-low-balance.js';
import { zarinpalNotice } from './definitions/zarinpal-notice.js';
import { zarinpalReconcile } from './definitions/zarinpal-reconcile.js';

/**
 * Every job the platform runs, schedules included, tenant jobs and platform-wide ones (`pruneJobs`):
 * a new job is one file in definitions/ and one line here. A job enqueued under a name missing from this list fails at once, so keep it complete
 * (test/jobs/index.test.ts checks every definition file is listed).
 */
export const ALL_JOBS: readonly AnyJob[] = [
  provisionOrder,
  orderActiveNotice,
  saleRefusedAlert,
  walletLowBalanceAlert,
  panelUserLostAlert,
  panelUserLostOperatorAlert,
  floodWaitNotice,
  cardReceiptForward,
  cardPaymentDecided,
  expireReceipts,
  zarinpalNotice,
  zarinpalReconcile,
  pruneUpdates,
  syncTraffic,
  chargeConsumption,
  planSubscriptionNotices,
  sendSubscriptionNotice,
  pruneSubscriptionNotices,
  pruneJobs,
  dailyBackup,
  autopayRenewals,
  broadcastDeliver,
  ticketDeliver,
  referralReward,
  referralRewardNotice,
  customerModerationNotice,
  customerMessage,
  resellerStartShop,
  resellerSignupReview,
  resellerSignupNotice,
  resellerRenewal,
  resellerFeeNotice,
  resellerWalletCredit,
];
