import type { BotId, CustomerId, OrderId } from '../../shared/ids.js';
import type { CardsService } from '../cards/cards-service.js';
import type { FeatureFlagsService } from '../feature-flags/feature-flags-service.js';
import type { TopUpLimits, TopUpService } from '../payments/top-up.js';

/** The payment methods a customer may top up with, in the order they are offered. */
export const PAYMENT_METHODS = ['card', 'zarinpal', 'stars'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const METHOD_FLAGS = {
  card: 'card_to_card',
  zarinpal: 'zarinpal',
  stars: 'telegram_stars',
} as const satisfies Record<PaymentMethod, string>;

/** What a payment is asked for, checked again as things are now. */
export type PaymentRequestOutcome =
  /** Pay `amount` by the method; `orderId` is the purchase it completes (null: a plain top-up). */
  | { readonly status: 'ok'; readonly amount: number; readonly orderId: OrderId | null }
  /** The method is switched off. */
  | { readonly status: 'method_unavailable' }
  /** The purchase is not this customer's, or no longer waits for money. */
  | { readonly status: 'order_unavailable' }
  /** The balance covers the purchase by now: pay it (`orders.payAwaiting`) instead. */
  | { readonly status: 'covered'; readonly orderId: OrderId }
  | { readonly status: 'amount_out_of_range'; readonly limits: TopUpLimits };

export interface MiniAppDeps {
  readonly botId: BotId;
  readonly flags: FeatureFlagsService;
  readonly topUp: TopUpService;
  readonly cards: CardsService;
  /** PUBLIC_BASE_URL; absent: the shop has no Mini App address. */
  readonly publicBaseUrl: string | undefined;
}

/**
 * The shop's Mini App: its address and the payment rules the bot's top-up screens and the Mini App
 * share (which methods are on, what a payment may be for and how much).
 */
export function createMiniAppService({ botId, flags, topUp, cards, publicBaseUrl }: MiniAppDeps) {
  const isMethodOn = async (method: PaymentMethod): Promise<boolean> => {
    if (!(await flags.isEnabled(METHOD_FLAGS[method]))) return false;
    if (method !== 'card') return true;
    return (await cards.findPage({ limit: 1, offset: 0, isActive: true })).total > 0;
  };

  return {
    /** `${PUBLIC_BASE_URL}/app/<bot id>`, or undefined without a public address. */
    url: (): string | undefined =>
      publicBaseUrl === undefined ? undefined : `${publicBaseUrl.replace(/\/+$/, '')}/app/${botId}`,

    /** The payment methods switched on now (card-to-card only while the shop has an active card). */
    async enabledMethods(): Promise<PaymentMethod[]> {
      const on = await Promise.all(PAYMENT_METHODS.map(isMethodOn));
      return PAYMENT_METHODS.filter((_, index) => on[index]);
    },

    /**
     * What a payment by `method` may be now: the method still switched on (a card-to-card payment
     * then picks its card, and says so when the shop has none); a plain top-up's amount within
     * the shop's limits; a purchase's missing amount as it is now (the balance may have changed),
     * or `covered` when the balance pays it already.
     */
    async paymentRequest(input: {
      customerId: CustomerId;
      method: PaymentMethod;
      amount: number;
      orderId: OrderId | null;
    }): Promise<PaymentRequestOutcome> {
      if (!(await flags.isEnabled(METHOD_FLAGS[input.method]))) return { status: 'method_unavailable' };
      if (input.orderId !== null) {
        const due = await topUp.dueForOrder(input.customerId, input.orderId);
        if (due.status === 'not_payable') return { status: 'order_unavailable' };
        if (due.status === 'covered') return { status: 'covered', orderId: input.orderId };
        return { status: 'ok', amount: due.missing, orderId: input.orderId };
      }
      const check = await topUp.checkAmount(input.amount);
      if (check.status !== 'ok') return { status: 'amount_out_of_range', limits: check.limits };
      return { status: 'ok', amount: check.amount, orderId: null };
    },
  };
}

export type MiniAppService = ReturnType<typeof createMiniAppService>;
