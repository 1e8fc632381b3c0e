-- Several service processes on one PostgreSQL (src/bot/poll-leases.ts). In webhook mode any process
-- handles any bot and none of this is used. In polling mode Telegram answers one getUpdates per bot
-- at a time (a second one ends the first with 409), so each bot is polled by the one process that
-- holds its lease here.
--
-- Every process heartbeats its row in fleet_instances and the leases it holds; a row whose
-- expires_at has passed belongs to a process that died (kill -9, machine lost) or was cut off, and
-- its bots are taken over by the live ones. The live processes share the bots evenly.
-- Not tenant data, so no row-level security by tenant: platform transactions only.
CREATE TABLE fleet_instances (
  instance_id  text        PRIMARY KEY CHECK (length(instance_id) BETWEEN 1 AND 100),
  -- random per process start: a second process started with the same INSTANCE_ID is noticed
  process_key  text        NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);

CREATE TABLE bot_poll_leases (
  bot_id       bigint      PRIMARY KEY REFERENCES bots (id) ON DELETE CASCADE,
  instance_id  text        NOT NULL,
  acquired_at  timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX bot_poll_leases_instance ON bot_poll_leases (instance_id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['fleet_instances', 'bot_poll_leases'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY platform_only ON %I USING (app_is_platform()) WITH CHECK (app_is_platform())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
  END LOOP;
END
$$;
