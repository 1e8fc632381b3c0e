-- Help pages: a shop's FAQ and connection guides. The default pages (a guide per app, a few
-- questions) live in code and locales/*/help.ftl and need no row: a row of help_pages exists for a
-- default page only once the shop changed it (hid it, moved it, wrote its own text), and deleting
-- that row is "reset to default". A page the shop wrote itself (default_key NULL) is a row from the
-- start. help_page_texts holds the shop's own text per language; a language without a row shows
-- the default text (a default page) or the shop's text in another language (its own page).
CREATE TABLE help_pages (
  id           bigserial PRIMARY KEY,
  bot_id       bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  default_key  text CHECK (default_key ~ '^[a-z0-9-]{1,32}$'),
  kind         text NOT NULL CHECK (kind IN ('guide', 'faq')),
  is_hidden    boolean NOT NULL DEFAULT false,
  sort_order   integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, default_key)
);

CREATE TABLE help_page_texts (
  bot_id      bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  page_id     bigint NOT NULL,
  language    text NOT NULL CHECK (language IN ('fa', 'en', 'ru')),
  -- the title is the page's button; title and text together fit one Telegram message (4096)
  title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 64),
  body        text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, page_id, language),
  FOREIGN KEY (bot_id, page_id) REFERENCES help_pages (bot_id, id) ON DELETE CASCADE
);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['help_pages', 'help_page_texts'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
  END LOOP;
END
$$;
GRANT USAGE, SELECT ON SEQUENCE help_pages_id_seq TO remnafleet_app;
