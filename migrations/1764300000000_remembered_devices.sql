-- Up Migration

-- "Remember this device for N days" (issue 5). The browser holds 32 random bytes in a cookie;
-- only their SHA-256 is stored here. Forgetting a device keeps the row (forgotten_at, and why)
-- so the next sign-in on that browser can say what happened; expired and forgotten rows are
-- never honoured.
CREATE TABLE remembered_devices (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  token_hash       text NOT NULL UNIQUE,
  -- families parsed from the User-Agent (bowser), e.g. "Firefox" / "Windows"
  browser          text NOT NULL CHECK (length(browser) <= 100),
  os               text NOT NULL CHECK (length(os) <= 100),
  ip               text NOT NULL CHECK (length(ip) <= 64),
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_used_at     timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  forgotten_at     timestamptz,
  -- profile | password_changed | factor_reset | signed_out_everywhere | …
  forgotten_reason text CHECK (length(forgotten_reason) <= 64)
);
CREATE INDEX remembered_devices_account_idx ON remembered_devices (account_id, created_at DESC);

-- An administrator's flag: while set, a remembered device never skips the second factor.
ALTER TABLE accounts ADD COLUMN flagged_at timestamptz;

-- Down Migration

ALTER TABLE accounts DROP COLUMN flagged_at;
DROP TABLE remembered_devices;
