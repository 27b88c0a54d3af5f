import { describe, expect, it } from 'vitest';
import type { AdapterPayload } from 'oidc-provider';
import { manualClock } from '../../src/clock.js';
import { createClientCache } from '../../src/oidc/client-cache.js';

function source() {
  const rows = new Map<string, AdapterPayload>();
  let lookups = 0;
  let gate: Promise<void> | undefined;
  return {
    rows,
    lookups: () => lookups,
    hold(p: Promise<void>) {
      gate = p;
    },
    async findMetadata(id: string) {
      lookups++;
      const value = rows.get(id);
      if (gate) await gate;
      return value;
    },
  };
}

describe('client cache', () => {
  it('answers repeated lookups from memory until the TTL passes', async () => {
    const s = source();
    s.rows.set('app', { client_id: 'app', client_name: 'A' });
    const clock = manualClock(0);
    const cache = createClientCache(s, { ttlMs: 1000, now: clock.now });
    expect(await cache.findMetadata('app')).toMatchObject({ client_name: 'A' });
    await cache.findMetadata('app');
    expect(s.lookups()).toBe(1);
    clock.advance(1001);
    await cache.findMetadata('app');
    expect(s.lookups()).toBe(2);
  });

  it('an invalidation makes the next lookup read the source', async () => {
    const s = source();
    s.rows.set('app', { client_id: 'app', client_name: 'A' });
    const cache = createClientCache(s, { ttlMs: 60_000, now: () => 0 });
    await cache.findMetadata('app');
    s.rows.set('app', { client_id: 'app', client_name: 'B' });
    cache.invalidate('app');
    expect(await cache.findMetadata('app')).toMatchObject({ client_name: 'B' });
    s.rows.delete('app');
    cache.invalidate();
    expect(await cache.findMetadata('app')).toBeUndefined();
  });

  it('a lookup that raced an invalidation does not store its stale answer', async () => {
    const s = source();
    s.rows.set('app', { client_id: 'app', client_name: 'old' });
    const cache = createClientCache(s, { ttlMs: 60_000, now: () => 0 });
    let release!: () => void;
    s.hold(new Promise<void>((r) => (release = r)));
    const slow = cache.findMetadata('app');
    await Promise.resolve();
    s.rows.set('app', { client_id: 'app', client_name: 'new' });
    cache.invalidate('app');
    release();
    expect(await slow).toMatchObject({ client_name: 'old' });
    s.hold(Promise.resolve());
    expect(await cache.findMetadata('app')).toMatchObject({ client_name: 'new' });
  });

  it('stays bounded when requests name many unknown clients', async () => {
    const s = source();
    const cache = createClientCache(s, { ttlMs: 60_000, now: () => 0, maxEntries: 10 });
    for (let i = 0; i < 100; i++) await cache.findMetadata(`nobody-${i}`);
    const before = s.lookups();
    await cache.findMetadata('nobody-99');
    expect(s.lookups()).toBe(before);
    await cache.findMetadata('nobody-0');
    expect(s.lookups()).toBe(before + 1);
  });
});
