// ShortLivedStore on Redis (ioredis). Records are hashes {v: value, c: consumedAt} so that
// consuming one is a single HSET on an existing key (TTL kept, never resurrected by a late
// consume). Every key gets the configured prefix; set members are stored without it.
import { Redis } from 'ioredis';
import { assertTtl, type RecordIndexes, type ShortLivedStore, type StoredRecord } from './store.js';

// Only a record (a hash) can be consumed: a missing or expired key stays missing, and a key of
// another kind (an index entry named by a crafted id) is left alone.
const CONSUME = `
if redis.call('TYPE', KEYS[1]).ok == 'hash' then
  redis.call('HSET', KEYS[1], 'c', ARGV[1])
  return 1
end
return 0`;

// Members are logical (unprefixed) keys; ARGV[1] is the prefix.
const DELETE_SET_MEMBERS = `
local members = redis.call('SMEMBERS', KEYS[1])
for _, m in ipairs(members) do
  redis.call('DEL', ARGV[1] .. m)
end
redis.call('DEL', KEYS[1])
return #members`;

// A set lives as long as its longest-lived member. A new set takes the member's TTL; an existing
// one is only ever extended (GT treats a set without TTL as infinite); a member without TTL
// makes the set permanent. Plain EXPIRE NX + GT got the last two wrong: NX put a TTL on a set
// that had none, and a member without TTL left the set's TTL in place, so the set could expire
// before its member and revokeByGrantId would miss it. ARGV[2] is '' for "no TTL".
const ADD_TO_SET = `
local created = redis.call('EXISTS', KEYS[1]) == 0
redis.call('SADD', KEYS[1], ARGV[1])
if ARGV[2] == '' then
  redis.call('PERSIST', KEYS[1])
elseif created then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
else
  redis.call('EXPIRE', KEYS[1], ARGV[2], 'GT')
end
return 1`;

const INCR_WITH_TTL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

export function createRedisStore(redis: Redis, prefix: string): ShortLivedStore {
  const k = (key: string) => prefix + key;
  return {
    kind: 'redis',

    async putRecord(key, value, ttlSeconds, indexes: RecordIndexes = {}) {
      if (ttlSeconds !== undefined) assertTtl(ttlSeconds);
      const tx = redis.multi().del(k(key)).hset(k(key), 'v', value);
      if (ttlSeconds) tx.expire(k(key), ttlSeconds);
      for (const [indexKey, target] of indexes.pointers ?? []) {
        if (ttlSeconds) tx.set(k(indexKey), target, 'EX', ttlSeconds);
        else tx.set(k(indexKey), target);
      }
      for (const setKey of indexes.sets ?? []) {
        tx.eval(ADD_TO_SET, 1, k(setKey), key, ttlSeconds ? String(ttlSeconds) : '');
      }
      const results = await tx.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
    },

    async getRecord(key) {
      // keys come from ids in requests: one naming a non-record key is "no record", not an error
      const h = await redis.hgetall(k(key)).catch((err: unknown) => {
        if (err instanceof Error && err.message.startsWith('WRONGTYPE')) return {} as Record<string, string>;
        throw err;
      });
      if (!h.v) return undefined;
      const record: StoredRecord = { value: h.v };
      if (h.c) record.consumedAt = Number(h.c);
      return record;
    },

    async consumeRecord(key, at) {
      return (await redis.eval(CONSUME, 1, k(key), String(at))) === 1;
    },

    async deleteSetMembers(setKey) {
      await redis.eval(DELETE_SET_MEMBERS, 1, k(setKey), prefix);
    },

    async get(key) {
      return (await redis.get(k(key))) ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      await redis.set(k(key), value, 'EX', ttlSeconds);
    },
    async take(key) {
      return (await redis.getdel(k(key))) ?? undefined;
    },
    async del(...keys) {
      if (keys.length) await redis.del(...keys.map(k));
    },
    async incr(key, ttlSeconds) {
      assertTtl(ttlSeconds);
      return Number(await redis.eval(INCR_WITH_TTL, 1, k(key), String(ttlSeconds)));
    },
    async ttl(key) {
      const t = await redis.ttl(k(key));
      return t >= 0 ? t : undefined;
    },

    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit();
    },
  };
}

/**
 * Connect to Redis; fails fast at start-up instead of queueing commands forever. A failed
 * attempt is stopped (ioredis would otherwise keep reconnecting in the background, printing
 * "Unhandled error event" every few hundred ms) and reported with its cause, not as ioredis'
 * bare "Connection is closed". The URL is left out of the message: it may hold a password.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  let cause: unknown;
  const remember = (err: unknown) => {
    cause ??= err;
  };
  redis.on('error', remember);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    cause ??= err;
    throw new Error(`cannot connect to Redis (REDIS_URL): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  } finally {
    redis.off('error', remember);
  }
  return redis;
}
