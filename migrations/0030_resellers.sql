-- Resellers sign themselves up (src/modules/resellers). The master shop (bots.is_master) sells
-- reseller plans to its own customers: a plan has a monthly fee, wallet credit included with the
-- first month, the feature switches a shop on it may keep and a cap on its customers.
--
-- reseller_plans and reseller_signups are the MASTER tenant's rows (bot_id = the master bot): a
-- signup is a customer of the master shop asking for a shop of their own; it is paid from that
-- customer's master-shop balance (the ledger entry `reseller:<id>`), which the master shop's own
-- payment methods top up. reseller_subscriptions is the RESELLER's row (bot_id = the shop that was
-- created): its plan as bought, the end of the period paid for and whether selling is suspended.
-- The two tenants never read each other's rows: the start job writes each in its own tenant.

CREATE TABLE reseller_plans (
  id               bigserial PRIMARY KEY,
  bot_id           bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  monthly_fee      bigint NOT NULL CHECK (monthly_fee >= 0),
  included_credit  bigint NOT NULL DEFAULT 0 CHECK (included_credit >= 0),
  -- the feature switches a shop on this plan keeps; every other one is switched off at its start
  feature_keys     text[] NOT NULL DEFAULT '{}',
  -- most customers the shop may have; null: no cap
  customer_cap     integer CHECK (customer_cap > 0),
  is_active        boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  CONSTRAINT reseller_plans_monthly_fee_max CHECK (monthly_fee <= 1000000000000000),
  CONSTRAINT reseller_plans_included_credit_max CHECK (included_credit <= 1000000000000000)
);
CREATE INDEX reseller_plans_active ON reseller_plans (bot_id, is_active, id);

-- A person's way from "Open my shop" to a running shop:
--   awaiting_payment   the token was checked (getMe) and a plan chosen; the plan's fee is taken from
--                      the customer's balance as soon as it covers it (a payment settling, or a press)
--   awaiting_approval  paid, the master setting asks an operator to approve
--   approved           paid (and approved where asked): the start job creates the shop
--   started            the shop exists (shop_bot_id) and its bot runs
--   rejected / failed  refunded to the customer's balance (`reseller-refund:<id>`)
--   cancelled          given up before paying (nothing was taken)
CREATE TABLE reseller_signups (
  id               bigserial PRIMARY KEY,
  bot_id           bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id      bigint NOT NULL,
  plan_id          bigint NOT NULL,
  -- the pasted bot: its Telegram id, what getMe said, and its token sealed like bots.token_ciphertext
  telegram_bot_id  bigint NOT NULL,
  bot_username     text NOT NULL CHECK (length(bot_username) BETWEEN 1 AND 64),
  bot_name         text NOT NULL CHECK (length(bot_name) BETWEEN 1 AND 128),
  token_ciphertext text NOT NULL,
  -- the plan as chosen: what was paid and what the shop gets
  price            bigint NOT NULL CHECK (price >= 0),
  included_credit  bigint NOT NULL CHECK (included_credit >= 0),
  feature_keys     text[] NOT NULL,
  customer_cap     integer CHECK (customer_cap > 0),
  status           text NOT NULL DEFAULT 'awaiting_payment' CHECK (status IN (
                     'awaiting_payment', 'awaiting_approval', 'approved', 'started', 'rejected',
                     'failed', 'cancelled')),
  -- the ledger debit `reseller:<id>` (price 0: none) and the refund `reseller-refund:<id>`
  paid_entry_id    bigint,
  refund_entry_id  bigint,
  paid_at          timestamptz,
  -- the operator who approved or rejected it, and the reason of a rejection or failure
  decided_by       bigint,
  failure          text CHECK (length(failure) <= 500),
  -- the shop created for it (a platform id: the shop is another tenant, hence no foreign key)
  shop_bot_id      bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, plan_id) REFERENCES reseller_plans (bot_id, id),
  FOREIGN KEY (bot_id, paid_entry_id) REFERENCES ledger_transactions (bot_id, id),
  FOREIGN KEY (bot_id, refund_entry_id) REFERENCES ledger_transactions (bot_id, id),
  CONSTRAINT reseller_signups_price_max CHECK (price <= 1000000000000000),
  CONSTRAINT reseller_signups_included_credit_max CHECK (included_credit <= 1000000000000000)
);
CREATE INDEX reseller_signups_customer ON reseller_signups (bot_id, customer_id, status);
CREATE INDEX reseller_signups_status ON reseller_signups (bot_id, status, id);
-- one signup on its way per bot: a token pasted twice (or by two people) makes one shop
CREATE UNIQUE INDEX reseller_signups_one_open ON reseller_signups (bot_id, telegram_bot_id)
  WHERE status IN ('awaiting_payment', 'awaiting_approval', 'approved', 'started');

