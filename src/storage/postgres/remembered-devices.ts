// Remembered devices ("Remember this device for N days") and the administrator's flag on an
// account. Only the SHA-256 of a device's token is stored; forgetting keeps a tombstone.
// Times that are compared with the audit log and password_changed_at are the database's own
// (now()); the expiry is computed by the caller's clock, so tests can move it.
import type { Queryable } from './db.js';
import { isUuid } from './lookup-keys.js';

export interface RememberedDevice {
  id: string;
  accountId: string;
  browser: string;
  os: string;
  ip: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  forgottenAt: Date | null;
  forgottenReason: string | null;
}

const columns = `id, account_id AS "accountId", browser, os, ip, created_at AS "createdAt", last_used_at AS "lastUsedAt",
  expires_at AS "expiresAt", forgotten_at AS "forgottenAt", forgotten_reason AS "forgottenReason"`;

/** Audit events that change what proves the account is its owner's. */
export const credentialEvents = ['password.changed', 'factor.enrolled', 'factor.removed', 'factor.updated', 'factor.reset', 'factor.disabled_by_admin', 'twofactor.disabled'];

export function createRememberedDevicesRepo(db: Queryable) {
  return {
    /**
     * Remember a device. Rows of the account that expired before `purgeBefore` go at the same
     * time: their cookies are gone with them (Max-Age = the same days), so nothing can refer to them.
     */
    async save(input: { accountId: string; tokenHash: string; browser: string; os: string; ip: string; expiresAt: Date; purgeBefore?: Date }): Promise<RememberedDevice> {
      if (input.purgeBefore) await db.query('DELETE FROM remembered_devices WHERE account_id = $1 AND expires_at < $2', [input.accountId, input.purgeBefore]);
      const { rows } = await db.query<RememberedDevice>(
        `INSERT INTO remembered_devices (account_id, token_hash, browser, os, ip, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
        [input.accountId, input.tokenHash, input.browser, input.os, input.ip.slice(0, 64), input.expiresAt],
      );
      return rows[0]!;
    },
    /**
     * The sweep (src/maintenance/sweep.ts): every account's rows that expired before `before`.
     * In batches, each taking only rows nobody else has locked (SKIP LOCKED), so replicas
     * sweeping at the same time share the work instead of waiting on each other or failing.
     * Returns how many rows this caller deleted.
     */
    async deleteExpired(before: Date, batchSize = 1000): Promise<number> {
      let total = 0;
      for (;;) {
        const { rowCount } = await db.query(
          `DELETE FROM remembered_devices WHERE id IN (
             SELECT id FROM remembered_devices WHERE expires_at < $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
          [before, batchSize],
        );
        total += rowCount ?? 0;
        if ((rowCount ?? 0) < batchSize) return total;
      }
    },
    async findByTokenHash(tokenHash: string): Promise<RememberedDevice | undefined> {
      const { rows } = await db.query<RememberedDevice>(`SELECT ${columns} FROM remembered_devices WHERE token_hash = $1`, [tokenHash]);
      return rows[0];
    },
    /** Devices that still count: not forgotten, not expired at `now`, newest first. */
    async listLive(accountId: string, now: Date): Promise<RememberedDevice[]> {
      if (!isUuid(accountId)) return [];
      const { rows } = await db.query<RememberedDevice>(`SELECT ${columns} FROM remembered_devices WHERE account_id = $1 AND forgotten_at IS NULL AND expires_at > $2 ORDER BY created_at DESC`, [
        accountId,
        now,
      ]);
      return rows;
    },
    async touch(id: string): Promise<void> {
      await db.query('UPDATE remembered_devices SET last_used_at = now() WHERE id = $1', [id]);
    },
    /** Forget one device of this account; false when there is no such live device. */
    async forget(accountId: string, id: string, reason: string): Promise<boolean> {
      if (!isUuid(accountId) || !isUuid(id)) return false;
      const { rowCount } = await db.query('UPDATE remembered_devices SET forgotten_at = now(), forgotten_reason = $3 WHERE account_id = $1 AND id = $2 AND forgotten_at IS NULL', [
        accountId,
        id,
        reason,
      ]);
      return (rowCount ?? 0) > 0;
    },
    /** Forget the device with this token hash, if it is a live one of this account (it is being replaced). */
    async forgetByTokenHash(accountId: string, tokenHash: string, reason: string): Promise<boolean> {
      if (!isUuid(accountId)) return false;
      const { rowCount } = await db.query('UPDATE remembered_devices SET forgotten_at = now(), forgotten_reason = $3 WHERE account_id = $1 AND token_hash = $2 AND forgotten_at IS NULL', [
        accountId,
        tokenHash,
        reason,
      ]);
      return (rowCount ?? 0) > 0;
    },
    /** Forget every device of the account; returns how many were not forgotten yet. */
    async forgetAll(accountId: string, reason: string): Promise<number> {
      if (!isUuid(accountId)) return 0;
      const { rowCount } = await db.query('UPDATE remembered_devices SET forgotten_at = now(), forgotten_reason = $2 WHERE account_id = $1 AND forgotten_at IS NULL', [accountId, reason]);
      return rowCount ?? 0;
    },
    /**
     * What happened on the account since `since` (a device's last use), by the database's clock:
     * failed sign-in attempts, a changed credential, and whether an administrator flagged it.
     */
    async securityEventsSince(accountId: string, since: Date): Promise<{ failedAttempts: boolean; credentialChanged: boolean; flagged: boolean }> {
      const { rows } = await db.query<{ failed: boolean; changed: boolean; flagged: boolean }>(
        `SELECT
           EXISTS (SELECT 1 FROM audit_events WHERE account_id = $1 AND type = 'signin.failed' AND at > $2) AS failed,
           EXISTS (SELECT 1 FROM audit_events WHERE account_id = $1 AND type = ANY($3::text[]) AND at > $2)
             OR COALESCE(a.password_changed_at > $2, false) AS changed,
           a.flagged_at IS NOT NULL AS flagged
         FROM accounts a WHERE a.id = $1`,
        [accountId, since, credentialEvents],
      );
      const r = rows[0];
      return { failedAttempts: r?.failed ?? false, credentialChanged: r?.changed ?? false, flagged: r?.flagged ?? false };
    },
    /** Set or clear the administrator's flag; false when there is no account with that address. */
    async setFlag(email: string, flagged: boolean): Promise<{ id: string } | undefined> {
      const { rows } = await db.query<{ id: string }>(
        `UPDATE accounts SET flagged_at = CASE WHEN $2::boolean THEN COALESCE(flagged_at, now()) ELSE NULL END, updated_at = now()
         WHERE lower(email) = lower($1) RETURNING id`,
        [email, flagged],
      );
      return rows[0];
    },
  };
}

export type RememberedDevicesRepo = ReturnType<typeof createRememberedDevicesRepo>;
