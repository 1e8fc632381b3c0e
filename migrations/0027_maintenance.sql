-- Maintenance mode (src/modules/maintenance/). While it is on, a shop's customers get one short
-- "back soon" line and nothing else is done for them; its admins and the operators keep working, and
-- jobs that message customers wait (src/jobs/runner.ts, `messagesCustomers`).
--
-- One shop: bots.maintenance_since, NULL when off. The shop's admins switch it through a
-- tenant-bound transaction (the bots policy lets a tenant see and change its own row only).
ALTER TABLE bots ADD COLUMN maintenance_since timestamptz;

-- The whole platform: one row, switched by the operators. Not tenant data, so no bot_id, and only
-- platform transactions see it.
CREATE TABLE platform_maintenance (
  id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
  since      timestamptz,
  changed_by bigint,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO platform_maintenance (id) VALUES (true);

ALTER TABLE platform_maintenance ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_maintenance FORCE ROW LEVEL SECURITY;
CREATE POLICY platform_only ON platform_maintenance
  USING (app_is_platform()) WITH CHECK (app_is_platform());
GRANT SELECT, UPDATE ON platform_maintenance TO remnafleet_app;
