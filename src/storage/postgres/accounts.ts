// User accounts. E-mail addresses are unique case-insensitively; the password is an argon2id
// PHC string produced by src/passwords/hasher.ts and never leaves this module's callers' hands
// except to be verified.
import type { Queryable } from './db.js';
import { isStorableText, isUuid } from './lookup-keys.js';

export interface Account {
  id: string;
  organisationId: string;
  email: string;
  emailVerified: boolean;
  name: string;
  passwordHash: string | null;
  disabledAt: Date | null;
  /** the second factor offered first when the account has several */
  preferredFactorId: string | null;
  /** the language of the last sign-in (security e-mails use it); null before the first */
  locale: string | null;
  createdAt: Date;
}

const columns = `id, organisation_id AS "organisationId", email, email_verified AS "emailVerified", name,
  password_hash AS "passwordHash", disabled_at AS "disabledAt", preferred_factor_id AS "preferredFactorId", locale, created_at AS "createdAt"`;

export interface NewAccount {
  organisationId: string;
  email: string;
  name: string;
  emailVerified: boolean;
  passwordHash: string | null;
}

export function createAccountsRepo(db: Queryable) {
  return {
    async findById(id: string): Promise<Account | undefined> {
      // ids come from cookies and tokens: reject anything that is not a uuid before Postgres does
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Account>(`SELECT ${columns} FROM accounts WHERE id = $1`, [id]);
      return rows[0];
    },
    async findByEmail(email: string): Promise<Account | undefined> {
      // typed into the sign-in form: what the column cannot hold (a NUL byte makes Postgres fail
      // with 22021, a 500) cannot match an account either
      if (email.length < 3 || email.length > 254 || !isStorableText(email)) return undefined;
      const { rows } = await db.query<Account>(`SELECT ${columns} FROM accounts WHERE lower(email) = lower($1)`, [email]);
      return rows[0];
    },
    /** Insert; undefined when the e-mail address is already taken. */
    async save(input: NewAccount): Promise<Account | undefined> {
      const { rows } = await db.query<Account>(
        `INSERT INTO accounts (organisation_id, email, name, email_verified, password_hash, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END)
         ON CONFLICT ((lower(email))) DO NOTHING
         RETURNING ${columns}`,
        [input.organisationId, input.email, input.name, input.emailVerified, input.passwordHash],
      );
      return rows[0];
    },
    async savePreferredFactor(id: string, factorId: string | null): Promise<void> {
      await db.query('UPDATE accounts SET preferred_factor_id = $2, updated_at = now() WHERE id = $1', [id, factorId]);
    },
    async saveLocale(id: string, locale: string): Promise<void> {
      await db.query('UPDATE accounts SET locale = $2 WHERE id = $1 AND locale IS DISTINCT FROM $2', [id, locale]);
    },
    /** The address was proven to be the user's (a confirmation link); false when nothing changed. */
    async markEmailVerified(id: string, email: string): Promise<boolean> {
      const { rowCount } = await db.query('UPDATE accounts SET email_verified = true, updated_at = now() WHERE id = $1 AND lower(email) = lower($2) AND NOT email_verified', [id, email]);
      return (rowCount ?? 0) > 0;
    },
    async savePasswordHash(id: string, passwordHash: string): Promise<void> {
      await db.query('UPDATE accounts SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1', [id, passwordHash]);
    },
  };
}

export type AccountsRepo = ReturnType<typeof createAccountsRepo>;
