// Organisations (customer contracts) that accounts belong to.
import type { Queryable } from './db.js';

export interface Organisation {
  id: string;
  slug: string;
  name: string;
  createdAt: Date;
}

const columns = 'id, slug, name, created_at AS "createdAt"';
/** the CHECK of organisations.slug: anything else cannot exist, and may not reach Postgres (NUL) */
const slugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function createOrganisationsRepo(db: Queryable) {
  return {
    async findBySlug(slug: string): Promise<Organisation | undefined> {
      if (!slugPattern.test(slug)) return undefined;
      const { rows } = await db.query<Organisation>(`SELECT ${columns} FROM organisations WHERE slug = $1`, [slug]);
      return rows[0];
    },
    async list(): Promise<Organisation[]> {
      const { rows } = await db.query<Organisation>(`SELECT ${columns} FROM organisations ORDER BY slug`);
      return rows;
    },
    async save(input: { slug: string; name: string }): Promise<Organisation> {
      const { rows } = await db.query<Organisation>(
        `INSERT INTO organisations (slug, name) VALUES ($1, $2)
         ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
         RETURNING ${columns}`,
        [input.slug, input.name],
      );
      return rows[0]!;
    },
  };
}

export type OrganisationsRepo = ReturnType<typeof createOrganisationsRepo>;
