-- Up Migration

-- A confirmed second factor of an account. Enrolments in progress live in Redis until the user
-- proves the factor works; only then is a row written.
CREATE TABLE factors (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('totp', 'email', 'sms', 'webauthn')),
  label          text NOT NULL DEFAULT '' CHECK (length(label) <= 100),
  -- totp: base32 secret sealed with AES-256-GCM under ENCRYPTION_KEY (context factor_secret:<id>)
  secret_sealed  text,
  -- totp: the last accepted time step; a step is never accepted twice
  last_step      bigint,
  -- email / sms: where codes go (a confirmed e-mail address, an E.164 phone number)
  destination    text,
  -- webauthn (values as @simplewebauthn/server gives them, base64url where binary)
  credential_id  text UNIQUE,
  public_key     text,
  sign_count     bigint,
  transports     text[],
  device_type    text CHECK (device_type IN ('singleDevice', 'multiDevice')),
  backed_up      boolean,
  aaguid         text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz,
  CHECK (kind <> 'totp' OR secret_sealed IS NOT NULL),
  CHECK (kind NOT IN ('email', 'sms') OR destination IS NOT NULL),
  CHECK (kind <> 'webauthn' OR (credential_id IS NOT NULL AND public_key IS NOT NULL AND sign_count IS NOT NULL))
);
CREATE INDEX factors_account_idx ON factors (account_id, created_at);

-- Single-use recovery codes, stored as keyed hashes (HMAC-SHA-256 under a key derived from
-- ENCRYPTION_KEY), never in the clear.
CREATE TABLE recovery_codes (
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  code_hash   text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  used_at     timestamptz,
  PRIMARY KEY (account_id, code_hash)
);

ALTER TABLE accounts ADD COLUMN preferred_factor_id uuid REFERENCES factors (id) ON DELETE SET NULL;

-- Down Migration

ALTER TABLE accounts DROP COLUMN preferred_factor_id;
DROP TABLE recovery_codes;
DROP TABLE factors;
