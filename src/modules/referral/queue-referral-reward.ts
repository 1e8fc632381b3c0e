import { and, eq } from 'drizzle-orm';
import { customers } from '../../db/schema.js';
import type { TenantTx } from '../../db/tenant-tx.js';
import { referralReward } from '../../jobs/definitions/referral-reward.js';
import { enqueue } from '../../jobs/enqueue.js';
import type { PaidIn } from './reward-payment.js';

/**
 * Called by `settlePayment` inside the transaction that credited a payment the customer made (kind
 * `topup`), only when money moved now: an invited customer's payment queues its referral rewards,
 * durably and once per payment reference. The rewards are decided when the job runs (feature switch
 * and `referral_*` settings read outside any transaction, then paid in one), so settling a payment
 * never waits on them and a shop without referrals pays one indexed read.
 */
export async function queueReferralReward(tx: TenantTx, paid: PaidIn): Promise<void> {
  const [customer] = await tx
    .select({ referredBy: customers.referredBy })
    .from(customers)
    .where(and(eq(customers.botId, tx.botId), eq(customers.id, paid.customerId)));
  if (customer?.referredBy == null || customer.referredBy === paid.customerId) return;
  await enqueue(tx, referralReward, {
    customerId: paid.customerId,
    amount: paid.amount,
    paymentRef: paid.paymentRef,
  });
}
