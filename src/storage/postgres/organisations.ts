// Organisations (customer contracts) that accounts belong to, with their two-step verification
// policy: its columns, their types and defaults come from the policy's one definition
// (src/organisations/policy.ts); the migrations make the columns.
import { columnType, policyFieldNames, policyFields, type TwoFactorPolicy } from '../../organisations/policy.js';
import type { Queryable } from './db.js';
import { isUuid } from './lookup-keys.js';

export interface Organisation {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
  policy: TwoFactorPolicy;
}

interface Row {
  id: string;
  slug: string;
  name: string;
  created_at: Date;
  [policyColumn: string]: unknown;
}

const fromRow = (r: Row): Organisation => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  createdAt: r.created_at,
  policy: Object.fromEntries(policyFieldNames.map((n) => [policyFields[n].key, r[policyFields[n].column]])) as unknown as TwoFactorPolicy,
});

const columns = ['id', 'slug', 'name', 'created_at', ...policyFieldNames.map((n) => policyFields[n].column)].join(', ');
/**
 * SET for a change of some policy fields: each column takes its parameter when the change has the
 * field ($flag true), else keeps its value. Parameters from $2 on, two per field: [flag, value].
 */
const policySet = policyFieldNames
  .map((n, i) => {
    const { column } = policyFields[n];
    return `${column} = CASE WHEN $${2 + 2 * i}::boolean THEN $${3 + 2 * i}::${columnType(n)} ELSE ${column} END`;
  })
  .join(',\n           ');
const policyParams = (change: Partial<TwoFactorPolicy>) => policyFieldNames.flatMap((n) => [change[policyFields[n].key] !== undefined, change[policyFields[n].key] ?? null]);

/** the CHECK of organisations.slug: anything else cannot exist, and may not reach Postgres (NUL) */
const slugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Postgres NOTIFY channel on which every change of an organisation is announced (payload: its id). */
export const organisationsChannel = 'twofold_organisations';

/**
 * `onChange` is told of every change made through this repository in this process; other
 * processes learn of it from the NOTIFY on organisationsChannel, sent when the change commits.
 */
export function createOrganisationsRepo(db: Queryable, opts: { onChange?: (organisationId: string) => void } = {}) {
  return {
    async findById(id: string): Promise<Organisation | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Row>(`SELECT ${columns} FROM organisations WHERE id = $1`, [id]);
      return rows[0] && fromRow(rows[0]);
    },
    async findBySlug(slug: string): Promise<Organisation | undefined> {
      if (!slugPattern.test(slug)) return undefined;
      const { rows } = await db.query<Row>(`SELECT ${columns} FROM organisations WHERE slug = $1`, [slug]);
      return rows[0] && fromRow(rows[0]);
    },
    async list(): Promise<Organisation[]> {
      const { rows } = await db.query<Row>(`SELECT ${columns} FROM organisations ORDER BY slug`);
      return rows.map(fromRow);
    },
    /** One page in slug order after the given slug; `only` limits it to one organisation (an org admin's view). */
    async page(opts: { after?: string | undefined; limit: number; only?: string | undefined }): Promise<Organisation[]> {
      const { rows } = await db.query<Row>(`SELECT ${columns} FROM organisations WHERE ($1::text IS NULL OR slug > $1) AND ($2::uuid IS NULL OR id = $2) ORDER BY slug LIMIT $3`, [
        opts.after ?? null,
        opts.only ?? null,
        opts.limit,
      ]);
      return rows.map(fromRow);
    },
    async rename(id: string, name: string): Promise<Organisation | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Row>(
        `WITH saved AS (UPDATE organisations SET name = $2, updated_at = now() WHERE id = $1 RETURNING ${columns})
         SELECT saved.*, pg_notify('${organisationsChannel}', saved.id::text) FROM saved`,
        [id, name],
      );
      opts.onChange?.(id);
      return rows[0] && fromRow(rows[0]);
    },
    async save(input: { slug: string; name: string }): Promise<Organisation> {
      const { rows } = await db.query<Row>(
        `WITH saved AS (
           INSERT INTO organisations (slug, name) VALUES ($1, $2)
           ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
           RETURNING ${columns})
         SELECT saved.*, pg_notify('${organisationsChannel}', saved.id::text) FROM saved`,
        [input.slug, input.name],
      );
      opts.onChange?.(rows[0]!.id);
      return fromRow(rows[0]!);
    },
    /** Change some of the policy; undefined when there is no such organisation. */
    async savePolicy(id: string, change: Partial<TwoFactorPolicy>): Promise<Organisation | undefined> {
      if (!isUuid(id)) return undefined;
      const { rows } = await db.query<Row>(
        `WITH saved AS (UPDATE organisations SET
           ${policySet},
           updated_at = now()
         WHERE id = $1 RETURNING ${columns})
         SELECT saved.*, pg_notify('${organisationsChannel}', saved.id::text) FROM saved`,
        [id, ...policyParams(change)],
      );
      opts.onChange?.(id);
      return rows[0] && fromRow(rows[0]);
    },
  };
}

export type OrganisationsRepo = ReturnType<typeof createOrganisationsRepo>;
