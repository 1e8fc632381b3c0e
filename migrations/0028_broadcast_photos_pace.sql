-- Broadcasts, part two: an operator's photo carried to each shop's bot, and each bot's send slots.
--
-- A Telegram file id works only for the bot that received it: a photo the operators sent the master
-- bot is kept with that bot's id (`photo_bot_id`), and each shop's bot fetches it through the master
-- bot and uploads it with its send. NULL: `photo` is this shop's own file id, or a URL.
ALTER TABLE broadcasts
  ADD COLUMN photo_bot_id bigint REFERENCES bots (id) ON DELETE SET NULL,
  ADD CONSTRAINT broadcasts_photo_bot CHECK (photo_bot_id IS NULL OR photo IS NOT NULL);

-- The bot's send slots, one per message of a second's worth (its rate): when each may be used again,
-- a second after the send that used it last came back (a run about to send holds its slots a while
-- longer: they come back by themselves once its sends must have ended). So no one second holds more
-- than the rate, and a bot's sends follow each other at its pace without waiting for a whole second's
-- sends to come back. `next_send_at` stays the pause after a 429 (and the clock of older processes).
ALTER TABLE broadcast_pace ADD COLUMN slots timestamptz[] NOT NULL DEFAULT '{}';
