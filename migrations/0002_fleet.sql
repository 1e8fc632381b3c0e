-- The fleet: bot health, webhook state, update deduplication and persisted sessions.

ALTER TABLE bots
  ADD COLUMN health_status text NOT NULL DEFAULT 'unknown'
    CHECK (health_status IN ('unknown', 'healthy', 'unauthorized', 'failing')),
  ADD COLUMN health_error text,
  ADD COLUMN health_changed_at timestamptz,
  -- hash of the webhook url, secret and allowed updates last set: unchanged → no setWebhook at start
  ADD COLUMN webhook_fingerprint text;

-- Telegram may deliver an update more than once (slow answers, retries); each is handled once.
CREATE TABLE processed_updates (
  bot_id       bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  update_id    bigint NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, update_id)
);
CREATE INDEX processed_updates_age ON processed_updates (bot_id, received_at);

-- Conversation state per bot and chat.
CREATE TABLE bot_sessions (
  bot_id       bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  session_key  text NOT NULL,
  data         jsonb NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, session_key)
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['processed_updates', 'bot_sessions'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
  END LOOP;
END
$$;
