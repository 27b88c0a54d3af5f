// oidc-provider looks a client up on every request (notes §6); each lookup was a Postgres query
// and an AES-GCM decryption, half the cost of a client-credentials token. This cache keeps the
// metadata in process and drops an entry the moment the client changes: through this process
// (the repository's onChange) or another replica (Postgres NOTIFY, see
// src/storage/postgres/notifications.ts). The TTL is only a safety net for a missed
// notification; the whole cache is dropped when the notification connection is lost.
import type { AdapterPayload } from 'oidc-provider';
import type { ClientSource } from './adapter.js';

export interface ClientCache extends ClientSource {
  invalidate(clientId?: string): void;
}

export function createClientCache(source: ClientSource, opts: { ttlMs: number; now: () => number; maxEntries?: number }): ClientCache {
  const maxEntries = opts.maxEntries ?? 1000;
  const entries = new Map<string, { value: AdapterPayload | undefined; at: number }>();
  // bumped by every invalidation: a lookup that started before one must not store its (maybe stale) answer
  let generation = 0;

  return {
    async findMetadata(clientId) {
      const hit = entries.get(clientId);
      if (hit && opts.now() - hit.at < opts.ttlMs) return hit.value;
      const started = generation;
      const value = await source.findMetadata(clientId);
      if (started === generation) {
        entries.delete(clientId);
        // unknown ids are cached too (they come from requests), so the map is bounded: oldest out
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(clientId, { value, at: opts.now() });
      }
      return value;
    },
    invalidate(clientId) {
      generation++;
      if (clientId === undefined) entries.clear();
      else entries.delete(clientId);
    },
  };
}
