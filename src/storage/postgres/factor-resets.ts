// Self-service resets of an account's second factors (migrations/1764400000000_account_recovery.sql).
// removeSecondFactors() is the reset itself: every factor and recovery code in one transaction.
// Scheduled resets (an organisation's cool-off period) are claimed with one UPDATE, so two
// replicas applying the same due reset cannot both do it.
import type { Db, Queryable } from './db.js';
import { isUuid } from './lookup-keys.js';

export interface FactorReset {
  id: string;
  accountId: string;
  requestedAt: Date;
  effectiveAt: Date;
  cancelledAt: Date | null;
  doneAt: Date | null;
}

const columns = `id, account_id AS "accountId", requested_at AS "requestedAt", effective_at AS "effectiveAt",
  cancelled_at AS "cancelledAt", done_at AS "doneAt"`;

export function createFactorResetsRepo(db: Db) {
  return {
    /** Delete every second factor and recovery code of the account; returns how many factors went. */
    async removeSecondFactors(accountId: string): Promise<number> {
      return db.transaction(async (tx: Queryable) => {
        await tx.query('UPDATE accounts SET preferred_factor_id = NULL, updated_at = now() WHERE id = $1', [accountId]);
        const { rowCount } = await tx.query('DELETE FROM factors WHERE account_id = $1', [accountId]);
        await tx.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
        return rowCount ?? 0;
      });
    },
    /** The account's pending reset, if any. */
    async findPending(accountId: string): Promise<FactorReset | undefined> {
      if (!isUuid(accountId)) return undefined;
      const { rows } = await db.query<FactorReset>(`SELECT ${columns} FROM factor_resets WHERE account_id = $1 AND cancelled_at IS NULL AND done_at IS NULL`, [accountId]);
      return rows[0];
    },
    async findById(id: string): Promise<FactorReset | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<FactorReset>(`SELECT ${columns} FROM factor_resets WHERE id = $1`, [id]);
      return rows[0];
    },
    /** Schedule a reset; the pending one when there already is one. */
    async schedule(input: { accountId: string; requestedAt: Date; effectiveAt: Date; ip?: string; userAgent?: string }): Promise<{ reset: FactorReset; created: boolean }> {
      const { rows } = await db.query<FactorReset>(
        `INSERT INTO factor_resets (account_id, requested_at, effective_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id) WHERE cancelled_at IS NULL AND done_at IS NULL DO NOTHING RETURNING ${columns}`,
        [input.accountId, input.requestedAt, input.effectiveAt, input.ip ?? null, input.userAgent?.slice(0, 512) ?? null],
      );
      if (rows[0]) return { reset: rows[0], created: true };
      return { reset: (await this.findPending(input.accountId))!, created: false };
    },
    /** Cancel a pending reset; undefined when it is not pending (any more). */
    async cancel(id: string, at: Date): Promise<FactorReset | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<FactorReset>(`UPDATE factor_resets SET cancelled_at = $2 WHERE id = $1 AND cancelled_at IS NULL AND done_at IS NULL RETURNING ${columns}`, [id, at]);
      return rows[0];
    },
    /** Claim the account's reset that is due at `now`; only one caller gets it. */
    async claimDue(accountId: string, now: Date): Promise<FactorReset | undefined> {
      if (!isUuid(accountId)) return undefined;
      const { rows } = await db.query<FactorReset>(
        `UPDATE factor_resets SET done_at = $2 WHERE account_id = $1 AND cancelled_at IS NULL AND done_at IS NULL AND effective_at <= $2 RETURNING ${columns}`,
        [accountId, now],
      );
      return rows[0];
    },
  };
}

export type FactorResetsRepo = ReturnType<typeof createFactorResetsRepo>;
