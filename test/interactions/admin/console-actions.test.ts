// The console's actions through its forms (cookie-jar user agent), with what is stored checked:
// a client's secret shown once and stored hashed, an organisation's policy and its enrolment
// progress, a user's 2FA reset with a reason, bulk actions after their dry run, the audit log;
// every action audited as by: console with the admin's account id.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createOrganisation } from '../../support/fixtures.js';
import { startInbox, type Inbox } from '../../support/smtp-inbox.js';
import { createRememberedDevicesRepo } from '../../../src/storage/postgres/remembered-devices.js';
import { createUserAgent, type UserAgent } from '../../support/user-agent.js';
import { consoleUser, signInToConsole, type ConsoleUser } from './console-support.js';

const clock = manualClock(Date.now());
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
const byConsole = { by: 'console', admin: expect.any(String), role: 'admin' };

describe('clients', () => {
  it('registers a client and shows its secret once; the secret is stored hashed; rotation shows a new one; delete asks first', async () => {
    const form = await page('/admin/clients/new');
    expect(form.body).toContain('<label for="redirect_uris">Redirect URIs, one per line</label>');
    const created = await ua.submit(form, /^\/admin\/clients$/, { client_name: 'Payroll', redirect_uris: 'https://payroll.example/callback\nhttps://payroll.example/cb2', require_mfa: 'on' });
    expect(created.status).toBe(200);
    expect(created.body).toContain('The app is registered');
    const clientId = /id="client-id">([^<]+)</.exec(created.body)![1]!;
    const secret = /id="client-secret" class="key">([^<]+)</.exec(created.body)![1]!;
    expect(secret.length).toBeGreaterThan(30);
    const stored = (await app.services.clients.find(clientId))!;
    expect(stored.metadata['redirect_uris']).toEqual(['https://payroll.example/callback', 'https://payroll.example/cb2']);
    expect(stored.metadata['require_mfa']).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(secret);
    const event = (await app.services.audit.query({ types: ['client.created'], limit: 200 })).find((e) => e.clientId === clientId); // other files share the database
    expect(event).toMatchObject({ clientId, details: { ...byConsole, admin: admin.id } });

    const edit = await page(`/admin/clients/${clientId}`);
    expect(edit.body).not.toContain(secret);
    expect(edit.body).toContain('value="Payroll"');
    const saved = await ua.submit(edit, new RegExp(`^/admin/clients/${clientId}$`), { client_name: 'Payroll (new)', redirect_uris: 'https://payroll.example/callback', party: 'third' });
    expect(saved.url).toContain('done=saved');
    expect(saved.body).toContain('Saved.');
    expect((await app.services.clients.find(clientId))!.firstParty).toBe(false);

    const bad = await ua.submit(saved, new RegExp(`^/admin/clients/${clientId}$`), { client_name: '', redirect_uris: 'not a uri' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Some of the fields need correcting:');
    expect((await app.services.clients.find(clientId))!.metadata['client_name']).toBe('Payroll (new)');

    const insecure = await ua.submit(saved, new RegExp(`^/admin/clients/${clientId}$`), { client_name: 'Payroll (new)', redirect_uris: 'http://payroll.example/callback' });
    expect(insecure.status).toBe(400);
    expect(insecure.body).toContain('Redirect URIs, one per line: One address per line, each https');
    expect(insecure.body).toContain('http://payroll.example/callback');
    expect((await app.services.clients.find(clientId))!.metadata['redirect_uris']).toEqual(['https://payroll.example/callback']);

    const rotated = await ua.submit(saved, /\/secret$/, {});
    const second = /id="client-secret" class="key">([^<]+)</.exec(rotated.body)![1]!;
    expect(second).not.toBe(secret);
    expect(rotated.body).toContain('this is the only time it is shown');

    const confirm = await page(`/admin/clients/${clientId}/delete`);
    expect(confirm.body).toContain('Delete Payroll (new)?');
    expect(await app.services.clients.find(clientId)).toBeDefined();
    const deleted = await ua.submit(confirm, /\/delete$/, {});
    expect(deleted.body).toContain('Deleted.');
    expect(await app.services.clients.find(clientId)).toBeUndefined();
  });
});

describe('organisations', () => {
  it('creates an organisation, and says what to fix in a bad short name', async () => {
    const form = await page('/admin/organisations/new');
    const slug = `console-${randomUUID().slice(0, 8)}`;
    const bad = await ua.submit(form, /^\/admin\/organisations$/, { name: 'ACME', slug: 'Not A Slug' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Short name:');
    const created = await ua.submit(form, /^\/admin\/organisations$/, { name: 'ACME Console', slug });
    expect(created.body).toContain('The organisation is created.');
    const org = (await app.services.organisations.findBySlug(slug))!;
    expect(created.url).toContain(`/admin/organisations/${org.id}`);
    expect(org.name).toBe('ACME Console');
    const event = (await app.services.audit.query({ types: ['organisation.created'], limit: 200 })).find((e) => e.details['organisation'] === org.id);
    expect(event!.details).toMatchObject({ ...byConsole, organisation: org.id });
  });

  it('saves the policy with a mandatory-from date and shows the enrolment progress and who has not enrolled', async () => {
    const org = await createOrganisation(app.services);
    const enrolled = await consoleUser(app, [], { organisationId: org.id });
    const pending = await consoleUser(app, [], { organisationId: org.id });
    await app.services.db.query('DELETE FROM factors WHERE account_id = $1', [pending.id]);
    const form = await page(`/admin/organisations/${org.id}`);
    expect(form.body).toContain('1 of 2 users have set up two-step verification (50%).');
    const from = new Date(clock.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const saved = await ua.submit(form, new RegExp(`/admin/organisations/${org.id}$`), {
      name: org.name,
      mode: 'required',
      allowed_methods: 'totp',
      mandatory_from: from,
      remember_device_days: '14',
      remember_ip_rule: 'prefix',
      reset_cooloff_hours: '24',
      max_wrong_codes: '5',
      code_ttl_seconds: '',
      session_idle_minutes: '15',
    });
    expect(saved.body).toContain('The policy is saved.');
    expect((await app.services.organisations.findById(org.id))!.policy).toMatchObject({ maxWrongCodes: 5, codeTtlSeconds: null, sessionIdleSeconds: 900 });
    expect(saved.body).toContain('id="session_idle_minutes" name="session_idle_minutes" type="number" min="1" max="1440" step="any" inputmode="decimal" value="15"');
    const policy = (await app.services.organisations.findById(org.id))!.policy;
    expect(policy).toMatchObject({ mode: 'required', allowedMethods: ['totp'], rememberDeviceDays: 14, rememberIpRule: 'prefix', resetCooloffSeconds: 86_400, logoutAfterActivation: false });
    expect(policy.mandatoryFrom?.toISOString()).toBe(`${from}T00:00:00.000Z`);
    expect(saved.body).toMatch(/Two-step verification will be required from [^:]+: 10 days left\./);
    expect(saved.body).toContain('1 user has not set it up yet');
    const list = saved.body.slice(saved.body.indexOf('admin-pending'));
    expect(list).toContain(pending.email);
    expect(list.slice(0, list.indexOf('</ul>'))).not.toContain(enrolled.email);
    const event = (await app.services.audit.query({ types: ['organisation.updated'], limit: 200 })).find((e) => e.details['organisation'] === org.id);
    expect(event!.details).toMatchObject({ ...byConsole, organisation: org.id, policy: { mode: 'required' } });

    const bad = await ua.submit(saved, new RegExp(`/admin/organisations/${org.id}$`), {
      name: org.name,
      mode: 'required',
      remember_device_days: '365',
      remember_ip_rule: 'prefix',
      reset_cooloff_hours: '1',
      session_idle_minutes: '0.5',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('Sign out after this long without activity (minutes): Give a number of minutes from 1 to 1440, or leave it empty.');
    expect(bad.body).toContain('Methods users may use: Tick at least one method.');
    expect(bad.body).toContain('Remember a device for (days, 0 turns it off):');
    expect((await app.services.organisations.findById(org.id))!.policy.rememberDeviceDays).toBe(14);
  });
});

describe('users', () => {
  it('finds a user with filters and resets their two-step verification with a reason (audited)', async () => {
    const org = await createOrganisation(app.services);
    const user = await consoleUser(app, [], { organisationId: org.id });
    const found = await page(`/admin/users?q=${encodeURIComponent(user.email.slice(0, 12))}&organisation_id=${org.id}&two_factor=enrolled`);
    expect(found.body).toContain(user.email);
    expect((await page(`/admin/users?organisation_id=${org.id}&two_factor=none`)).body).not.toContain(user.email);
    const bad = await page('/admin/users?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('One of the filters is not valid.');

    const detail = await page(`/admin/users/${user.id}`);
    expect(detail.body).toContain('Authenticator app');
    const noReason = await ua.submit(detail, /two-factor\/reset$/, { reason: 'x' });
    expect(noReason.status).toBe(400);
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(1);
    const reset = await ua.submit(detail, /two-factor\/reset$/, { reason: 'lost phone, ticket 4711' });
    expect(reset.body).toContain('Two-step verification is reset');
    expect(reset.body).toContain('Not set up: a password alone signs this user in.');
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);
    const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.reset' });
    expect(event!.details).toMatchObject({ by: 'console', admin: admin.id, role: 'admin', reason: 'lost phone, ticket 4711', removed: 1 });
  });

  it('lists users in pages of 25 with a link to the next page that keeps the filters', async () => {
    const org = await createOrganisation(app.services);
    for (let i = 0; i < 27; i++) {
      await app.services.accounts.save({
        organisationId: org.id,
        email: `paged-${String(i).padStart(2, '0')}-${randomUUID().slice(0, 4)}@example.com`,
        name: `Paged ${i}`,
        emailVerified: true,
        passwordHash: null,
      });
    }
    const first = await page(`/admin/users?organisation_id=${org.id}`);
    expect(first.body.match(/<tr>/g)).toHaveLength(1 + 25);
    expect(first.body).toContain('paged-00-');
    const next = /href="([^"]+)">Next page</.exec(first.body)![1]!.replace(/&amp;/g, '&');
    expect(next).toContain(`organisation_id=${org.id}`);
    const second = await page(next);
    expect(second.body.match(/<tr>/g)).toHaveLength(1 + 2);
    expect(second.body).toContain('paged-26-');
    expect(second.body).not.toContain('paged-00-');
    expect(second.body).not.toContain('>Next page<');
  });

  it('invites a user, disables and enables, unlocks, signs out everywhere and sets roles', async () => {
    const org = await createOrganisation(app.services);
    const form = await page('/admin/users/new');
    const address = `invited-${randomUUID().slice(0, 8)}@example.com`;
    const created = await ua.submit(form, /^\/admin\/users$/, { email: address, name: 'Ada Lovelace', organisation_id: org.id });
    expect(created.body).toContain('Created. We sent an invitation e-mail');
    expect((await inbox.next(address)).subject).toBe('Your Twofold account is ready');
    const id = /\/admin\/users\/([0-9a-f-]{36})\?done=created/.exec(created.url)![1]!;
    const resent = await ua.submit(created, /\/confirmation-email$/, {});
    expect(resent.body).toContain('The confirmation e-mail is on its way.');
    expect((await inbox.next(address)).subject).toMatch(/confirm/i);
    const disabled = await ua.submit(created, /\/disable$/, { reason: 'left the company' });
    expect(disabled.body).toContain('The account is disabled and signed out everywhere.');
    expect((await app.services.accounts.findById(id))!.disabledAt).not.toBeNull();
    const enabled = await ua.submit(disabled, /\/enable$/, {});
    expect((await app.services.accounts.findById(id))!.disabledAt).toBeNull();
    const unlocked = await ua.submit(enabled, /\/unlock$/, {});
    expect(unlocked.body).toContain('The account is unlocked');
    await createRememberedDevicesRepo(app.services.db).save({ accountId: id, tokenHash: randomUUID(), browser: 'Chrome', os: 'Linux', ip: '127.0.0.1', expiresAt: new Date(clock.now() + 86_400_000) });
    const forgotten = await ua.submit(unlocked, /\/devices\/forget$/, {});
    expect(forgotten.body).toContain('Every remembered device of this user is forgotten');
    expect(await app.services.devices.list(id)).toEqual([]);
    const out = await ua.submit(forgotten, /\/sign-out$/, { reason: 'suspicious sign-in' });
    expect(out.body).toContain('The user is signed out everywhere.');
    const roles = await ua.submit(out, /\/roles$/, { roles: 'org_admin' });
    expect(roles.body).toContain('The roles are saved.');
    expect(await app.services.roles.of(id)).toEqual(['org_admin']);
    const types = (await app.services.audit.query({ accountId: id, limit: 20 })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['account.created', 'account.updated', 'account.unlocked', 'account.signed_out_everywhere']));
    const [signOut] = await app.services.audit.findRecent({ accountId: id, type: 'account.signed_out_everywhere' });
    expect(signOut!.details).toMatchObject({ by: 'console', admin: admin.id, reason: 'suspicious sign-in' });
  });
});

describe('bulk actions', () => {
  it('lists who would lose their second factor (dry run, nothing changes), then resets them with a reason', async () => {
    const org = await createOrganisation(app.services);
    const a = await consoleUser(app, [], { organisationId: org.id });
    const b = await consoleUser(app, [], { organisationId: org.id });
    const start = await page('/admin/bulk');
    const dry = await ua.submit(start, /two-factor-reset$/, { organisation_id: org.id });
    expect(dry.body).toContain('Dry run: reset two-step verification');
    expect(dry.body).toContain('2 users would lose their second factor:');
    expect(dry.body).toContain(a.email);
    expect(dry.body).toContain(b.email);
    expect(await app.services.factors.findByAccount(a.id)).toHaveLength(1);
    const noReason = await ua.submit(dry, /two-factor-reset$/, { reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toContain('Give a reason of at least 3 characters');
    expect(await app.services.factors.findByAccount(a.id)).toHaveLength(1);
    const done = await ua.submit(dry, /two-factor-reset$/, { reason: 'device fleet replaced' });
    expect(done.body).toContain('Reset for 2 users:');
    expect(done.body).toContain('<td data-label="Outcome">1 method removed</td>');
    expect(await app.services.factors.findByAccount(a.id)).toHaveLength(0);
    expect(await app.services.factors.findByAccount(b.id)).toHaveLength(0);
    const [event] = await app.services.audit.findRecent({ accountId: b.id, type: 'factor.reset' });
    expect(event!.details).toMatchObject({ by: 'console', admin: admin.id, reason: 'device fleet replaced', bulk: true });
  });

  it('resends the confirmation e-mail to the unconfirmed users of an organisation after a dry run', async () => {
    const org = await createOrganisation(app.services);
    const user = await consoleUser(app, [], { organisationId: org.id });
    await app.services.db.query('UPDATE accounts SET email_verified = false WHERE id = $1', [user.id]);
    const dry = await ua.submit(await page('/admin/bulk'), /confirmation-emails$/, { organisation_id: org.id });
    expect(dry.body).toContain('1 user would get the confirmation e-mail:');
    const done = await ua.submit(dry, /confirmation-emails$/, {});
    expect(done.body).toContain('Done for 1 user:');
    expect(done.body).toContain('<td data-label="Outcome">Sent</td>');
    expect((await inbox.next(user.email)).subject).toMatch(/confirm/i);
  });
});

describe('audit log', () => {
  it('filters by user, type and time range, and says what to fix in a bad filter', async () => {
    const found = await page(`/admin/audit?user=${encodeURIComponent(admin.email)}&type=signin.succeeded`);
    expect(found.status).toBe(200);
    expect(found.body).toContain('<code>signin.succeeded</code>');
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    const ranged = await page(`/admin/audit?type=client.created&from=${today}&to=${today}`);
    expect(ranged.body).toContain('client.created');
    const past = await page('/admin/audit?type=client.created&to=2001-01-01');
    expect(past.body).toContain('No events match.');
    const bad = await page('/admin/audit?user=nobody@example.com&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('No user nobody@example.com was found.');
    expect(bad.body).toContain('Give dates as YYYY-MM-DD.');
  });

  it('says each event in a sentence: a reset with its reason, who did it and from where; never raw JSON', async () => {
    const org = await createOrganisation(app.services);
    const user = await consoleUser(app, [], { organisationId: org.id });
    await app.services.audit.record({
      type: 'device.not_honoured',
      accountId: user.id,
      ip: '198.51.100.7',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
      details: { reason: 'different_network', deviceId: randomUUID() },
    });
    const detail = await page(`/admin/users/${user.id}`);
    await ua.submit(detail, /two-factor\/reset$/, { reason: 'lost phone, ticket 4712' });

    const log = await page(`/admin/audit?user=${encodeURIComponent(user.email)}`);
    expect(log.status).toBe(200);
    const rows = [...log.body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    const reset = rows.find((r) => r.includes('factor.reset'))!;
    expect(reset).toContain('Two-step verification reset: lost phone, ticket 4712 — 1 method removed');
    expect(reset).toContain(`${admin.email} (console)`);
    expect(reset).toMatch(/127\.0\.0\.1/);
    const refused = rows.find((r) => r.includes('device.not_honoured'))!;
    expect(refused).toContain('Remembered device not honoured: IP changed');
    expect(refused).toContain('Twofold itself'); // the sign-in's rules refused it, no person
    expect(refused).toContain('198.51.100.7 · Firefox on Windows');
    // the sessions and devices the reset ended are there too, in words
    expect(rows.some((r) => r.includes('Remembered browser') || r.includes('Signed out everywhere') || r.includes('Two-step verification reset'))).toBe(true);
    const table = /<table class="admin-table audit">[\s\S]*<\/table>/.exec(log.body)![0];
    expect(table).not.toMatch(/[{}]|&quot;/);

    // in German, with the date as German writes it
    const german = await page(`/admin/audit?user=${encodeURIComponent(user.email)}&type=factor.reset&ui_locales=de`);
    expect(german.body).toContain('Zwei-Faktor-Authentifizierung zurückgesetzt: lost phone, ticket 4712 – 1 Methode entfernt');
    expect(german.body).toContain(`${admin.email} (Konsole)`);
    expect(german.body).toMatch(/\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}/);
  });
});
