import type { AnyJob } from './define.js';
import { autopayRenewals } from './definitions/autopay.js';
import { cardPaymentDecided, cardReceiptForward } from './definitions/card-payments.js';
import { expireReceipts } from './definitions/expire-receipts.js';
import { floodWaitNotice } from './definitions/flood-wait-notice.js';
import { orderActiveNotice } from './definitions/order-notice.js';
import { panelUserLostAlert, panelUserLostOperatorAlert } from './definitions/panel-user-lost.js';
import { provisionOrder } from './definitions/provision-order.js';
import { pruneJobs } from './definitions/prune-jobs.js';
import { pruneUpdates } from './definitions/prune-updates.js';
import { saleRefusedAlert } from './definitions/sale-refused-alert.js';
import {
  planSubscriptionNotices,
  pruneSubscriptionNotices,
  sendSubscriptionNotice,
} from './definitions/subscription-notices.js';
import { syncTraffic } from './definitions/sync-traffic.js';
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
  planSubscriptionNotices,
  sendSubscriptionNotice,
  pruneSubscriptionNotices,
  pruneJobs,
  autopayRenewals,
];
