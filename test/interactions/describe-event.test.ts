// Audit events in words for the console's audit log: every event type has a sentence in every
// language, with the reason, who did it and from where; whatever else an event holds is a
// "key: value" fact, never JSON.
import { describe, expect, it } from 'vitest';
import { describeForAdmin, type AuditNames } from '../../interactions/describe-event.js';
import { createI18n, languages } from '../../src/i18n/i18n.js';
import { auditEventTypes, type AuditEventType } from '../../src/storage/postgres/audit.js';

const i18n = await createI18n();
const en = i18n.forLanguage('en');
const adminId = '6f1c2e9a-3b1d-4c1e-9f7a-1a2b3c4d5e6f';
const orgId = '0b6c4c1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d';
const names: AuditNames = {
  account: (id) => (id === adminId ? 'ada@example.com' : undefined),
  organisation: (id) => (id === orgId ? 'ACME' : undefined),
};
const console_ = { by: 'console', admin: adminId, role: 'admin' };
const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';

/** What the writers put in each event's details (grep `audit.record(`). */
const samples: Record<AuditEventType, Record<string, unknown>> = {
  'signin.succeeded': { amr: ['pwd', 'otp'], stepUp: false },
  'signin.failed': { reason: 'wrong_password', step: 'password' },
  logout: {},
  'session.expired': {},
  'consent.granted': { scope: 'openid email' },
  'key.created': { kid: 'k1' },
  'key.rotated': { by: 'cli', kids: ['k2', 'k3'], signsFrom: '2026-11-03T14:05:00.000Z', oldKeysPublishedUntil: '2026-11-04T14:05:00.000Z' },
  'client.created': { ...console_, firstParty: true, public: false, grantTypes: ['authorization_code'] },
  'client.updated': { ...console_, fields: ['client_name'] },
  'client.deleted': { by: 'cli' },
  'account.created': { ...console_, organisation: orgId, roles: [] },
  'signin.abandoned': { reason: 'too_many_wrong_codes', wrongCodes: 5 },
  'factor.enrolled': { kind: 'totp', factorId: 'f1' },
  'factor.removed': { kind: 'sms', factorId: 'f1', remaining: 1 },
  'recovery_codes.generated': { reason: 'regenerated', count: 10 },
  'webauthn.counter_regression': { factorId: 'f1', signCount: 3 },
  'token.reuse_detected': { grantId: 'g1', grantType: 'refresh_token' },
  'grant.revoked': { grantId: 'g1' },
  'session.expired_idle': { signedInAt: '2026-11-03T14:05:00.000Z', idleSeconds: 300 },
  'session.expired_absolute': { signedInAt: '2026-11-03T14:05:00.000Z', maxSeconds: 43200 },
  'device.remembered': { deviceId: 'd1', browser: 'Firefox', os: 'Windows', days: 30 },
  'device.forgotten': { reason: 'profile', count: 2 },
  'device.not_honoured': { reason: 'different_network', deviceId: 'd1' },
  'factor.updated': { kind: 'email', factorId: 'f1', change: 'destination' },
  'factor.preferred': { kind: 'webauthn', factorId: 'f1' },
  'twofactor.enabled': { kind: 'totp', factorId: 'f1' },
  'twofactor.disabled': { reason: 'turned_off', provenWith: 'totp', removed: 2 },
  'recovery_codes.used': { remaining: 7 },
  'factor.reset_requested': { stage: 'scheduled', effectiveAt: '2026-11-05T09:00:00.000Z', notified: true },
  'factor.reset_cancelled': { resetId: 'r1' },
  'factor.reset': { ...console_, reason: 'lost phone', removed: 2 },
  'factor.disabled_by_admin': { ...console_, reason: 'travelling', removed: 1, until: '2026-12-01T00:00:00.000Z' },
  'factor.exemption_ended': { ...console_, until: null, grantedBy: { by: 'api', client: 'ops' }, grantedAt: '2026-11-01T10:00:00.000Z' },
  'password.reset_requested': {},
  'password.changed': { via: 'profile', otherSessionsEnded: 3 },
  'email.confirmation_sent': { by: 'user' },
  'email.confirmed': { email: 'new@example.com' },
  'sessions.ended_others': { ended: 2 },
  'account.signed_out_everywhere': { reason: 'not_me' },
  'account.roles_changed': { by: 'cli', before: [], after: ['admin'] },
  'account.invited': console_,
  'account.updated': { ...console_, change: { disabled: true }, reason: 'left the company' },
  'account.unlocked': console_,
  'organisation.created': { ...console_, organisation: orgId, slug: 'acme' },
  'organisation.updated': { ...console_, organisation: orgId, name: false, policy: { mode: 'required' } },
};

