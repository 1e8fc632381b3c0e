/**
 * Texts for a sale the tenant's wallet could not cover, as Fluent keys with their arguments
 * (locales/<lang>/wallet.ftl): the code that refuses the sale renders them in each reader's
 * language and sends them. No grammY here.
 */
export interface LocalizedText {
  readonly key: string;
  readonly args: Readonly<Record<string, string | number>>;
}

/** For the tenant's admins: which order was refused and how much the wallet is short. */
export function saleRefusedAlert(input: {
  readonly orderId: number;
  readonly planName?: string | null | undefined;
  /** From `chargeSale`'s `insufficient` answer, in the operator's currency units. */
  readonly balance: number;
  readonly missing: number;
}): LocalizedText {
  return {
    key: 'wallet-alert-sale-refused',
    args: {
      // an id, not a quantity: no thousands separators
      order: String(input.orderId),
      plan: input.planName?.trim() || '-',
      balance: input.balance,
      missing: input.missing,
    },
  };
}

/** For the customer whose purchase was refused: clear, and without the shop's internals. */
export function saleRefusedNotice(): LocalizedText {
  return { key: 'wallet-sale-unavailable', args: {} };
}
