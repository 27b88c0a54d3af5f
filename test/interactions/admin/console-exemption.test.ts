// The console's "Disable two-step verification" through its forms (cookie-jar user agent), with
// what is stored checked: on a user's page with a reason and an end day, the exemption shown and
// "Require it again"; the users list's "exempt" filter and 2FA column; the bulk disable for an
// organisation after its dry run. Every action audited as by: console with the admin's id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createOrganisation } from '../../support/fixtures.js';
import { startInbox, type Inbox } from '../../support/smtp-inbox.js';
import { createUserAgent, type UserAgent } from '../../support/user-agent.js';
import { consoleUser, signInToConsole, type ConsoleUser } from './console-support.js';

const clock = manualClock(Date.now());
const day = 86_400_000;
let app: TestApp;
let inbox: Inbox;
let admin: ConsoleUser;
let ua: UserAgent;

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ clock, env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
  admin = await consoleUser(app, ['admin']);
  ua = createUserAgent();
  await signInToConsole(app, ua, admin, clock);
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
});

const page = (path: string) => ua.follow(`${app.url}${path}`);
/** A day as the date field sends it, `days` after the test clock's today (UTC). */
const dayField = (days: number) => new Date(clock.now() + days * day).toISOString().slice(0, 10);

describe("a user's page", () => {
  it('disables two-step verification with a reason and an end day, shows the exemption, and requires it again', async () => {
    const org = await createOrganisation(app.services);
    const user = await consoleUser(app, [], { organisationId: org.id });
    const detail = await page(`/admin/users/${user.id}`);
    expect(detail.body).toContain('<label for="disable2fa-until">Exempt until (optional)</label>');

    const noReason = await ua.submit(detail, /two-factor\/exemption$/, { reason: '', until: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toContain('Reason:');
    const past = await ua.submit(detail, /two-factor\/exemption$/, { reason: 'travelling, ticket 90', until: dayField(-1) });
    expect(past.status).toBe(400);
    expect(past.body).toContain('Exempt until (optional): Pick a day after today, or leave the field empty. (must be in the future)');
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(1);
    expect(await app.services.twoFactorExemptions.find(user.id)).toBeUndefined();

    const until = dayField(14);
    const disabled = await ua.submit(detail, /two-factor\/exemption$/, { reason: 'travelling, ticket 90', until });
    expect(disabled.url).toContain('done=two_factor_disabled');
    expect(disabled.body).toContain('Two-step verification is disabled for this user');
    expect(disabled.body).toMatch(/the organisation&#39;s requirement does not apply to them until \d{1,2} \w+ \d{4}\./);
    expect(disabled.body).toContain(`by ${admin.email}. Reason: travelling, ticket 90`);
    expect(disabled.body).not.toContain('two-factor/exemption"');
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);
    expect((await app.services.twoFactorExemptions.find(user.id))!.until!.toISOString()).toBe(`${until}T00:00:00.000Z`);
    const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.disabled_by_admin' });
    expect(event!.details).toMatchObject({ by: 'console', admin: admin.id, role: 'admin', reason: 'travelling, ticket 90', removed: 1, until: `${until}T00:00:00.000Z` });
    expect((await inbox.next(user.email)).subject).toBe('An administrator turned off two-step verification for your Twofold account');

    const listed = await page(`/admin/users?organisation_id=${org.id}&two_factor=exempt`);
    expect(listed.body).toContain(user.email);
    expect(listed.body).toContain('<span class="badge">Exempt</span>');
    expect(listed.body).toContain('<option value="exempt" selected>Exempt</option>');
    // the organisation's enrolment progress counts them apart, not as "not set up yet"
    const progress = await page(`/admin/organisations/${org.id}`);
    expect(progress.body).toContain('1 user is exempt: an administrator disabled two-step verification for them');
    expect(progress.body).not.toContain('admin-pending');

    const required = await ua.submit(disabled, /two-factor\/require$/, {});
    expect(required.url).toContain('done=exemption_ended');
    expect(required.body).toContain('Two-step verification is required again for this user');
    expect(required.body).toContain('two-factor/exemption"');
    expect(await app.services.twoFactorExemptions.find(user.id)).toBeUndefined();
    const [ended] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.exemption_ended' });
    expect(ended!.details).toMatchObject({ by: 'console', admin: admin.id });
    expect((await page(`/admin/users?organisation_id=${org.id}&two_factor=exempt`)).body).not.toContain(user.email);
    // the same form again (a second tab): nothing to end
    expect((await ua.submit(disabled, /two-factor\/require$/, {})).body).toContain('This user was not exempt; nothing changed.');
  });

  it('without an end day the exemption lasts until it is required again', async () => {
    const user = await consoleUser(app, []);
    const disabled = await ua.submit(await page(`/admin/users/${user.id}`), /two-factor\/exemption$/, { reason: 'shared kiosk account' });
    expect(disabled.body).toContain('does not apply to them until it is required again.');
    expect((await app.services.twoFactorExemptions.find(user.id))!.until).toBeNull();
  });
});

describe('bulk', () => {
  it('disables two-step verification for an organisation after a dry run that changes nothing; the real run needs a reason', async () => {
    const org = await createOrganisation(app.services);
    const users = [await consoleUser(app, [], { organisationId: org.id }), await consoleUser(app, [], { organisationId: org.id })];
    const start = await page('/admin/bulk');
    expect(start.body).toContain('Disable two-step verification for every user of an organisation');
    const until = dayField(7);
    const dry = await ua.submit(start, /two-factor-disable$/, { organisation_id: org.id, until });
    expect(dry.body).toContain('Dry run: disable two-step verification');
    expect(dry.body).toContain('2 users would have two-step verification disabled:');
    expect(dry.body).toMatch(/They will be exempt until \d{1,2} \w+ \d{4}\./);
    for (const u of users) expect(dry.body).toContain(u.email);
    for (const u of users) expect(await app.services.twoFactorExemptions.find(u.id)).toBeUndefined();
    expect(await app.services.factors.findByAccount(users[0]!.id)).toHaveLength(1);

    const noReason = await ua.submit(dry, /two-factor-disable$/, { reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toContain('Give a reason of at least 3 characters');
    expect(await app.services.twoFactorExemptions.find(users[0]!.id)).toBeUndefined();

    const done = await ua.submit(dry, /two-factor-disable$/, { reason: 'authenticator vendor outage' });
    expect(done.body).toContain('Disabled for 2 users:');
    expect(done.body).toContain('1 method removed');
    for (const u of users) {
      expect((await app.services.twoFactorExemptions.find(u.id))!.until!.toISOString()).toBe(`${until}T00:00:00.000Z`);
      const [event] = await app.services.audit.findRecent({ accountId: u.id, type: 'factor.disabled_by_admin' });
      expect(event!.details).toMatchObject({ by: 'console', admin: admin.id, reason: 'authenticator vendor outage', bulk: true });
    }

    const none = await ua.submit(start, /two-factor-disable$/, { organisation_id: '' });
    expect(none.status).toBe(400);
    expect(none.body).toContain('Choose the organisation whose users should have two-step verification disabled.');
    const badDay = await ua.submit(start, /two-factor-disable$/, { organisation_id: org.id, until: dayField(-3) });
    expect(badDay.status).toBe(400);
    expect(badDay.body).toContain('Exempt until (optional):');
  });
});
