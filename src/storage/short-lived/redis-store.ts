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

// A whole record write in one round trip: replace the record (clearing any consumed mark), its
// pointers, and its membership in sets. A set lives as long as its longest-lived member: a new
// set takes the member's TTL, an existing one is only ever extended (GT treats a set without
// TTL as infinite), and a member without TTL makes the set permanent — otherwise a set could
// expire before its member and revokeByGrantId would miss it.
// KEYS: record, pointer keys (ARGV[3] of them), set keys. ARGV: value, ttl ('' = none),
// pointer count, pointer targets, set member.
const PUT_RECORD = `
local ttl = ARGV[2]
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1])
if ttl ~= '' then redis.call('EXPIRE', KEYS[1], ttl) end
local p = tonumber(ARGV[3])
for i = 1, p do
  if ttl ~= '' then redis.call('SET', KEYS[1 + i], ARGV[3 + i], 'EX', ttl) else redis.call('SET', KEYS[1 + i], ARGV[3 + i]) end
end
local member = ARGV[4 + p]
for i = 2 + p, #KEYS do
  local created = redis.call('EXISTS', KEYS[i]) == 0
  redis.call('SADD', KEYS[i], member)
  if ttl == '' then
    redis.call('PERSIST', KEYS[i])
  elseif created then
    redis.call('EXPIRE', KEYS[i], ttl)
  else
    redis.call('EXPIRE', KEYS[i], ttl, 'GT')
  end
end
return 1`;

const INCR_WITH_TTL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

interface Scripts {
  twofoldPutRecord(...args: Array<string | number>): Promise<number>;
  twofoldConsume(key: string, at: string): Promise<number>;
  twofoldDeleteSetMembers(key: string, prefix: string): Promise<number>;
  twofoldIncrWithTtl(key: string, ttl: string): Promise<number>;
}

/** Register the scripts once per connection; ioredis then sends them by SHA (EVALSHA). */
function scripts(redis: Redis): Scripts {
  const r = redis as Redis & Partial<Scripts>;
  if (!r.twofoldPutRecord) {
    redis.defineCommand('twofoldPutRecord', { lua: PUT_RECORD });
    redis.defineCommand('twofoldConsume', { lua: CONSUME, numberOfKeys: 1 });
    redis.defineCommand('twofoldDeleteSetMembers', { lua: DELETE_SET_MEMBERS, numberOfKeys: 1 });
    redis.defineCommand('twofoldIncrWithTtl', { lua: INCR_WITH_TTL, numberOfKeys: 1 });
  }
  return r as Redis & Scripts;
}

export function createRedisStore(redis: Redis, prefix: string): ShortLivedStore {
  const k = (key: string) => prefix + key;
  const lua = scripts(redis);
  return {
    kind: 'redis',

    async putRecord(key, value, ttlSeconds, indexes: RecordIndexes = {}) {
      if (ttlSeconds !== undefined) assertTtl(ttlSeconds);
      const pointers = indexes.pointers ?? [];
      const sets = indexes.sets ?? [];
      const keys = [k(key), ...pointers.map(([indexKey]) => k(indexKey)), ...sets.map(k)];
      const argv = [value, ttlSeconds ? String(ttlSeconds) : '', String(pointers.length), ...pointers.map(([, target]) => target), key];
      await lua.twofoldPutRecord(keys.length, ...keys, ...argv);
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
      return (await lua.twofoldConsume(k(key), String(at))) === 1;
    },

    async setMembers(setKey) {
      return redis.smembers(k(setKey));
    },

    async deleteSetMembers(setKey) {
      await lua.twofoldDeleteSetMembers(k(setKey), prefix);
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
      return Number(await lua.twofoldIncrWithTtl(k(key), String(ttlSeconds)));
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
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true, enableAutoPipelining: true });
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
