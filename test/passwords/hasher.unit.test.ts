// argon2id hashing: the parameters we promise, a published reference vector, and a verify
// that takes as long for an account without a usable hash as for a real one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, type PasswordHasher } from '../../src/passwords/hasher.js';

let hasher: PasswordHasher;
beforeAll(async () => {
  hasher = await createPasswordHasher();
});
afterAll(() => undefined);

/** $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (PHC string format, B64 without padding) */
function parsePhc(phc: string) {
  const match = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(phc);
  if (!match) throw new Error(`not a PHC argon2 string: ${phc}`);
  const [, algorithm, version, m, t, p, salt, hash] = match;
  return { algorithm, version: Number(version), m: Number(m), t: Number(t), p: Number(p), salt: Buffer.from(salt!, 'base64'), hash: Buffer.from(hash!, 'base64') };
}

describe('password hasher', () => {
  it('produces argon2id v1.3 with m=19456 KiB, t=2, p=1, a 16-byte salt and a 32-byte hash', async () => {
    const phc = parsePhc(await hasher.hash('correct horse battery staple'));
    expect(phc).toMatchObject({ algorithm: 'argon2id', version: 19, m: 19456, t: 2, p: 1 });
    expect(phc.salt).toHaveLength(16);
    expect(phc.hash).toHaveLength(32);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
    expect(parsePhc(a).salt.equals(parsePhc(b).salt)).toBe(false);
  });

  it('verifies the right password and only that one', async () => {
    const stored = await hasher.hash('Tr0ub4dor&3 passphrase');
    expect(await hasher.verify(stored, 'Tr0ub4dor&3 passphrase')).toBe(true);
    expect(await hasher.verify(stored, 'tr0ub4dor&3 passphrase')).toBe(false);
    expect(await hasher.verify(stored, 'Tr0ub4dor&3 passphrase ')).toBe(false);
    expect(await hasher.verify(stored, '')).toBe(false);
  });

  it('verifies the reference vector of the argon2 reference implementation (phc-winner-argon2)', async () => {
    const reference = '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    expect(await hasher.verify(reference, 'password')).toBe(true);
    expect(await hasher.verify(reference, 'passwore')).toBe(false);
  });

  it('handles 128- and 1024-character passwords, to the last character', async () => {
    for (const length of [128, 1024]) {
      const password = Array.from({ length }, (_, i) => String.fromCharCode(33 + (i % 90))).join('');
      const stored = await hasher.hash(password);
      expect(await hasher.verify(stored, password)).toBe(true);
      expect(await hasher.verify(stored, password.slice(0, -1))).toBe(false);
      expect(await hasher.verify(stored, `${password.slice(0, -1)}#`)).toBe(password.endsWith('#'));
    }
  });

  it('treats the same password in another Unicode composition as the same password', async () => {
    const composed = 'café crème brûlée'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const stored = await hasher.hash(composed);
    expect(await hasher.verify(stored, decomposed)).toBe(true);
    expect(await hasher.verify(await hasher.hash(decomposed), composed)).toBe(true);
  });

  it('answers false for a missing, empty or unreadable stored hash', async () => {
    for (const stored of [null, undefined, '', 'not-a-hash', '$argon2id$v=19$m=19456,t=2,p=1$broken', '$2b$10$abcdefghijklmnopqrstuu']) {
      expect(await hasher.verify(stored, 'any password'), String(stored)).toBe(false);
    }
  });

  it('takes about as long without a usable hash as with a real one (no account enumeration)', async () => {
    const stored = await hasher.hash('the real password');
    // CPU time of this process (argon2 runs on libuv's pool, which counts): the work itself.
    // Wall time moves with whatever else the two cores are doing; it goes in the message only.
    const measure = async (storedHash: string | null) => {
      const cpu = process.cpuUsage();
      const start = performance.now();
      await hasher.verify(storedHash, 'a wrong password');
      const used = process.cpuUsage(cpu);
      return { cpu: (used.user + used.system) / 1000, wall: performance.now() - start };
    };
    await measure(stored); // warm-up
    const kinds = { real: stored, missing: null, empty: '', malformed: 'not-a-hash' } as const;
    type Kind = keyof typeof kinds;
    const samples: Record<Kind, Array<{ cpu: number; wall: number }>> = { real: [], missing: [], empty: [], malformed: [] };
    for (let round = 0; round < 7; round++) {
      for (const kind of Object.keys(kinds) as Kind[]) samples[kind].push(await measure(kinds[kind]));
    }
    // the smallest sample of each kind: interference can only add to a measurement
    const least = (kind: Kind, of: 'cpu' | 'wall') => Math.min(...samples[kind].map((x) => x[of]));
    for (const kind of ['missing', 'empty', 'malformed'] as const) {
      const ratio = least(kind, 'cpu') / least('real', 'cpu');
      const detail = `${kind}: ${least(kind, 'cpu').toFixed(1)} ms CPU (${least(kind, 'wall').toFixed(1)} ms wall) vs real ${least('real', 'cpu').toFixed(1)} ms CPU (${least('real', 'wall').toFixed(1)} ms wall)`;
      expect(ratio, detail).toBeGreaterThan(0.5);
      expect(ratio, detail).toBeLessThan(2);
    }
  });
});