-- The shop's own view of its reseller plan (bot_id = the reseller's shop, one row). The monthly fee
-- is taken from the shop's wallet at period_end (`reseller-fee:<period_end>`, once per period,
-- under the wallet lock); short of it, unpaid_since is set and its admins are told, and after the
-- master's grace period sales_suspended_at stops selling until a fee is paid.
CREATE TABLE reseller_subscriptions (
  bot_id              bigint PRIMARY KEY REFERENCES bots (id) ON DELETE CASCADE,
  master_bot_id       bigint NOT NULL,
  signup_id           bigint NOT NULL,
  plan_id             bigint NOT NULL,
  plan_name           text NOT NULL,
  monthly_fee         bigint NOT NULL CHECK (monthly_fee >= 0),
  customer_cap        integer CHECK (customer_cap > 0),
  feature_keys        text[] NOT NULL,
  period_end          timestamptz NOT NULL,
  unpaid_since        timestamptz,
  sales_suspended_at  timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK (sales_suspended_at IS NULL OR unpaid_since IS NOT NULL),
  CONSTRAINT reseller_subscriptions_monthly_fee_max CHECK (monthly_fee <= 1000000000000000)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reseller_plans', 'reseller_signups', 'reseller_subscriptions'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
  END LOOP;
END
$$;
GRANT USAGE, SELECT ON SEQUENCE reseller_plans_id_seq, reseller_signups_id_seq TO remnafleet_app;

-- The shop a signup created, on the registry's row: a start job that died after creating the shop
-- and runs again recognises its own shop by this mark (a platform column, like the rest of bots).
ALTER TABLE bots ADD COLUMN reseller_signup_id bigint;
CREATE UNIQUE INDEX bots_reseller_signup ON bots (reseller_signup_id) WHERE reseller_signup_id IS NOT NULL;

-- A reseller's admin paying the operator for wallet credit (admin menu → Wallet → Top up): a
-- request in the master shop by the admin as its customer, paid from their master-shop balance
-- (`reseller-wallet:<id>`, topped up by the master's payment methods), then credited to the shop's
-- wallet by a job (`reseller-topup:<master>:<id>` in the shop's wallet: once per request).
CREATE TABLE reseller_wallet_topups (
  id               bigserial PRIMARY KEY,
  bot_id           bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id      bigint NOT NULL,
  -- the shop whose wallet gets the money (another tenant: no foreign key)
  shop_bot_id      bigint NOT NULL,
  amount           bigint NOT NULL CHECK (amount > 0),
  status           text NOT NULL DEFAULT 'awaiting_payment'
                     CHECK (status IN ('awaiting_payment', 'paid', 'credited', 'cancelled')),
  paid_entry_id    bigint,
  paid_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, paid_entry_id) REFERENCES ledger_transactions (bot_id, id),
  CONSTRAINT reseller_wallet_topups_amount_max CHECK (amount <= 1000000000000000)
);
CREATE INDEX reseller_wallet_topups_customer ON reseller_wallet_topups (bot_id, customer_id, status);
ALTER TABLE reseller_wallet_topups ENABLE ROW LEVEL SECURITY;
ALTER TABLE reseller_wallet_topups FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reseller_wallet_topups
  USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON reseller_wallet_topups TO remnafleet_app;
GRANT USAGE, SELECT ON SEQUENCE reseller_wallet_topups_id_seq TO remnafleet_app;
