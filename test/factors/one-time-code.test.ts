import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, inject } from 'vitest';
import { createOneTimeCodes } from '../../src/factors/one-time-code.js';
import { clockedStores } from '../support/storage-short-lived.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const setups = clockedStores(redis);

describe.each(setups)('one-time codes (%s store)', (_name, setup) => {
  const make = () => {
    const { clock, store } = setup();
    return { clock, codes: createOneTimeCodes({ store, clock, key: randomBytes(32) }) };
  };

  it('issues a six-digit code that works once', async () => {
    const { codes } = make();
    const issued = await codes.issue('signin-1:factor-a', 'acct');
    if (!issued.ok) throw new Error('not issued');
    expect(issued.code).toMatch(/^\d{6}$/);
    expect(await codes.check('signin-1:factor-a', issued.code)).toEqual({ ok: true });
    expect(await codes.check('signin-1:factor-a', issued.code)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is bound to what it was issued for', async () => {
    const { codes } = make();
    const issued = await codes.issue('signin-1:factor-a', 'acct');
    if (!issued.ok) throw new Error('not issued');
    expect((await codes.check('signin-2:factor-a', issued.code)).ok).toBe(false);
    expect(await codes.check('signin-1:factor-a', issued.code)).toEqual({ ok: true });
  });

  it('refuses a wrong code, a malformed one, and an expired right one (90 s by default)', async () => {
    const { codes, clock } = make();
    const issued = await codes.issue('b', 'acct');
    if (!issued.ok) throw new Error('not issued');
    const wrong = issued.code === '000000' ? '000001' : '000000';
    expect(await codes.check('b', wrong)).toEqual({ ok: false, reason: 'wrong_code' });
    expect(await codes.check('b', '12ab56')).toEqual({ ok: false, reason: 'malformed' });
    clock.advance(91_000);
    expect(await codes.check('b', issued.code)).toEqual({ ok: false, reason: 'expired' });
  });

  it('accepts a code typed with spaces or a dash', async () => {
    const { codes } = make();
    const issued = await codes.issue('b', 'acct');
    if (!issued.ok) throw new Error('not issued');
    expect(await codes.check('b', `${issued.code.slice(0, 3)} ${issued.code.slice(3)}`)).toEqual({ ok: true });
  });

  it('a new code replaces the old one; resending waits for the cooldown', async () => {
    const { codes } = make();
    const first = await codes.issue('b', 'acct');
    const tooSoon = await codes.issue('b', 'acct');
    expect(tooSoon).toMatchObject({ ok: false, reason: 'cooldown' });
    if (!first.ok || tooSoon.ok) throw new Error('unexpected');
    expect(tooSoon.retryAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    await codes.discard('b');
    const second = await codes.issue('b', 'acct');
    if (!second.ok) throw new Error('not issued');
    if (second.code !== first.code) expect((await codes.check('b', first.code)).ok).toBe(false);
    expect((await codes.check('b', second.code)).ok).toBe(true);
  });

  it('caps the codes sent per account per hour', async () => {
    const { codes } = make();
    const account = `acct-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 10; i++) expect((await codes.issue(`b${i}`, account)).ok).toBe(true);
    expect(await codes.issue('b-next', account)).toMatchObject({ ok: false, reason: 'hourly_cap' });
  });
});
