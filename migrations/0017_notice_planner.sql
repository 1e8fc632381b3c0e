-- What the hourly notice planner (src/modules/lifecycle/notice-planner.ts) reads: the
-- subscriptions whose expiry (less a warning's days, or plus the come-back days) falls in the hour
-- planned, as index range scans instead of every subscription of the shop every hour. (Traffic
-- warnings read the shop's limited subscriptions: a ratio of two columns cannot serve as an index
-- condition under row-level security, whose policy must be checked before a division that may fail.)
CREATE INDEX subscriptions_expiry ON subscriptions (bot_id, expires_at) WHERE expires_at IS NOT NULL;
