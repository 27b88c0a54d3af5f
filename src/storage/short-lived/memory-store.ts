// ShortLivedStore in process memory, for the zero-setup start (no REDIS_URL). Same contract
// as the Redis store, TTLs included: expired entries are invisible at once and swept
// periodically so memory stays bounded. Only for a single process.
import { systemClock, type Clock } from '../../clock.js';
import { assertTtl, type RecordIndexes, type ShortLivedStore, type StoredRecord } from './store.js';

type Value = { kind: 'string'; value: string } | { kind: 'record'; record: StoredRecord } | { kind: 'set'; members: Set<string> };
interface Entry {
  data: Value;
  /** epoch milliseconds; undefined = no expiry */
  expiresAt?: number;
}

export function createMemoryStore(clock: Clock = systemClock, sweepEveryMs = 60_000): ShortLivedStore {
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const e = entries.get(key);
    if (e && e.expiresAt !== undefined && e.expiresAt <= clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  };
  const expiry = (ttlSeconds: number | undefined) => (ttlSeconds ? clock.now() + ttlSeconds * 1000 : undefined);

  const sweep = setInterval(() => {
    const now = clock.now();
    for (const [key, e] of entries) if (e.expiresAt !== undefined && e.expiresAt <= now) entries.delete(key);
  }, sweepEveryMs);
  sweep.unref();

  return {
    kind: 'memory',

    async putRecord(key, value, ttlSeconds, indexes: RecordIndexes = {}) {
      if (ttlSeconds !== undefined) assertTtl(ttlSeconds);
      const expiresAt = expiry(ttlSeconds);
      entries.set(key, { data: { kind: 'record', record: { value } }, expiresAt });
      for (const [indexKey, target] of indexes.pointers ?? []) {
        entries.set(indexKey, { data: { kind: 'string', value: target }, expiresAt });
      }
      for (const setKey of indexes.sets ?? []) {
        const existing = live(setKey);
        if (existing?.data.kind === 'set') {
          existing.data.members.add(key);
          if (existing.expiresAt !== undefined && (expiresAt === undefined || expiresAt > existing.expiresAt)) {
            existing.expiresAt = expiresAt;
          }
        } else {
          entries.set(setKey, { data: { kind: 'set', members: new Set([key]) }, expiresAt });
        }
      }
    },

    async getRecord(key) {
      const e = live(key);
      return e?.data.kind === 'record' ? { ...e.data.record } : undefined;
    },

    async consumeRecord(key, at) {
      const e = live(key);
      if (e?.data.kind !== 'record') return false;
      e.data.record.consumedAt = at;
      return true;
    },

    async setMembers(setKey) {
      const e = live(setKey);
      return e?.data.kind === 'set' ? [...e.data.members] : [];
    },

    async deleteSetMembers(setKey) {
      const e = live(setKey);
      if (e?.data.kind === 'set') for (const m of e.data.members) entries.delete(m);
      entries.delete(setKey);
    },

    async get(key) {
      const e = live(key);
      return e?.data.kind === 'string' ? e.data.value : undefined;
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      entries.set(key, { data: { kind: 'string', value }, expiresAt: expiry(ttlSeconds) });
    },
    async take(key) {
      const e = live(key);
      entries.delete(key);
      return e?.data.kind === 'string' ? e.data.value : undefined;
    },
    async del(...keys) {
      for (const key of keys) entries.delete(key);
    },
    async incr(key, ttlSeconds) {
      assertTtl(ttlSeconds);
      const e = live(key);
      const n = e?.data.kind === 'string' ? Number(e.data.value) + 1 : 1;
      entries.set(key, { data: { kind: 'string', value: String(n) }, expiresAt: e ? e.expiresAt : expiry(ttlSeconds) });
      return n;
    },
    async ttl(key) {
      const e = live(key);
      if (!e || e.expiresAt === undefined) return undefined;
      return Math.ceil((e.expiresAt - clock.now()) / 1000);
    },

    async ping() {},
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
