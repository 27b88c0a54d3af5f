-- Up Migration

-- The language of the account's last sign-in (en, de, nl, ...): security e-mails are written in
-- it. NULL until the first sign-in; English then.
ALTER TABLE accounts ADD COLUMN locale text CHECK (locale ~ '^[a-z]{2,3}(-[A-Za-z0-9]{1,8})?$');

-- Self-service resets of the second factors that wait for the organisation's cool-off period
-- (reset_cooloff_seconds) before they take effect; the account owner can cancel them until then.
-- A reset without a cool-off is applied at once and leaves only its audit events.
CREATE TABLE factor_resets (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  requested_at  timestamptz NOT NULL,
  effective_at  timestamptz NOT NULL,
  cancelled_at  timestamptz,
  done_at       timestamptz,
  ip            text,
  user_agent    text,
  CHECK (cancelled_at IS NULL OR done_at IS NULL)
);
-- at most one pending reset per account
CREATE UNIQUE INDEX factor_resets_pending_key ON factor_resets (account_id) WHERE cancelled_at IS NULL AND done_at IS NULL;

-- Down Migration

DROP TABLE factor_resets;
ALTER TABLE accounts DROP COLUMN locale;
