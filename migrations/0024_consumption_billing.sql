-- Billing by consumption (src/modules/wallet/consumption-billing.ts). A shop the operator bills by
-- consumption (setting wallet_billing_mode) is not charged per sale: once a day its consumed traffic
-- (bots.traffic_consumed_bytes, synced from the panel) is charged, only the bytes since the mark of
-- the previous charge, at the shop's wholesale price per GB.
--
-- The traffic was already used when it is charged, so a consumption charge may take the wallet
-- below zero: the debt stays visible in the balance and top-ups pay it first. Only a consumption
-- charge may end below zero; sales, refunds and adjustments keep to zero or above as before (the
-- services refuse them, the last CHECK below is the backstop). A balance is still bounded by
-- MAX_MONEY (0010), now both ways.

ALTER TABLE bots
  DROP CONSTRAINT bots_wallet_balance_check,
  DROP CONSTRAINT bots_wallet_balance_max,
  ADD CONSTRAINT bots_wallet_balance_max
    CHECK (wallet_balance BETWEEN -1000000000000000 AND 1000000000000000);

ALTER TABLE wallet_transactions
  DROP CONSTRAINT wallet_transactions_balance_after_check,
  DROP CONSTRAINT wallet_transactions_balance_after_max,
  ADD CONSTRAINT wallet_transactions_balance_after_max
    CHECK (balance_after BETWEEN -1000000000000000 AND 1000000000000000),
  -- a debit ends below zero only when it charges traffic already used; a credit may leave a debt
  ADD CONSTRAINT wallet_transactions_negative_by_consumption
    CHECK (balance_after >= 0 OR amount > 0 OR kind = 'consumption'),
  DROP CONSTRAINT wallet_transactions_kind_check,
  ADD CONSTRAINT wallet_transactions_kind_check
    CHECK (kind IN ('topup', 'sale', 'refund', 'adjustment', 'consumption')),
  DROP CONSTRAINT wallet_transactions_check,
  ADD CONSTRAINT wallet_transactions_check CHECK (
    (kind IN ('topup', 'refund') AND amount > 0)
    OR (kind = 'sale' AND amount < 0 AND order_id IS NOT NULL)
    OR (kind = 'consumption' AND amount < 0 AND order_id IS NULL)
    OR kind = 'adjustment'
  );

-- One row per shop and UTC day the daily charge ran for (the primary key makes it once a day
-- whatever retries or processes). The mark: consumption is charged from from_bytes (the previous
-- row's to_bytes) up to to_bytes; the bytes between to_bytes and consumed_bytes (worth less than one
-- currency unit) are carried to the next day.
--   opening   the shop's first day billed by consumption: the mark starts at what it consumed so
--             far (paid per sale before), nothing charged;
--   charge    the delta charged, amount = floor(bytes x price / GiB) whole units, or 0 when it is
--             worth less than one unit (to_bytes = from_bytes then); a consumed total lower than the
--             mark (a panel user created again starts its counter at zero) lowers the mark;
--   per_sale  a day the shop was billed per sale after having been billed by consumption: the
--             mark follows the consumption without charging it (those sales paid for it).
CREATE TABLE wallet_consumption_charges (
  bot_id           bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  day              date NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('opening', 'charge', 'per_sale')),
  consumed_bytes   bigint NOT NULL CHECK (consumed_bytes >= 0),
  from_bytes       bigint NOT NULL CHECK (from_bytes >= 0),
  to_bytes         bigint NOT NULL CHECK (to_bytes >= 0 AND to_bytes <= consumed_bytes),
  price_per_gb     bigint NOT NULL CHECK (price_per_gb >= 0),
  amount           bigint NOT NULL CHECK (amount >= 0),
  -- the wallet entry `consumption:<day>` of a charge with an amount
  wallet_entry_id  bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, day),
  UNIQUE (bot_id, wallet_entry_id),
  FOREIGN KEY (bot_id, wallet_entry_id) REFERENCES wallet_transactions (bot_id, id),
  CHECK ((amount > 0) = (wallet_entry_id IS NOT NULL)),
  CHECK (kind = 'charge' OR amount = 0),
  CONSTRAINT wallet_consumption_charges_amount_max CHECK (amount <= 1000000000000000),
  CONSTRAINT wallet_consumption_charges_price_per_gb_max CHECK (price_per_gb <= 1000000000000000)
);

ALTER TABLE wallet_consumption_charges ENABLE ROW LEVEL SECURITY;
ALTER TABLE wallet_consumption_charges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON wallet_consumption_charges
  USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id());
-- append-only for the service, like the wallet's entries
GRANT SELECT, INSERT ON wallet_consumption_charges TO remnafleet_app;
