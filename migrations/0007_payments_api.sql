-- Payments in the management REST API (src/http/api/payments-routes.ts): card-to-card receipts
-- decided through the API, and the indexes its payment list reads newest first.

-- reviewed_by holds the Telegram id of the admin who decided in the bot. A decision made through
-- the API has no Telegram user behind it, so reviewed_by stays null and this column names the kind
-- of token that made it: 'operator' (the fleet operator's token) or 'tenant' (the bot's own API
-- token). Null for decisions made in Telegram, for expiries and while pending; nothing to backfill.
ALTER TABLE card_to_card_payments
  ADD COLUMN reviewed_by_api text CHECK (reviewed_by_api IN ('operator', 'tenant')),
  ADD CONSTRAINT card_to_card_payments_api_decision
    CHECK (reviewed_by_api IS NULL OR (reviewed_by IS NULL AND status IN ('approved', 'rejected')));

-- GET /bots/{id}/payments pages every method together by created_at: one ordered index per table
-- lets the union stop after the page instead of sorting the tenant's whole history.
CREATE INDEX card_to_card_payments_created ON card_to_card_payments (bot_id, created_at, id);
CREATE INDEX zarinpal_payments_created ON zarinpal_payments (bot_id, created_at, id);
CREATE INDEX stars_payments_created ON stars_payments (bot_id, created_at, id);
