-- Schedules narrowed to a feature (a job definition's `schedule.feature`, e.g. Zarinpal
-- reconciliation only for shops with Zarinpal on) are enqueued in one platform transaction, which
-- must see each tenant's switch. Reading only: switches are changed in the tenant's own transaction.
CREATE POLICY platform_schedules ON bot_feature_flags FOR SELECT
  USING (app_is_platform());
