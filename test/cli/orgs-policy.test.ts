// `twofold orgs policy`: shows the policy, changes what is given and nothing else, refuses bad
// values with a message that says what is accepted (nothing written), checked through the repository.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from './db.js';
import { runCli, runCliJson } from './run-cli.js';

let t: TestDb;
beforeAll(() => {
  t = openTestDb();
});
afterAll(() => t?.close());

const newOrg = async () => t.organisations.save({ slug: `cli-policy-${randomBytes(4).toString('hex')}`, name: 'Policy Org' });

describe('orgs policy', () => {
  it('shows the default policy, then changes only the options given', async () => {
    const org = await newOrg();
    const shown = await runCli(['orgs', 'policy', '--slug', org.slug]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/Two-step verification:\s+optional/);
    expect(shown.stdout).toMatch(/Allowed methods:\s+totp, email, sms, webauthn/);

    const changed = await runCliJson<Record<string, unknown>>([
      'orgs',
      'policy',
      '--slug',
      org.slug,
      '--mode',
      'required',
      '--mandatory-from',
      '2027-07-01',
      '--allowed',
      'totp,email',
      '--one-code-method',
      'true',
      '--remember-days',
      '14',
      '--remember-ip',
      'prefix',
      '--reset-cooloff-hours',
      '24',
      '--logout-after-activation',
      'true',
      '--max-wrong-codes',
      '5',
      '--code-ttl-seconds',
      '120',
      '--session-idle-seconds',
      '900',
    ]);
    expect(changed).toEqual({
      slug: org.slug,
      mode: 'required',
      mandatory_from: '2027-07-01',
      allowed_methods: ['totp', 'email'],
      one_code_method: true,
      remember_device_days: 14,
      remember_ip_rule: 'prefix',
      reset_cooloff_hours: 24,
      logout_after_activation: true,
      max_wrong_codes: 5,
      code_ttl_seconds: 120,
      session_idle_seconds: 900,
    });
    const stored = (await t.organisations.findBySlug(org.slug))!.policy;
    expect(stored).toMatchObject({
      mode: 'required',
      allowedMethods: ['totp', 'email'],
      oneCodeMethod: true,
      rememberDeviceDays: 14,
      rememberIpRule: 'prefix',
      resetCooloffSeconds: 86_400,
      logoutAfterActivation: true,
    });
    expect(stored.mandatoryFrom!.toISOString()).toBe('2027-07-01T00:00:00.000Z');

    // one option: the rest stays; "none" clears the date
    const text = await runCli(['orgs', 'policy', '--slug', org.slug, '--mandatory-from', 'none']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Saved the policy of ${org.slug}.`);
    expect(text.stdout).toMatch(/Two-step verification:\s+required\n/);
    const after = (await t.organisations.findBySlug(org.slug))!.policy;
    expect(after).toMatchObject({ mode: 'required', mandatoryFrom: null, allowedMethods: ['totp', 'email'], rememberDeviceDays: 14, maxWrongCodes: 5 });
    await runCli(['orgs', 'policy', '--slug', org.slug, '--max-wrong-codes', 'default']);
    expect((await t.organisations.findBySlug(org.slug))!.policy).toMatchObject({ maxWrongCodes: null, codeTtlSeconds: 120, sessionIdleSeconds: 900 });
    expect((await runCli(['orgs', 'policy', '--slug', org.slug, '--session-idle-seconds', 'default'])).stdout).toMatch(/Idle session ends after:\s+the server's setting/);
    expect((await runCli(['orgs', 'policy', '--slug', org.slug, '--session-idle-seconds', '59'])).code).not.toBe(0);
  });

  it('refuses bad values and unknown organisations, and writes nothing', async () => {
    const org = await newOrg();
    const cases: Array<[string[], string]> = [
      [['--mode', 'sometimes'], '--mode must be one of off, optional, required'],
      [['--mandatory-from', '2027-02-30'], '--mandatory-from must be a date as YYYY-MM-DD'],
      [['--allowed', 'totp,carrier-pigeon'], '--allowed must be one of totp, email, sms, webauthn'],
      [['--one-code-method', 'yes'], '--one-code-method must be one of true, false'],
      [['--remember-days', '91'], '--remember-days must be a whole number from 0 to 90'],
      [['--remember-ip', 'subnet'], '--remember-ip must be one of exact, prefix, ignore'],
      [['--reset-cooloff-hours', '721'], '--reset-cooloff-hours must be a whole number from 0 to 720'],
    ];
    const results = await Promise.all(cases.map(([extra]) => runCli(['orgs', 'policy', '--slug', org.slug, '--mode', 'off', ...extra])));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toContain(cases[i]![1]);
    });
    expect((await t.organisations.findBySlug(org.slug))!.policy.mode).toBe('optional');

    const missing = await runCli(['orgs', 'policy', '--slug', 'no-such-org-here']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no organisation with slug no-such-org-here');
    const noSlug = await runCli(['orgs', 'policy']);
    expect(noSlug.code).toBe(2);
    expect(noSlug.stderr).toContain('--slug is required');
  });
});
