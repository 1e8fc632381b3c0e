-- Selling: a durable job queue, orders (purchase, renewal, trial) and what subscriptions need for them.

-- Jobs are always a tenant's: the payload's tenant is the row's bot_id, and RLS keeps a tenant-bound
-- transaction to its own jobs. The runner claims across tenants in a platform transaction.
CREATE TABLE jobs (
  id            bigserial PRIMARY KEY,
  bot_id        bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  payload       jsonb NOT NULL DEFAULT '{}',
  -- at most one job per key and tenant (e.g. provision:<order id>): enqueueing twice is harmless
  dedupe_key    text,
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts  integer NOT NULL DEFAULT 20 CHECK (max_attempts >= 1),
  run_at        timestamptz NOT NULL DEFAULT now(),
  -- a running job whose lease ran out belongs to a crashed worker and is taken again
  locked_until  timestamptz,
  last_error    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, dedupe_key)
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE status IN ('done', 'failed');

-- One row per thing a customer buys. The money and the state move together: the ledger debit is in
-- the same transaction as `paid`, and the provisioning job is enqueued in it too.
CREATE TABLE orders (
  id                  bigserial PRIMARY KEY,
  bot_id              bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id         bigint NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('purchase', 'renewal', 'trial')),
  plan_id             bigint,
  subscription_id     bigint,
  status              text NOT NULL DEFAULT 'created'
                        CHECK (status IN ('created', 'paid', 'provisioning', 'active', 'cancelled')),
  -- what was sold, copied from the plan at ordering time: editing a plan never changes an order
  plan_name           text,
  price               bigint NOT NULL CHECK (price >= 0),
  currency            text NOT NULL CHECK (currency IN ('IRT', 'USD', 'RUB')),
  period_days         integer NOT NULL CHECK (period_days BETWEEN 1 AND 3650),
  traffic_gb          integer NOT NULL CHECK (traffic_gb >= 0),
  device_limit        integer NOT NULL CHECK (device_limit >= 0),
  -- absolute expiry decided once when paid, so a provisioning retry never extends twice
  target_expires_at   timestamptz,
  transaction_id      bigint,
  -- the button press that created it: a double press finds the same order
  idempotency_key     text,
  last_error          text,
  paid_at             timestamptz,
  activated_at        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, idempotency_key),
  UNIQUE (bot_id, transaction_id),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, plan_id) REFERENCES bot_plans (bot_id, id) ON DELETE SET NULL (plan_id),
  FOREIGN KEY (bot_id, subscription_id) REFERENCES subscriptions (bot_id, id) ON DELETE SET NULL (subscription_id),
  FOREIGN KEY (bot_id, transaction_id) REFERENCES ledger_transactions (bot_id, id),
  CHECK (status IN ('created', 'cancelled') OR transaction_id IS NOT NULL OR price = 0)
);
CREATE INDEX orders_customer ON orders (bot_id, customer_id, id);
CREATE INDEX orders_status ON orders (bot_id, status, created_at);
-- a trial is taken once per customer, whatever races
CREATE UNIQUE INDEX orders_one_trial ON orders (bot_id, customer_id) WHERE kind = 'trial';

-- One panel user per customer and tenant: the deterministic panel username.
CREATE UNIQUE INDEX subscriptions_one_per_customer ON subscriptions (bot_id, customer_id);
ALTER TABLE subscriptions
  ADD COLUMN panel_short_uuid text,
  ADD COLUMN used_traffic_bytes bigint NOT NULL DEFAULT 0 CHECK (used_traffic_bytes >= 0),
  ADD COLUMN synced_at timestamptz;

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY jobs_isolation ON jobs
  USING (bot_id = app_bot_id() OR app_is_platform())
  WITH CHECK (bot_id = app_bot_id() OR app_is_platform());
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs TO remnafleet_app;
GRANT USAGE, SELECT ON SEQUENCE jobs_id_seq TO remnafleet_app;

ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON orders USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO remnafleet_app;
GRANT USAGE, SELECT ON SEQUENCE orders_id_seq TO remnafleet_app;
