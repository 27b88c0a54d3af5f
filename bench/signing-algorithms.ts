// What signing one ID token costs with each algorithm Twofold publishes keys for (RS256, the
// default, and ES256), measured back to back on one core in the bench process with the same
// library oidc-provider signs with (jose) and an ID token of a sign-in's shape. A sign-in signs
// one ID token; this says how much of its CPU the algorithm choice moves (verification by the
// relying party is the other side: RS256 verifies cheaply, ES256 signs cheaply).
import { performance } from 'node:perf_hooks';
import { SignJWT, generateKeyPair, jwtVerify } from 'jose';
import { round } from './load.js';

export interface SigningCost {
  alg: 'RS256' | 'ES256';
  signsPerSecond: number;
  signMs: number;
  verifyMs: number;
}

async function timed(durationMs: number, maxOps: number, op: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let n = 0;
  while (n < maxOps && performance.now() - start < durationMs) {
    await op();
    n++;
  }
  return (performance.now() - start) / n;
}

export async function signingCosts(opts: { durationMs: number; maxOps: number }): Promise<SigningCost[]> {
  const claims = { sub: 'c8c1f7a2-4c53-4ad1-9a3e-0d1b2c3d4e5f', amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa', auth_time: 1_800_000_000, nonce: 'n-0S6_WzA2Mj', sid: 'Zm9vYmFyYmF6cXV4' };
  const results: SigningCost[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048 } : {});
    const sign = () => new SignJWT(claims).setProtectedHeader({ alg, kid: 'bench' }).setIssuer('http://127.0.0.1').setAudience('bench-app').setIssuedAt().setExpirationTime('1h').sign(privateKey);
    await timed(200, 200, sign); // warm up
    const signMs = await timed(opts.durationMs, opts.maxOps, sign);
    const token = await sign();
    const verifyMs = await timed(opts.durationMs / 2, opts.maxOps, () => jwtVerify(token, publicKey));
    results.push({ alg, signsPerSecond: round(1000 / signMs, 1), signMs: round(signMs, 3), verifyMs: round(verifyMs, 3) });
  }
  return results;
}
