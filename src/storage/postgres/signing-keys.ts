// Token-signing keys shared by every replica. Private parts are sealed under ENCRYPTION_KEY.
import type { Queryable } from './db.js';

export type SigningAlg = 'ES256' | 'RS256';

export interface SigningKeyRow {
  kid: string;
  alg: SigningAlg;
  publicJwk: Record<string, unknown>;
  privateJwkSealed: string;
  createdAt: Date;
  signsFrom: Date;
  retireAt: Date | null;
}

const columns = `kid, alg, public_jwk AS "publicJwk", private_jwk_sealed AS "privateJwkSealed",
  created_at AS "createdAt", signs_from AS "signsFrom", retire_at AS "retireAt"`;

export function createSigningKeysRepo(db: Queryable) {
  return {
    /** Keys still published at `now`, newest first within each algorithm. */
    async findPublished(now: Date): Promise<SigningKeyRow[]> {
      const { rows } = await db.query<SigningKeyRow>(`SELECT ${columns} FROM signing_keys WHERE retire_at IS NULL OR retire_at > $1 ORDER BY alg, signs_from DESC, created_at DESC`, [now]);
      return rows;
    },
    async findAll(): Promise<SigningKeyRow[]> {
      const { rows } = await db.query<SigningKeyRow>(`SELECT ${columns} FROM signing_keys ORDER BY alg, signs_from DESC`);
      return rows;
    },
    async save(key: Omit<SigningKeyRow, 'createdAt' | 'retireAt'>): Promise<void> {
      await db.query('INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_sealed, signs_from) VALUES ($1, $2, $3, $4, $5)', [
        key.kid,
        key.alg,
        key.publicJwk,
        key.privateJwkSealed,
        key.signsFrom,
      ]);
    },
    /** Schedule every unretired key of `alg` except `keepKid` to leave the JWKS at `at`. */
    async retireOthers(alg: SigningAlg, keepKid: string, at: Date): Promise<number> {
      const { rowCount } = await db.query('UPDATE signing_keys SET retire_at = $3 WHERE alg = $1 AND kid <> $2 AND retire_at IS NULL', [alg, keepKid, at]);
      return rowCount ?? 0;
    },
    /** Serialise key creation across replicas and the CLI for the rest of the transaction. */
    async lock(): Promise<void> {
      await db.query("SELECT pg_advisory_xact_lock(hashtext('twofold.signing_keys'))");
    },
  };
}
