// regulated(): the bracket around every credential check, with the real regulator — in memory
// (createRegulator without Redis) and on the real Redis.
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { regulated, type Attempt } from '../../src/regulation/regulated.js';
import { createRegulator, type Subject } from '../../src/regulation/regulator.js';
import { uniquePrefix } from '../support/app.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const variants = [
  ['memory', () => createRegulator({ prefix: uniquePrefix() })],
  ['redis', () => createRegulator({ redis, prefix: uniquePrefix() })],
] as const;

const mfa = (accountId: string): Subject => ({ kind: 'second_factor', accountId, ip: '192.0.2.7' });
const wrong: Attempt<string> = { ok: false, value: 'wrong_code' };

describe.each(variants)('regulated (%s)', (_name, make) => {
  it("marks a failure and returns the attempt's value with the attempts left", async () => {
    const r = make();
    const result = await regulated(r, mfa('a1'), async () => wrong);
    expect(result).toMatchObject({ status: 'failed', value: 'wrong_code', counted: true, verdict: { allowed: true, remaining: 9 } });
    expect((await r.check(mfa('a1'))).remaining).toBe(9);
  });

  it('does not count a failure that says it does not (malformed input, an expired code)', async () => {
    const r = make();
    const result = await regulated(r, mfa('a2'), async () => ({ ok: false, value: 'expired_code', counts: false }));
    expect(result).toMatchObject({ status: 'failed', counted: false });
    expect((await r.check(mfa('a2'))).remaining).toBeUndefined();
  });

  it('locks at the last failure, then refuses without running the attempt', async () => {
    const r = make();
    let last: unknown;
    for (let i = 0; i < 10; i++) last = await regulated(r, mfa('a3'), async () => wrong);
    expect(last).toMatchObject({ status: 'failed', verdict: { allowed: false } });
    let ran = false;
    const refused = await regulated(r, mfa('a3'), async () => {
      ran = true;
      return { ok: true, value: 'right' };
    });
    expect(ran).toBe(false);
    expect(refused.status).toBe('locked');
    if (refused.status === 'locked') expect(refused.retryAt.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
  });

  it('a success resets the per-user counter (the IP-wide one stays: it protects everyone)', async () => {
    const r = make();
    await regulated(r, mfa('a4'), async () => wrong);
    await regulated(r, mfa('a4'), async () => wrong);
    const ok = await regulated(r, mfa('a4'), async () => ({ ok: true, value: 'right' }));
    expect(ok).toEqual({ status: 'passed', value: 'right' });
    // 8 left on the account's counter before the success; 98 is the address's, which is not reset
    expect((await r.check(mfa('a4'))).remaining).toBe(98);
  });
});
