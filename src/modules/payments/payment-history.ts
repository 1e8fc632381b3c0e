import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';

import { cardToCardPayments, starsPayments, zarinpalPayments } from '../../db/schema.js';
import type { TenantDb, TenantTx } from '../../db/tenant-tx.js';
import type { CustomerId } from '../../shared/ids.js';
import type { CardPayment } from './card-to-card.js';
import type { StarsPayment } from './stars-payments.js';
import type { ZarinpalPayment } from './zarinpal-payments.js';

export const PAYMENT_METHODS = ['card_to_card', 'zarinpal', 'stars'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Every status of any method. */
export const ANY_PAYMENT_STATUS = [
  'pending',
  'approved',
  'rejected',
  'expired',
  'paid',
  'failed',
  'cancelled',
  'refunded',
] as const;
export type PaymentStatus = (typeof ANY_PAYMENT_STATUS)[number];

/** The statuses each method's payments go through (its table's CHECK constraint). */
export const PAYMENT_STATUSES = {
  card_to_card: ['pending', 'approved', 'rejected', 'expired'],
  zarinpal: ['pending', 'paid', 'failed', 'cancelled'],
  stars: ['pending', 'paid', 'refunded'],
} as const satisfies Record<PaymentMethod, readonly PaymentStatus[]>;

/** One payment of any method, as its own module stores it. */
export type PaymentRecord =
  | { readonly method: 'card_to_card'; readonly payment: CardPayment }
  | { readonly method: 'zarinpal'; readonly payment: ZarinpalPayment }
  | { readonly method: 'stars'; readonly payment: StarsPayment };

export interface PaymentFilter {
  /** Absent: every method. */
  readonly method?: PaymentMethod | undefined;
  /** A method without this status contributes nothing. */
  readonly status?: PaymentStatus | undefined;
  readonly customerId?: CustomerId | undefined;
}

/** The rows of `tx.execute`, which both drivers answer as `{ rows }`. */
const rowsOf = <Row>(result: unknown): Row[] => (result as { rows: Row[] }).rows;

const TABLE_NAMES: Record<PaymentMethod, string> = {
  card_to_card: 'card_to_card_payments',
  zarinpal: 'zarinpal_payments',
  stars: 'stars_payments',
};

/**
 * Every payment of one tenant, whichever way it was paid, newest first: what the management API
 * lists. Read only; deciding a card payment goes through the card-to-card module.
 */
export function createPaymentHistory({ tenant }: { readonly tenant: TenantDb }) {
  const { botId } = tenant;
  const methodsOf = (filter: PaymentFilter): PaymentMethod[] =>
    (filter.method ? [filter.method] : [...PAYMENT_METHODS]).filter(
      (method) =>
        filter.status === undefined ||
        (PAYMENT_STATUSES[method] as readonly PaymentStatus[]).includes(filter.status),
    );

  /** `method, id, created_at` of one table's matching payments, for the union below. */
  const keysOf = (method: PaymentMethod, filter: PaymentFilter): SQL => {
    const conditions = [sql`bot_id = ${botId}`];
    if (filter.status !== undefined) conditions.push(sql`status = ${filter.status}`);
    if (filter.customerId !== undefined) conditions.push(sql`customer_id = ${filter.customerId}`);
    // the method and table names are our constants, never input
    return sql`select ${sql.raw(`'${method}'`)} as method, id, created_at from ${sql.identifier(
      TABLE_NAMES[method],
    )} where ${sql.join(conditions, sql` and `)}`;
  };

  const load = async (tx: TenantTx, method: PaymentMethod, ids: number[]): Promise<PaymentRecord[]> => {
    if (ids.length === 0) return [];
    switch (method) {
      case 'card_to_card': {
        const rows = await tx
          .select()
          .from(cardToCardPayments)
          .where(and(eq(cardToCardPayments.botId, botId), inArray(cardToCardPayments.id, ids)));
        return rows.map((row) => ({ method, payment: row as CardPayment }));
      }
      case 'zarinpal': {
        const rows = await tx
          .select()
          .from(zarinpalPayments)
          .where(and(eq(zarinpalPayments.botId, botId), inArray(zarinpalPayments.id, ids)));
        return rows.map((payment) => ({ method, payment }));
      }
      case 'stars': {
        const rows = await tx
          .select()
          .from(starsPayments)
          .where(and(eq(starsPayments.botId, botId), inArray(starsPayments.id, ids)));
        return rows.map((payment) => ({ method, payment }));
      }
    }
  };

  return {
    /**
     * One page of the tenant's payments, newest first (ties: by method, then newest id), with the
     * total matching the filter.
     */
    async findPage(
      page: PaymentFilter & { readonly limit: number; readonly offset: number },
    ): Promise<{ items: PaymentRecord[]; total: number }> {
      const methods = methodsOf(page);
      if (methods.length === 0) return { items: [], total: 0 };
      return tenant.transaction(async (tx) => {
        const union = sql.join(
          methods.map((method) => keysOf(method, page)),
          sql` union all `,
        );
        const paged = await tx.execute(
          sql`select method, id from (${union}) as payment
               order by created_at desc, method, id desc
               limit ${page.limit} offset ${page.offset}`,
        );
        const counted = await tx.execute(sql`select count(*) as n from (${union}) as payment`);
        // raw rows: bigint and count come back as numbers or strings depending on the driver
        const keys = rowsOf<{ method: PaymentMethod; id: number | string }>(paged).map((row) => ({
          method: row.method,
          id: Number(row.id),
        }));
        const loaded: PaymentRecord[] = [];
        for (const method of methods) {
          const ids = keys.filter((key) => key.method === method).map((key) => key.id);
          loaded.push(...(await load(tx, method, ids)));
        }
        const byKey = new Map(loaded.map((record) => [`${record.method}:${record.payment.id}`, record]));
        return {
          items: keys.flatMap((key) => byKey.get(`${key.method}:${key.id}`) ?? []),
          total: Number(rowsOf<{ n: number | string }>(counted)[0]?.n ?? 0),
        };
      });
    },
  };
}

export type PaymentHistory = ReturnType<typeof createPaymentHistory>;
