-- A panel webhook about a user whose name this fleet did not give (a shop imported from a
-- single-tenant installation keeps its panel users' names) is routed by looking the name up across
-- shops (createPanelUserOwners, src/modules/subscriptions/panel-events.ts): an index on the name
-- alone (the unique one leads with bot_id), and a read-only policy letting platform transactions
-- find the shop. Tenant transactions still see their own subscriptions only; platform
-- transactions cannot write them.
CREATE INDEX IF NOT EXISTS subscriptions_panel_username_idx ON subscriptions (panel_username);
CREATE POLICY platform_read ON subscriptions FOR SELECT USING (app_is_platform());
