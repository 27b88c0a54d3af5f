-- Up Migration

CREATE TABLE organisations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id  uuid NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
  email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  email_verified   boolean NOT NULL DEFAULT false,
  name             text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  -- argon2id PHC string; NULL until the user has set a password (invitations)
  password_hash    text,
  password_changed_at timestamptz,
  disabled_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));
CREATE INDEX accounts_organisation_idx ON accounts (organisation_id);

CREATE TABLE clients (
  client_id      text PRIMARY KEY CHECK (client_id ~ '^[A-Za-z0-9._~-]{3,128}$'),
  -- AES-256-GCM sealed client secret (see src/crypto/secret-box.ts); NULL for public clients
  secret_sealed  text,
  -- oidc-provider client metadata without the secret, snake_case as registered
  metadata       jsonb NOT NULL,
  first_party    boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE signing_keys (
  kid                 text PRIMARY KEY,
  alg                 text NOT NULL CHECK (alg IN ('ES256', 'RS256')),
  public_jwk          jsonb NOT NULL,
  -- private JWK sealed with AES-256-GCM under ENCRYPTION_KEY, bound to the kid
  private_jwk_sealed  text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  -- published from created_at; used for signing from signs_from (so every replica publishes it first)
  signs_from          timestamptz NOT NULL,
  -- set when a newer key replaces it: kept published until then, so its tokens still verify
  retire_at           timestamptz
);
CREATE INDEX signing_keys_alg_idx ON signing_keys (alg, signs_from DESC);

CREATE TABLE audit_events (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  type         text NOT NULL,
  account_id   uuid,
  client_id    text,
  ip           text,
  user_agent   text,
  details      jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_account_idx ON audit_events (account_id, at DESC);
CREATE INDEX audit_events_type_idx ON audit_events (type, at DESC);

-- Down Migration

DROP TABLE audit_events;
DROP TABLE signing_keys;
DROP TABLE clients;
DROP TABLE accounts;
DROP TABLE organisations;
