// The new-password policy (NIST SP 800-63B): length in characters, a list of common
// passwords, the user's own address; no composition rules.
import { describe, expect, it } from 'vitest';
import { checkNewPassword, passwordLimits } from '../../src/passwords/policy.js';

describe('new-password policy', () => {
  it('refuses fewer than 8 characters and accepts 8', () => {
    expect(passwordLimits).toEqual({ min: 8, max: 1024 });
    expect(checkNewPassword('')).toBe('too_short');
    expect(checkNewPassword('zqxjvkw')).toBe('too_short');
    expect(checkNewPassword('zqxjvkwp')).toBeUndefined();
  });

  it('counts characters, not UTF-16 code units or bytes', () => {
    // 7 emoji are 14 UTF-16 units and 28 bytes: still too short; 8 are enough
    expect(checkNewPassword('🔒🌍🎲🧩🚲🌵🍋')).toBe('too_short');
    expect(checkNewPassword('🔒🌍🎲🧩🚲🌵🍋🐙')).toBeUndefined();
    // "é" typed as e + combining accent is one character: 8 code points, 4 characters
    expect(checkNewPassword('e\u0301'.repeat(4))).toBe('too_short');
    expect(checkNewPassword('e\u0301'.repeat(8))).toBeUndefined();
  });

  it('refuses more than 1024 characters and accepts 1024', () => {
    const long = (n: number) => Array.from({ length: n }, (_, i) => 'abcdefghij'[i % 10]).join('');
    expect(checkNewPassword(long(1024))).toBeUndefined();
    expect(checkNewPassword(long(1025))).toBe('too_long');
    expect(checkNewPassword('ж'.repeat(1025))).toBe('too_long');
  });

  it('refuses common passwords, whatever their case', () => {
    for (const p of ['password', 'Password', 'PASSWORD', 'qwerty123', '12345678', 'iloveyou', 'letmein1', 'baseball', 'football']) {
      expect(checkNewPassword(p), p).toBe('common');
    }
  });

  it("refuses the user's e-mail address and the name before the @", () => {
    const email = 'Ada.Lovelace@example.com';
    expect(checkNewPassword('ada.lovelace@example.com', { email })).toBe('common');
    expect(checkNewPassword('ADA.LOVELACE@EXAMPLE.COM', { email })).toBe('common');
    expect(checkNewPassword('ada.lovelace', { email })).toBe('common');
    expect(checkNewPassword('ada.lovelace@example.com')).toBeUndefined();
    expect(checkNewPassword('ada.lovelace is my hero', { email })).toBeUndefined();
  });

  it('accepts a good passphrase and imposes no composition rules', () => {
    for (const p of ['correct horse battery staple', 'zqxjvkwpmb', 'ZQXJVKWPMB', '58304917263', 'ünïcödé passphrase', '        spaces and words       ', '你好世界你好世界']) {
      expect(checkNewPassword(p), p).toBeUndefined();
    }
  });
});
