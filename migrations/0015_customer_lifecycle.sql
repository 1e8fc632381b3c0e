-- Keeping customers: several subscriptions per customer, what the lifecycle (notices, panel events,
-- autopay) needs on each, and extra traffic and day packs sold through the same orders.

-- Several subscriptions per customer, numbered per customer: the first keeps its panel username
-- rf<bot>c<customer>, the n-th is rf<bot>c<customer>s<n> (deterministic, so a retried create finds
-- instead of duplicating). Every existing row is the customer's first.
DROP INDEX subscriptions_one_per_customer;
ALTER TABLE subscriptions
  ADD COLUMN ordinal integer NOT NULL DEFAULT 1 CHECK (ordinal BETWEEN 1 AND 1000),
  ADD CONSTRAINT subscriptions_customer_ordinal UNIQUE (bot_id, customer_id, ordinal),
  -- renew automatically from the balance before expiry; null follows the shop's autopay_default
  ADD COLUMN autopay boolean,
  -- the panel deleted the user: the paid entitlement stays and is re-provisioned on the next
  -- renewal or by an admin; cleared once a panel user exists again
  ADD COLUMN lost_at timestamptz,
  -- the panel's updatedAt of the last panel event applied: an older event arriving late is ignored
  ADD COLUMN panel_event_at timestamptz,
  ADD COLUMN first_connected_at timestamptz,
  -- the start of the current traffic period (a renewal, a traffic reset or a traffic pack starts a
  -- new one): traffic notices are sent once per period
  ADD COLUMN traffic_period_started_at timestamptz NOT NULL DEFAULT now();

-- Extra traffic (GB) and extra days, sold per shop on top of a subscription.
CREATE TABLE bot_packs (
  id          bigserial PRIMARY KEY,
  bot_id      bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('traffic', 'days')),
  -- GB for traffic, days for days
  amount      integer NOT NULL CHECK (amount BETWEEN 1 AND 100000),
  price       bigint NOT NULL CHECK (price > 0),
  is_active   boolean NOT NULL DEFAULT true,
  sort_order  integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  CONSTRAINT bot_packs_price_max CHECK (price <= 1000000000000000),
  CHECK (kind = 'traffic' OR amount <= 3650)
);
CREATE INDEX bot_packs_listing ON bot_packs (bot_id, kind, is_active, sort_order, id);

-- Orders for packs: traffic_gb is the pack's GB (period_days 0), period_days its days (traffic_gb 0).
ALTER TABLE orders DROP CONSTRAINT orders_kind_check;
ALTER TABLE orders DROP CONSTRAINT orders_period_days_check;
ALTER TABLE orders
  ADD CONSTRAINT orders_kind_check
    CHECK (kind IN ('purchase', 'renewal', 'trial', 'traffic_pack', 'day_pack')),
  ADD CONSTRAINT orders_period_days_check CHECK (
    period_days BETWEEN 0 AND 3650
    AND (period_days >= 1 OR kind = 'traffic_pack')
  ),
  ADD COLUMN pack_id bigint,
  ADD CONSTRAINT orders_pack FOREIGN KEY (bot_id, pack_id) REFERENCES bot_packs (bot_id, id)
    ON DELETE SET NULL (pack_id),
  -- a pack is bought for one existing subscription
  ADD CONSTRAINT orders_pack_target CHECK (
    kind NOT IN ('traffic_pack', 'day_pack') OR status IN ('created', 'cancelled') OR subscription_id IS NOT NULL
  );

-- Each lifecycle notice once per subscription and period: the row is claimed before the notice is
-- queued, so two planners (processes, retries, a restart) queue it once. period_key names the
-- period: the expiry it warns about, or the start of the traffic period.
CREATE TABLE subscription_notices (
  id               bigserial PRIMARY KEY,
  bot_id           bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  subscription_id  bigint NOT NULL,
  kind             text NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
  period_key       text NOT NULL CHECK (length(period_key) BETWEEN 1 AND 64),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, subscription_id, kind, period_key),
  FOREIGN KEY (bot_id, subscription_id) REFERENCES subscriptions (bot_id, id) ON DELETE CASCADE
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['bot_packs', 'subscription_notices'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO remnafleet_app', t || '_id_seq');
  END LOOP;
END
$$;
