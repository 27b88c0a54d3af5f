// Signing-key lifecycle on a database of its own (the run's shared database has one key table
// that every app of the run reads, so these tests may not touch it).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { manualClock } from '../../src/clock.js';
import { createSecretBox } from '../../src/crypto/secret-box.js';
import { ensureSigningKeys, loadPublishedKeys, orderForSigning, rotateSigningKeys, type KeyLifecycleDeps } from '../../src/keys/signing-keys.js';
import { createDb, type Db } from '../../src/storage/postgres/db.js';
import type { SigningKeyRow } from '../../src/storage/postgres/signing-keys.js';
import { throwawayDatabase, type ThrowawayDatabase } from '../support/storage-postgres.js';

const T0 = Date.UTC(2031, 5, 1, 12, 0, 0);
const box = createSecretBox(randomBytes(32));
let database: ThrowawayDatabase;
let db: Db;
let clock: ReturnType<typeof manualClock>;
let deps: KeyLifecycleDeps;

beforeAll(async () => {
  database = await throwawayDatabase({ migrated: true });
  db = createDb(database.url, 6);
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});
beforeEach(async () => {
  await db.query('TRUNCATE signing_keys');
  clock = manualClock(T0);
  deps = { db, box, clock };
});

interface RawKey {
  kid: string;
  alg: string;
  public_jwk: Record<string, unknown>;
  private_jwk_sealed: string;
  signs_from: Date;
  retire_at: Date | null;
}
const rawKeys = async () => (await db.query<RawKey>('SELECT * FROM signing_keys ORDER BY alg, signs_from')).rows;
const at = (offsetSeconds: number) => ({ ...deps, clock: { now: () => T0 + offsetSeconds * 1000 } });
const firstOf = (keys: jose.JWK[], alg: string) => keys.find((k) => k.alg === alg)?.kid;

describe('ensureSigningKeys', () => {
  it('creates one RS256 and one ES256 key on an empty table, and nothing the second time', async () => {
    const created = await ensureSigningKeys(deps);
    expect(created).toHaveLength(2);
    const rows = await rawKeys();
    expect(rows.map((r) => r.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(rows.map((r) => r.kid).sort()).toEqual([...created].sort());
    for (const row of rows) {
      expect(row.signs_from.getTime()).toBe(T0);
      expect(row.retire_at).toBeNull();
    }
    expect(await ensureSigningKeys(deps)).toEqual([]);
    expect(await rawKeys()).toHaveLength(2);
  });

  it('creates the keys once when replicas call it at the same moment', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => ensureSigningKeys(deps)));
    expect(results.flat()).toHaveLength(2);
    const rows = await rawKeys();
    expect(rows.map((r) => r.alg).sort()).toEqual(['ES256', 'RS256']);
  });

  it('stores the private key sealed and bound to its kid; the public JWK holds no private member', async () => {
    await ensureSigningKeys(deps);
    const rows = await rawKeys();
    for (const row of rows) {
      expect(row.private_jwk_sealed).toMatch(/^v1\./);
      const privateJwk = JSON.parse(box.open(row.private_jwk_sealed, `signing_key:${row.kid}`)) as jose.JWK;
      expect(privateJwk.d).toBeTypeOf('string');
      const everything = JSON.stringify(row);
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
        const value = privateJwk[member];
        if (value) expect(everything, member).not.toContain(value);
      }
      const expectedMembers = row.alg === 'RS256' ? ['alg', 'e', 'kid', 'kty', 'n', 'use'] : ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'];
      expect(Object.keys(row.public_jwk).sort()).toEqual(expectedMembers);
      expect(row.public_jwk).toMatchObject({ kid: row.kid, alg: row.alg, use: 'sig' });
      // the kid is derived from the RFC 7638 thumbprint of the key
      const thumbprint = await jose.calculateJwkThumbprint(row.public_jwk as jose.JWK);
      expect(row.kid).toBe(`${row.alg.toLowerCase()}-${thumbprint.slice(0, 16)}`);
    }
  });

  it('publishes private JWKs that sign tokens the stored public JWK verifies', async () => {
    await ensureSigningKeys(deps);
    const { jwks } = await loadPublishedKeys(deps);
    const rows = await rawKeys();
    for (const alg of ['RS256', 'ES256'] as const) {
      const privateJwk = jwks.keys.find((k) => k.alg === alg)!;
      expect(privateJwk).toMatchObject({ alg, use: 'sig' });
      const jwt = await new jose.SignJWT({ sub: 'x' }).setProtectedHeader({ alg, kid: privateJwk.kid! }).sign(await jose.importJWK(privateJwk, alg));
      const publicJwk = rows.find((r) => r.kid === privateJwk.kid)!.public_jwk as jose.JWK;
      await expect(jose.jwtVerify(jwt, await jose.importJWK(publicJwk, alg))).resolves.toBeDefined();
    }
  });

  it('refuses a sealed private key moved to another kid', async () => {
    await ensureSigningKeys(deps);
    await db.query("UPDATE signing_keys SET private_jwk_sealed = (SELECT private_jwk_sealed FROM signing_keys WHERE alg = 'ES256') WHERE alg = 'RS256'");
    await expect(loadPublishedKeys(deps)).rejects.toThrow();
  });
});

