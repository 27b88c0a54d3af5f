// The factor registry: one entry per kind, the stored kinds are the organisation policy's, every
// factor names itself with catalogue keys that exist in every language, and amr is RFC 8176's.
import { describe, expect, it } from 'vitest';
import { createI18n, languages } from '../../src/i18n/i18n.js';
import { factorKinds, factorOf, isDelivered, registry } from '../../src/factors/registry.js';
import { policyFactorKinds as policyKinds } from '../../src/organisations/policy.js';

describe('factor registry', () => {
  it('has one entry per kind, and the stored kinds are the ones an organisation can allow', () => {
    const kinds = registry.map((f) => f.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect([...factorKinds].sort()).toEqual([...policyKinds].sort());
    expect(factorKinds).toEqual(['totp', 'webauthn', 'email', 'sms']);
    expect(() => factorOf('push')).toThrow(/no factor registered/);
  });

  it('says what each kind adds to amr', () => {
    expect(factorOf('totp').amr()).toEqual(['otp']);
    expect(factorOf('email').amr()).toEqual(['otp']);
    expect(factorOf('sms').amr()).toEqual(['sms']);
    expect(factorOf('recovery').amr()).toEqual(['otp']);
    expect(factorOf('webauthn').amr({ deviceType: 'singleDevice' })).toEqual(['hwk', 'user']);
    expect(factorOf('webauthn').amr({ deviceType: 'multiDevice' })).toEqual(['swk', 'user']);
    expect(isDelivered('email') && isDelivered('sms') && !isDelivered('totp') && !isDelivered('webauthn')).toBe(true);
  });

  it('names every kind in every language with keys that exist', async () => {
    const i18n = await createI18n();
    for (const lang of languages) {
      const tr = i18n.forLanguage(lang);
      for (const f of registry) {
        for (const key of [f.catalogue.kind, f.catalogue.enrol].filter((k): k is string => k !== undefined)) expect(tr.t(key), `${lang} ${key}`).not.toBe(key);
        const d = f.describe(tr, { label: '', destination: 'ada@example.com', deviceType: null });
        expect(d.name, `${lang} ${f.kind}`).not.toMatch(/^[a-z_]+\.[a-z_.]+$/);
        expect(d.method, `${lang} ${f.kind}`).not.toMatch(/^[a-z_]+\.[a-z_.]+$/);
      }
    }
  });

  it('masks the destination of a code factor on the method line, never on the profile name', async () => {
    const tr = (await createI18n()).forLanguage('en');
    const email = factorOf('email').describe(tr, { label: '', destination: 'ada@example.com', deviceType: null });
    expect(email.method).toContain('a•••@example.com');
    expect(email.name).toContain('ada@example.com');
    expect(factorOf('totp').describe(tr, { label: 'Phone', destination: null, deviceType: null }).name).toBe('Phone');
  });
});
