-- Importing a single-tenant installation (src/modules/importer, `npm run cli -- import:single-tenant`).
--
-- import_runs: one row per import that wrote something, with its report (counts, sums, rules,
-- rejected rows). import_rows: every target row an import created or linked, keyed by the source
-- installation and the source row, so a second run finds what the first did (idempotent) and a
-- rollback deletes exactly those rows (`created`; a linked row that existed before is left alone).
-- imported_transactions: the source's balance history, kept beside the ledger: the source's
-- history does not sum to its balances (they were reset on 2026-06-05, admin edits are not always
-- recorded), so the ledger gets one opening entry per customer (kind 'migration') and the history
-- is kept here, converted to the shop's unit, for reading.
CREATE TABLE import_runs (
  id              bigserial PRIMARY KEY,
  bot_id          bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  -- a fingerprint of the source installation (its first users), stable across runs
  source_key      text NOT NULL CHECK (length(source_key) BETWEEN 1 AND 64),
  -- e.g. remnabot-0092
  source_flavour  text NOT NULL CHECK (length(source_flavour) BETWEEN 1 AND 64),
  -- where it was read from, without credentials
  source_label    text NOT NULL CHECK (length(source_label) <= 500),
  status          text NOT NULL DEFAULT 'imported' CHECK (status IN ('imported', 'rolled_back')),
  report          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(report) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  rolled_back_at  timestamptz,
  UNIQUE (bot_id, id),
  CHECK ((status = 'rolled_back') = (rolled_back_at IS NOT NULL))
);
CREATE INDEX import_runs_source ON import_runs (bot_id, source_key, id);

CREATE TABLE import_rows (
  bot_id      bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  source_key  text NOT NULL,
  entity      text NOT NULL CHECK (entity IN (
                'customer', 'group', 'subscription', 'promo_code', 'promo_use', 'receipt',
                'opening_balance')),
  -- the source row's id (users.id, subscriptions.id, ...)
  source_id   text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 64),
  run_id      bigint NOT NULL,
  -- the row of our table: customers.id, customer_groups.id, ledger_transactions.id, ...
  target_id   bigint NOT NULL,
  -- false: an existing row was linked (a group of the same name), never deleted by a rollback
  created     boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, source_key, entity, source_id),
  FOREIGN KEY (bot_id, run_id) REFERENCES import_runs (bot_id, id) ON DELETE CASCADE
);
CREATE INDEX import_rows_run ON import_rows (bot_id, run_id);
CREATE INDEX import_rows_target ON import_rows (bot_id, entity, target_id);

CREATE TABLE imported_transactions (
  id              bigserial PRIMARY KEY,
  bot_id          bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  run_id          bigint NOT NULL,
  source_key      text NOT NULL,
  -- transactions.id in the source
  source_id       bigint NOT NULL,
  customer_id     bigint NOT NULL,
  -- deposit, withdrawal, subscription_payment, refund, failed_refund, referral_reward, poll_reward, gift_payment
  type            text NOT NULL CHECK (length(type) BETWEEN 1 AND 50),
  -- in the shop's currency unit, the sign as the source stored it (direction comes from the type)
  amount          bigint NOT NULL,
  -- the stored integer and the scale it was read on ('x100': hundredths, 'unit': 1:1)
  source_amount   integer NOT NULL,
  source_scale    text NOT NULL CHECK (source_scale IN ('x100', 'unit')),
  payment_method  text,
  external_id     text,
  is_completed    boolean,
  description     text,
  created_at      timestamptz,
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, source_key, source_id),
  CONSTRAINT imported_transactions_amount_max CHECK (amount BETWEEN -1000000000000000 AND 1000000000000000),
  FOREIGN KEY (bot_id, run_id) REFERENCES import_runs (bot_id, id),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE
);
CREATE INDEX imported_transactions_customer ON imported_transactions (bot_id, customer_id, created_at);
CREATE INDEX imported_transactions_run ON imported_transactions (bot_id, run_id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['import_runs', 'import_rows', 'imported_transactions'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
  END LOOP;
  GRANT USAGE, SELECT ON SEQUENCE import_runs_id_seq, imported_transactions_id_seq TO remnafleet_app;
END
$$;
