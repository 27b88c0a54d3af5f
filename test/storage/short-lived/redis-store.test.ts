// What only the Redis store has: a key prefix shared with other deployments and test runs, a
// connection of its own, and the on-the-wire layout. The behaviour both stores share is in
// store-contract.test.ts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisStore } from '../../../src/storage/short-lived/redis-store.js';
import type { ShortLivedStore } from '../../../src/storage/short-lived/store.js';
import { connectTestRedis, redisHarness, scanKeys, storePrefix } from '../../support/storage-short-lived.js';

let redis: Redis;
beforeAll(() => {
  redis = connectTestRedis();
});
afterAll(async () => {
  await redis.quit();
});

/** Exercise every write method once, with keys that carry `marker`. */
async function writeEverything(store: ShortLivedStore, marker: string) {
  await store.putRecord(`rec:${marker}`, 'v', 60, { pointers: [[`ptr:${marker}`, `rec:${marker}`]], sets: [`set:${marker}`] });
  await store.putRecord(`rec2:${marker}`, 'v', undefined, { sets: [`set:${marker}`] });
  await store.consumeRecord(`rec:${marker}`, 1);
  await store.consumeRecord(`missing:${marker}`, 1);
  await store.set(`plain:${marker}`, 'p', 60);
  await store.set(`once:${marker}`, 'o', 60);
  await store.take(`once:${marker}`);
  await store.incr(`n:${marker}`, 60);
  await store.putRecord(`gone:${marker}`, 'v', 60, { sets: [`set2:${marker}`] });
  await store.deleteSetMembers(`set2:${marker}`);
}

describe('Redis store prefix', () => {
  it('writes every key under its prefix and nowhere else', async () => {
    const prefix = storePrefix();
    const marker = randomBytes(6).toString('hex');
    await writeEverything(createRedisStore(redis, prefix), marker);
    // scan the whole server for anything carrying the marker
    const found = await scanKeys(redis, `*${marker}*`);
    expect(found.length).toBeGreaterThanOrEqual(6);
    for (const key of found) expect(key.startsWith(prefix), key).toBe(true);
    expect(found.sort()).toEqual([`rec:${marker}`, `ptr:${marker}`, `set:${marker}`, `rec2:${marker}`, `plain:${marker}`, `n:${marker}`].map((k) => prefix + k).sort());
    await redisHarness(redis, prefix).close();
  });

  it('isolates two stores with different prefixes on one server', async () => {
    const a = redisHarness(redis);
    const b = redisHarness(redis);
    await a.store.putRecord('rec', 'from-a', 60, { pointers: [['ptr', 'rec']], sets: ['grant'] });
    await a.store.set('k', 'a', 60);
    await a.store.incr('n', 60);
    expect(await b.store.getRecord('rec')).toBeUndefined();
    expect(await b.store.get('ptr')).toBeUndefined();
    expect(await b.store.get('k')).toBeUndefined();
    expect(await b.store.take('k')).toBeUndefined();
    expect(await b.store.consumeRecord('rec', 1)).toBe(false);
    expect(await b.store.incr('n', 60)).toBe(1);

    // same logical names in b: revoking b's set must not touch a's records
    await b.store.putRecord('rec', 'from-b', 60, { sets: ['grant'] });
    await b.store.deleteSetMembers('grant');
    expect(await b.store.getRecord('rec')).toBeUndefined();
    expect(await a.store.getRecord('rec')).toEqual({ value: 'from-a' });
    await b.store.del('k', 'rec', 'ptr');
    expect(await a.store.get('k')).toBe('a');
    expect(await a.store.get('ptr')).toBe('rec');
    await a.close();
    await b.close();
  });
});

describe('Redis store layout', () => {
  it('stores a record as a hash whose consume is a field write on the existing key', async () => {
    const prefix = storePrefix();
    const store = createRedisStore(redis, prefix);
    await store.putRecord('rec', 'payload', 60);
    await store.consumeRecord('rec', 42);
    expect(await redis.type(`${prefix}rec`)).toBe('hash');
    expect(await redis.hgetall(`${prefix}rec`)).toEqual({ v: 'payload', c: '42' });
    const pttl = await redis.pttl(`${prefix}rec`);
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    await redisHarness(redis, prefix).close();
  });

  it('does not resurrect a record that Redis itself expired (lazy expiry, no elapse helper)', async () => {
    const prefix = storePrefix();
    const store = createRedisStore(redis, prefix);
    await store.putRecord('code', 'v', 60);
    await redis.pexpire(`${prefix}code`, 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.consumeRecord('code', 1)).toBe(false);
    expect(await redis.exists(`${prefix}code`)).toBe(0);
    expect(await store.getRecord('code')).toBeUndefined();
  });

  it('keeps set members unprefixed, so the prefix can change without rewriting sets', async () => {
    const prefix = storePrefix();
    const store = createRedisStore(redis, prefix);
    await store.putRecord('member', 'v', 60, { sets: ['grant'] });
    expect(await redis.smembers(`${prefix}grant`)).toEqual(['member']);
    await redisHarness(redis, prefix).close();
  });
});

describe('connection', () => {
  it('connectRedis connects and close() quits the connection', async () => {
    const own = await connectRedis(inject('redisUrl'));
    const store = createRedisStore(own, storePrefix());
    await store.ping();
    await store.close();
    await expect(own.ping()).rejects.toThrow(/closed/i);
  });

  it('connectRedis fails at start-up with the cause when Redis is unreachable, and stops trying', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect(connectRedis('redis://:hunter2@127.0.0.1:1')).rejects.toThrow(/ECONNREFUSED/);
      await expect(connectRedis('redis://:hunter2@127.0.0.1:1')).rejects.not.toThrow(/hunter2/);
      // ioredis retries after 50, 100, 150… ms; nothing may still be reconnecting
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });
});
