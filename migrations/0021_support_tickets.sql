-- Support tickets (src/modules/tickets): a customer's conversation with the shop's admins. A ticket
-- is opened by the customer's first message (its subject); every message and every close or reopen
-- is a row of ticket_messages, so the history survives. ticket_deliveries maps each message the bot
-- sent about a ticket (chat, message id) back to the ticket, so a Telegram reply to it answers that
-- ticket: keyed by bot first, a reply in one shop's chat can never reach another shop's ticket.
CREATE TABLE support_tickets (
  id               bigserial PRIMARY KEY,
  bot_id           bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id      bigint NOT NULL,
  -- the first message's opening words; empty when it was a file without a caption
  subject          text NOT NULL CHECK (length(subject) <= 200),
  -- open: waits for the admins; answered: waits for the customer; closed
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
  last_message_at  timestamptz NOT NULL DEFAULT now(),
  closed_at        timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE
);
CREATE INDEX support_tickets_customer ON support_tickets (bot_id, customer_id, status);
CREATE INDEX support_tickets_status ON support_tickets (bot_id, status, last_message_at);

CREATE TABLE ticket_messages (
  id                 bigserial PRIMARY KEY,
  bot_id             bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  ticket_id          bigint NOT NULL,
  -- the ticket's customer, kept here so the per-minute limit (every customer event) counts one index range
  customer_id        bigint NOT NULL,
  -- message: text and/or a file; closed / reopened: who changed the ticket's state
  kind               text NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'closed', 'reopened')),
  author             text NOT NULL CHECK (author IN ('customer', 'admin')),
  -- the admin who wrote it in Telegram; null for a customer or the REST API
  admin_telegram_id  bigint,
  text               text CHECK (length(text) <= 4096),
  file_id            text CHECK (length(file_id) <= 256),
  file_kind          text CHECK (file_kind IN ('photo', 'document')),
  -- the Telegram update that carried it: handled again, the same update finds its message
  source_update_id   bigint,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  CHECK ((file_id IS NULL) = (file_kind IS NULL)),
  CHECK (kind <> 'message' OR text IS NOT NULL OR file_id IS NOT NULL),
  FOREIGN KEY (bot_id, ticket_id) REFERENCES support_tickets (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (bot_id, ticket_id, id);
CREATE INDEX ticket_messages_rate ON ticket_messages (bot_id, customer_id, created_at)
  WHERE author = 'customer';
CREATE UNIQUE INDEX ticket_messages_source_update ON ticket_messages (bot_id, source_update_id)
  WHERE source_update_id IS NOT NULL;

CREATE TABLE ticket_deliveries (
  bot_id             bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  chat_id            bigint NOT NULL,
  telegram_message_id bigint NOT NULL,
  ticket_id          bigint NOT NULL,
  ticket_message_id  bigint NOT NULL,
  -- admins: a reply to it is an admin's answer; customer: a reply to it is the customer's
  side               text NOT NULL CHECK (side IN ('admins', 'customer')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_id, chat_id, telegram_message_id),
  FOREIGN KEY (bot_id, ticket_id) REFERENCES support_tickets (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, ticket_message_id) REFERENCES ticket_messages (bot_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_deliveries_message ON ticket_deliveries (bot_id, ticket_message_id);
CREATE INDEX ticket_deliveries_ticket ON ticket_deliveries (bot_id, ticket_id);

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['support_tickets', 'ticket_messages', 'ticket_deliveries'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id())', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO remnafleet_app', t);
  END LOOP;
  GRANT USAGE, SELECT ON SEQUENCE support_tickets_id_seq, ticket_messages_id_seq TO remnafleet_app;
END
$$;
