// Keyset pagination for every admin list: ?limit=1..200 (default 50) and an opaque ?cursor from
// the previous page's next_cursor. Cursors are the last item's sort key, base64url-encoded.
import { z } from 'zod';
import { ApiError, fieldErrors } from './errors.js';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(1024)
    .regex(/^[A-Za-z0-9_-]*$/, 'not a cursor from next_cursor')
    .optional(),
});

export interface PageRequest {
  limit: number;
  after: string | undefined;
}

export function pageRequest(query: unknown): PageRequest {
  const parsed = pageQuery.safeParse(query);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', 'invalid paging parameters', {}, fieldErrors(parsed.error));
  const after = parsed.data.cursor ? Buffer.from(parsed.data.cursor, 'base64url').toString('utf8') : undefined;
  return { limit: parsed.data.limit, after };
}

/** Ask the repository for limit + 1 rows; the extra one tells whether there is a next page. */
export function page<T, R>(rows: T[], req: PageRequest, key: (row: T) => string, view: (row: T) => R): { items: R[]; next_cursor: string | null } {
  const more = rows.length > req.limit;
  const items = more ? rows.slice(0, req.limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(view), next_cursor: more && last ? Buffer.from(key(last), 'utf8').toString('base64url') : null };
}