interface Event {
  type: AuditEventType;
  details: Record<string, unknown>;
  accountId: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
}
/** As stored: client events name the client, not an account; the others an account. */
const event = (type: AuditEventType, extra: Record<string, unknown> = {}): Event => {
  const ofClient = type.startsWith('client.') || type === 'grant.revoked' || type === 'token.reuse_detected';
  return { type, details: { ...samples[type], ...extra }, accountId: ofClient ? null : 'a1', clientId: ofClient ? 'payroll' : null, ip: '192.0.2.7', userAgent: firefox };
};

describe('the audit log in words', () => {
  it('has a sentence for every event type in every language, with no missing text and no JSON', () => {
    for (const lang of languages) {
      const tr = i18n.forLanguage(lang);
      const whats = new Set<string>();
      for (const type of auditEventTypes) {
        const line = describeForAdmin(tr, event(type), names);
        const all = [line.what, line.by, line.from, ...line.facts.flatMap((f) => [f.key, f.value])].join(' | ');
        expect(line.what, `${lang} ${type}`).not.toBe(tr.t('audit_event.unknown', { type }));
        // its own words, not English as a fallback
        if (lang !== 'en') expect(line.what, `${lang} ${type}`).not.toBe(describeForAdmin(en, event(type), names).what);
        expect(all, `${lang} ${type}`).not.toMatch(/audit_event\.|activity\.|\{|\}|\[object/);
        expect(line.by, `${lang} ${type}`).not.toBe('');
        expect(line.what, `${lang} ${type}`).not.toMatch(/[:—–]\s*$|\s{2}/);
        whats.add(line.what);
      }
      // each type says something of its own
      expect(whats.size, lang).toBe(auditEventTypes.length);
    }
  });

  it('says what happened, why, who did it and from where', () => {
    const reset = describeForAdmin(en, event('factor.reset'), names);
    expect(reset).toEqual({ what: 'Two-step verification reset: lost phone — 2 methods removed', by: 'ada@example.com (console)', from: '192.0.2.7 · Firefox on Windows', facts: [] });
    expect(describeForAdmin(en, event('signin.failed'), names).what).toBe('Sign-in failed: wrong password');
    expect(describeForAdmin(en, event('signin.failed', { step: 'second_factor', method: 'totp', reason: 'wrong_code', wrongCodes: 2 }), names).what).toBe(
      'Sign-in failed at the second step (authenticator app): wrong code — 2 wrong codes in this sign-in',
    );
    const refused = describeForAdmin(en, event('device.not_honoured'), names);
    expect(refused.what).toBe('Remembered device not honoured: IP changed');
    expect(refused.by).toBe('Twofold itself');
    expect(describeForAdmin(en, event('account.updated'), names)).toMatchObject({ what: 'Account disabled: left the company', by: 'ada@example.com (console)', facts: [] });
    expect(describeForAdmin(en, event('account.signed_out_everywhere'), names)).toMatchObject({ what: "Signed out everywhere: “This wasn't me” link", by: 'The user' });
    expect(describeForAdmin(en, event('device.forgotten'), names).what).toBe('2 remembered browsers forgotten: from My profile');
    expect(describeForAdmin(en, event('sessions.ended_others', { ended: 1 }), names).what).toBe('Signed out of 1 other session from My profile');
    expect(describeForAdmin(en, event('client.updated', { change: 'secret_rotated', fields: undefined }), names)).toMatchObject({ what: 'New secret made for the app payroll', facts: [] });
    expect(describeForAdmin(en, event('grant.revoked'), names).by).toBe('App payroll');
  });

  it("names the actor: console or API with the admin's address, a machine client, the command line, the system, the user", () => {
    const by = (type: AuditEventType, details: Record<string, unknown>, extra: Partial<Event> = {}) => describeForAdmin(en, { ...event(type), ...extra, details }, names).by;
    expect(by('account.unlocked', { by: 'api', admin: adminId, role: 'admin', client: 'ops' })).toBe('ada@example.com (API)');
    expect(by('account.unlocked', { by: 'api', client: 'nightly-sync' })).toBe('API client nightly-sync');
    expect(by('account.unlocked', { by: 'console', admin: '99999999-0000-4000-8000-000000000000', role: 'org_admin' })).toBe('99999999 (console)');
    expect(by('account.created', { by: 'cli', via: 'apply', organisation: 'acme' })).toBe('Command line (apply)');
    expect(by('email.confirmation_sent', { by: 'admin' })).toBe('An administrator');
    expect(by('factor.reset', { removed: 1, scheduled: true })).toBe('Twofold itself');
    expect(by('factor.reset', { removed: 1, scheduled: false })).toBe('The user');
    expect(by('grant.revoked', { grantId: 'g' }, { clientId: 'billing' })).toBe('App billing');
    expect(by('device.forgotten', { reason: 'signed_out_everywhere', count: 1 })).toBe('—'); // whose action, the event does not say
    expect(by('signin.failed', { reason: 'unknown_email', step: 'password' }, { accountId: null })).toBe('—');
  });

  it('turns whatever else an event holds into "key: value" facts, and an unknown type into a sentence of its own', () => {
    const org = describeForAdmin(en, event('organisation.updated'), names);
    expect(org.what).toBe('Organisation changed: ACME');
    expect(org.facts).toEqual([
      { key: 'name', value: 'No' },
      { key: 'policy', value: 'mode: required' },
    ]);
    const created = describeForAdmin(en, event('account.created', { organisation: orgId, roles: ['org_admin'], ticket: { id: 42, urgent: true } }), names);
    expect(created.facts).toEqual([
      { key: 'organisation', value: 'ACME' },
      { key: 'roles', value: 'org_admin' },
      { key: 'ticket', value: 'id: 42, urgent: Yes' },
    ]);
    const future = describeForAdmin(
      en,
      { type: 'account.teleported' as AuditEventType, details: { to: 'Mars', at: '2026-11-03T14:05:00.000Z' }, accountId: null, clientId: 'x', ip: null, userAgent: null },
      names,
    );
    expect(future.what).toBe('Event account.teleported');
    expect(future.from).toBe('—');
    expect(future.facts.map((f) => `${f.key}: ${f.value}`)).toEqual(['client: x', 'to: Mars', expect.stringMatching(/^at: 3 November 2026 at \d{2}:\d{2}$/)]);
  });

  it("writes dates and durations in the reader's language", () => {
    const de = i18n.forLanguage('de');
    expect(describeForAdmin(de, event('factor.reset_requested'), names).what).toMatch(/^Zurücksetzen der Zwei-Faktor-Authentifizierung geplant für 5\. November 2026 um \d{2}:\d{2}$/);
    expect(describeForAdmin(de, event('session.expired_idle'), names).what).toBe('Sitzung nach 5 Minuten ohne Aktivität beendet');
    const nl = i18n.forLanguage('nl');
    expect(describeForAdmin(nl, event('factor.reset'), names)).toMatchObject({ what: 'Tweestapsverificatie gereset: lost phone — 2 methodes verwijderd', by: 'ada@example.com (console)' });
  });
});
