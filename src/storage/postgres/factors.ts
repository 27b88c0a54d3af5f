// Confirmed second factors. Secrets stay sealed here; src/factors/ opens them when it checks a
// code. Replay protection is in the UPDATE itself (a time step or signature counter only moves
// forward), so two replicas checking the same code at once cannot both accept it.
import { sanitize, type SanitizedFactor, type StoredFactor } from '../../factors/factor.js';
import type { FactorKind } from '../../factors/registry.js';
import type { Queryable } from './db.js';
import { isUuid } from './lookup-keys.js';

export interface FactorRecord extends StoredFactor {
  kind: FactorKind;
}

/** What may be shown about a factor (lists, profile, admin): never a secret or key (src/factors/factor.ts). */
export type FactorSummary = SanitizedFactor & { kind: FactorKind };

export const summarise = (f: FactorRecord): FactorSummary => sanitize(f) as FactorSummary;

const columns = `id, account_id AS "accountId", kind, label, secret_sealed AS "secretSealed",
  last_step::float8 AS "lastStep", destination, credential_id AS "credentialId", public_key AS "publicKey",
  sign_count::float8 AS "signCount", transports, device_type AS "deviceType", backed_up AS "backedUp", aaguid,
  created_at AS "createdAt", last_used_at AS "lastUsedAt"`;

export type NewFactor = Pick<FactorRecord, 'accountId' | 'kind' | 'label'> &
  Partial<Pick<FactorRecord, 'destination' | 'credentialId' | 'publicKey' | 'signCount' | 'transports' | 'deviceType' | 'backedUp' | 'aaguid' | 'lastStep'>> & {
    /** the factor id is needed to seal a TOTP secret (the id is its context), so it may be chosen */
    id?: string;
    secretSealed?: string | null;
  };

export function createFactorsRepo(db: Queryable) {
  return {
    async findByAccount(accountId: string): Promise<FactorRecord[]> {
      if (!isUuid(accountId)) return [];
      const { rows } = await db.query<FactorRecord>(`SELECT ${columns} FROM factors WHERE account_id = $1 ORDER BY created_at, id`, [accountId]);
      return rows;
    },
    async findById(accountId: string, id: string): Promise<FactorRecord | undefined> {
      if (!isUuid(accountId) || !isUuid(id)) return undefined;
      const { rows } = await db.query<FactorRecord>(`SELECT ${columns} FROM factors WHERE account_id = $1 AND id = $2`, [accountId, id]);
      return rows[0];
    },
    async findByCredentialId(credentialId: string): Promise<FactorRecord | undefined> {
      if (credentialId.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(credentialId)) return undefined;
      const { rows } = await db.query<FactorRecord>(`SELECT ${columns} FROM factors WHERE credential_id = $1`, [credentialId]);
      return rows[0];
    },
    async save(f: NewFactor): Promise<FactorRecord> {
      const { rows } = await db.query<FactorRecord>(
        `INSERT INTO factors (id, account_id, kind, label, secret_sealed, last_step, destination, credential_id, public_key, sign_count, transports, device_type, backed_up, aaguid)
         VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         RETURNING ${columns}`,
        [
          f.id ?? null,
          f.accountId,
          f.kind,
          f.label,
          f.secretSealed ?? null,
          f.lastStep ?? null,
          f.destination ?? null,
          f.credentialId ?? null,
          f.publicKey ?? null,
          f.signCount ?? null,
          f.transports ?? null,
          f.deviceType ?? null,
          f.backedUp ?? null,
          f.aaguid ?? null,
        ],
      );
      return rows[0]!;
    },
    /** Record an accepted TOTP step; false when that step (or a later one) was already used. */
    async advanceStep(id: string, step: number): Promise<boolean> {
      const { rowCount } = await db.query('UPDATE factors SET last_step = $2, last_used_at = now() WHERE id = $1 AND (last_step IS NULL OR last_step < $2)', [id, step]);
      return (rowCount ?? 0) === 1;
    },
    /**
     * Record a WebAuthn use with the authenticator's new signature counter; false when the
     * counter did not move forward (a possible cloned authenticator). Authenticators that do not
     * count (always 0) are accepted.
     */
    async advanceSignCount(id: string, signCount: number, backedUp?: boolean): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE factors SET sign_count = $2, backed_up = COALESCE($3, backed_up), last_used_at = now()
         WHERE id = $1 AND ((sign_count = 0 AND $2 = 0) OR sign_count < $2)`,
        [id, signCount, backedUp ?? null],
      );
      return (rowCount ?? 0) === 1;
    },
    async touch(id: string): Promise<void> {
      await db.query('UPDATE factors SET last_used_at = now() WHERE id = $1', [id]);
    },
    async rename(accountId: string, id: string, label: string): Promise<boolean> {
      if (!isUuid(accountId) || !isUuid(id)) return false;
      const { rowCount } = await db.query('UPDATE factors SET label = $3 WHERE account_id = $1 AND id = $2', [accountId, id, label]);
      return (rowCount ?? 0) === 1;
    },
    /** A new confirmed e-mail address or phone number for a code factor. */
    async updateDestination(accountId: string, id: string, destination: string): Promise<boolean> {
      if (!isUuid(accountId) || !isUuid(id)) return false;
      const { rowCount } = await db.query("UPDATE factors SET destination = $3 WHERE account_id = $1 AND id = $2 AND kind IN ('email', 'sms')", [accountId, id, destination]);
      return (rowCount ?? 0) === 1;
    },
    async delete(accountId: string, id: string): Promise<boolean> {
      if (!isUuid(accountId) || !isUuid(id)) return false;
      const { rowCount } = await db.query('DELETE FROM factors WHERE account_id = $1 AND id = $2', [accountId, id]);
      return (rowCount ?? 0) === 1;
    },
  };
}

export type FactorsRepo = ReturnType<typeof createFactorsRepo>;
