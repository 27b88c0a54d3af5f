// Every sign-in step reads the account's organisation for its 2FA policy (interactions/enrol/
// policy.ts): three Postgres queries per sign-in for a row that changes a few times a year. This
// keeps organisations by id in process and drops one the moment it changes, through this
// process (the repository's onChange) or another replica (Postgres NOTIFY on
// organisationsChannel); the TTL is only a safety net for a missed notification, and the whole
// cache is dropped when the notification connection is lost. Unknown ids are not kept.
import type { Organisation, OrganisationsRepo } from './organisations.js';

export interface OrganisationsCache {
  /** the repository, with findById answered from memory when fresh */
  repo: OrganisationsRepo;
  /** the organisation as last read, however old, without reading it (for synchronous callers) */
  peek(organisationId: string): Organisation | undefined;
  invalidate(organisationId?: string): void;
}

export function createOrganisationsCache(source: OrganisationsRepo, opts: { ttlMs: number; now: () => number; maxEntries?: number }): OrganisationsCache {
  const maxEntries = opts.maxEntries ?? 1000;
  const entries = new Map<string, { value: Organisation; at: number }>();
  // bumped by every invalidation: a lookup that started before one must not store its answer
  let generation = 0;

  async function findById(id: string): Promise<Organisation | undefined> {
    const hit = entries.get(id);
    if (hit && opts.now() - hit.at < opts.ttlMs) return hit.value;
    const started = generation;
    const value = await source.findById(id);
    if (value && started === generation) {
      entries.delete(id);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(id, { value, at: opts.now() });
    }
    return value;
  }

  return {
    repo: { ...source, findById },
    peek: (id) => entries.get(id)?.value,
    invalidate(organisationId) {
      generation++;
      if (organisationId === undefined) entries.clear();
      else entries.delete(organisationId);
    },
  };
}