describe('rotateSigningKeys', () => {
  const activationDelaySeconds = 60;
  const longestTokenSeconds = 3600;

  it('publishes new keys at once, signs with them only from signs_from, and retires the old ones after their last token', async () => {
    const old = await ensureSigningKeys(deps);
    const rotated = await rotateSigningKeys(at(10), { activationDelaySeconds, longestTokenSeconds });
    const signsFrom = T0 + 70_000;
    // a replica may sign with an old key for up to one key refresh (<= the activation delay)
    // after signs_from; its tokens live the longest token lifetime
    const retireAt = signsFrom + (activationDelaySeconds + longestTokenSeconds) * 1000;
    expect(rotated.map((r) => r.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const r of rotated) {
      expect(r.signsFrom.getTime()).toBe(signsFrom);
      expect(r.retiredUntil.getTime()).toBe(retireAt);
    }
    const newKids = rotated.map((r) => r.kid);
    const rows = await rawKeys();
    for (const row of rows) {
      if (old.includes(row.kid)) expect(row.retire_at?.getTime()).toBe(retireAt);
      else expect(row.retire_at).toBeNull();
    }

    // before signs_from: all four published, the old keys sign
    const before = await loadPublishedKeys(at(69));
    expect(before.jwks.keys.map((k) => k.kid).sort()).toEqual([...old, ...newKids].sort());
    expect(old).toContain(firstOf(before.jwks.keys, 'RS256'));
    expect(old).toContain(firstOf(before.jwks.keys, 'ES256'));

    // from signs_from: the new keys sign, the old ones still verify
    const after = await loadPublishedKeys(at(70));
    expect(after.jwks.keys).toHaveLength(4);
    expect(newKids).toContain(firstOf(after.jwks.keys, 'RS256'));
    expect(newKids).toContain(firstOf(after.jwks.keys, 'ES256'));
    expect(after.fingerprint).not.toBe(before.fingerprint);

    // the old keys stay published until the last token they can have signed has expired:
    // signed by a replica that switched one refresh (bounded by the activation delay) late
    const lastToken = 70 + activationDelaySeconds + longestTokenSeconds;
    const lastMoment = await loadPublishedKeys(at(lastToken - 1));
    expect(lastMoment.jwks.keys.map((k) => k.kid).sort()).toEqual([...old, ...newKids].sort());
    const retired = await loadPublishedKeys(at(lastToken));
    expect(retired.jwks.keys.map((k) => k.kid).sort()).toEqual([...newKids].sort());
    expect(retired.fingerprint).not.toBe(after.fingerprint);
  });

  it('keeps the old key published for a token signed by a replica that reloaded just before signs_from', async () => {
    const keyRefreshSeconds = 30; // replicas reload every 30 s; the activation delay covers one reload
    const old = await ensureSigningKeys(deps);
    await rotateSigningKeys(at(0), { activationDelaySeconds, longestTokenSeconds });
    // the replica's last reload before the switch: it still signs with the old key...
    const stale = await loadPublishedKeys(at(59));
    const signer = firstOf(stale.jwks.keys, 'RS256')!;
    expect(old).toContain(signer);
    // ...until its next reload; a token it signs just before that lives the longest lifetime
    const signedAt = 59 + keyRefreshSeconds - 1;
    const expiresAt = signedAt + longestTokenSeconds;
    const published = await loadPublishedKeys(at(expiresAt - 1));
    expect(published.jwks.keys.map((k) => k.kid)).toContain(signer);
  });

  it('a second rotation does not extend the retirement of keys already retiring', async () => {
    const first = await ensureSigningKeys(deps);
    const second = (await rotateSigningKeys(at(0), { activationDelaySeconds, longestTokenSeconds })).map((r) => r.kid);
    await rotateSigningKeys(at(30), { activationDelaySeconds, longestTokenSeconds });
    const rows = await rawKeys();
    const retireOf = (kid: string) => rows.find((r) => r.kid === kid)!.retire_at?.getTime();
    for (const kid of first) expect(retireOf(kid)).toBe(T0 + (60 + 60 + longestTokenSeconds) * 1000);
    for (const kid of second) expect(retireOf(kid)).toBe(T0 + (90 + 60 + longestTokenSeconds) * 1000);
    // at 60 s the second generation signs; at 90 s the third
    const third = rows.filter((r) => r.retire_at === null).map((r) => r.kid);
    expect(second).toContain(firstOf((await loadPublishedKeys(at(60))).jwks.keys, 'RS256'));
    expect(third).toContain(firstOf((await loadPublishedKeys(at(90))).jwks.keys, 'RS256'));
  });

  it('ensureSigningKeys after a rotation adds nothing', async () => {
    await ensureSigningKeys(deps);
    await rotateSigningKeys(at(0), { activationDelaySeconds, longestTokenSeconds });
    expect(await ensureSigningKeys(at(5))).toEqual([]);
    expect(await rawKeys()).toHaveLength(4);
  });
});

describe('loadPublishedKeys fingerprint', () => {
  it('is stable while nothing changes and changes when a key is added', async () => {
    await ensureSigningKeys(deps);
    const a = await loadPublishedKeys(deps);
    const b = await loadPublishedKeys(deps);
    expect(b.fingerprint).toBe(a.fingerprint);
    await rotateSigningKeys(deps, { activationDelaySeconds: 60, longestTokenSeconds: 60 });
    expect((await loadPublishedKeys(deps)).fingerprint).not.toBe(a.fingerprint);
  });
});

describe('orderForSigning', () => {
  const row = (kid: string, alg: 'RS256' | 'ES256', signsFromOffset: number): SigningKeyRow => ({
    kid,
    alg,
    publicJwk: {},
    privateJwkSealed: '',
    createdAt: new Date(T0),
    signsFrom: new Date(T0 + signsFromOffset * 1000),
    retireAt: null,
  });

  it('puts the newest key whose time has come first for each algorithm, pending and older keys after', () => {
    const rows = [row('rs-old', 'RS256', -100), row('es-pending', 'ES256', 50), row('rs-pending', 'RS256', 50), row('es-now', 'ES256', 0), row('rs-now', 'RS256', -10), row('es-old', 'ES256', -500)];
    const ordered = orderForSigning(rows, new Date(T0)).map((r) => r.kid);
    expect(ordered).toHaveLength(6);
    expect(ordered.find((k) => k.startsWith('rs'))).toBe('rs-now');
    expect(ordered.find((k) => k.startsWith('es'))).toBe('es-now');
    // at the pending keys' signs_from they take over
    const later = orderForSigning(rows, new Date(T0 + 50_000)).map((r) => r.kid);
    expect(later.find((k) => k.startsWith('rs'))).toBe('rs-pending');
    expect(later.find((k) => k.startsWith('es'))).toBe('es-pending');
  });
});
