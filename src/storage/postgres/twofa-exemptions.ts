// Administrators' exemptions from an organisation's "required" two-step verification
// (migrations/1764700000100_twofa_exemptions.sql). One row per account; whether it is in effect
// is decided against the caller's clock: an exemption whose `until` has passed is simply over.
import type { Queryable } from './db.js';
import { isUuid } from './lookup-keys.js';

export interface TwoFactorExemption {
  accountId: string;
  /** the moment the exemption ends; null: until an administrator requires 2FA again */
  until: Date | null;
  reason: string;
  /** who granted it, as the audit log names administrators (actor()) */
  createdBy: Record<string, string>;
  createdAt: Date;
}

const columns = `account_id AS "accountId", until, reason, created_by AS "createdBy", created_at AS "createdAt"`;

/** Whether the exemption applies at `now`. */
export function exemptionInEffect(e: Pick<TwoFactorExemption, 'until'> | undefined, now: Date): boolean {
  return e !== undefined && (e.until === null || e.until.getTime() > now.getTime());
}

export function createTwoFactorExemptionsRepo(db: Queryable) {
  return {
    async find(accountId: string): Promise<TwoFactorExemption | undefined> {
      if (!isUuid(accountId)) return undefined;
      const { rows } = await db.query<TwoFactorExemption>(`SELECT ${columns} FROM twofa_exemptions WHERE account_id = $1`, [accountId]);
      return rows[0];
    },
    /** Whether the account is exempt at `now` (the sign-in asks only for a user without a usable factor). */
    async inEffect(accountId: string, now: Date): Promise<boolean> {
      if (!isUuid(accountId)) return false;
      const { rowCount } = await db.query('SELECT 1 FROM twofa_exemptions WHERE account_id = $1 AND (until IS NULL OR until > $2)', [accountId, now]);
      return (rowCount ?? 0) > 0;
    },
    /** Grant (or replace) the account's exemption. */
    async save(input: { accountId: string; until: Date | null; reason: string; createdBy: Record<string, string> }): Promise<TwoFactorExemption> {
      const { rows } = await db.query<TwoFactorExemption>(
        `INSERT INTO twofa_exemptions (account_id, until, reason, created_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) DO UPDATE SET until = EXCLUDED.until, reason = EXCLUDED.reason, created_by = EXCLUDED.created_by, created_at = now()
         RETURNING ${columns}`,
        [input.accountId, input.until, input.reason, input.createdBy],
      );
      return rows[0]!;
    },
    /** End the account's exemption; the row it was, if there was one (in effect or not). */
    async delete(accountId: string): Promise<TwoFactorExemption | undefined> {
      if (!isUuid(accountId)) return undefined;
      const { rows } = await db.query<TwoFactorExemption>(`DELETE FROM twofa_exemptions WHERE account_id = $1 RETURNING ${columns}`, [accountId]);
      return rows[0];
    },
  };
}

export type TwoFactorExemptionsRepo = ReturnType<typeof createTwoFactorExemptionsRepo>;
