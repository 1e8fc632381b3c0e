-- Which ENCRYPTION_KEY the stored secrets (the tenants' bot tokens) are sealed with. The service
-- records an HMAC of a fixed text under the key at its first start (never the key itself) and
-- refuses to start when a later key gives another value: a changed key would otherwise start a
-- fleet that runs no bot while every shop still reads as healthy. One row at most.
CREATE TABLE encryption_key_check (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  check_value  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);

-- The service reads it and records it once; replacing it (after re-entering every token under a
-- new key) is the owner's decision, not something SQL run by the service can do.
GRANT SELECT, INSERT ON encryption_key_check TO remnafleet_app;
