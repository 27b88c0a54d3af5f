// Relying-party clients. oidc-provider reads them from here on every request (through the
// adapter), so a change made by any replica is in effect everywhere at once. The client
// secret is sealed with AES-256-GCM: oidc-provider needs the plaintext to compare it, so it
// cannot be a one-way hash.
import type { AdapterPayload } from 'oidc-provider';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Queryable } from './db.js';

export interface ClientRecord {
  clientId: string;
  /** oidc-provider metadata without client_id and client_secret */
  metadata: Record<string, unknown>;
  firstParty: boolean;
  hasSecret: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  client_id: string;
  secret_sealed: string | null;
  metadata: Record<string, unknown>;
  first_party: boolean;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: Row): ClientRecord => ({
  clientId: r.client_id,
  metadata: r.metadata,
  firstParty: r.first_party,
  hasSecret: r.secret_sealed !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** the CHECK of clients.client_id; any other client_id (from a request) names no client */
const clientIdPattern = /^[A-Za-z0-9._~-]{3,128}$/;

const secretContext = (clientId: string) => `client_secret:${clientId}`;

/** JSON with sorted keys: oidc-provider caches a client by the hash of its metadata. */
function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, value[k]]),
  );
}

/** Postgres NOTIFY channel on which every client change is announced (payload: client_id). */
export const clientsChannel = 'twofold_clients';

/**
 * `onChange` is told of every change made through this repository in this process; other
 * processes learn of it from the NOTIFY on clientsChannel, sent when the change commits.
 */
export function createClientsRepo(db: Queryable, box: SecretBox, opts: { onChange?: (clientId: string) => void } = {}) {
  const changed = (clientId: string) => opts.onChange?.(clientId);
  return {
    async find(clientId: string): Promise<ClientRecord | undefined> {
      if (!clientIdPattern.test(clientId)) return undefined;
      const { rows } = await db.query<Row>('SELECT * FROM clients WHERE client_id = $1', [clientId]);
      return rows[0] && toRecord(rows[0]);
    },

    async list(): Promise<ClientRecord[]> {
      const { rows } = await db.query<Row>('SELECT * FROM clients ORDER BY client_id');
      return rows.map(toRecord);
    },

    /** One page in client_id order, after the given client_id (keyset pagination). */
    async page(opts: { after?: string | undefined; limit: number }): Promise<ClientRecord[]> {
      const { rows } = await db.query<Row>('SELECT * FROM clients WHERE ($1::text IS NULL OR client_id > $1) ORDER BY client_id LIMIT $2', [opts.after ?? null, opts.limit]);
      return rows.map(toRecord);
    },

    /** Full metadata for oidc-provider, secret included; undefined for an unknown client. */
    async findMetadata(clientId: string): Promise<AdapterPayload | undefined> {
      // client_id comes straight from requests; a NUL byte in it used to make Postgres fail (500)
      if (!clientIdPattern.test(clientId)) return undefined;
      const { rows } = await db.query<Row>('SELECT * FROM clients WHERE client_id = $1', [clientId]);
      const row = rows[0];
      if (!row) return undefined;
      const payload: Record<string, unknown> = { ...row.metadata, client_id: row.client_id, first_party: row.first_party };
      if (row.secret_sealed) payload.client_secret = box.open(row.secret_sealed, secretContext(row.client_id));
      return sortKeys(payload) as AdapterPayload;
    },

    /**
     * Insert or replace a client. `secret`: a new secret to seal, `null` for a public client,
     * undefined to keep the stored one.
     */
    async save(input: { clientId: string; metadata: Record<string, unknown>; firstParty: boolean; secret?: string | null }): Promise<ClientRecord> {
      const { client_id: _id, client_secret: _secret, first_party: _fp, ...metadata } = input.metadata;
      const sealed = typeof input.secret === 'string' ? box.seal(input.secret, secretContext(input.clientId)) : null;
      const keepSecret = input.secret === undefined;
      const { rows } = await db.query<Row>(
        `WITH saved AS (
           INSERT INTO clients (client_id, secret_sealed, metadata, first_party) VALUES ($1, $2, $3, $4)
           ON CONFLICT (client_id) DO UPDATE SET
             secret_sealed = CASE WHEN $5 THEN clients.secret_sealed ELSE EXCLUDED.secret_sealed END,
             metadata = EXCLUDED.metadata, first_party = EXCLUDED.first_party, updated_at = now()
           RETURNING *)
         SELECT saved.*, pg_notify('${clientsChannel}', saved.client_id) FROM saved`,
        [input.clientId, sealed, sortKeys(metadata), input.firstParty, keepSecret],
      );
      changed(input.clientId);
      return toRecord(rows[0]!);
    },

    async delete(clientId: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `WITH gone AS (DELETE FROM clients WHERE client_id = $1 RETURNING client_id)
         SELECT pg_notify('${clientsChannel}', client_id) FROM gone`,
        [clientId],
      );
      changed(clientId);
      return (rowCount ?? 0) > 0;
    },
  };
}

export type ClientsRepo = ReturnType<typeof createClientsRepo>;
