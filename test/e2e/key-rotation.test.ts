// Key rotation with two replicas: a new key is published by every replica before any replica
// signs with it, and tokens signed with the old key keep verifying.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import * as jose from 'jose';
import { rotateSigningKeys } from '../../src/keys/signing-keys.js';
import { startTestApp, uniquePrefix, type TestApp } from '../support/app.js';
import { throwawayDatabase, type ThrowawayDatabase } from '../support/storage-postgres.js';
import { createClient, createUser } from '../support/fixtures.js';
import { discover, signIn } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';

let db: ThrowawayDatabase;
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  db = await throwawayDatabase({ migrated: true });
  const env = { DATABASE_URL: db.url, REDIS_PREFIX: uniquePrefix(), KEY_REFRESH_SECONDS: '1' };
  a = await startTestApp({ env });
  b = await startTestApp({ env });
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await db?.drop();
});

const kids = async (app: TestApp) => ((await (await fetch(`${app.url}/jwks`)).json()) as { keys: Array<{ kid: string; alg: string }> }).keys.map((k) => k.kid);

describe('signing key rotation', () => {
  it('publishes first, signs later, keeps the old key until its tokens expire', async () => {
    const client = await createClient(a.services);
    const user = await createUser(a.services);
    const rp = await discover(a.url, client);
    const before = await signIn(createUserAgent(), rp, client, user);
    const oldKid = jose.decodeProtectedHeader(before.tokens.id_token!).kid!;
    expect(await kids(a)).toEqual(await kids(b));

    const rotated = await rotateSigningKeys({ db: a.services.db, box: a.services.box, clock: a.services.clock }, { activationDelaySeconds: 3, longestTokenSeconds: 3600 });
    const newRs = rotated.find((k) => k.alg === 'RS256')!.kid;

    // within a refresh interval both replicas publish the new key, but still sign with the old one
    await sleep(1500);
    for (const app of [a, b]) expect(await kids(app)).toContain(newRs);
    const during = await signIn(createUserAgent(), await discover(b.url, client), client, user);
    expect(jose.decodeProtectedHeader(during.tokens.id_token!).kid).toBe(oldKid);

    // once the activation time has passed, both sign with the new key
    await sleep(3000);
    for (const app of [a, b]) {
      const after = await signIn(createUserAgent(), await discover(app.url, client), client, user);
      expect(jose.decodeProtectedHeader(after.tokens.id_token!).kid).toBe(newRs);
    }
    // the old key is still published: tokens signed before the rotation still verify
    expect(await kids(b)).toContain(oldKid);
    const jwks = jose.createLocalJWKSet((await (await fetch(`${b.url}/jwks`)).json()) as jose.JSONWebKeySet);
    const { payload } = await jose.jwtVerify(before.tokens.id_token!, jwks, { audience: client.clientId });
    expect(payload.sub).toBe(user.id);
  });
});
