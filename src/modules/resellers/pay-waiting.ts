import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId } from '../../shared/ids.js';
import { payWaitingSignup } from './signups.js';
import { payWaitingTopUp } from './wallet-topups.js';

/**
 * What a customer of the master shop asked to buy from the operator (a reseller plan, their shop's
 * wallet credit) and pays by topping up their balance with the master shop's payment methods:
 * called by `settlePayment` in the paying transaction once money was credited, it takes the newest
 * waiting signup, else the newest waiting wallet top-up, when the balance covers it. In any other
 * shop (or with nothing waiting) it is two indexed reads that find nothing.
 */
export async function payWaitingResellerPurchase(
  tx: TenantTx,
  customerId: CustomerId,
  now: Date,
): Promise<void> {
  const signup = await payWaitingSignup(tx, customerId, now);
  if (signup?.status === 'paid') return;
  await payWaitingTopUp(tx, customerId, now);
}
