-- Up Migration

-- Each organisation's two-step verification policy (issue 5). Defaults keep today's behaviour:
-- 2FA optional, every method allowed, devices remembered for 7 days on the same address.
ALTER TABLE organisations
  -- off: no second factor is asked or offered; optional: users choose; required: every user
  -- must have one (from mandatory_from, when set; before it a banner invites set-up)
  ADD COLUMN twofa_mode text NOT NULL DEFAULT 'optional' CHECK (twofa_mode IN ('off', 'optional', 'required')),
  ADD COLUMN allowed_methods text[] NOT NULL DEFAULT '{totp,email,sms,webauthn}'
    CHECK (allowed_methods <@ '{totp,email,sms,webauthn}'::text[] AND cardinality(allowed_methods) > 0),
  -- at most one of the code methods (e-mail, SMS) at a time, as some products allow
  ADD COLUMN one_code_method boolean NOT NULL DEFAULT false,
  ADD COLUMN mandatory_from timestamptz,
  -- "Remember this device": days (0 hides the checkbox) and how the IP address must match
  ADD COLUMN remember_device_days integer NOT NULL DEFAULT 7 CHECK (remember_device_days BETWEEN 0 AND 90),
  ADD COLUMN remember_ip_rule text NOT NULL DEFAULT 'exact' CHECK (remember_ip_rule IN ('exact', 'prefix', 'ignore')),
  -- a self-service 2FA reset waits this long (with a "Cancel this reset" link) before it takes effect
  ADD COLUMN reset_cooloff_seconds integer NOT NULL DEFAULT 0 CHECK (reset_cooloff_seconds BETWEEN 0 AND 2592000),
  -- end the session after a user's first second factor is activated, so they sign in with it
  ADD COLUMN logout_after_activation boolean NOT NULL DEFAULT false;

-- Down Migration

ALTER TABLE organisations
  DROP COLUMN logout_after_activation,
  DROP COLUMN reset_cooloff_seconds,
  DROP COLUMN remember_ip_rule,
  DROP COLUMN remember_device_days,
  DROP COLUMN mandatory_from,
  DROP COLUMN one_code_method,
  DROP COLUMN allowed_methods,
  DROP COLUMN twofa_mode;
