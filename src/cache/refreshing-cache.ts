// A bounded in-process cache in front of a slow lookup, for rows that rarely change and whose
// every change is announced (the client and organisation caches): an entry is answered until
// `ttlMs` (a safety net for a missed announcement) or until invalidate() drops it; a lookup that
// started before an invalidation does not store its possibly stale answer. Oldest entry out when
// full. `keepMisses`: also remember that a key had no row (for keys that come from requests).
export interface RefreshingCache<V> {
  get(key: string): Promise<V | undefined>;
  /** the value as last read, however old, without reading it (for synchronous callers) */
  peek(key: string): V | undefined;
  /** drop one key, or everything (the announcements may have been missed) */
  invalidate(key?: string): void;
}

export function createRefreshingCache<V>(load: (key: string) => Promise<V | undefined>, opts: { ttlMs: number; now: () => number; maxEntries?: number; keepMisses?: boolean }): RefreshingCache<V> {
  const maxEntries = opts.maxEntries ?? 1000;
  const entries = new Map<string, { value: V | undefined; at: number }>();
  let generation = 0;

  return {
    async get(key) {
      const hit = entries.get(key);
      if (hit && opts.now() - hit.at < opts.ttlMs) return hit.value;
      const started = generation;
      const value = await load(key);
      if (started === generation && (value !== undefined || opts.keepMisses)) {
        entries.delete(key);
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(key, { value, at: opts.now() });
      }
      return value;
    },
    peek: (key) => entries.get(key)?.value,
    invalidate(key) {
      generation++;
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
  };
}
