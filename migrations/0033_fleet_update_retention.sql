-- Forgetting old update ids is one job for the whole fleet (hourly), not one job per shop: at 10,000
-- shops the per-shop job was 10,000 jobs claimed and run at the top of every hour, for shops that
-- mostly had nothing to forget. The platform transaction that runs it reaches the two tables through
-- one function that runs as the owner and deletes by age only: it returns a count, never a row, and
-- does nothing outside a platform transaction. Tenants still see and write their own rows only.

-- Only the owner (the role running this migration; remnafleet_app is a member of nothing), which is
-- who the function runs as, may look at and delete every shop's rows. A superuser owner bypasses RLS
-- anyway.
CREATE POLICY retention_read ON processed_updates FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY retention_delete ON processed_updates FOR DELETE TO CURRENT_USER USING (true);
CREATE POLICY retention_read ON update_inbox FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY retention_delete ON update_inbox FOR DELETE TO CURRENT_USER USING (true);

-- Shop by shop, through the (bot_id, ...) indexes the per-shop deletes used: one statement over the
-- whole table would read all of processed_updates, the fleet's largest table.
-- Inbox rows are kept a week longer than the ids (an operator may still look at a failed update),
-- and an id is kept while its update is in the inbox (a redelivery must still be recognised).
CREATE FUNCTION prune_updates(p_before timestamptz) RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  shop bigint;
  removed bigint := 0;
  n bigint;
BEGIN
  IF NOT public.app_is_platform() THEN
    RETURN 0;
  END IF;
  FOR shop IN SELECT id FROM public.bots ORDER BY id LOOP
    DELETE FROM public.update_inbox
     WHERE bot_id = shop AND received_at < p_before - interval '7 days';
    GET DIAGNOSTICS n = ROW_COUNT;
    removed := removed + n;
    DELETE FROM public.processed_updates p
     WHERE p.bot_id = shop AND p.received_at < p_before
       AND NOT EXISTS (SELECT 1 FROM public.update_inbox i
                        WHERE i.bot_id = p.bot_id AND i.update_id = p.update_id);
    GET DIAGNOSTICS n = ROW_COUNT;
    removed := removed + n;
  END LOOP;
  RETURN removed;
END
$$;
REVOKE ALL ON FUNCTION prune_updates(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION prune_updates(timestamptz) TO remnafleet_app;

-- The per-shop jobs queued before this version would find no job of that name (a platform job
-- now). This migration runs in a transaction of its own; the setting lets the jobs policy show them.
SELECT set_config('app.platform', 'on', true);
DELETE FROM jobs WHERE name = 'prune-updates' AND status = 'queued';
