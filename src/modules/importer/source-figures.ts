import { cutoffOf, shortUuidOf } from './plan.js';
import type { SourceSnapshot } from './source.js';
import { toToman, transactionScale } from './units.js';

type Tally = Record<string, number>;
const tally = (values: Iterable<string>): Tally => {
  const out: Tally = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
};

export interface TypeFigures {
  count: number;
  sum_raw: string;
  sum_toman: string;
  completed: number;
  pre_cutoff: number;
  post_cutoff: number;
}

/**
 * The source's counts and sums before the import, named as the fixture's expected.json names them
 * (sums as decimal strings: they overflow int4, and bigint keeps them exact).
 */
export interface SourceFigures {
  users: {
    total: number;
    by_language: Tally;
    by_status: Tally;
    without_telegram_id: number;
    with_telegram_id: number;
  };
  balances: {
    sum_raw: string;
    sum_toman: string;
    negative: number;
    null: number;
    zero: number;
    positive: number;
  };
  referrals: { users_with_referrer: number; self_referrals: number; two_user_cycles: number };
  subscriptions: { total: number; by_status: Tally; panel_link: Tally };
  transactions: {
    total: number;
    pre_cutoff: number;
    post_cutoff: number;
    by_type: Record<string, TypeFigures>;
  };
  promocodes: { total: number; by_type: Tally; uses_total: number; current_uses_sum: number };
  c2c_receipts: { total: number; by_status: Record<string, { count: number; sum_raw: string }> };
  promo_groups: number;
}

export function sourceFigures(snapshot: SourceSnapshot): SourceFigures {
  const cutoff = cutoffOf(snapshot);
  const users = snapshot.users;
  const referrerOf = new Map(users.map((user) => [user.id, user.referredById]));
  let twoCycles = 0;
  for (const user of users) {
    const other = user.referredById;
    if (other !== null && other !== user.id && referrerOf.get(other) === user.id && user.id < other)
      twoCycles++;
  }
  const byType: Record<string, TypeFigures> = {};
  let pre = 0;
  for (const tx of snapshot.transactions) {
    const row = byType[tx.type] ?? {
      count: 0,
      sum_raw: '0',
      sum_toman: '0',
      completed: 0,
      pre_cutoff: 0,
      post_cutoff: 0,
    };
    byType[tx.type] = row;
    row.count++;
    row.sum_raw = String(BigInt(row.sum_raw) + BigInt(tx.amount));
    const before = tx.createdAt !== null && tx.createdAt.getTime() < cutoff.getTime();
    const toman = tx.createdAt
      ? toToman(tx.amount, transactionScale(tx.type, tx.createdAt, cutoff))
      : undefined;
    row.sum_toman = String(BigInt(row.sum_toman) + BigInt(toman ?? 0));
    if (tx.isCompleted === true) row.completed++;
    if (before) {
      row.pre_cutoff++;
      pre++;
    } else row.post_cutoff++;
  }
  const receipts: Record<string, { count: number; sum_raw: string }> = {};
  for (const receipt of snapshot.receipts) {
    const row = receipts[receipt.status] ?? { count: 0, sum_raw: '0' };
    receipts[receipt.status] = row;
    row.count++;
    row.sum_raw = String(BigInt(row.sum_raw) + BigInt(receipt.amount));
  }
  const usersById = new Map(users.map((user) => [user.id, user]));
  const panelLink = tally(
    snapshot.subscriptions.map((sub) => {
      if (sub.remnawaveUuid) return 'subscription_uuid';
      const userUuid = usersById.get(sub.userId)?.remnawaveUuid;
      if (shortUuidOf(sub) && userUuid) return 'user_uuid_and_short_uuid';
      if (shortUuidOf(sub)) return 'short_uuid_only';
      return 'none';
    }),
  );
  const balances = users.map((user) => user.balance);
  const balanceSum = balances.reduce<bigint>((sum, value) => sum + BigInt(value ?? 0), 0n);
  return {
    users: {
      total: users.length,
      by_language: tally(users.map((user) => user.language ?? 'null')),
      by_status: tally(users.map((user) => user.status ?? 'null')),
      without_telegram_id: users.filter((user) => user.telegramId === null).length,
      with_telegram_id: users.filter((user) => user.telegramId !== null).length,
    },
    balances: {
      sum_raw: String(balanceSum),
      // remnabot HEAD: users.balance_kopeks is whole Toman (README §2)
      sum_toman: String(balanceSum),
      negative: balances.filter((value) => value !== null && value < 0).length,
      null: balances.filter((value) => value === null).length,
      zero: balances.filter((value) => value === 0).length,
      positive: balances.filter((value) => value !== null && value > 0).length,
    },
    referrals: {
      users_with_referrer: users.filter((user) => user.referredById !== null).length,
      self_referrals: users.filter((user) => user.referredById === user.id).length,
      two_user_cycles: twoCycles,
    },
    subscriptions: {
      total: snapshot.subscriptions.length,
      by_status: tally(snapshot.subscriptions.map((sub) => sub.status ?? 'null')),
      panel_link: panelLink,
    },
    transactions: {
      total: snapshot.transactions.length,
      pre_cutoff: pre,
      post_cutoff: snapshot.transactions.length - pre,
      by_type: byType,
    },
    promocodes: {
      total: snapshot.promoCodes.length,
      by_type: tally(snapshot.promoCodes.map((promo) => promo.type)),
      uses_total: snapshot.promoUses.length,
      current_uses_sum: snapshot.promoCodes.reduce((sum, promo) => sum + (promo.currentUses ?? 0), 0),
    },
    c2c_receipts: { total: snapshot.receipts.length, by_status: receipts },
    promo_groups: snapshot.promoGroups.length,
  };
}
