// Recovery codes, as keyed hashes. Using one is a single UPDATE that only succeeds while the
// code is unused, so a code works once even when two replicas see it at the same moment.
import type { Queryable } from './db.js';
import { isUuid } from './lookup-keys.js';

export function createRecoveryCodesRepo(db: Queryable & { transaction?: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T> }) {
  return {
    /** Replace every code of the account with these hashes (a regeneration). */
    async replace(accountId: string, hashes: string[]): Promise<void> {
      const write = async (tx: Queryable) => {
        await tx.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
        await tx.query('INSERT INTO recovery_codes (account_id, code_hash) SELECT $1, unnest($2::text[])', [accountId, hashes]);
      };
      if (db.transaction) await db.transaction(write);
      else await write(db);
    },
    /** Mark a code used; undefined when it is unknown or already used, else how many remain. */
    async consume(accountId: string, hash: string): Promise<number | undefined> {
      if (!isUuid(accountId)) return undefined;
      const { rows } = await db.query<{ remaining: number }>(
        `WITH used AS (
           UPDATE recovery_codes SET used_at = now() WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING account_id
         )
         SELECT (SELECT count(*)::int FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL) - 1 AS remaining FROM used`,
        [accountId, hash],
      );
      return rows[0]?.remaining;
    },
    async countUnused(accountId: string): Promise<number> {
      if (!isUuid(accountId)) return 0;
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL', [accountId]);
      return rows[0]?.n ?? 0;
    },
    async deleteAll(accountId: string): Promise<void> {
      await db.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
    },
  };
}

export type RecoveryCodesRepo = ReturnType<typeof createRecoveryCodesRepo>;
