import { eq } from 'drizzle-orm';
import { bots } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId } from '../../shared/ids.js';
import { payWaitingSignup } from './signups.js';
import { payWaitingTopUp } from './wallet-topups.js';

/**
 * What a customer of the master shop asked to buy from the operator (a reseller plan, their shop's
 * wallet credit) and pays by topping up their balance with the master shop's payment methods:
 * called by `settlePayment` in the paying transaction once money was credited, it takes the newest
 * waiting signup, else the newest waiting wallet top-up, when the balance covers it. Only the
 * master shop sells these: any other shop stops at one read of its own `bots` row (by primary key,
 * a flag fixed when the shop is created), and looks for no waiting purchase.
 */
export async function payWaitingResellerPurchase(
  tx: TenantTx,
  customerId: CustomerId,
  now: Date,
): Promise<void> {
  if (!(await isMasterShop(tx))) return;
  const signup = await payWaitingSignup(tx, customerId, now);
  if (signup?.status === 'paid') return;
  await payWaitingTopUp(tx, customerId, now);
}

/** Whether the transaction's shop is the master one (the operator's shop that sells shops). */
async function isMasterShop(tx: TenantTx): Promise<boolean> {
  const [shop] = await tx.select({ isMaster: bots.isMaster }).from(bots).where(eq(bots.id, tx.botId));
  return shop?.isMaster === true;
}
