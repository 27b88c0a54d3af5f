// Masked addresses: recognisable to their owner, not readable by anyone else.
import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from '../../src/mail/mask.js';

describe('maskEmail', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmail('ada.lovelace@example.com')).toBe('a•••@example.com');
    expect(maskEmail('a@example.com')).toBe('a•••@example.com');
    expect(maskEmail('Ünal@bücher.example')).toBe('Ü•••@bücher.example');
    expect(maskEmail('😀smile@example.com')).toBe('😀•••@example.com');
  });

  it('uses the last @ (a quoted local part may hold one)', () => {
    expect(maskEmail('"a@b"@example.com')).toBe('"•••@example.com');
  });

  it('shows nothing of what is not an address', () => {
    expect(maskEmail('nobody')).toBe('•••');
    expect(maskEmail('@example.com')).toBe('•••');
    expect(maskEmail('ada@')).toBe('•••');
  });
});

describe('maskPhone', () => {
  it('keeps the calling code and the last two digits, and hides the length', () => {
    expect(maskPhone('+31612345678')).toBe('+31 •••• ••78');
    expect(maskPhone('+4915123456789')).toBe('+49 •••• ••89');
    expect(maskPhone('+12015550123')).toBe('+1 •••• ••23');
    expect(maskPhone('+447911123456')).toBe('+44 •••• ••56');
  });

  it('still hides what is not E.164', () => {
    expect(maskPhone('0612345678')).toBe('•••• ••78');
    expect(maskPhone('12')).toBe('••••');
    expect(maskPhone('')).toBe('••••');
  });
});
