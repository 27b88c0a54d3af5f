// Phone numbers as people type them, to E.164 and a country; SMS offered per SMS_COUNTRIES.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { parsePhoneNumber, smsAvailable } from '../../src/sms/phone.js';

describe('parsePhoneNumber', () => {
  it('reads international numbers however they are spaced', () => {
    expect(parsePhoneNumber('+31 6 12345678')).toEqual({ ok: true, e164: '+31612345678', country: 'NL' });
    expect(parsePhoneNumber('  +44 (0)7400 123-456 ')).toEqual({ ok: true, e164: '+447400123456', country: 'GB' });
    expect(parsePhoneNumber('+31.6.12.34.56.78')).toEqual({ ok: true, e164: '+31612345678', country: 'NL' });
    // a +44 number of Guernsey is Guernsey's, not the United Kingdom's
    expect(parsePhoneNumber('+44 7911 123456')).toEqual({ ok: true, e164: '+447911123456', country: 'GG' });
    expect(parsePhoneNumber('+49 151 23456789')).toEqual({ ok: true, e164: '+4915123456789', country: 'DE' });
  });

  it('reads national numbers with the default country, in either case', () => {
    expect(parsePhoneNumber('06-12345678', 'NL')).toEqual({ ok: true, e164: '+31612345678', country: 'NL' });
    expect(parsePhoneNumber('0031 6 12345678', 'nl')).toEqual({ ok: true, e164: '+31612345678', country: 'NL' });
    // the default country does not override an explicit +
    expect(parsePhoneNumber('+32 470 12 34 56', 'NL')).toEqual({ ok: true, e164: '+32470123456', country: 'BE' });
  });

  it('refuses a national number without a country, and an unknown default country', () => {
    expect(parsePhoneNumber('0612345678')).toEqual({ ok: false, reason: 'invalid' });
    expect(parsePhoneNumber('0612345678', 'XX')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses what is not a valid number', () => {
    for (const input of ['', '   ', 'hello', '+31 6 1234', '+999 123456789', '+31612345678'.repeat(4), '+31 6 12345678; DROP', '+31 6 12345678 ext. 12', '+31 6 12345678 999']) {
      expect(parsePhoneNumber(input), input).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses numbers that certainly cannot receive SMS', () => {
    expect(parsePhoneNumber('+31 20 123 4567')).toEqual({ ok: false, reason: 'not_mobile' }); // Amsterdam fixed line
    expect(parsePhoneNumber('0800 123 4567', 'GB')).toEqual({ ok: false, reason: 'not_mobile' }); // toll free
  });

  it('accepts numbers whose kind cannot be told (US and Canada: fixed line or mobile)', () => {
    expect(parsePhoneNumber('(201) 555-0123', 'US')).toEqual({ ok: true, e164: '+12015550123', country: 'US' });
    expect(parsePhoneNumber('+1 416 555 0123')).toMatchObject({ ok: true, country: 'CA' });
  });
});

describe('smsAvailable', () => {
  const config = (env: Record<string, string>) => parseConfig(env);

  it('follows the default country list when the outbox delivers', () => {
    const c = config({});
    expect(c.outbox).toBe(true);
    for (const country of ['NL', 'DE', 'NO', 'CH', 'GB', 'GG', 'RE', 'US', 'CA']) expect(smsAvailable(country, c), country).toBe(true);
    for (const country of ['BR', 'IN', 'NG', 'JP']) expect(smsAvailable(country, c), country).toBe(false);
    expect(smsAvailable(undefined, c)).toBe(false);
  });

  it('follows SMS_COUNTRIES, and * means every number', () => {
    expect(smsAvailable('be', config({ SMS_COUNTRIES: 'NL,BE' }))).toBe(true);
    expect(smsAvailable('DE', config({ SMS_COUNTRIES: 'NL,BE' }))).toBe(false);
    expect(smsAvailable('BR', config({ SMS_COUNTRIES: '*' }))).toBe(true);
    expect(smsAvailable(undefined, config({ SMS_COUNTRIES: '*' }))).toBe(true);
  });

  it('is never available when nothing delivers SMS', () => {
    const none = config({ SMTP_URL: 'smtp://mail.example.com', SMS_COUNTRIES: '*' });
    expect(none.outbox).toBe(false);
    expect(smsAvailable('NL', none)).toBe(false);
    expect(smsAvailable('NL', config({ SMTP_URL: 'smtp://mail.example.com', SMS_HTTP_URL: 'https://sms.example.com/send' }))).toBe(true);
  });
});
