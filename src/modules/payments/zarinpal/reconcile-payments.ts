import { checkLater } from './check-later.js';
import { settleUnpaid } from './settle-unpaid.js';
import { verifyAndSettle } from './verify-and-settle.js';
import type { ReconcileReport, Settled, ZarinpalContext } from './zarinpal-payment.js';
import {
  countPendingZarinpalPayments,
  findDueZarinpalPayments,
  findOpenByAuthorities,
  findOpenTerminals,
} from './zarinpal-repository.js';

/** The unverified sweep looks for our payments this recent that are not settled as paid. */
const SWEEP_WINDOW_MS = 2 * 86_400_000;

/**
 * Settles what the callbacks did not: pending payments due for a check are verified (a payment
 * unpaid for too long is given up), then the gateway's list of paid-but-unverified payments is
 * swept for ours. Each payment is credited once, whoever gets there first.
 */
export async function reconcilePayments(ctx: ZarinpalContext, limit: number): Promise<ReconcileReport> {
  const { tenant, clock, log, settings, expireAfterMs } = ctx;
  const report: ReconcileReport = {
    checked: 0,
    credited: 0,
    failed: 0,
    cancelled: 0,
    swept: 0,
    pending: 0,
  };
  if (!settings) return report;
  const now = clock.now();
  const due = await tenant.transaction((tx) => findDueZarinpalPayments(tx, now, limit));
  const count = (settled: Settled) => {
    if (settled.status === 'paid' && settled.creditedNow) report.credited += 1;
    else if (settled.status === 'failed') report.failed += 1;
    else if (settled.status === 'not_paid' && settled.payment.status === 'cancelled') report.cancelled += 1;
  };
  const checked = new Set<number>();
  for (const payment of due) {
    report.checked += 1;
    checked.add(payment.id);
    if (payment.authority === null) {
      // the request never got an authority (its process died mid-way): nobody can pay it
      if (now.getTime() - payment.createdAt.getTime() >= expireAfterMs) {
        await settleUnpaid(ctx, payment, 'cancelled', -54);
        report.cancelled += 1;
      } else {
        await checkLater(ctx, payment);
      }
      continue;
    }
    count(await verifyAndSettle(ctx, payment));
  }

  // The sweep asks the gateway only when this tenant has payments that could be on its list.
  const open = await tenant.transaction((tx) =>
    findOpenTerminals(tx, new Date(now.getTime() - SWEEP_WINDOW_MS)),
  );
  for (const terminal of open) {
    let listed: readonly { authority: string; amount: number }[];
    try {
      listed = await settings.gateways.forMode(terminal.sandbox).unverified(terminal.merchantId);
    } catch (error) {
      log.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'zarinpal unverified sweep failed',
      );
      continue;
    }
    const authorities = listed.map((entry) => entry.authority);
    if (authorities.length === 0) continue;
    // another tenant sharing the merchant id has its own rows, invisible here
    const ours = await tenant.transaction((tx) => findOpenByAuthorities(tx, authorities));
    for (const payment of ours) {
      if (checked.has(payment.id)) continue;
      checked.add(payment.id);
      report.swept += 1;
      // a payment given up as unpaid that the gateway lists as paid was paid late: verify credits it
      count(await verifyAndSettle(ctx, payment));
    }
  }
  report.pending = await tenant.transaction((tx) => countPendingZarinpalPayments(tx));
  if (report.checked + report.swept > 0) log.info(report, 'zarinpal reconciliation');
  return report;
}
