-- Up Migration

-- Administrative roles of user accounts (issue 6). admin: everything; org_admin: the users and
-- policy of the account's own organisation only. An account without a row is a plain user.
CREATE TABLE account_roles (
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('admin', 'org_admin')),
  granted_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, role)
);

-- Down Migration

DROP TABLE account_roles;
