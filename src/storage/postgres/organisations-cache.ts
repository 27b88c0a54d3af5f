// Every sign-in step reads the account's organisation for its 2FA policy (interactions/enrol/
// policy.ts): three Postgres queries per sign-in for a row that changes a few times a year. This
// keeps organisations by id in process and drops one the moment it changes, through this
// process (the repository's onChange) or another replica (Postgres NOTIFY on
// organisationsChannel); the TTL is only a safety net for a missed notification, and the whole
// cache is dropped when the notification connection is lost. Unknown ids are not kept.
import { createRefreshingCache } from '../../cache/refreshing-cache.js';
import type { Organisation, OrganisationsRepo } from './organisations.js';

export interface OrganisationsCache {
  /** the repository, with findById answered from memory when fresh */
  repo: OrganisationsRepo;
  /** the organisation as last read, however old, without reading it (for synchronous callers) */
  peek(organisationId: string): Organisation | undefined;
  invalidate(organisationId?: string): void;
}

export function createOrganisationsCache(source: OrganisationsRepo, opts: { ttlMs: number; now: () => number; maxEntries?: number }): OrganisationsCache {
  const cache = createRefreshingCache<Organisation>((id) => source.findById(id), opts);
  return { repo: { ...source, findById: (id) => cache.get(id) }, peek: (id) => cache.peek(id), invalidate: (id) => cache.invalidate(id) };
}
