-- The update inbox: an admitted Telegram update is kept, with its body, until its handling has
-- finished. A process killed or cut off from the database mid-update leaves the row unfinished,
-- and any process running the bot handles it again once its lease has run out.
--   received: persisted by the poller before the offset moved past it (nobody handles it yet)
--   handling: claimed by a handler until lease_until
--   done:     handled (the body is dropped)
--   failed:   given up after repeated failures (the body is kept for an operator to look at)
ALTER TABLE processed_updates
  ADD COLUMN state text NOT NULL DEFAULT 'done'
    CHECK (state IN ('received', 'handling', 'done', 'failed')),
  ADD COLUMN payload jsonb,
  ADD COLUMN lease_until timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD CONSTRAINT processed_updates_unfinished_has_payload
    CHECK (state NOT IN ('received', 'handling') OR payload IS NOT NULL);

-- The recovery sweep looks across tenants for unfinished updates whose lease ran out. Rows leave
-- this index when they finish, so it stays as small as the work in flight.
CREATE INDEX processed_updates_unfinished ON processed_updates (lease_until)
  WHERE state IN ('received', 'handling');

-- The sweep runs in a platform transaction and reads unfinished updates only: a finished update of
-- a tenant stays visible to that tenant alone. It cannot write; handling claims in the tenant's own
-- transaction.
CREATE POLICY platform_recovery ON processed_updates FOR SELECT
  USING (app_is_platform() AND state IN ('received', 'handling'));

-- A receipt is recorded once per Telegram update, so handling the same message again after a crash
-- finds the receipt it already recorded instead of filing a second one.
ALTER TABLE card_to_card_payments ADD COLUMN source_update_id bigint;
CREATE UNIQUE INDEX card_to_card_payments_source_update
  ON card_to_card_payments (bot_id, source_update_id) WHERE source_update_id IS NOT NULL;
