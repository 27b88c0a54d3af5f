// AES-256-GCM secret box: published test vectors, round trips, and every way a sealed value
// can be wrong (tampered, moved to another context, opened with another key) must throw.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/crypto/secret-box.js';

const sealedFrom = (ivHex: string, ctHex: string, tagHex: string) => `v1.${Buffer.from(ivHex + ctHex + tagHex, 'hex').toString('base64url')}`;
const rawOf = (sealed: string) => Buffer.from(sealed.slice(3), 'base64url');
const withRaw = (raw: Buffer) => `v1.${raw.toString('base64url')}`;

describe('secret box', () => {
  describe('published vectors (McGrew & Viega, "The Galois/Counter Mode of Operation", AES-256, 96-bit IV)', () => {
    const zeroKey = createSecretBox(Buffer.alloc(32));

    it('test case 13: empty plaintext', () => {
      const sealed = sealedFrom('000000000000000000000000', '', '530f8afbc74536b9a963b4f1c4cb738b');
      expect(zeroKey.open(sealed)).toBe('');
    });

    it('test case 14: 16 zero bytes', () => {
      const sealed = sealedFrom('000000000000000000000000', 'cea7403d4d606b6e074ec5d3baf39d18', 'd0d1c8a799996bf0265b98b5d48ab919');
      expect(zeroKey.open(sealed)).toBe('\u0000'.repeat(16));
      // the context is authenticated data: the same vector under a context does not open
      expect(() => zeroKey.open(sealed, 'x')).toThrow();
    });
  });

  it('round-trips text of any size and script', () => {
    const box = createSecretBox(randomBytes(32));
    for (const plaintext of ['', 'a', 'client-secret-0123456789', 'ünïcödé ✓ 𝄞 日本語', JSON.stringify({ kty: 'RSA', d: 'x'.repeat(2000) }), 'z'.repeat(1 << 20)]) {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
      expect(box.open(box.seal(plaintext, 'ctx:1'), 'ctx:1')).toBe(plaintext);
    }
  });

  it('produces "v1." + base64url(iv 12 | ciphertext | tag 16)', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('hello');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(rawOf(sealed)).toHaveLength(12 + 5 + 16);
    expect(sealed).not.toContain('hello');
  });

  it('uses a fresh IV every time: same plaintext, different sealed values', () => {
    const box = createSecretBox(randomBytes(32));
    const ivs = new Set<string>();
    const sealedValues = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const sealed = box.seal('same plaintext');
      sealedValues.add(sealed);
      ivs.add(rawOf(sealed).subarray(0, 12).toString('hex'));
    }
    expect(ivs.size).toBe(2000);
    expect(sealedValues.size).toBe(2000);
  });

  it('detects a flipped bit anywhere: IV, ciphertext or tag', () => {
    const box = createSecretBox(randomBytes(32));
    const raw = rawOf(box.seal('tamper me', 'ctx'));
    for (let i = 0; i < raw.length; i++) {
      const tampered = Buffer.from(raw);
      tampered[i]! ^= 0x01;
      expect(() => box.open(withRaw(tampered), 'ctx'), `byte ${i}`).toThrow();
    }
  });

  it('refuses truncated, extended, empty and foreign-format values', () => {
    const box = createSecretBox(randomBytes(32));
    const raw = rawOf(box.seal('value'));
    expect(() => box.open(withRaw(raw.subarray(0, raw.length - 1)))).toThrow();
    expect(() => box.open(withRaw(Buffer.concat([raw, Buffer.from([0])])))).toThrow();
    expect(() => box.open(withRaw(raw.subarray(0, 27)))).toThrow(/too short/);
    expect(() => box.open('v1.')).toThrow();
    expect(() => box.open('')).toThrow(/format/);
    expect(() => box.open(`v2.${raw.toString('base64url')}`)).toThrow(/format/);
    expect(() => box.open(raw.toString('base64url'))).toThrow(/format/);
  });

  it('binds the value to its context: another context, or none, does not open it', () => {
    const box = createSecretBox(randomBytes(32));
    const sealed = box.seal('client secret', 'client_secret:app-1');
    expect(box.open(sealed, 'client_secret:app-1')).toBe('client secret');
    expect(() => box.open(sealed, 'client_secret:app-2')).toThrow();
    expect(() => box.open(sealed)).toThrow();
    expect(() => box.open(box.seal('no context'), 'client_secret:app-1')).toThrow();
  });

  it('does not open with another key', () => {
    const sealed = createSecretBox(randomBytes(32)).seal('secret', 'ctx');
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'ctx')).toThrow();
  });

  it('accepts only a 32-byte key', () => {
    for (const length of [0, 16, 31, 33, 64]) expect(() => createSecretBox(Buffer.alloc(length)), String(length)).toThrow(/32 bytes/);
  });
});
