import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generateRecoveryCodes, normaliseRecoveryCode, recoveryCodeHasher } from '../../../src/factors/recovery-codes/recovery-codes.js';

describe('recovery codes', () => {
  it('makes ten distinct codes of ten characters, shown as xxxxx-xxxxx', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  });

  it('forgives case, spaces, dashes and look-alike letters', () => {
    expect(normaliseRecoveryCode('ab1cd-ef2gh')).toBe('AB1CDEF2GH');
    expect(normaliseRecoveryCode(' abOcd efIgL ')).toBe('AB0CDEF1G1');
    expect(normaliseRecoveryCode('too-short')).toBeUndefined();
    expect(normaliseRecoveryCode('UUUUU-UUUUU')).toBeUndefined();
  });

  it('hashes per account under a secret key', () => {
    const key = randomBytes(32);
    const hash = recoveryCodeHasher(key);
    expect(hash('acct-1', 'ab1cd-ef2gh')).toBe(hash('acct-1', 'AB1CDEF2GH'));
    expect(hash('acct-1', 'ab1cd-ef2gh')).not.toBe(hash('acct-2', 'ab1cd-ef2gh'));
    expect(recoveryCodeHasher(randomBytes(32))('acct-1', 'ab1cd-ef2gh')).not.toBe(hash('acct-1', 'ab1cd-ef2gh'));
    expect(hash('acct-1', 'nonsense')).toBeUndefined();
  });
});
