-- Broadcasts: a message (text, or a photo with caption, with an optional URL button) to a segment
-- of a shop's customers, delivered by the broadcast-deliver job at the bot's pace.
--
-- The recipients are materialised when the broadcast is confirmed (one row per customer), so a
-- crash never changes who gets it, and each row is a recipient's state: pending → sending (claimed
-- by a delivery run, just before its send) → sent | blocked | failed, or unknown when the run that
-- claimed it died between sending and marking (never sent again: a duplicate is worse than a gap),
-- or cancelled.
CREATE TABLE broadcasts (
  id                   bigserial PRIMARY KEY,
  bot_id               bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  -- who asked: a shop admin in the bot, the REST API, or an operator from the master bot
  origin               text NOT NULL CHECK (origin IN ('admin', 'api', 'operator')),
  created_by           bigint,
  text                 text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 4096),
  -- a Telegram file id of this bot, or an https URL
  photo                text CHECK (char_length(photo) BETWEEN 1 AND 1024),
  button_text          text CHECK (char_length(button_text) BETWEEN 1 AND 64),
  button_url           text CHECK (char_length(button_url) BETWEEN 1 AND 2048),
  segment              text NOT NULL
    CHECK (segment IN ('all', 'active', 'expired', 'never_bought', 'trial_only', 'language', 'admins')),
  segment_language     text CHECK (segment_language IN ('fa', 'en', 'ru')),
  status               text NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'done', 'cancelled')),
  total                integer NOT NULL DEFAULT 0 CHECK (total >= 0),
  -- the admin message that shows progress (edited at most every few seconds) and the final report
  progress_chat_id     bigint,
  progress_message_id  bigint,
  progress_language    text CHECK (progress_language IN ('fa', 'en', 'ru')),
  progress_edited_at   timestamptz,
  reported_at          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  finished_at          timestamptz,
  UNIQUE (bot_id, id),
  -- a caption holds at most 1024 characters
  CHECK (photo IS NULL OR char_length(text) <= 1024),
  CHECK ((button_text IS NULL) = (button_url IS NULL)),
  CHECK ((segment = 'language') = (segment_language IS NOT NULL))
);
CREATE INDEX broadcasts_listing ON broadcasts (bot_id, id DESC);

CREATE TABLE broadcast_recipients (
  bot_id        bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  broadcast_id  bigint NOT NULL,
  customer_id   bigint NOT NULL,
  -- the chat as it was at confirm time (a customer is one Telegram user of this bot)
  chat_id       bigint NOT NULL,
  status        text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sending', 'sent', 'blocked', 'failed', 'unknown', 'cancelled')),
  -- Telegram 5xx answers: the message was not taken, so it is tried again, a few times
  attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- the delivery run that claimed it (job step and attempt): a later attempt of the same step
  -- knows the earlier one died between claiming and marking, and counts its rows as unknown
  claim_step    integer,
  claim_attempt integer,
  claimed_at    timestamptz,
  finished_at   timestamptz,
  error         text CHECK (char_length(error) <= 300),
  PRIMARY KEY (bot_id, broadcast_id, customer_id),
  FOREIGN KEY (bot_id, broadcast_id) REFERENCES broadcasts (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE
);
-- the delivery run's claim: the next pending rows of one broadcast
CREATE INDEX broadcast_recipients_queue ON broadcast_recipients (bot_id, broadcast_id, status, customer_id);

-- One send clock per bot, shared by all its broadcasts and every process: a delivery run reserves
-- the next second's sends here before it claims recipients, and a 429 moves it past retry_after,
-- which pauses all of the bot's broadcasts.
CREATE TABLE broadcast_pace (
  bot_id        bigint PRIMARY KEY REFERENCES bots (id) ON DELETE CASCADE,
  next_send_at  timestamptz NOT NULL DEFAULT now()
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['broadcasts', 'broadcast_recipients', 'broadcast_pace'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
  END LOOP;
END
$$;
GRANT USAGE, SELECT ON SEQUENCE broadcasts_id_seq TO remnafleet_app;
