// The policy's one definition is whole: every field described once, every surface's name unique,
// every text the console asks for in every language, and the API's terms round-trip to the domain's.
import { beforeAll, describe, expect, it } from 'vitest';
import { factorKinds } from '../../src/factors/registry.js';
import { createI18n, languages, type I18n } from '../../src/i18n/i18n.js';
import {
  defaultPolicy,
  fieldType,
  policyFactorKinds,
  policyFieldNames,
  policyFields,
  policyFromWire,
  policyShape,
  policyToWire,
  type PolicyField,
  type TwoFactorPolicy,
} from '../../src/organisations/policy.js';
import { policyInput } from '../../src/admin/organisation-schemas.js';

const all: PolicyField[] = policyFieldNames.map((n) => policyFields[n]);
let i18n: I18n;
beforeAll(async () => {
  i18n = await createI18n();
});

describe('the policy definition', () => {
  it('describes every field of the schema, in its order, and each surface names them once', () => {
    expect(Object.keys(policyFields)).toEqual(Object.keys(policyShape));
    for (const names of [all.map((f) => f.key), all.map((f) => f.column), all.map((f) => f.cli.flag), all.map((f) => f.console.name)]) {
      expect(new Set(names).size).toBe(policyFieldNames.length);
    }
    // each field's type is one a surface can ask for
    for (const n of policyFieldNames) expect(() => fieldType(n)).not.toThrow();
  });

  it('allows exactly the stored kinds of the factor registry', () => {
    expect([...policyFactorKinds].sort()).toEqual([...factorKinds].sort());
  });

  it('has defaults the API would accept', () => {
    expect(policyInput.safeParse(policyToWire(defaultPolicy)).success).toBe(true);
    expect(defaultPolicy).toMatchObject({ mode: 'optional', rememberDeviceDays: 7, mandatoryFrom: null });
  });

  it("turns the API's terms into the domain's and back", () => {
    const policy: TwoFactorPolicy = { ...defaultPolicy, mode: 'required', mandatoryFrom: new Date('2027-07-01T00:00:00Z'), allowedMethods: ['totp', 'webauthn'], sessionIdleSeconds: 900 };
    const wire = policyToWire(policy);
    expect(wire).toMatchObject({ mode: 'required', mandatory_from: '2027-07-01T00:00:00.000Z', allowed_methods: ['totp', 'webauthn'], session_idle_seconds: 900 });
    expect(policyFromWire(wire)).toEqual(policy);
    // only what the input gives; a repeated kind once
    expect(policyFromWire({ allowed_methods: ['totp', 'totp'], max_wrong_codes: null })).toEqual({ allowedMethods: ['totp'], maxWrongCodes: null });
  });

  it('refuses what the schema refuses: out of range, unknown values and fields', () => {
    expect(policyInput.safeParse({ remember_device_days: 91 }).success).toBe(false);
    expect(policyInput.safeParse({ allowed_methods: [] }).success).toBe(false);
    expect(policyInput.safeParse({ allowed_methods: ['fax'] }).success).toBe(false);
    expect(policyInput.safeParse({ no_such_field: 1 }).success).toBe(false);
  });

  it('has every console text it names, in every language', () => {
    for (const lang of languages) {
      const tr = i18n.forLanguage(lang);
      for (const n of policyFieldNames) {
        const c = policyFields[n].console as PolicyField['console'];
        const t = fieldType(n);
        const keys = [c.label, ...(c.help ? [c.help] : []), ...(t.type === 'choice' || t.type === 'choices' ? t.values.map((v) => (c.option ?? '%s').replace('%s', v)) : [])];
        for (const key of keys) expect(tr.t(`admin_console.${key}`, { defaultValue: '' }), `${lang}: admin_console.${key}`).not.toBe('');
      }
    }
  });
});
