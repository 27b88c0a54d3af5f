// Administrative roles of accounts (migrations/1764600000000_admin_roles.sql).
import type { Queryable } from './db.js';
import { isUuid } from './lookup-keys.js';

export const roles = ['admin', 'org_admin'] as const;
export type Role = (typeof roles)[number];

export function createRolesRepo(db: Queryable) {
  return {
    async of(accountId: string): Promise<Role[]> {
      if (!isUuid(accountId)) return [];
      const { rows } = await db.query<{ role: Role }>('SELECT role FROM account_roles WHERE account_id = $1 ORDER BY role', [accountId]);
      return rows.map((r) => r.role);
    },
    /** Give the account exactly these roles. */
    async set(accountId: string, wanted: Role[]): Promise<void> {
      await db.query(
        `WITH gone AS (DELETE FROM account_roles WHERE account_id = $1 AND NOT (role = ANY($2::text[])))
         INSERT INTO account_roles (account_id, role) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [accountId, wanted],
      );
    },
  };
}

export type RolesRepo = ReturnType<typeof createRolesRepo>;
