-- A platform-wide job (src/jobs/define.ts, definePlatformJob) runs once per window for the whole
-- fleet: the process whose insert of (name, window) wins runs it. Not tenant data, so no bot_id, and
-- only platform transactions see it.
CREATE TABLE platform_schedule_runs (
  name         text        NOT NULL,
  window_start timestamptz NOT NULL,
  claimed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, window_start)
);

ALTER TABLE platform_schedule_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_schedule_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON platform_schedule_runs
  USING (app_is_platform()) WITH CHECK (app_is_platform());
GRANT SELECT, INSERT, DELETE ON platform_schedule_runs TO remnafleet_app;
