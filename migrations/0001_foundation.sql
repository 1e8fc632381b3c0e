-- Foundation: tenants, their configuration, cards, plans, customers, subscriptions, ledger, payments.
--
-- Isolation rules (docs/ARCHITECTURE.md):
--   * every tenant table has a non-null bot_id, every unique key includes it, indexes lead with it;
--   * rows reference other tenant rows through (bot_id, id) composite keys, so a cross-tenant link
--     is refused by the database itself;
--   * row-level security is enabled and forced on every tenant table; the service runs as
--     remnafleet_app, which does not own the tables and cannot bypass the policies.

-- The service role. NOLOGIN: the service either logs in as its own role that is a member of this
-- one (DATABASE_APP_URL) or switches to it with SET ROLE after connecting as the owner.
DO $$
BEGIN
  CREATE ROLE remnafleet_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- roles are cluster-wide: another database of this cluster created it already
END
$$;
GRANT remnafleet_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO remnafleet_app;

-- The tenant of the current transaction, set with set_config('app.bot_id', $1, true).
CREATE FUNCTION app_bot_id() RETURNS bigint
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.bot_id', true), '')::bigint $$;

-- Platform transactions (tenant registry, fleet-wide work) set app.platform = 'on'. Only the
-- bots table honours it; tenant data stays reachable only with a tenant set.
CREATE FUNCTION app_is_platform() RETURNS boolean
  LANGUAGE sql STABLE
  AS $$ SELECT coalesce(current_setting('app.platform', true), '') = 'on' $$;

CREATE TABLE bots (
  id                      bigserial PRIMARY KEY,
  name                    text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  token_ciphertext        text NOT NULL,
  telegram_bot_id         bigint NOT NULL UNIQUE,
  username                text,
  bot_info                jsonb,
  api_token_hash          text NOT NULL UNIQUE,
  is_master               boolean NOT NULL DEFAULT false,
  is_active               boolean NOT NULL DEFAULT true,
  admin_telegram_ids      bigint[] NOT NULL DEFAULT '{}',
  zarinpal_merchant_id    text,
  zarinpal_sandbox        boolean NOT NULL DEFAULT false,
  currency                text NOT NULL DEFAULT 'IRT' CHECK (currency IN ('IRT', 'USD', 'RUB')),
  wallet_balance          bigint NOT NULL DEFAULT 0,
  wholesale_price_per_gb  bigint NOT NULL DEFAULT 0 CHECK (wholesale_price_per_gb >= 0),
  traffic_consumed_bytes  bigint NOT NULL DEFAULT 0 CHECK (traffic_consumed_bytes >= 0),
  traffic_sold_bytes      bigint NOT NULL DEFAULT 0 CHECK (traffic_sold_bytes >= 0),
  created_by              bigint,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
-- One master bot per deployment.
CREATE UNIQUE INDEX bots_single_master ON bots (is_master) WHERE is_master;
CREATE INDEX bots_active ON bots (id) WHERE is_active;

CREATE TABLE bot_feature_flags (
  bot_id       bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  feature_key  text NOT NULL,
  enabled      boolean NOT NULL,
  config       jsonb NOT NULL DEFAULT '{}',
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, feature_key)
);

CREATE TABLE bot_configurations (
  bot_id      bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  config_key  text NOT NULL,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, config_key)
);

CREATE TABLE tenant_payment_cards (
  id             bigserial PRIMARY KEY,
  bot_id         bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  card_number    text NOT NULL CHECK (card_number ~ '^[0-9]{16}$'),
  holder_name    text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 128),
  bank_name      text,
  weight         integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
  success_count  integer NOT NULL DEFAULT 0 CHECK (success_count >= 0),
  failure_count  integer NOT NULL DEFAULT 0 CHECK (failure_count >= 0),
  usage_count    integer NOT NULL DEFAULT 0 CHECK (usage_count >= 0),
  is_active      boolean NOT NULL DEFAULT true,
  last_used_at   timestamptz,
  -- time_based rotation: when this card last became the current one
  current_since  timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, card_number)
);

CREATE TABLE bot_plans (
  id            bigserial PRIMARY KEY,
  bot_id        bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  period_days   integer NOT NULL CHECK (period_days BETWEEN 1 AND 3650),
  price         bigint NOT NULL CHECK (price > 0),
  traffic_gb    integer NOT NULL DEFAULT 0 CHECK (traffic_gb >= 0),
  device_limit  integer NOT NULL DEFAULT 1 CHECK (device_limit >= 0),
  is_active     boolean NOT NULL DEFAULT true,
  sort_order    integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id)
);
CREATE INDEX bot_plans_listing ON bot_plans (bot_id, is_active, sort_order, id);

CREATE TABLE customers (
  id                 bigserial PRIMARY KEY,
  bot_id             bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  telegram_id        bigint NOT NULL,
  username           text,
  first_name         text,
  last_name          text,
  language           text NOT NULL DEFAULT 'fa' CHECK (language IN ('fa', 'en', 'ru')),
  has_chosen_language boolean NOT NULL DEFAULT false,
  balance            bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
  referral_code      text NOT NULL,
  referred_by        bigint,
  rules_accepted_at  timestamptz,
  is_blocked         boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, telegram_id),
  UNIQUE (bot_id, referral_code),
  FOREIGN KEY (bot_id, referred_by) REFERENCES customers (bot_id, id) ON DELETE SET NULL (referred_by),
  CHECK (referred_by IS DISTINCT FROM id)
);

