// The delivery variables: SMTP_URL, MAIL_FROM, SMS_HTTP_*, SMS_COUNTRIES and OUTBOX. Each wrong
// value is refused with a message naming the variable; secrets are never echoed; the outbox is
// on by default only where it cannot publish real users' codes.
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultSmsCountries, parseConfig } from '../../src/config/schema.js';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('delivery configuration', () => {
  it('reads every delivery variable', () => {
    const c = parseConfig({
      SMTP_URL: 'smtps://mailer:secret@smtp.example.com:465',
      MAIL_FROM: '"ACME Sign-in" <sign-in@acme.example>',
      SMS_HTTP_URL: 'https://sms.example.com/v1/send',
      SMS_HTTP_AUTHORIZATION: 'Bearer abc.def-123',
      SMS_HTTP_TIMEOUT_MS: '2500',
      SMS_COUNTRIES: 'nl, be ,DE,',
    });
    expect(c.mail).toEqual({ smtpUrl: 'smtps://mailer:secret@smtp.example.com:465', from: '"ACME Sign-in" <sign-in@acme.example>', fromAddress: 'sign-in@acme.example' });
    expect(c.sms).toEqual({ httpUrl: 'https://sms.example.com/v1/send', authorization: 'Bearer abc.def-123', timeoutMs: 2500, countries: ['NL', 'BE', 'DE'] });
    expect(c.outbox).toBe(false);
  });

  it('takes a bare address as MAIL_FROM', () => {
    expect(parseConfig({ MAIL_FROM: 'no-reply@id.example.com' }).mail).toMatchObject({ from: 'no-reply@id.example.com', fromAddress: 'no-reply@id.example.com' });
  });

  it('offers SMS in the EU, the EEA, Switzerland, the UK, the US and Canada by default; * everywhere', () => {
    for (const c of ['NL', 'FR', 'IE', 'PL', 'IS', 'LI', 'NO', 'CH', 'GB', 'US', 'CA']) expect(defaultSmsCountries).toContain(c);
    expect(defaultSmsCountries).not.toContain('BR');
    expect(parseConfig({ SMS_COUNTRIES: '*' }).sms.countries).toBe('all');
  });

  it('allows http for the SMS provider on this machine only', () => {
    expect(parseConfig({ SMS_HTTP_URL: 'http://127.0.0.1:8025/sms' }).sms.httpUrl).toBe('http://127.0.0.1:8025/sms');
    expect(parseConfig({ SMS_HTTP_URL: 'http://localhost:8025/sms' }).sms.httpUrl).toBe('http://localhost:8025/sms');
    expect(parseConfig({ SMS_HTTP_URL: 'http://[::1]:8025/sms' }).sms.httpUrl).toBe('http://[::1]:8025/sms');
  });

  describe('OUTBOX', () => {
    it('is on by default without SMTP_URL on an http issuer (development)', () => {
      expect(parseConfig({}).outbox).toBe(true);
      expect(parseConfig({ ISSUER: 'http://127.0.0.1:4000' }).outbox).toBe(true);
    });

    it('is off by default with SMTP_URL', () => {
      expect(parseConfig({ SMTP_URL: 'smtp://mail:587' }).outbox).toBe(false);
    });

    it('is off by default on an https issuer, where it would publish the codes of real users', () => {
      expect(parseConfig({ ISSUER: 'https://id.example.com' }).outbox).toBe(false);
    });

    it('follows an explicit value either way', () => {
      expect(parseConfig({ ISSUER: 'https://staging.example.com', OUTBOX: 'true' }).outbox).toBe(true);
      expect(parseConfig({ SMTP_URL: 'smtp://mail:587', OUTBOX: 'true' }).outbox).toBe(true);
      expect(parseConfig({ OUTBOX: 'false' }).outbox).toBe(false);
    });
  });

  it.each([
    ['SMTP_URL', 'http://mail.example.com'],
    ['SMTP_URL', 'mail.example.com:587'],
    ['MAIL_FROM', 'not an address'],
    ['MAIL_FROM', 'Twofold <a@b> <c@d>'],
    ['MAIL_FROM', 'Twofold, Inc. <no-reply@example.com>'],
    ['MAIL_FROM', 'no-reply@example.com\r\nBcc: victim@example.com'],
    ['SMS_HTTP_URL', 'http://sms.example.com/send'],
    ['SMS_HTTP_URL', 'ftp://127.0.0.1/send'],
    ['SMS_HTTP_URL', 'not a url'],
    ['SMS_HTTP_TIMEOUT_MS', '0'],
    ['SMS_HTTP_TIMEOUT_MS', '600000'],
    ['SMS_HTTP_TIMEOUT_MS', 'fast'],
    ['SMS_COUNTRIES', 'NL,XX'],
    ['SMS_COUNTRIES', 'Netherlands'],
    ['SMS_COUNTRIES', ','],
    ['OUTBOX', 'maybe'],
  ] as const)('%s=%s is refused with a message that names the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
  });

  it('refuses SMS_HTTP_AUTHORIZATION that could add a header, or that has no URL to go to', () => {
    expect(problemsOf({ SMS_HTTP_URL: 'https://sms.example.com', SMS_HTTP_AUTHORIZATION: 'Bearer x\r\nX-Evil: 1' })).toEqual([expect.stringMatching(/^SMS_HTTP_AUTHORIZATION must be a single-line/)]);
    expect(problemsOf({ SMS_HTTP_AUTHORIZATION: 'Bearer x' })).toEqual([expect.stringMatching(/^SMS_HTTP_AUTHORIZATION is set but SMS_HTTP_URL is not/)]);
  });

  it('names the usual mistakes in SMS_COUNTRIES', () => {
    expect(problemsOf({ SMS_COUNTRIES: 'NL,UK,EL' })).toEqual([expect.stringMatching(/^SMS_COUNTRIES has unknown country codes UK, EL \(UK is GB, EL is GR\)/)]);
  });

  it('never echoes the SMTP password, the SMS provider URL or its Authorization value', () => {
    const problems = problemsOf({
      SMTP_URL: 'http://mailer:hunter7@mail.example.com',
      SMS_HTTP_URL: 'http://sms.example.com/send?key=hunter8',
      SMS_HTTP_AUTHORIZATION: 'Bearer hunter9\n',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['SMS_HTTP_AUTHORIZATION', 'SMS_HTTP_URL', 'SMTP_URL']);
    const text = problems.join('\n');
    for (const word of ['hunter7', 'hunter8', 'hunter9']) expect(text).not.toContain(word);
  });
});
