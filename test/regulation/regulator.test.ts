// Brute-force regulation against real Redis (shared by replicas) and the in-memory variant.
import { afterAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { isAppError } from '../../src/errors.js';
import { createRegulator, defaultRules, type Rule, type Subject } from '../../src/regulation/regulator.js';
import { uniquePrefix } from '../support/app.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.quit());

const variants = [
  ['redis', (rules?: Rule[]) => createRegulator({ redis, prefix: uniquePrefix(), ...(rules ? { rules } : {}) })],
  ['memory', (rules?: Rule[]) => createRegulator({ prefix: uniquePrefix(), ...(rules ? { rules } : {}) })],
] as const;

const pwd = (login: string, ip = '192.0.2.1'): Subject => ({ kind: 'password', login, ip });
const mfa = (accountId: string, ip = '192.0.2.1'): Subject => ({ kind: 'second_factor', accountId, ip });

describe.each(variants)('regulator (%s)', (_name, make) => {
  it('counts down, then locks a (login, IP) after 5 wrong passwords, for a minute', async () => {
    const r = make();
    const s = pwd('ada@example.com');
    const remaining: Array<number | undefined> = [];
    for (let i = 0; i < 4; i++) remaining.push((await r.fail(s)).remaining);
    expect(remaining).toEqual([4, 3, 2, 1]);
    const fifth = await r.fail(s);
    expect(fifth.allowed).toBe(false);
    const check = await r.check(s);
    expect(check.allowed).toBe(false);
    const lockMs = check.retryAt!.getTime() - Date.now();
    expect(lockMs).toBeGreaterThan(55_000);
    expect(lockMs).toBeLessThanOrEqual(60_000);
  });

  it('does not lock the same login from another address, nor its second factor', async () => {
    const r = make();
    for (let i = 0; i < 5; i++) await r.fail(pwd('bob@example.com', '192.0.2.66'));
    expect((await r.check(pwd('bob@example.com', '192.0.2.66'))).allowed).toBe(false);
    expect((await r.check(pwd('bob@example.com', '198.51.100.9'))).allowed).toBe(true);
    expect((await r.check(mfa('account-bob', '192.0.2.66'))).allowed).toBe(true);
  });

  it('treats the login case-insensitively', async () => {
    const r = make();
    for (let i = 0; i < 5; i++) await r.fail(pwd(i % 2 ? 'Carol@Example.com' : 'carol@example.com'));
    expect((await r.check(pwd('CAROL@EXAMPLE.COM'))).allowed).toBe(false);
  });

  it('a success resets the per-user counter', async () => {
    const r = make();
    const s = pwd('dan@example.com');
    for (let i = 0; i < 4; i++) await r.fail(s);
    await r.succeed(s);
    expect((await r.fail(s)).remaining).toBe(4);
  });

  it('second-factor failures lock the account after 10, from any address', async () => {
    const r = make();
    for (let i = 0; i < 9; i++) expect((await r.fail(mfa('acct-1', `192.0.2.${i}`))).allowed).toBe(true);
    expect((await r.fail(mfa('acct-1', '192.0.2.200'))).allowed).toBe(false);
    expect((await r.check(mfa('acct-1', '203.0.113.5'))).allowed).toBe(false);
    expect((await r.check(pwd('acct-1'))).allowed).toBe(true);
  });

  it('an address spraying many logins is locked as a whole', async () => {
    const r = make();
    const ip = '198.51.100.77';
    for (let i = 0; i < 99; i++) await r.fail(pwd(`user${i}@example.com`, ip));
    expect((await r.check(pwd('fresh@example.com', ip))).allowed).toBe(true);
    await r.fail(pwd('user99@example.com', ip));
    expect((await r.check(pwd('fresh@example.com', ip))).allowed).toBe(false);
    expect((await r.check(pwd('fresh@example.com', '198.51.100.78'))).allowed).toBe(true);
  });

  it("an administrator's unlock clears the login from every address and the account's second factor, not the IP-wide counters", async () => {
    const r = make();
    for (const ip of ['192.0.2.10', '192.0.2.11']) for (let i = 0; i < 5; i++) await r.fail(pwd('Locked@Example.com', ip));
    for (let i = 0; i < 10; i++) await r.fail(mfa('acc-locked'));
    for (let i = 0; i < 5; i++) await r.fail(pwd('neighbour@example.com', '192.0.2.10'));
    await r.unlock({ login: 'locked@example.com', accountId: 'acc-locked' });
    expect((await r.check(pwd('locked@example.com', '192.0.2.10'))).allowed).toBe(true);
    expect((await r.check(pwd('locked@example.com', '192.0.2.11'))).allowed).toBe(true);
    expect((await r.check(mfa('acc-locked'))).allowed).toBe(true);
    expect((await r.check(pwd('neighbour@example.com', '192.0.2.10'))).allowed).toBe(false);
  });

  it('a lock lifts itself', async () => {
    const quick = defaultRules.map((rule) => ({ ...rule, lockSeconds: 1, points: rule.name === 'pwd-login-ip' ? 2 : rule.points }));
    const r = make(quick);
    const s = pwd('erin@example.com');
    await r.fail(s);
    await r.fail(s);
    expect((await r.check(s)).allowed).toBe(false);
    await sleep(1200);
    expect((await r.check(s)).allowed).toBe(true);
  });
});

describe('when Redis is unreachable', () => {
  it('fails closed: an error, never "allowed"', async () => {
    const dead = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    const r = createRegulator({ redis: dead, prefix: uniquePrefix() });
    for (const call of [() => r.check(pwd('x@example.com')), () => r.fail(pwd('x@example.com')), () => r.succeed(pwd('x@example.com'))]) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAppError(err) && err.code === 'storage_unavailable' && err.status === 503).toBe(true);
    }
    dead.disconnect();
  });
});
