// Signing-key lifecycle: generate on first start, rotate on demand, publish to oidc-provider.
//
// Rotation adds a key that is published at once but only signs from `signs_from` (now + the
// activation delay), so every replica has refreshed its JWKS before any token carries the new
// kid. The keys it replaces stay published until their last token has expired (retire_at).
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Db } from '../storage/postgres/db.js';
import { createSigningKeysRepo, type SigningAlg, type SigningKeyRow } from '../storage/postgres/signing-keys.js';

export const signingAlgs: readonly SigningAlg[] = ['RS256', 'ES256'];

const sealContext = (kid: string) => `signing_key:${kid}`;

async function newKey(alg: SigningAlg, box: SecretBox, signsFrom: Date) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const jwk = await exportJWK(privateKey);
  const kid = `${alg.toLowerCase()}-${(await calculateJwkThumbprint(jwk)).slice(0, 16)}`;
  const privateJwk = { ...jwk, kid, alg, use: 'sig' };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  return { kid, alg, publicJwk, privateJwkSealed: box.seal(JSON.stringify(privateJwk), sealContext(kid)), signsFrom };
}

export interface KeyLifecycleDeps {
  db: Db;
  box: SecretBox;
  clock: Clock;
}

/** First start: make sure each algorithm has a key. Safe when replicas start together. */
export async function ensureSigningKeys({ db, box, clock }: KeyLifecycleDeps): Promise<string[]> {
  return db.transaction(async (tx) => {
    const repo = createSigningKeysRepo(tx);
    await repo.lock();
    const now = new Date(clock.now());
    const published = await repo.findPublished(now);
    const created: string[] = [];
    for (const alg of signingAlgs) {
      if (published.some((k) => k.alg === alg)) continue;
      const key = await newKey(alg, box, now);
      await repo.save(key);
      created.push(key.kid);
    }
    return created;
  });
}

/**
 * Add a new key per algorithm that signs from now + activationDelaySeconds; every older key is
 * retired once the new one signs plus the activation delay plus the longest token lifetime.
 *
 * The activation delay must cover one key refresh of every replica (KEY_REFRESH_SECONDS): it is
 * what guarantees the new key is published everywhere before it signs. The same staleness delays
 * the switch at the other end: a replica that last reloaded just before signs_from keeps
 * signing with the old key until its next reload, up to one refresh interval later. Retiring at
 * signs_from + longest token cut those tokens off before they expired, so the old keys stay
 * published for one more activation delay.
 */
export async function rotateSigningKeys(
  { db, box, clock }: KeyLifecycleDeps,
  opts: { activationDelaySeconds: number; longestTokenSeconds: number },
): Promise<Array<{ kid: string; alg: SigningAlg; signsFrom: Date; retiredUntil: Date }>> {
  return db.transaction(async (tx) => {
    const repo = createSigningKeysRepo(tx);
    await repo.lock();
    const signsFrom = new Date(clock.now() + opts.activationDelaySeconds * 1000);
    const retireAt = new Date(signsFrom.getTime() + (opts.activationDelaySeconds + opts.longestTokenSeconds) * 1000);
    const out = [];
    for (const alg of signingAlgs) {
      const key = await newKey(alg, box, signsFrom);
      await repo.save(key);
      await repo.retireOthers(alg, key.kid, retireAt);
      out.push({ kid: key.kid, alg, signsFrom, retiredUntil: retireAt });
    }
    return out;
  });
}

export interface PublishedKeys {
  /** private JWKs in oidc-provider order: the key that signs now comes first for its algorithm */
  jwks: { keys: JWK[] };
  /** changes whenever the set or the order changes; cheap to compare */
  fingerprint: string;
}

/** Order the published keys for oidc-provider, which signs with the first key of an algorithm. */
export function orderForSigning(rows: SigningKeyRow[], now: Date): SigningKeyRow[] {
  const signing: SigningKeyRow[] = [];
  const rest: SigningKeyRow[] = [];
  for (const alg of signingAlgs) {
    const ofAlg = rows.filter((r) => r.alg === alg).sort((a, b) => b.signsFrom.getTime() - a.signsFrom.getTime());
    const current = ofAlg.find((r) => r.signsFrom.getTime() <= now.getTime());
    if (current) signing.push(current);
    rest.push(...ofAlg.filter((r) => r !== current));
  }
  return [...signing, ...rest];
}

export async function loadPublishedKeys({ db, box, clock }: KeyLifecycleDeps): Promise<PublishedKeys> {
  const now = new Date(clock.now());
  const ordered = orderForSigning(await createSigningKeysRepo(db).findPublished(now), now);
  return {
    jwks: { keys: ordered.map((r) => JSON.parse(box.open(r.privateJwkSealed, sealContext(r.kid))) as JWK) },
    fingerprint: ordered.map((r) => r.kid).join(','),
  };
}
