// What the bench left in Redis, by kind of key: MEMORY USAGE (SAMPLES 0: exact for hashes and
// sets) of every key under the run's prefix. Key layout from src/oidc/adapter.ts:
// oidc:<Model>:<id>, oidc:<Model>:uid:<uid>, oidc:grant:<grantId> (set of a grant's keys),
// oidc:account:<accountId>[:sessions] (sets of an account's records), and the session-end
// markers of src/oidc/session-end.ts.
import type { Redis } from 'ioredis';

export interface KeyKind {
  keys: number;
  bytes: number;
  bytesEach: number;
  /** the longest remaining TTL among the keys of this kind, seconds (-1: a key without TTL) */
  ttlMax: number;
}

export function kindOf(logicalKey: string): string {
  const parts = logicalKey.split(':');
  if (parts[0] === 'oidc' && parts[1] === 'grant') return 'grant set (oidc:grant:*)';
  if (parts[0] === 'oidc' && parts[1] === 'account') return parts[3] === 'sessions' ? 'account sessions set (oidc:account:*:sessions)' : 'account grants set (oidc:account:*:grants)';
  if (parts[0] === 'session-end') return 'session-end marker (session-end:*)';
  if (parts[0] === 'oidc' && parts[2] === 'uid') return `${parts[1]} uid pointer`;
  if (parts[0] === 'oidc' && parts[2] === 'userCode') return `${parts[1]} userCode pointer`;
  if (parts[0] === 'oidc') return parts[1] ?? 'oidc';
  return `other (${parts.slice(0, 2).join(':')})`;
}

export async function scanKeys(redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  for (let i = 0; i < 100_000; i++) {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
    if (cursor === '0') break;
  }
  return keys;
}

export async function memoryByKind(redis: Redis, prefix: string): Promise<Record<string, KeyKind>> {
  const keys = await scanKeys(redis, prefix);
  const kinds: Record<string, KeyKind> = {};
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0').ttl(key);
    const results = (await pipeline.exec()) ?? [];
    batch.forEach((key, j) => {
      const bytes = Number(results[2 * j]?.[1] ?? 0); // a key that expired meanwhile: null → 0
      if (!bytes) return;
      const ttl = Number(results[2 * j + 1]?.[1]);
      const name = kindOf(key.slice(prefix.length));
      const kind = kinds[name] ?? { keys: 0, bytes: 0, bytesEach: 0, ttlMax: ttl };
      kinds[name] = kind;
      kind.keys++;
      kind.bytes += bytes;
      kind.ttlMax = kind.ttlMax === -1 || ttl === -1 ? -1 : Math.max(kind.ttlMax, ttl);
    });
  }
  for (const kind of Object.values(kinds)) kind.bytesEach = Math.round(kind.bytes / kind.keys);
  return kinds;
}
