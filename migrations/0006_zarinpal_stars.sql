-- Getting paid through gateways: Zarinpal payments learn which purchase they pay for and how the
-- browser callback finds them; Telegram Stars payments get their own table.
-- (0004 is card-to-card's, 0005 the wallet's; nothing here depends on either.)

-- The callback URL carries public_id, never the serial id: a payment cannot be guessed or
-- enumerated, and the callback of one tenant's payment cannot name another tenant's.
ALTER TABLE zarinpal_payments
  ADD COLUMN order_id bigint,
  ADD COLUMN public_id text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '')
    CHECK (public_id ~ '^[0-9a-f]{32}$'),
  -- which gateway host the authority belongs to, as it was when the payment was requested
  ADD COLUMN sandbox boolean NOT NULL DEFAULT false,
  -- the button press that asked for it: a double press gets the same payment link
  ADD COLUMN idempotency_key text CHECK (idempotency_key IS NULL OR length(idempotency_key) <= 200),
  -- reconciliation: when to ask the gateway again, and how often it was asked
  ADD COLUMN next_check_at timestamptz,
  ADD COLUMN check_count integer NOT NULL DEFAULT 0 CHECK (check_count >= 0),
  ADD COLUMN paid_at timestamptz,
  ADD CONSTRAINT zarinpal_payments_bot_id_public_id_key UNIQUE (bot_id, public_id),
  ADD CONSTRAINT zarinpal_payments_bot_id_idempotency_key_key UNIQUE (bot_id, idempotency_key),
  ADD CONSTRAINT zarinpal_payments_order_fkey FOREIGN KEY (bot_id, order_id)
    REFERENCES orders (bot_id, id) ON DELETE SET NULL (order_id);
CREATE INDEX zarinpal_payments_due ON zarinpal_payments (bot_id, next_check_at) WHERE status = 'pending';

-- Telegram Stars: one row per invoice sent. The charge id Telegram gives on successful_payment is
-- unique per tenant, so the same charge can never be recorded (or credited) twice.
CREATE TABLE stars_payments (
  id                          bigserial PRIMARY KEY,
  bot_id                      bigint NOT NULL REFERENCES bots (id) ON DELETE CASCADE,
  customer_id                 bigint NOT NULL,
  order_id                    bigint,
  transaction_id              bigint,
  -- the invoice's payload: how pre-checkout and successful_payment find this row
  payload                     text NOT NULL CHECK (length(payload) BETWEEN 1 AND 128),
  -- what the customer pays, in whole Stars (XTR)
  xtr_amount                  integer NOT NULL CHECK (xtr_amount > 0),
  -- the tenant's rate when the invoice was made (stars_per_unit_price: Stars per 1,000 units)
  stars_per_unit_price        integer NOT NULL CHECK (stars_per_unit_price > 0),
  -- what the balance gains, in the tenant's currency
  credit_amount               bigint NOT NULL CHECK (credit_amount > 0),
  currency                    text NOT NULL CHECK (currency IN ('IRT', 'USD', 'RUB')),
  status                      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'refunded')),
  telegram_payment_charge_id  text,
  paid_at                     timestamptz,
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bot_id, id),
  UNIQUE (bot_id, payload),
  UNIQUE (bot_id, telegram_payment_charge_id),
  UNIQUE (bot_id, transaction_id),
  CHECK (status = 'pending' OR telegram_payment_charge_id IS NOT NULL),
  FOREIGN KEY (bot_id, customer_id) REFERENCES customers (bot_id, id) ON DELETE CASCADE,
  FOREIGN KEY (bot_id, order_id) REFERENCES orders (bot_id, id) ON DELETE SET NULL (order_id),
  FOREIGN KEY (bot_id, transaction_id) REFERENCES ledger_transactions (bot_id, id)
);
CREATE INDEX stars_payments_customer ON stars_payments (bot_id, customer_id, id);

ALTER TABLE stars_payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE stars_payments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stars_payments
  USING (bot_id = app_bot_id()) WITH CHECK (bot_id = app_bot_id());
GRANT SELECT, INSERT, UPDATE, DELETE ON stars_payments TO remnafleet_app;
GRANT USAGE, SELECT ON SEQUENCE stars_payments_id_seq TO remnafleet_app;
