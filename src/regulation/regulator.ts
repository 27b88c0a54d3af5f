// Brute-force regulation shared by every replica (rate-limiter-flexible on Redis; in memory
// for the single-process zero-setup mode). Checking (is this subject locked, until when?) is
// split from marking (record a failure or a success), as in Authelia's regulator, so a
// locked subject is refused before any credential is looked at.
//
// Password failures count per (login, IP) — an attacker typing wrong passwords elsewhere cannot
// lock the user out — and per IP (password spraying). Second-factor failures count per account
// (only someone who knew the password gets there) and per IP. Locks lift themselves. When the
// counter store fails, the answer is "unavailable", never "allowed" (fail closed).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';

export type Subject = { kind: 'password'; login: string; ip: string } | { kind: 'second_factor'; accountId: string; ip: string };

export interface Rule {
  name: string;
  /** failures allowed within the window */
  points: number;
  windowSeconds: number;
  /** lock length once the failures are used up */
  lockSeconds: number;
  key(subject: Subject): string | undefined;
  /** reset by a success (per-user rules); IP-wide rules are not */
  resetOnSuccess: boolean;
}

export interface Verdict {
  allowed: boolean;
  /** when a lock lifts */
  retryAt?: Date;
  /** failures left before the nearest lock */
  remaining?: number;
}

const h = (s: string) => createHash('sha256').update(s.toLowerCase()).digest('base64url').slice(0, 22);

export const defaultRules: Rule[] = [
  // slow down first, then lock for longer
  { name: 'pwd-login-ip', points: 5, windowSeconds: 15 * 60, lockSeconds: 60, resetOnSuccess: true, key: (s) => (s.kind === 'password' ? `${h(s.login)}:${s.ip}` : undefined) },
  { name: 'pwd-login-ip-long', points: 10, windowSeconds: 60 * 60, lockSeconds: 15 * 60, resetOnSuccess: true, key: (s) => (s.kind === 'password' ? `${h(s.login)}:${s.ip}` : undefined) },
  { name: 'pwd-ip', points: 100, windowSeconds: 60 * 60, lockSeconds: 60 * 60, resetOnSuccess: false, key: (s) => (s.kind === 'password' ? s.ip : undefined) },
  { name: 'mfa-account', points: 10, windowSeconds: 60 * 60, lockSeconds: 15 * 60, resetOnSuccess: true, key: (s) => (s.kind === 'second_factor' ? s.accountId : undefined) },
  { name: 'mfa-ip', points: 100, windowSeconds: 60 * 60, lockSeconds: 60 * 60, resetOnSuccess: false, key: (s) => (s.kind === 'second_factor' ? s.ip : undefined) },
];

export interface Regulator {
  check(subject: Subject): Promise<Verdict>;
  fail(subject: Subject): Promise<Verdict>;
  /**
   * Reset the per-user counters after a success. Pass the verdict check() gave for this attempt:
   * when it found no counter at all there is nothing to reset and no round trip is made.
   */
  succeed(subject: Subject, checked?: Verdict): Promise<void>;
  /**
   * An administrator's unlock: clear the account's counters — its second-factor counter and its
   * password counters from every address (IP-wide counters stay: they protect everyone).
   */
  unlock(account: { login: string; accountId: string }): Promise<void>;
}

export function createRegulator(opts: { redis?: Redis | undefined; prefix: string; rules?: Rule[] }): Regulator {
  const rules = (opts.rules ?? defaultRules).map((rule) => {
    const options = { keyPrefix: `${opts.prefix}regulation:${rule.name}`, points: rule.points, duration: rule.windowSeconds, blockDuration: rule.lockSeconds };
    const limiter: RateLimiterAbstract = opts.redis ? new RateLimiterRedis({ ...options, storeClient: opts.redis, useRedisPackage: false }) : new RateLimiterMemory(options);
    return { rule, limiter };
  });

  const applicable = (subject: Subject) =>
    rules.flatMap(({ rule, limiter }) => {
      const key = rule.key(subject);
      return key === undefined ? [] : [{ rule, limiter, key }];
    });

  // per-login password keys are (login, IP): to clear a login from every IP they are found by
  // their prefix (SCAN in Redis; a record of the keys used, in memory)
  const perLogin = rules.filter(({ rule }) => rule.resetOnSuccess && rule.key({ kind: 'password', login: 'x', ip: 'y' }) !== undefined);
  const memoryKeys = new Map<string, Set<string>>();
  const loginPrefix = (login: string) => `${h(login)}:`;

  const unavailable = (err: unknown) => new AppError('storage_unavailable', 503, 'attempt counters unavailable', { cause: err });

  function verdict(results: Array<{ rule: Rule; res: RateLimiterRes | null }>, now = Date.now()): Verdict {
    let retryAt: number | undefined;
    let remaining: number | undefined;
    for (const { rule, res } of results) {
      if (!res) continue;
      if (res.consumedPoints >= rule.points) retryAt = Math.max(retryAt ?? 0, now + res.msBeforeNext);
      else remaining = Math.min(remaining ?? Infinity, rule.points - res.consumedPoints);
    }
    return retryAt !== undefined ? { allowed: false, retryAt: new Date(retryAt) } : { allowed: true, ...(remaining !== undefined ? { remaining } : {}) };
  }

  return {
    async check(subject) {
      try {
        const results = await Promise.all(applicable(subject).map(async ({ rule, limiter, key }) => ({ rule, res: await limiter.get(key) })));
        return verdict(results);
      } catch (err) {
        throw unavailable(err);
      }
    },

    async fail(subject) {
      if (!opts.redis && subject.kind === 'password') {
        const keys = memoryKeys.get(h(subject.login)) ?? new Set<string>();
        for (const { rule } of perLogin) keys.add(rule.key(subject)!);
        memoryKeys.set(h(subject.login), keys);
      }
      const results = await Promise.all(
        applicable(subject).map(async ({ rule, limiter, key }) => {
          try {
            let res = await limiter.consume(key);
            // the last allowed failure locks at once, for the rule's lock time
            if (res.consumedPoints >= rule.points) res = await limiter.block(key, rule.lockSeconds);
            return { rule, res };
          } catch (res) {
            if (res instanceof RateLimiterRes) return { rule, res };
            throw unavailable(res);
          }
        }),
      );
      return verdict(results);
    },

    async succeed(subject, checked) {
      if (checked?.allowed && checked.remaining === undefined) return;
      try {
        await Promise.all(
          applicable(subject)
            .filter(({ rule }) => rule.resetOnSuccess)
            .map(({ limiter, key }) => limiter.delete(key)),
        );
      } catch (err) {
        throw unavailable(err);
      }
    },

    async unlock({ login, accountId }) {
      const secondFactor = applicable({ kind: 'second_factor', accountId, ip: '' }).filter(({ rule }) => rule.resetOnSuccess);
      await Promise.all(secondFactor.map(({ limiter, key }) => limiter.delete(key)));
      for (const { rule, limiter } of perLogin) {
        if (opts.redis) {
          const pattern = `${opts.prefix}regulation:${rule.name}:${loginPrefix(login)}*`;
          let cursor = '0';
          do {
            const [next, keys] = await opts.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
            if (keys.length) await opts.redis.del(...keys);
            cursor = next;
          } while (cursor !== '0');
        } else {
          for (const key of memoryKeys.get(h(login)) ?? []) if (key.startsWith(loginPrefix(login))) await limiter.delete(key);
        }
      }
      memoryKeys.delete(h(login));
    },
  };
}
