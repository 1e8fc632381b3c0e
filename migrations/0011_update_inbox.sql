-- The update inbox: an admitted Telegram update is kept, with its body, until its handling has
-- finished. A process killed or cut off from the database mid-update leaves its row behind, and any
-- process running the bot handles it again once its lease has run out. processed_updates stays the
-- insert-only record of update ids seen (deduplication); a row lives here only while its update is
-- in hand, so this table and its indexes stay as small as the work in flight, and finishing an
-- update is a delete here rather than an update of a row in the large table.
--   received: stored by the poller before the offset moved past it (nobody handles it yet)
--   handling: claimed by a handler until lease_until
--   failed:   given up after repeated failures (the body is kept for an operator to look at)
CREATE TABLE update_inbox (
  bot_id       bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  update_id    bigint NOT NULL,
  state        text NOT NULL CHECK (state IN ('received', 'handling', 'failed')),
  payload      jsonb NOT NULL,
  lease_until  timestamptz NOT NULL,
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, update_id)
);

-- The recovery sweep looks across tenants for updates whose lease ran out.
CREATE INDEX update_inbox_due ON update_inbox (lease_until) WHERE state <> 'failed';

ALTER TABLE update_inbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE update_inbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON update_inbox
  USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id());
-- The sweep runs in a platform transaction and reads the updates in hand or waiting only; it
-- cannot write them (the handler claims in the tenant's own transaction).
CREATE POLICY platform_recovery ON update_inbox FOR SELECT
  USING (app_is_platform() AND state <> 'failed');
GRANT SELECT, INSERT, UPDATE, DELETE ON update_inbox TO remnafleet_app;

-- A receipt is recorded once per Telegram update, so handling the same message again after a crash
-- finds the receipt it already recorded instead of filing a second one.
ALTER TABLE card_to_card_payments ADD COLUMN source_update_id bigint;
CREATE UNIQUE INDEX card_to_card_payments_source_update
  ON card_to_card_payments (bot_id, source_update_id) WHERE source_update_id IS NOT NULL;
