-- Card-to-card payments, as the bot runs them: the purchase a payment was made for, where its
-- receipt was shown to the admins (so a decision can be written onto those messages), who decided
-- and why, and whether the receipt image was seen before.

ALTER TABLE card_to_card_payments
  -- the waiting purchase an approval completes; a payment outlives a deleted order as a top-up
  ADD COLUMN order_id bigint,
  -- how the receipt file came: a photo (largest size kept) or a document
  ADD COLUMN receipt_file_kind text CHECK (receipt_file_kind IN ('photo', 'document')),
  -- [{chatId, messageId, kind: 'caption' | 'text'}]: the receipt messages in the admin chat (or
  -- each admin's private chat), edited once the payment is decided
  ADD COLUMN admin_messages jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(admin_messages) = 'array'),
  -- the admin's name as Telegram showed it when deciding (reviewed_by has the Telegram id)
  ADD COLUMN reviewer_name text CHECK (reviewer_name IS NULL OR length(reviewer_name) <= 200),
  ADD COLUMN reject_reason text CHECK (reject_reason IS NULL OR length(reject_reason) BETWEEN 1 AND 500),
  -- the first earlier payment of this tenant with the same receipt image
  ADD COLUMN duplicate_of bigint,
  -- the same image was used in another tenant's payment (see receipt_seen_elsewhere below)
  ADD COLUMN reused_elsewhere boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT card_to_card_payments_order_fk
    FOREIGN KEY (bot_id, order_id) REFERENCES orders (bot_id, id) ON DELETE SET NULL (order_id),
  ADD CONSTRAINT card_to_card_payments_duplicate_fk
    FOREIGN KEY (bot_id, duplicate_of) REFERENCES card_to_card_payments (bot_id, id) ON DELETE SET NULL (duplicate_of),
  ADD CONSTRAINT card_to_card_payments_file_kind
    CHECK ((receipt_file_id IS NULL) = (receipt_file_kind IS NULL)),
  ADD CONSTRAINT card_to_card_payments_not_self_duplicate
    CHECK (duplicate_of IS DISTINCT FROM id),
  -- a decision (or expiry) is dated; a pending payment has none
  ADD CONSTRAINT card_to_card_payments_decided
    CHECK ((status = 'pending') = (reviewed_at IS NULL));

CREATE INDEX card_to_card_payments_order ON card_to_card_payments (bot_id, order_id) WHERE order_id IS NOT NULL;

-- A receipt image reused across the fleet. Telegram's file_unique_id is the same for every bot, so
-- a screenshot sent to two shops can be recognised; but no tenant may learn anything else about
-- another tenant's payments. The service role therefore gets one question answered, never rows:
-- "was this image used in a payment of any tenant other than mine?". The function runs as the
-- migration owner (SECURITY DEFINER) and only answers inside a tenant transaction.
--
-- Row-level security is FORCEd, so even the owner sees only app.bot_id's rows; this policy lets the
-- owner (the role running this migration, never the service role: remnafleet_app is a member of
-- nothing) read the table, which is what the function needs. A superuser owner bypasses RLS anyway.
CREATE POLICY receipt_lookup ON card_to_card_payments FOR SELECT TO CURRENT_USER USING (true);

-- The one index not led by bot_id: the lookup above is across tenants by design.
CREATE INDEX card_to_card_payments_receipt_fleet ON card_to_card_payments (receipt_file_unique_id)
  WHERE receipt_file_unique_id IS NOT NULL;

CREATE FUNCTION receipt_seen_elsewhere(p_file_unique_id text) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT public.app_bot_id() IS NOT NULL AND EXISTS (
      SELECT 1 FROM public.card_to_card_payments
       WHERE receipt_file_unique_id = p_file_unique_id
         AND bot_id <> public.app_bot_id())
  $$;
REVOKE ALL ON FUNCTION receipt_seen_elsewhere(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION receipt_seen_elsewhere(text) TO remnafleet_app;
