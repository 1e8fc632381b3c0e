declare const brand: unique symbol;

/** A nominal type: a number that the compiler will not confuse with another kind of id. */
export type Brand<T, Name extends string> = T & { readonly [brand]: Name };

/** Primary key of `bots`: the tenant. */
export type BotId = Brand<number, 'BotId'>;
export type CustomerId = Brand<number, 'CustomerId'>;
export type PlanId = Brand<number, 'PlanId'>;
export type CardId = Brand<number, 'CardId'>;
export type LedgerEntryId = Brand<number, 'LedgerEntryId'>;

export const asBotId = (value: number): BotId => value as BotId;
export const asCustomerId = (value: number): CustomerId => value as CustomerId;
export const asPlanId = (value: number): PlanId => value as PlanId;
export const asCardId = (value: number): CardId => value as CardId;
export type OrderId = Brand<number, 'OrderId'>;
export type SubscriptionId = Brand<number, 'SubscriptionId'>;
export const asOrderId = (value: number): OrderId => value as OrderId;
export const asSubscriptionId = (value: number): SubscriptionId => value as SubscriptionId;
export type PackId = Brand<number, 'PackId'>;
export const asPackId = (value: number): PackId => value as PackId;
