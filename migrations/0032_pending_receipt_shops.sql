-- Receipt expiry runs every 10 minutes for the shops with a receipt waiting for review (its job's
-- schedule `only: 'pending-receipts'`), not for every shop of the fleet. The platform transaction
-- that enqueues it learns which shops those are and nothing else: their bot ids, from a function
-- that runs as the owner (who reads card_to_card_payments through the `receipt_lookup` policy of
-- 0004) and answers in platform transactions only. Tenants still see their own payments only, and
-- platform transactions cannot read a payment.
CREATE INDEX IF NOT EXISTS card_to_card_payments_pending ON card_to_card_payments (bot_id)
  WHERE status = 'pending';

CREATE FUNCTION shops_with_pending_receipts() RETURNS SETOF bigint
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT DISTINCT bot_id FROM public.card_to_card_payments
     WHERE status = 'pending' AND public.app_is_platform()
  $$;
REVOKE ALL ON FUNCTION shops_with_pending_receipts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shops_with_pending_receipts() TO remnafleet_app;
