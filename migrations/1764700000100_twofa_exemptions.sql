-- Up Migration

-- An administrator's exemption of one account from its organisation's "required" two-step
-- verification (the admin API's and console's "disable two-step verification"). While it is in
-- effect (no `until`, or `until` still ahead) the sign-in treats the policy as "optional" for
-- this account; an exemption whose `until` has passed simply no longer applies. One row per
-- account: disabling again replaces it, requiring 2FA again deletes it.
CREATE TABLE twofa_exemptions (
  account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  until       timestamptz,
  reason      text NOT NULL CHECK (length(reason) BETWEEN 3 AND 500),
  -- who granted it, as the audit log names administrators ({"by": "api", "client": ...})
  created_by  jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE twofa_exemptions;
