-- Up Migration

-- Per-organisation overrides of the server's second-factor limits (issue 6); NULL keeps the
-- server's setting (SIGNIN_MAX_WRONG_CODES, CODE_TTL_SECONDS).
ALTER TABLE organisations
  ADD COLUMN max_wrong_codes integer CHECK (max_wrong_codes BETWEEN 1 AND 20),
  ADD COLUMN code_ttl_seconds integer CHECK (code_ttl_seconds BETWEEN 30 AND 900);

-- Down Migration

ALTER TABLE organisations DROP COLUMN code_ttl_seconds, DROP COLUMN max_wrong_codes;
