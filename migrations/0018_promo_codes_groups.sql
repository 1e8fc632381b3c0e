-- Customer groups (price lists) and promo codes.

-- A shop's groups of customers (for example retail and colleagues): a discount percent on every
-- plan, or a price of their own for some plans (customer_group_prices), which wins over the percent.
CREATE TABLE customer_groups (
  id                bigserial PRIMARY KEY,
  bot_id            bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  discount_percent  integer NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 100),
  -- a group switched off prices like no group; its members stay in it
  is_active         boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, name)
);

CREATE TABLE customer_group_prices (
  bot_id      bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  group_id    bigint NOT NULL,
  plan_id     bigint NOT NULL,
  price       bigint NOT NULL CHECK (price >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, group_id, plan_id),
  FOREIGN KEY (bot_id, group_id) REFERENCES customer_groups (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, plan_id) REFERENCES bot_plans (bot_id, id) ON DELETE CASCADE,
  CONSTRAINT customer_group_prices_price_max CHECK (price <= 1000000000000000)
);

ALTER TABLE customers
  ADD COLUMN group_id bigint,
  ADD CONSTRAINT customers_group FOREIGN KEY (bot_id, group_id)
    REFERENCES customer_groups (bot_id, id) ON DELETE SET NULL (group_id);
CREATE INDEX customers_group ON customers (bot_id, group_id) WHERE group_id IS NOT NULL;

-- Promo codes. `code` is stored upper-cased (case-insensitive per shop); any Unicode letters and
-- digits. Kinds: percent / fixed discount on a plan (held for the customer's next purchase),
-- balance credit, extra days on a subscription, a trial, a move into a customer group.
CREATE TABLE promo_codes (
  id                   bigserial PRIMARY KEY,
  bot_id               bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  code                 text NOT NULL CHECK (length(code) BETWEEN 1 AND 64 AND code = upper(code)),
  kind                 text NOT NULL CHECK (kind IN ('percent', 'fixed', 'balance', 'days', 'trial', 'group')),
  percent              integer CHECK (percent BETWEEN 1 AND 100),
  -- the fixed discount, or the balance credited
  amount               bigint CHECK (amount > 0),
  -- extra days, or the trial's days
  days                 integer CHECK (days BETWEEN 1 AND 3650),
  -- the trial's traffic (0 unlimited); null: the shop's trial_traffic_gb
  traffic_gb           integer CHECK (traffic_gb BETWEEN 0 AND 100000),
  group_id             bigint,
  -- discounts: only a customer's first paid plan, only plans priced at least this much
  first_purchase_only  boolean NOT NULL DEFAULT false,
  min_price            bigint NOT NULL DEFAULT 0 CHECK (min_price >= 0),
  -- a discount entered is held this many hours (null: until the code's valid_until)
  hold_hours           integer CHECK (hold_hours BETWEEN 1 AND 87600),
  -- null: unlimited; uses counts every redemption, a held discount included
  max_uses             integer CHECK (max_uses >= 1),
  uses                 integer NOT NULL DEFAULT 0 CHECK (uses >= 0),
  per_customer         integer NOT NULL DEFAULT 1 CHECK (per_customer BETWEEN 1 AND 1000),
  valid_from           timestamptz,
  valid_until          timestamptz,
  is_active            boolean NOT NULL DEFAULT true,
  created_by           bigint,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, code),
  FOREIGN KEY (bot_id, group_id) REFERENCES customer_groups (bot_id, id),
  CONSTRAINT promo_codes_amount_max CHECK (amount <= 1000000000000000),
  CONSTRAINT promo_codes_min_price_max CHECK (min_price <= 1000000000000000),
  CHECK (max_uses IS NULL OR uses <= max_uses),
  CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from < valid_until),
  CHECK (kind <> 'percent' OR percent IS NOT NULL),
  CHECK (kind NOT IN ('fixed', 'balance') OR amount IS NOT NULL),
  CHECK (kind NOT IN ('days', 'trial') OR days IS NOT NULL),
  CHECK (kind <> 'group' OR group_id IS NOT NULL)
);
CREATE INDEX promo_codes_listing ON promo_codes (bot_id, is_active, id);

-- A discount code limited to some plans.
CREATE TABLE promo_code_plans (
  bot_id         bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  promo_code_id  bigint NOT NULL,
  plan_id        bigint NOT NULL,
  PRIMARY KEY (bot_id, promo_code_id, plan_id),
  FOREIGN KEY (bot_id, promo_code_id) REFERENCES promo_codes (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, plan_id) REFERENCES bot_plans (bot_id, id) ON DELETE CASCADE
);

-- One row per use of a code by a customer. A discount is `reserved` (held for the next plan
-- purchase) until the order it priced is paid (`used`); a hold that lapsed unused is `released`
-- and gives its use back. Other kinds are `used` at once.
CREATE TABLE promo_redemptions (
  id              bigserial PRIMARY KEY,
  bot_id          bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  promo_code_id   bigint NOT NULL,
  customer_id     bigint NOT NULL,
  -- the customer's n-th use of this code: with the unique key, never past per_customer
  use_number      integer NOT NULL DEFAULT 1 CHECK (use_number >= 1),
  status          text NOT NULL CHECK (status IN ('reserved', 'used', 'released')),
  -- the order it priced (a discount) or made (days, trial)
  order_id        bigint,
  -- the balance credit's ledger entry
  transaction_id  bigint,
  expires_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  used_at         timestamptz,
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, promo_code_id, customer_id, use_number),
  FOREIGN KEY (bot_id, promo_code_id) REFERENCES promo_codes (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, order_id) REFERENCES orders (bot_id, id) ON DELETE SET NULL (order_id),
  FOREIGN KEY (bot_id, transaction_id) REFERENCES ledger_transactions (bot_id, id)
);
CREATE INDEX promo_redemptions_customer ON promo_redemptions (bot_id, customer_id, status);
-- one discount held at a time per customer
CREATE UNIQUE INDEX promo_redemptions_one_held ON promo_redemptions (bot_id, customer_id)
  WHERE status = 'reserved';

-- The discount an order was priced with, and the code and use behind it.
ALTER TABLE orders
  ADD COLUMN discount_amount bigint NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
  ADD CONSTRAINT orders_discount_amount_max CHECK (discount_amount <= 1000000000000000),
  ADD COLUMN promo_code_id bigint,
  ADD CONSTRAINT orders_promo_code FOREIGN KEY (bot_id, promo_code_id)
    REFERENCES promo_codes (bot_id, id) ON DELETE SET NULL (promo_code_id),
  ADD COLUMN promo_redemption_id bigint,
  ADD CONSTRAINT orders_promo_redemption FOREIGN KEY (bot_id, promo_redemption_id)
    REFERENCES promo_redemptions (bot_id, id) ON DELETE SET NULL (promo_redemption_id);
-- a held discount prices one waiting order at a time
CREATE UNIQUE INDEX orders_one_waiting_per_redemption ON orders (bot_id, promo_redemption_id)
  WHERE status = 'created' AND promo_redemption_id IS NOT NULL;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customer_groups', 'customer_group_prices', 'promo_codes', 'promo_code_plans',
                           'promo_redemptions'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['customer_groups', 'promo_codes', 'promo_redemptions'] LOOP
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO remnafleet_app', t || '_id_seq');
  END LOOP;
END
$$;
