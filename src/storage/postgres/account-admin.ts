// What administrators ask of accounts beyond a sign-in's needs: search with filters in pages,
// enable/disable, rename, and the sets that bulk actions work on.
import type { Queryable } from './db.js';
import { isStorableText, isUuid } from './lookup-keys.js';

export interface AdminAccountRow {
  id: string;
  organisationId: string;
  email: string;
  emailVerified: boolean;
  name: string;
  disabledAt: Date | null;
  hasPassword: boolean;
  factorCount: number;
  roles: string[];
  createdAt: Date;
  /** exempt from the organisation's required 2FA now (twofa_exemptions, by the database's clock) */
  exempt: boolean;
  /** when that exemption ends; null: until an administrator ends it (or not exempt) */
  exemptUntil: Date | null;
}

export interface AccountFilter {
  /** part of the e-mail address or name, case-insensitive */
  q?: string | undefined;
  organisationId?: string | undefined;
  disabled?: boolean | undefined;
  emailVerified?: boolean | undefined;
  twoFactor?: 'enrolled' | 'none' | undefined;
  /** exempt from the organisation's required 2FA now, or not */
  exempt?: boolean | undefined;
}

/** an exemption of the account in effect now (an expired one is simply over) */
const exemptNow = 'SELECT 1 FROM twofa_exemptions x WHERE x.account_id = a.id AND (x.until IS NULL OR x.until > now())';

const columns = `a.id, a.organisation_id AS "organisationId", a.email, a.email_verified AS "emailVerified", a.name,
  a.disabled_at AS "disabledAt", a.password_hash IS NOT NULL AS "hasPassword", a.created_at AS "createdAt",
  (SELECT count(*)::int FROM factors f WHERE f.account_id = a.id) AS "factorCount",
  COALESCE((SELECT array_agg(r.role ORDER BY r.role) FROM account_roles r WHERE r.account_id = a.id), '{}') AS roles,
  EXISTS (${exemptNow}) AS exempt,
  (SELECT x.until FROM twofa_exemptions x WHERE x.account_id = a.id AND x.until > now()) AS "exemptUntil"`;

/** LIKE metacharacters typed by an administrator match themselves */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(filter: AccountFilter, params: unknown[]): string {
  const clauses: string[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.q) add((p) => `(a.email ILIKE ${p} OR a.name ILIKE ${p})`, `%${likeEscape(filter.q)}%`);
  if (filter.organisationId) add((p) => `a.organisation_id = ${p}`, filter.organisationId);
  if (filter.disabled !== undefined) clauses.push(filter.disabled ? 'a.disabled_at IS NOT NULL' : 'a.disabled_at IS NULL');
  if (filter.emailVerified !== undefined) add((p) => `a.email_verified = ${p}`, filter.emailVerified);
  if (filter.twoFactor) clauses.push(`${filter.twoFactor === 'none' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM factors f WHERE f.account_id = a.id)`);
  if (filter.exempt !== undefined) clauses.push(`${filter.exempt ? '' : 'NOT '}EXISTS (${exemptNow})`);
  return clauses.length ? clauses.join(' AND ') : 'true';
}

export function createAccountAdminRepo(db: Queryable) {
  return {
    /** One page in e-mail order after the given (lower-cased) e-mail address. */
    async page(filter: AccountFilter, opts: { after?: string | undefined; limit: number }): Promise<AdminAccountRow[]> {
      if (filter.organisationId !== undefined && !isUuid(filter.organisationId)) return [];
      if (filter.q !== undefined && !isStorableText(filter.q)) return [];
      const params: unknown[] = [];
      const conditions = where(filter, params);
      params.push(opts.after ?? null, opts.limit);
      const { rows } = await db.query<AdminAccountRow>(
        `SELECT ${columns} FROM accounts a WHERE ${conditions} AND ($${params.length - 1}::text IS NULL OR lower(a.email) > $${params.length - 1})
         ORDER BY lower(a.email) LIMIT $${params.length}`,
        params,
      );
      return rows;
    },
    async find(id: string): Promise<AdminAccountRow | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<AdminAccountRow>(`SELECT ${columns} FROM accounts a WHERE a.id = $1`, [id]);
      return rows[0];
    },
    /** Every account matching the filter (for bulk actions; at most `cap`). */
    async all(filter: AccountFilter, cap = 10_000): Promise<AdminAccountRow[]> {
      const params: unknown[] = [];
      const conditions = where(filter, params);
      params.push(cap);
      const { rows } = await db.query<AdminAccountRow>(`SELECT ${columns} FROM accounts a WHERE ${conditions} ORDER BY lower(a.email) LIMIT $${params.length}`, params);
      return rows;
    },
    /** How many accounts match, and how many of them have a second factor (enrolment progress). */
    /** How many match; of them, how many have a second factor, and how many without one are exempt from a required policy. */
    async count(filter: AccountFilter): Promise<{ total: number; enrolled: number; exempt: number }> {
      if (filter.organisationId !== undefined && !isUuid(filter.organisationId)) return { total: 0, enrolled: 0, exempt: 0 };
      const params: unknown[] = [];
      const hasFactor = 'EXISTS (SELECT 1 FROM factors f WHERE f.account_id = a.id)';
      const { rows } = await db.query<{ total: number; enrolled: number; exempt: number }>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE ${hasFactor})::int AS enrolled,
           count(*) FILTER (WHERE NOT ${hasFactor} AND EXISTS (${exemptNow}))::int AS exempt
         FROM accounts a WHERE ${where(filter, params)}`,
        params,
      );
      return rows[0] ?? { total: 0, enrolled: 0, exempt: 0 };
    },
    async setDisabled(id: string, disabled: boolean): Promise<void> {
      await db.query(`UPDATE accounts SET disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, now()) ELSE NULL END, updated_at = now() WHERE id = $1`, [id, disabled]);
    },
    async rename(id: string, name: string): Promise<void> {
      await db.query('UPDATE accounts SET name = $2, updated_at = now() WHERE id = $1', [id, name]);
    },
  };
}

export type AccountAdminRepo = ReturnType<typeof createAccountAdminRepo>;
