-- When Telegram last refused to deliver to the customer because they blocked the bot (403), or
-- told us so (my_chat_member "kicked"). Notices skip such a customer instead of retrying into the
-- refusal; /start or unblocking the bot clears it. Not an admin ban: that is is_blocked.
ALTER TABLE customers ADD COLUMN unreachable_since timestamptz;