CREATE TABLE subscriptions (
  id                   bigserial PRIMARY KEY,
  bot_id               bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id          bigint NOT NULL,
  plan_id              bigint,
  is_trial             boolean NOT NULL DEFAULT false,
  status               text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'active', 'expired', 'limited', 'disabled')),
  panel_username       text NOT NULL,
  panel_user_id        bigint,
  subscription_url     text,
  expires_at           timestamptz,
  traffic_limit_bytes  bigint NOT NULL DEFAULT 0 CHECK (traffic_limit_bytes >= 0),
  device_limit         integer NOT NULL DEFAULT 1 CHECK (device_limit >= 0),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  -- one deterministic panel user per subscription
  UNIQUE (bot_id, panel_username),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, plan_id) REFERENCES bot_plans (bot_id, id) ON DELETE SET NULL (plan_id)
);
CREATE INDEX subscriptions_customer ON subscriptions (bot_id, customer_id);

-- Every credit and debit of a customer balance. customers.balance is the running sum, kept in the
-- same transaction; balance_after makes each entry auditable on its own.
CREATE TABLE ledger_transactions (
  id             bigserial PRIMARY KEY,
  bot_id         bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id    bigint NOT NULL,
  amount         bigint NOT NULL CHECK (amount <> 0),
  balance_after  bigint NOT NULL CHECK (balance_after >= 0),
  kind           text NOT NULL CHECK (kind IN (
                   'admin_credit', 'admin_debit', 'topup', 'purchase', 'renewal', 'refund',
                   'referral_bonus', 'promo', 'migration')),
  reason         text,
  -- external payment id, order id, ...: the same reference can move money only once per tenant
  external_ref   text,
  created_by     bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, external_ref),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE
);
CREATE INDEX ledger_transactions_customer ON ledger_transactions (bot_id, customer_id, id);

CREATE TABLE card_to_card_payments (
  id                      bigserial PRIMARY KEY,
  bot_id                  bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id             bigint NOT NULL,
  transaction_id          bigint,
  card_id                 bigint,
  amount                  bigint NOT NULL CHECK (amount > 0),
  tracking_number         text NOT NULL,
  receipt_type            text NOT NULL CHECK (receipt_type IN ('image', 'text', 'both')),
  receipt_text            text,
  receipt_file_id         text,
  receipt_file_unique_id  text,
  status                  text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
  reviewed_by             bigint,
  reviewed_at             timestamptz,
  admin_notes             text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, tracking_number),
  UNIQUE (bot_id, transaction_id),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, transaction_id) REFERENCES ledger_transactions (bot_id, id),
  FOREIGN KEY (bot_id, card_id) REFERENCES tenant_payment_cards (bot_id, id) ON DELETE SET NULL (card_id)
);
CREATE INDEX card_to_card_payments_status ON card_to_card_payments (bot_id, status, created_at);
CREATE INDEX card_to_card_payments_receipt ON card_to_card_payments (bot_id, receipt_file_unique_id);

CREATE TABLE zarinpal_payments (
  id              bigserial PRIMARY KEY,
  bot_id          bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id     bigint NOT NULL,
  transaction_id  bigint,
  -- what our balance gains, in the tenant's currency
  amount          bigint NOT NULL CHECK (amount > 0),
  -- exactly what was sent to the gateway, and in which unit
  gateway_amount  bigint NOT NULL CHECK (gateway_amount > 0),
  currency        text NOT NULL CHECK (currency IN ('IRT', 'IRR')),
  merchant_id     text NOT NULL,
  authority       text UNIQUE,
  ref_id          text UNIQUE,
  card_pan_masked text,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'cancelled')),
  failure_code    integer,
  callback_url    text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, transaction_id),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, transaction_id) REFERENCES ledger_transactions (bot_id, id)
);
CREATE INDEX zarinpal_payments_status ON zarinpal_payments (bot_id, status, created_at);

-- Row-level security on every tenant table.
ALTER TABLE bots ENABLE ROW LEVEL SECURITY;
ALTER TABLE bots FORCE ROW LEVEL SECURITY;
CREATE POLICY bots_isolation ON bots
  USING (id = app_bot_id() OR app_is_platform())
  WITH CHECK (id = app_bot_id() OR app_is_platform());

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'bot_feature_flags', 'bot_configurations', 'tenant_payment_cards', 'bot_plans', 'customers',
    'subscriptions', 'ledger_transactions', 'card_to_card_payments', 'zarinpal_payments'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
    IF t NOT IN ('bot_feature_flags', 'bot_configurations') THEN
      EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO remnafleet_app', t || '_id_seq');
    END IF;
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON bots TO remnafleet_app;
GRANT USAGE, SELECT ON SEQUENCE bots_id_seq TO remnafleet_app;
GRANT EXECUTE ON FUNCTION app_bot_id(), app_is_platform() TO remnafleet_app;
