// Six-digit codes sent by e-mail or SMS. A code is bound to what it was issued for (the
// sign-in's interaction, or a profile change) and to the factor, lives codeTtlSeconds (90 by
// default), works once, and is stored only as an HMAC. A new code replaces the previous one
// but does not reset the wrong-attempt count (that lives with the sign-in). Sending is
// rate-limited: a short cooldown between codes and an hourly cap per account.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ShortLivedStore } from '../storage/short-lived/store.js';

export interface OneTimeCodeLimits {
  codeTtlSeconds: number;
  resendCooldownSeconds: number;
  maxPerHour: number;
}

export const defaultCodeLimits: OneTimeCodeLimits = { codeTtlSeconds: 90, resendCooldownSeconds: 30, maxPerHour: 10 };

export type IssueResult = { ok: true; code: string; expiresAt: Date } | { ok: false; reason: 'cooldown'; retryAt: Date } | { ok: false; reason: 'hourly_cap'; retryAt: Date };

export type CheckResult = { ok: true } | { ok: false; reason: 'wrong_code' | 'expired' | 'malformed' };

interface Stored {
  mac: string;
  exp: number;
}

export function createOneTimeCodes(deps: { store: ShortLivedStore; clock: Clock; key: Buffer; limits?: Partial<OneTimeCodeLimits> }) {
  const limits = { ...defaultCodeLimits, ...deps.limits };
  const mac = (binding: string, code: string) => createHmac('sha256', deps.key).update(`${binding}\u0000${code}`).digest('base64url');
  const codeKey = (binding: string) => `otc:${binding}`;

  return {
    limits,

    /** A fresh code for (binding), replacing any earlier one; subject to cooldown and hourly cap. */
    async issue(binding: string, accountId: string, opts: { ttlSeconds?: number } = {}): Promise<IssueResult> {
      const ttlSeconds = opts.ttlSeconds ?? limits.codeTtlSeconds;
      const now = deps.clock.now();
      const cooldownKey = `otc-cooldown:${binding}`;
      // the cooldown's end is kept as a time of the injected clock, not only as a store TTL
      const until = Number((await deps.store.get(cooldownKey)) ?? 0);
      if (until > now) return { ok: false, reason: 'cooldown', retryAt: new Date(until) };
      const hourKey = `otc-hour:${accountId}`;
      const sent = await deps.store.incr(hourKey, 3600);
      if (sent > limits.maxPerHour) {
        const left = (await deps.store.ttl(hourKey)) ?? 3600;
        return { ok: false, reason: 'hourly_cap', retryAt: new Date(now + left * 1000) };
      }
      await deps.store.set(cooldownKey, String(now + limits.resendCooldownSeconds * 1000), limits.resendCooldownSeconds);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const exp = now + ttlSeconds * 1000;
      // kept a little past its expiry so an expired code is told apart from a wrong one
      await deps.store.set(codeKey(binding), JSON.stringify({ mac: mac(binding, code), exp } satisfies Stored), ttlSeconds + 600);
      return { ok: true, code, expiresAt: new Date(exp) };
    },

    /** Check a typed code; a right one is used up. */
    async check(binding: string, typed: string): Promise<CheckResult> {
      const code = typed.replace(/[\s-]/g, '');
      if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'malformed' };
      const raw = await deps.store.get(codeKey(binding));
      if (!raw) return { ok: false, reason: 'expired' };
      const stored = JSON.parse(raw) as Stored;
      const expected = Buffer.from(stored.mac);
      const given = Buffer.from(mac(binding, code));
      const right = expected.length === given.length && timingSafeEqual(expected, given);
      if (!right) return { ok: false, reason: 'wrong_code' };
      if (deps.clock.now() > stored.exp) return { ok: false, reason: 'expired' };
      // single use: whoever takes it first wins
      if ((await deps.store.take(codeKey(binding))) === undefined) return { ok: false, reason: 'expired' };
      return { ok: true };
    },

    /** When the current code of (binding) expires, if there is one. */
    async expiresAt(binding: string): Promise<Date | undefined> {
      const raw = await deps.store.get(codeKey(binding));
      return raw ? new Date((JSON.parse(raw) as Stored).exp) : undefined;
    },

    async discard(binding: string): Promise<void> {
      await deps.store.del(codeKey(binding), `otc-cooldown:${binding}`);
    },
  };
}

export type OneTimeCodes = ReturnType<typeof createOneTimeCodes>;
