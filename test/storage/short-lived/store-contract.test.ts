// The ShortLivedStore contract (src/storage/short-lived/store.ts), run unchanged against the
// Redis store (real Redis) and the memory store. Whatever one implementation does, the other
// must do too: the zero-setup mode and production share every caller.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectTestRedis, memoryHarness, redisHarness, type StoreHarness } from '../../support/storage-short-lived.js';

let redis: Redis;
beforeEach(() => {
  redis ??= connectTestRedis();
});
afterAll(async () => {
  await redis?.quit();
});

describe.each([
  ['redis', () => redisHarness(redis)],
  ['memory', () => memoryHarness()],
] as const)('ShortLivedStore contract: %s', (_name, makeHarness) => {
  let h: StoreHarness;
  beforeEach(() => {
    h = makeHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('records', () => {
    it('round-trips a value exactly', async () => {
      const value = JSON.stringify({ jti: 'x', s: 'ünïcödé ✓ 𝄞', n: 1, nested: { a: [1, 2] } });
      await h.store.putRecord('rec:1', value, 60);
      expect(await h.store.getRecord('rec:1')).toEqual({ value });
      expect(await h.store.getRecord('rec:missing')).toBeUndefined();
    });

    it('replaces the value on a second put and clears the consumed mark', async () => {
      await h.store.putRecord('rec:1', 'first', 60);
      expect(await h.store.consumeRecord('rec:1', 1234)).toBe(true);
      expect(await h.store.getRecord('rec:1')).toEqual({ value: 'first', consumedAt: 1234 });
      await h.store.putRecord('rec:1', 'second', 60);
      expect(await h.store.getRecord('rec:1')).toEqual({ value: 'second' });
    });

    it('applies the TTL to the record, its pointers and its sets', async () => {
      await h.store.putRecord('rec:1', 'v', 120, { pointers: [['ptr:1', 'target-1']], sets: ['set:1'] });
      expect(await h.store.ttl('rec:1')).toBe(120);
      expect(await h.store.ttl('ptr:1')).toBe(120);
      expect(await h.store.ttl('set:1')).toBe(120);
      expect(await h.store.get('ptr:1')).toBe('target-1');
    });

    it('makes the record and its pointers disappear when the TTL has run out, not before', async () => {
      await h.store.putRecord('rec:1', 'v', 60, { pointers: [['ptr:1', 'rec:1']], sets: ['set:1'] });
      await h.elapse(59);
      expect(await h.store.getRecord('rec:1')).toEqual({ value: 'v' });
      expect(await h.store.get('ptr:1')).toBe('rec:1');
      await h.elapse(1);
      expect(await h.store.getRecord('rec:1')).toBeUndefined();
      expect(await h.store.get('ptr:1')).toBeUndefined();
      expect(await h.exists('rec:1')).toBe(false);
      expect(await h.exists('ptr:1')).toBe(false);
      expect(await h.exists('set:1')).toBe(false);
    });

    it('writes no TTL when none is given', async () => {
      await h.store.putRecord('rec:1', 'v', undefined, { pointers: [['ptr:1', 'rec:1']] });
      expect(await h.store.ttl('rec:1')).toBeUndefined();
      expect(await h.store.ttl('ptr:1')).toBeUndefined();
      await h.elapse(10 * 365 * 24 * 3600);
      expect(await h.store.getRecord('rec:1')).toEqual({ value: 'v' });
      expect(await h.store.get('ptr:1')).toBe('rec:1');
    });

    it('answers "no record" for a key that holds a plain value or a set, and leaves it alone', async () => {
      // record keys are built from ids that arrive in requests; one may name an index key
      await h.store.set('plain', 'p', 60);
      await h.store.putRecord('member', 'm', 60, { sets: ['a-set'], pointers: [['a-ptr', 'member']] });
      for (const key of ['plain', 'a-set', 'a-ptr']) {
        expect(await h.store.getRecord(key)).toBeUndefined();
        expect(await h.store.consumeRecord(key, 1)).toBe(false);
      }
      expect(await h.store.get('plain')).toBe('p');
      expect(await h.store.get('a-ptr')).toBe('member');
      await h.store.deleteSetMembers('a-set');
      expect(await h.store.getRecord('member')).toBeUndefined();
    });

    it('takes the TTL of the latest put, shorter or longer', async () => {
      await h.store.putRecord('rec:1', 'v', 600, { pointers: [['ptr:1', 'rec:1']] });
      await h.store.putRecord('rec:1', 'v', 30, { pointers: [['ptr:1', 'rec:1']] });
      expect(await h.store.ttl('rec:1')).toBe(30);
      expect(await h.store.ttl('ptr:1')).toBe(30);
      await h.store.putRecord('rec:1', 'v', undefined, { pointers: [['ptr:1', 'rec:1']] });
      expect(await h.store.ttl('rec:1')).toBeUndefined();
      expect(await h.store.ttl('ptr:1')).toBeUndefined();
    });
  });

  describe('sets of records', () => {
    it('extends a set TTL upwards only: it lives as long as its longest-lived member', async () => {
      await h.store.putRecord('a', '1', 100, { sets: ['grant'] });
      expect(await h.store.ttl('grant')).toBe(100);
      await h.store.putRecord('b', '2', 50, { sets: ['grant'] });
      expect(await h.store.ttl('grant')).toBe(100);
      await h.store.putRecord('c', '3', 300, { sets: ['grant'] });
      expect(await h.store.ttl('grant')).toBe(300);
      // a and b are gone, c is still alive: revoking the set must still reach it
      await h.elapse(150);
      expect(await h.store.getRecord('c')).toEqual({ value: '3' });
      await h.store.deleteSetMembers('grant');
      expect(await h.store.getRecord('c')).toBeUndefined();
    });

    it('keeps a set without TTL while a member without TTL is in it', async () => {
      await h.store.putRecord('forever', '1', undefined, { sets: ['grant'] });
      await h.store.putRecord('short', '2', 60, { sets: ['grant'] });
      expect(await h.store.ttl('grant')).toBeUndefined();
      await h.elapse(3600);
      await h.store.deleteSetMembers('grant');
      expect(await h.store.getRecord('forever')).toBeUndefined();
    });

    it('drops the set TTL when a member without TTL joins', async () => {
      await h.store.putRecord('short', '1', 60, { sets: ['grant'] });
      await h.store.putRecord('forever', '2', undefined, { sets: ['grant'] });
      expect(await h.store.ttl('grant')).toBeUndefined();
      await h.elapse(3600);
      await h.store.deleteSetMembers('grant');
      expect(await h.store.getRecord('forever')).toBeUndefined();
    });

    it('deleteSetMembers deletes every member and the set, nothing else', async () => {
      await h.store.putRecord('m1', '1', 60, { sets: ['grant:1'] });
      await h.store.putRecord('m2', '2', 60, { sets: ['grant:1', 'grant:other'] });
      await h.store.putRecord('other', '3', 60, { sets: ['grant:2'] });
      await h.store.set('plain', 'p', 60);
      await h.store.deleteSetMembers('grant:1');
      expect(await h.store.getRecord('m1')).toBeUndefined();
      expect(await h.store.getRecord('m2')).toBeUndefined();
      expect(await h.exists('grant:1')).toBe(false);
      expect(await h.store.getRecord('other')).toEqual({ value: '3' });
      expect(await h.store.get('plain')).toBe('p');
      // a second call, or a set that never existed, is not an error
      await h.store.deleteSetMembers('grant:1');
      await h.store.deleteSetMembers('never-existed');
    });

    it('setMembers lists the keys added to a set, [] for none', async () => {
      await h.store.putRecord('m1', '1', 60, { sets: ['grant:1'] });
      await h.store.putRecord('m2', '2', 60, { sets: ['grant:1', 'grant:other'] });
      expect((await h.store.setMembers('grant:1')).sort()).toEqual(['m1', 'm2']);
      expect(await h.store.setMembers('grant:other')).toEqual(['m2']);
      expect(await h.store.setMembers('never-existed')).toEqual([]);
    });
  });

  describe('consumeRecord', () => {
    it('marks the record consumed and keeps its TTL', async () => {
      await h.store.putRecord('code', 'v', 60);
      await h.elapse(20);
      const before = await h.store.ttl('code');
      expect(await h.store.consumeRecord('code', 1_700_000_000)).toBe(true);
      expect(await h.store.getRecord('code')).toEqual({ value: 'v', consumedAt: 1_700_000_000 });
      expect(await h.store.ttl('code')).toBe(before);
      await h.elapse(40);
      expect(await h.store.getRecord('code')).toBeUndefined();
    });

    it('keeps a record without TTL without TTL', async () => {
      await h.store.putRecord('code', 'v', undefined);
      expect(await h.store.consumeRecord('code', 5)).toBe(true);
      expect(await h.store.ttl('code')).toBeUndefined();
    });

    it('returns false and creates nothing for a record that does not exist', async () => {
      expect(await h.store.consumeRecord('never', 5)).toBe(false);
      expect(await h.exists('never')).toBe(false);
      expect(await h.store.getRecord('never')).toBeUndefined();
    });

    it('returns false and does not resurrect a record that has expired', async () => {
      await h.store.putRecord('code', 'v', 60);
      await h.elapse(60);
      expect(await h.store.consumeRecord('code', 5)).toBe(false);
      expect(await h.exists('code')).toBe(false);
      expect(await h.store.getRecord('code')).toBeUndefined();
    });
  });

  describe('plain values', () => {
    it('set/get with a TTL', async () => {
      await h.store.set('k', 'v', 30);
      expect(await h.store.get('k')).toBe('v');
      expect(await h.store.ttl('k')).toBe(30);
      await h.elapse(30);
      expect(await h.store.get('k')).toBeUndefined();
    });

    it('take returns the value once, even to concurrent callers', async () => {
      await h.store.set('once', 'secret', 60);
      const results = await Promise.all(Array.from({ length: 10 }, () => h.store.take('once')));
      expect(results.filter((r) => r === 'secret')).toHaveLength(1);
      expect(results.filter((r) => r === undefined)).toHaveLength(9);
      expect(await h.store.take('once')).toBeUndefined();
      expect(await h.exists('once')).toBe(false);
    });

    it('take of an expired value returns nothing', async () => {
      await h.store.set('once', 'secret', 60);
      await h.elapse(60);
      expect(await h.store.take('once')).toBeUndefined();
    });

    it('del removes several keys of any kind', async () => {
      await h.store.set('a', '1', 60);
      await h.store.set('b', '2', 60);
      await h.store.putRecord('r', 'x', 60);
      await h.store.del('a', 'r', 'not-there');
      expect(await h.store.get('a')).toBeUndefined();
      expect(await h.store.getRecord('r')).toBeUndefined();
      expect(await h.store.get('b')).toBe('2');
      await h.store.del();
    });

    it('ttl is undefined for a missing key', async () => {
      expect(await h.store.ttl('missing')).toBeUndefined();
    });
  });

  describe('incr', () => {
    it('counts from 1 and sets the TTL only when the counter is created', async () => {
      expect(await h.store.incr('n', 60)).toBe(1);
      await h.elapse(20);
      expect(await h.store.incr('n', 60)).toBe(2);
      expect(await h.store.incr('n', 999)).toBe(3);
      expect(await h.store.ttl('n')).toBe(40);
      await h.elapse(40);
      expect(await h.store.get('n')).toBeUndefined();
      expect(await h.store.incr('n', 60)).toBe(1);
      expect(await h.store.ttl('n')).toBe(60);
    });

    it('is atomic under concurrency', async () => {
      const values = await Promise.all(Array.from({ length: 25 }, () => h.store.incr('n', 60)));
      expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(await h.store.get('n')).toBe('25');
    });
  });

  it('refuses a TTL that is not a whole number of seconds above 0, before writing anything', async () => {
    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(h.store.set('k', 'v', ttl), String(ttl)).rejects.toThrow(RangeError);
      await expect(h.store.incr('n', ttl), String(ttl)).rejects.toThrow(RangeError);
      await expect(h.store.putRecord('r', 'v', ttl, { pointers: [['p', 'r']], sets: ['s'] }), String(ttl)).rejects.toThrow(RangeError);
    }
    for (const key of ['k', 'n', 'r', 'p', 's']) expect(await h.exists(key), key).toBe(false);
  });

  it('answers ping', async () => {
    await expect(h.store.ping()).resolves.toBeUndefined();
  });
});
