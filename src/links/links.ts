// Single-use e-mail links: a random token (32 bytes, base64url) in an absolute URL on the
// issuer, bound to one purpose and one account, expiring. Only an HMAC of the token is stored
// (short-lived store), so a copy of Redis holds no usable link. take() consumes a link once;
// afterwards a marker remembers it was used, so the page can say "already used" rather than
// "unknown". Expiry is checked against the injected clock (the store's TTL is only cleanup).
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { ShortLivedStore } from '../storage/short-lived/store.js';

export type LinkPurpose = 'factor_reset' | 'password_reset' | 'email_confirmation' | 'cancel_reset' | 'not_me' | 'invitation';

/** Default lifetimes in seconds (cancel_reset is given per link: the cool-off plus a margin). */
export const linkLifetimes: Record<LinkPurpose, number> = {
  factor_reset: 60 * 60,
  password_reset: 30 * 60,
  email_confirmation: 48 * 60 * 60,
  cancel_reset: 24 * 60 * 60,
  not_me: 7 * 24 * 60 * 60,
  // an administrator created the account: the first password is set through this link
  invitation: 7 * 24 * 60 * 60,
};

export interface LinkRecord {
  purpose: LinkPurpose;
  accountId: string;
  /** epoch milliseconds */
  expiresAt: number;
  /** what the page needs besides the account (e.g. the sign-in to return to) */
  data: Record<string, string>;
}

export type LinkLookup = { ok: true; record: LinkRecord } | { ok: false; reason: 'unknown' | 'expired' | 'used'; purpose?: LinkPurpose };

/** A token as it appears in a URL: 43 base64url characters. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
/** how long a used or expired link is still recognised as such (then it is "unknown") */
const memorySeconds = 7 * 24 * 60 * 60;

export interface Links {
  /** A new link; returns its absolute URL. */
  issue(purpose: LinkPurpose, accountId: string, opts?: { lifetimeSeconds?: number; data?: Record<string, string> }): Promise<{ url: string; expiresAt: Date }>;
  /** Look a link up without using it (to show its page). */
  peek(token: string): Promise<LinkLookup>;
  /** Use a link: succeeds once. */
  take(token: string): Promise<LinkLookup>;
  /** The absolute URL of a token. */
  url(token: string): string;
}

export function createLinks(deps: { store: ShortLivedStore; clock: Clock; key: Buffer; issuer: string }): Links {
  const { store, clock } = deps;
  const id = (token: string) => createHmac('sha256', deps.key).update(token).digest('base64url');
  const recordKey = (token: string) => `link:${id(token)}`;
  const usedKey = (token: string) => `link-used:${id(token)}`;
  const url = (token: string) => `${deps.issuer}/recovery/link/${token}`;

  async function lookup(token: string, consume: boolean): Promise<LinkLookup> {
    if (!tokenPattern.test(token)) return { ok: false, reason: 'unknown' };
    const raw = consume ? await store.take(recordKey(token)) : await store.get(recordKey(token));
    if (!raw) {
      const used = await store.get(usedKey(token));
      return used ? { ok: false, reason: 'used', purpose: used as LinkPurpose } : { ok: false, reason: 'unknown' };
    }
    const record = JSON.parse(raw) as LinkRecord;
    if (record.expiresAt <= clock.now()) {
      // expired: keep saying so (a record taken to be used is put back, to be recognised again)
      if (consume) await store.set(recordKey(token), raw, memorySeconds);
      return { ok: false, reason: 'expired', purpose: record.purpose };
    }
    if (consume) await store.set(usedKey(token), record.purpose, memorySeconds);
    return { ok: true, record };
  }

  return {
    async issue(purpose, accountId, opts = {}) {
      const token = randomBytes(32).toString('base64url');
      const lifetime = opts.lifetimeSeconds ?? linkLifetimes[purpose];
      const record: LinkRecord = { purpose, accountId, expiresAt: clock.now() + lifetime * 1000, data: opts.data ?? {} };
      await store.set(recordKey(token), JSON.stringify(record), lifetime + memorySeconds);
      return { url: url(token), expiresAt: new Date(record.expiresAt) };
    },
    peek: (token) => lookup(token, false),
    take: (token) => lookup(token, true),
    url,
  };
}
