// Single-use e-mail links against both short-lived stores: bound to a purpose and an account,
// usable once, expiring by the injected clock, stored only as an HMAC of the token.
import { afterAll, describe, expect, it } from 'vitest';
import { createLinks } from '../../src/links/links.js';
import { clockedStores, connectTestRedis, scanKeys } from '../support/storage-short-lived.js';

const redis = connectTestRedis();
afterAll(() => redis.quit());

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

describe.each(clockedStores(redis))('links (%s store)', (kind, make) => {
  const setup = () => {
    const { clock, store } = make();
    return { clock, store, links: createLinks({ store, clock, key: Buffer.alloc(32, 3), issuer: 'https://id.example.com' }) };
  };

  it('are absolute URLs on the issuer with a 43-character token, usable once', async () => {
    const { links } = setup();
    const { url, expiresAt } = await links.issue('password_reset', 'acc-1', { data: { returnTo: '/interaction/abc' } });
    expect(url).toMatch(/^https:\/\/id\.example\.com\/recovery\/link\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(url);
    const peeked = await links.peek(token);
    expect(peeked).toMatchObject({ ok: true, record: { purpose: 'password_reset', accountId: 'acc-1', data: { returnTo: '/interaction/abc' } } });
    expect(peeked.ok && peeked.record.expiresAt).toBe(expiresAt.getTime());
    expect(await links.take(token)).toMatchObject({ ok: true });
    expect(await links.take(token)).toEqual({ ok: false, reason: 'used', purpose: 'password_reset' });
    expect(await links.peek(token)).toEqual({ ok: false, reason: 'used', purpose: 'password_reset' });
  });

  it('expire by their purpose lifetime, and say so', async () => {
    const { links, clock } = setup();
    const token = tokenOf((await links.issue('factor_reset', 'acc-2')).url);
    clock.advance(59 * 60_000);
    expect((await links.peek(token)).ok).toBe(true);
    clock.advance(60_000);
    expect(await links.take(token)).toEqual({ ok: false, reason: 'expired', purpose: 'factor_reset' });
    expect(await links.take(token)).toEqual({ ok: false, reason: 'expired', purpose: 'factor_reset' });
  });

  it('refuse unknown and malformed tokens', async () => {
    const { links } = setup();
    expect(await links.peek('A'.repeat(43))).toEqual({ ok: false, reason: 'unknown' });
    expect(await links.take('../../etc')).toEqual({ ok: false, reason: 'unknown' });
    expect(await links.take('')).toEqual({ ok: false, reason: 'unknown' });
  });

  if (kind === 'redis') {
    it('keep only an HMAC of the token in Redis', async () => {
      const { links, store } = setup();
      const token = tokenOf((await links.issue('not_me', 'acc-3')).url);
      void store;
      const keys = await scanKeys(redis, '*link:*');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).not.toContain(token);
        expect(await redis.get(key)).not.toContain(token);
      }
    });
  }
});
