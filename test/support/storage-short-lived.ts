// Both ShortLivedStore implementations behind one test harness, so a single contract suite runs
// against each. Time passes without sleeping: the memory store gets a manual clock, and for
// Redis `elapse` shortens every key's remaining TTL under the store's prefix by the same amount
// (deleting what runs out), which is what waiting would do.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { manualClock } from '../../src/clock.js';
import { createMemoryStore } from '../../src/storage/short-lived/memory-store.js';
import { createRedisStore } from '../../src/storage/short-lived/redis-store.js';
import type { ShortLivedStore } from '../../src/storage/short-lived/store.js';

export interface StoreHarness {
  kind: 'redis' | 'memory';
  /** the Redis key prefix ('' for memory) */
  prefix: string;
  store: ShortLivedStore;
  /** let `seconds` pass for every key of this store */
  elapse(seconds: number): Promise<void>;
  /** whether the backend holds anything at all under `key` (of any type) */
  exists(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export function storePrefix(): string {
  return `${inject('redisPrefix')}store-${randomBytes(4).toString('hex')}:`;
}

export function connectTestRedis(): Redis {
  return new Redis(inject('redisUrl'), { lazyConnect: false, maxRetriesPerRequest: 2 });
}

export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out;
}

const escapeGlob = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

/** A Redis store on its own prefix over a shared connection; close() deletes its keys only. */
export function redisHarness(redis: Redis, prefix = storePrefix()): StoreHarness {
  const store = createRedisStore(redis, prefix);
  const rawKeys = () => scanKeys(redis, `${escapeGlob(prefix)}*`);
  return {
    kind: 'redis',
    prefix,
    store,
    async elapse(seconds) {
      const ms = seconds * 1000;
      for (const key of await rawKeys()) {
        const left = await redis.pttl(key);
        if (left < 0) continue;
        if (left <= ms) await redis.del(key);
        else await redis.pexpire(key, left - ms);
      }
    },
    exists: async (key) => (await redis.exists(prefix + key)) === 1,
    async close() {
      const keys = await rawKeys();
      if (keys.length) await redis.del(...keys);
    },
  };
}

export function memoryHarness(): StoreHarness {
  const clock = manualClock(Date.UTC(2030, 0, 1));
  const store = createMemoryStore(clock);
  return {
    kind: 'memory',
    prefix: '',
    store,
    async elapse(seconds) {
      clock.advance(seconds * 1000);
    },
    // the memory store cannot be listed; a key exists when any contract read sees it
    exists: async (key) => (await store.ttl(key)) !== undefined || (await store.get(key)) !== undefined || (await store.getRecord(key)) !== undefined,
    close: () => store.close(),
  };
}

/**
 * The two stores with an injected clock, for code whose own time checks use the clock (codes,
 * challenges): for describe.each. Redis TTLs still run on real time.
 */
export function clockedStores(redis: Redis) {
  return [
    [
      'memory',
      () => {
        const clock = manualClock(Date.UTC(2030, 0, 1));
        return { clock, store: createMemoryStore(clock) };
      },
    ],
    [
      'redis',
      () => {
        const clock = manualClock(Date.now());
        return { clock, store: createRedisStore(redis, storePrefix()) };
      },
    ],
  ] as const;
}
