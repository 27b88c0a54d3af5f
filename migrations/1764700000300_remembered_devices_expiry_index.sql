-- Up Migration

-- The hourly sweep deletes every account's remembered devices that expired over a day ago
-- (src/maintenance/sweep.ts): an index on the expiry, so it does not read the whole table.
CREATE INDEX remembered_devices_expires_idx ON remembered_devices (expires_at);

-- Down Migration

DROP INDEX remembered_devices_expires_idx;
