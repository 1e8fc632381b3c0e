-- The tenant wallet: the operator sells traffic wholesale to tenants. bots.wallet_balance is the
-- running sum of this table, changed in the same transaction as each entry (the bots row is locked
-- first, so postings of one tenant run one after another). Amounts are integers in the operator's
-- currency unit: top-ups and refunds credit, sales debit, adjustments go either way.
-- (0004 is reserved for payments.)

ALTER TABLE bots ADD CONSTRAINT bots_wallet_balance_check CHECK (wallet_balance >= 0);

CREATE TABLE wallet_transactions (
  id             bigserial PRIMARY KEY,
  bot_id         bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  amount         bigint NOT NULL CHECK (amount <> 0),
  balance_after  bigint NOT NULL CHECK (balance_after >= 0),
  kind           text NOT NULL CHECK (kind IN ('topup', 'sale', 'refund', 'adjustment')),
  -- traffic sold (sales) or given back (refunds); unlimited plans count at the configured equivalent
  bytes          bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
  order_id       bigint,
  -- order:<id>, a payment id, a Telegram message...: the same reference moves money once per tenant
  external_ref   text CHECK (external_ref IS NULL OR length(external_ref) BETWEEN 1 AND 200),
  reason         text CHECK (reason IS NULL OR length(reason) <= 500),
  -- Telegram id of the operator who made it; null for sales and jobs
  created_by     bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, external_ref),
  -- an order's entries stay as long as the order: history is not deleted with a cancelled order
  FOREIGN KEY (bot_id, order_id) REFERENCES orders (bot_id, id),
  CHECK (
    (kind IN ('topup', 'refund') AND amount > 0)
    OR (kind = 'sale' AND amount < 0 AND order_id IS NOT NULL)
    OR kind = 'adjustment'
  )
);
CREATE INDEX wallet_transactions_order ON wallet_transactions (bot_id, order_id) WHERE order_id IS NOT NULL;

-- Consumed traffic, synced from the panel: the panel's lifetime counter per subscription, so a
-- tenant's total keeps the last known value of a user the panel lost or could not answer for.
ALTER TABLE subscriptions
  ADD COLUMN lifetime_used_traffic_bytes bigint NOT NULL DEFAULT 0 CHECK (lifetime_used_traffic_bytes >= 0);

ALTER TABLE wallet_transactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE wallet_transactions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON wallet_transactions
  USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id());
-- append-only for the service: an entry is never changed or removed (a tenant's deletion cascades as owner)
GRANT SELECT, INSERT ON wallet_transactions TO remnafleet_app;
GRANT USAGE, SELECT ON SEQUENCE wallet_transactions_id_seq TO remnafleet_app;
