-- Up Migration

-- Per-organisation idle limit of a signed-in session (issue 6): a session with no activity for
-- this many seconds ends. NULL keeps the server's SESSION_IDLE_SECONDS. The absolute lifetime
-- (SESSION_MAX_SECONDS) still caps every session.
ALTER TABLE organisations
  ADD COLUMN session_idle_seconds integer CHECK (session_idle_seconds BETWEEN 60 AND 86400);

-- Down Migration

ALTER TABLE organisations DROP COLUMN session_idle_seconds;
