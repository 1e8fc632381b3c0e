import { and, eq } from 'drizzle-orm';
import { customers, orders } from '../../db/schema.js';
import type { TenantDb } from '../../db/tenant-tx.js';
import type { CustomerId, OrderId } from '../../shared/ids.js';
import type { Order } from '../orders/pay-order.js';
import type { SettingsService } from '../settings/settings-service.js';

/** Largest amount any payment may carry, whatever a tenant configures (the ledger's own cap). */
export const MAX_PAYMENT_AMOUNT = 1_000_000_000_000;

export interface TopUpLimits {
  readonly presets: readonly number[];
  readonly min: number;
  readonly max: number;
}

export type AmountCheck =
  | { readonly status: 'ok'; readonly amount: number }
  | { readonly status: 'too_small' | 'too_large'; readonly limits: TopUpLimits };

export type OrderDue =
  /** The order waits for `missing` more than the balance holds. */
  | { readonly status: 'due'; readonly order: Order; readonly balance: number; readonly missing: number }
  /** The balance covers it now (money arrived another way): pay it rather than top up. */
  | { readonly status: 'covered'; readonly order: Order }
  /** Not this customer's, already paid or cancelled. */
  | { readonly status: 'not_payable' };

const PERSIAN_ZERO = 0x06f0;
const ARABIC_ZERO = 0x0660;

/**
 * A typed amount in the currency's major unit, as an integer of minor units (`minorUnits` = 1 for
 * Toman): Persian and Arabic digits, thousands separators and a currency word around it are
 * accepted ("۵۰٬۰۰۰ تومان", "50,000", "4.99" for a currency with cents). Undefined when it is not
 * an amount.
 */
export function parseAmount(text: string, minorUnits = 1): number | undefined {
  let normalised = text.replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - PERSIAN_ZERO));
  normalised = normalised.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - ARABIC_ZERO));
  // a currency word or sign before or after the number
  normalised = normalised.trim().replace(/^[\p{L}\p{Sc}\s]+|[\p{L}\p{Sc}\s]+$/gu, '');
  normalised = normalised.replace(/[\s,_\u066c\u060c\u2009\u202f']/g, '');
  if (minorUnits === 1) {
    // no fractions in Toman: a dot can only be a thousands separator ("100.000")
    if (!/^\d{1,3}(\.\d{3})+$/.test(normalised) && !/^\d+$/.test(normalised)) return undefined;
    normalised = normalised.replace(/\./g, '');
    const value = Number(normalised);
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  }
  const match = /^(\d+)(?:[.\u066b](\d{1,2}))?$/.exec(normalised);
  if (!match) return undefined;
  const value = Number(match[1]) * minorUnits + Number((match[2] ?? '').padEnd(2, '0') || 0);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export interface TopUpDeps {
  readonly tenant: TenantDb;
  readonly settings: SettingsService;
}

/**
 * The top-up choice every payment method shares: the tenant's presets and limits, and the amount
 * still missing for a purchase waiting on a payment.
 */
export function createTopUpService({ tenant, settings }: TopUpDeps) {
  const { botId } = tenant;
  const limits = async (): Promise<TopUpLimits> => {
    const [presets, min, max] = await Promise.all([
      settings.get('topup_presets'),
      settings.get('topup_min'),
      settings.get('topup_max'),
    ]);
    return { presets, min, max: Math.min(max, MAX_PAYMENT_AMOUNT) };
  };

  return {
    limits,

    /** A free top-up amount: within the tenant's limits, or one of its presets. */
    async checkAmount(amount: number): Promise<AmountCheck> {
      const current = await limits();
      if (!Number.isSafeInteger(amount) || amount <= 0) return { status: 'too_small', limits: current };
      if (current.presets.includes(amount)) return { status: 'ok', amount };
      if (amount < current.min) return { status: 'too_small', limits: current };
      if (amount > current.max) return { status: 'too_large', limits: current };
      return { status: 'ok', amount };
    },

    /** What a waiting purchase of this customer still needs: its price less the current balance. */
    async dueForOrder(customerId: CustomerId, orderId: OrderId): Promise<OrderDue> {
      return tenant.transaction(async (tx) => {
        const [order] = await tx
          .select()
          .from(orders)
          .where(and(eq(orders.botId, botId), eq(orders.id, orderId), eq(orders.customerId, customerId)));
        if (order?.status !== 'created') return { status: 'not_payable' };
        const [customer] = await tx
          .select({ balance: customers.balance })
          .from(customers)
          .where(and(eq(customers.botId, botId), eq(customers.id, customerId)));
        const balance = customer?.balance ?? 0;
        const missing = order.price - balance;
        if (missing <= 0) return { status: 'covered', order: order as Order };
        return { status: 'due', order: order as Order, balance, missing };
      });
    },
  };
}

export type TopUpService = ReturnType<typeof createTopUpService>;
