// The organisation policy's rules that need no server: which enrolled factors count, which kinds
// may be set up, which code method a new one replaces, the dates shown and parsed, and the
// activity list's plain words.
import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type Translator } from '../../src/i18n/i18n.js';
import { offeredKinds, replacedCodeFactors, usableFactors } from '../../interactions/enrol/policy.js';
import { browserFamily, describeForOwner } from '../../interactions/describe-event.js';
import { policyDate } from '../../interactions/signin/policy.js';
import { parseMandatoryFrom, policyChange } from '../../src/cli/orgs-policy.js';
import type { Config } from '../../src/config/index.js';
import type { FactorRecord } from '../../src/storage/postgres/factors.js';
import { defaultPolicy, type TwoFactorPolicy } from '../../src/organisations/policy.js';

let tr: Translator;
beforeAll(async () => {
  tr = (await createI18n()).forLanguage('en');
});

const factor = (kind: FactorRecord['kind'], id: string = kind) => ({ id, kind }) as FactorRecord;
const policy = (p: Partial<TwoFactorPolicy>): TwoFactorPolicy => ({ ...defaultPolicy, ...p });
const installation = (mail: boolean, sms: boolean) => ({
  config: { mail: { smtpUrl: mail ? 'smtp://mail.example' : undefined }, outbox: false } as unknown as Config,
  sms: sms ? { send: async () => undefined } : undefined,
});

describe('policy rules', () => {
  it('counts only factors of an allowed kind, and none when 2FA is off', () => {
    const all = [factor('totp'), factor('email'), factor('webauthn')];
    expect(usableFactors(policy({}), all)).toHaveLength(3);
    expect(usableFactors(policy({ allowedMethods: ['email', 'sms'] }), all).map((f) => f.kind)).toEqual(['email']);
    expect(usableFactors(policy({ mode: 'off' }), all)).toEqual([]);
  });

  it('offers the allowed kinds this installation can deliver, app first', () => {
    expect(offeredKinds(installation(true, true) as never, policy({}))).toEqual(['totp', 'webauthn', 'email', 'sms']);
    expect(offeredKinds(installation(false, false) as never, policy({}))).toEqual(['totp', 'webauthn']);
    expect(offeredKinds(installation(true, false) as never, policy({ allowedMethods: ['sms', 'email'] }))).toEqual(['email']);
    expect(offeredKinds(installation(true, true) as never, policy({ mode: 'off' }))).toEqual([]);
  });

  it('with one code method, a new e-mail factor replaces the SMS one (and not the other way round without the rule)', () => {
    const all = [factor('totp'), factor('sms', 's1'), factor('email', 'e1')];
    expect(replacedCodeFactors(policy({ oneCodeMethod: true }), all, 'email').map((f) => f.id)).toEqual(['s1']);
    expect(replacedCodeFactors(policy({ oneCodeMethod: true }), all, 'sms').map((f) => f.id)).toEqual(['e1']);
    expect(replacedCodeFactors(policy({ oneCodeMethod: true }), all, 'totp')).toEqual([]);
    expect(replacedCodeFactors(policy({ oneCodeMethod: false }), all, 'email')).toEqual([]);
  });

  it('shows the mandatory-from date as a day, and the CLI reads one', () => {
    expect(policyDate(tr, new Date(Date.UTC(2027, 6, 1)))).toBe('1 July 2027');
    expect(parseMandatoryFrom('2027-07-01')?.toISOString()).toBe('2027-07-01T00:00:00.000Z');
    expect(parseMandatoryFrom('none')).toBeNull();
    expect(() => parseMandatoryFrom('2027-13-01')).toThrow(/YYYY-MM-DD/);
    expect(() => parseMandatoryFrom('1 July 2027')).toThrow(/YYYY-MM-DD/);
    const allowed = (value: string) => policyChange({ values: { allowed: value }, positionals: [] });
    expect(allowed('totp, webauthn,totp')).toEqual({ allowedMethods: ['totp', 'webauthn'] });
    expect(() => allowed('totp,fax')).toThrow(/one of totp, email, sms, webauthn/);
    expect(() => allowed(' , ')).toThrow(/needs at least one of/);
  });

  it('says what happened in plain words, and which browser', () => {
    expect(describeForOwner(tr, { type: 'factor.updated', details: { kind: 'sms', change: 'destination' } })).toBe('Method changed (address or number): text-message codes');
    expect(describeForOwner(tr, { type: 'recovery_codes.used', details: { remaining: 1 } })).toBe('Recovery code used (1 left)');
    expect(describeForOwner(tr, { type: 'sessions.ended_others', details: { ended: 3 } })).toBe('Signed out of 3 other sessions');
    expect(describeForOwner(tr, { type: 'client.created', details: {} })).toBe('Security setting changed');
    expect(browserFamily(tr, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15')).toBe('Safari on macOS');
    expect(browserFamily(tr, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0')).toBe('Firefox on Windows');
    expect(browserFamily(tr, null)).toBe('Unknown browser');
  });
});
