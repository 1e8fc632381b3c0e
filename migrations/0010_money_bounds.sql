-- Money never loses precision. The service reads money columns as JavaScript numbers, which hold
-- whole numbers exactly only up to 2^53 (about 9.007e15): past it a credit of 1 could vanish. Every
-- stored money value is bounded by 10^15 smallest units (MAX_MONEY in src/shared/money.ts), far
-- beyond any shop and low enough that a balance plus any one amount is still exact. The services
-- refuse a posting that would pass it before it reaches these constraints, which are the backstop.
-- Named *_max because the unnamed `CHECK (balance >= 0)` and the like already took *_check.

ALTER TABLE customers
  ADD CONSTRAINT customers_balance_max CHECK (balance <= 1000000000000000);

ALTER TABLE bots
  ADD CONSTRAINT bots_wallet_balance_max CHECK (wallet_balance <= 1000000000000000),
  ADD CONSTRAINT bots_wholesale_price_per_gb_max CHECK (wholesale_price_per_gb <= 1000000000000000);

ALTER TABLE ledger_transactions
  ADD CONSTRAINT ledger_transactions_amount_max
    CHECK (amount BETWEEN -1000000000000000 AND 1000000000000000),
  ADD CONSTRAINT ledger_transactions_balance_after_max CHECK (balance_after <= 1000000000000000);

ALTER TABLE wallet_transactions
  ADD CONSTRAINT wallet_transactions_amount_max
    CHECK (amount BETWEEN -1000000000000000 AND 1000000000000000),
  ADD CONSTRAINT wallet_transactions_balance_after_max CHECK (balance_after <= 1000000000000000);

ALTER TABLE bot_plans
  ADD CONSTRAINT bot_plans_price_max CHECK (price <= 1000000000000000);

ALTER TABLE orders
  ADD CONSTRAINT orders_price_max CHECK (price <= 1000000000000000);

ALTER TABLE card_to_card_payments
  ADD CONSTRAINT card_to_card_payments_amount_max CHECK (amount <= 1000000000000000);

-- gateway_amount is in Rial for an IRR gateway (ten times the Toman amount): bounded the same, as
-- it is read as a number too.
ALTER TABLE zarinpal_payments
  ADD CONSTRAINT zarinpal_payments_amount_max CHECK (amount <= 1000000000000000),
  ADD CONSTRAINT zarinpal_payments_gateway_amount_max CHECK (gateway_amount <= 1000000000000000);

ALTER TABLE stars_payments
  ADD CONSTRAINT stars_payments_credit_amount_max CHECK (credit_amount <= 1000000000000000);
