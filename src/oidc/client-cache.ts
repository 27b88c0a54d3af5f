// oidc-provider looks a client up on every request (notes §6); each lookup was a Postgres query
// and an AES-GCM decryption, half the cost of a client-credentials token. This cache keeps the
// metadata in process and drops an entry the moment the client changes: through this process
// (the repository's onChange) or another replica (Postgres NOTIFY, see
// src/storage/postgres/notifications.ts). The TTL is only a safety net for a missed
// notification; the whole cache is dropped when the notification connection is lost.
import type { AdapterPayload } from 'oidc-provider';
import { createRefreshingCache } from '../cache/refreshing-cache.js';
import type { ClientSource } from './adapter.js';

export interface ClientCache extends ClientSource {
  invalidate(clientId?: string): void;
}

export function createClientCache(source: ClientSource, opts: { ttlMs: number; now: () => number; maxEntries?: number }): ClientCache {
  // unknown ids are cached too (they come from requests); the cache is bounded, oldest out
  const cache = createRefreshingCache<AdapterPayload>((clientId) => source.findMetadata(clientId), { ...opts, keepMisses: true });
  return { findMetadata: (clientId) => cache.get(clientId), invalidate: (clientId) => cache.invalidate(clientId) };
}
