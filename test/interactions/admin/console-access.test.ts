// Who gets into the admin console at /admin, through the real sign-in pages with the cookie-jar
// user agent: a second factor is required (a password-only session is stepped up), then the role
// admin or org_admin; an org admin reaches only their own organisation and no clients; the JSON
// API at /admin/v1 is untouched; every form needs its CSRF token.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/clock.js';
import { startTestApp, type TestApp } from '../../support/app.js';
import { createOrganisation, createUser } from '../../support/fixtures.js';
import { startInbox, type Inbox } from '../../support/smtp-inbox.js';
import { createUserAgent } from '../../support/user-agent.js';
import { addTotp, consoleUser, signInToConsole, totpCode } from './console-support.js';

const clock = manualClock(Date.now());
let app: TestApp;
let inbox: Inbox;

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ clock, env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
});

describe('signing in to the console', () => {
  it('asks for the password and the second factor, then shows the overview to an admin', async () => {
    const admin = await consoleUser(app, ['admin']);
    const ua = createUserAgent();
    const page = await signInToConsole(app, ua, admin, clock);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${app.url}/admin`);
    expect(page.body).toContain('<h1>Administration</h1>');
    expect(page.body).toContain('href="/admin/clients"');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('steps a password-only session up: the second factor is asked for, not the password', async () => {
    const admin = await createUser(app.services);
    await app.services.roles.set(admin.id, ['admin']);
    const ua = createUserAgent();
    // signed in to My profile with the password alone (no second factor yet)
    const login = await ua.follow(`${app.url}/account`);
    const profile = await ua.submit(login, /\/login$/, { email: admin.email, password: admin.password });
    expect(profile.url).toBe(`${app.url}/account`);
    expect(profile.body).toContain('href="/admin"'); // the Administration link, for an account with a role
    const secret = await addTotp(app, admin.id);

    const stepUp = await ua.follow(`${app.url}/admin/users`);
    expect(stepUp.body).not.toContain('name="password"');
    expect(stepUp.body).toMatch(/action="[^"]*\/factor"/);
    const page = await ua.submit(stepUp, /\/factor$/, { code: await totpCode(secret, clock) });
    expect(page.url).toBe(`${app.url}/admin/users`);
    expect(page.body).toContain('<h1>Users</h1>');
  });

  it('has an admin without any second factor set one up before the console opens', async () => {
    const admin = await createUser(app.services);
    await app.services.roles.set(admin.id, ['admin']);
    const ua = createUserAgent();
    const login = await ua.follow(`${app.url}/admin`);
    const next = await ua.submit(login, /\/login$/, { email: admin.email, password: admin.password });
    expect(next.url).toMatch(/\/interaction\/[^/]+/);
    expect(next.body).toMatch(/action="[^"]*\/enrol/);
    expect(next.body).not.toContain('<h1>Administration</h1>');
  });

  it('gives a signed-in user without a role the 403 page that says so; My profile shows no Administration link', async () => {
    const user = await consoleUser(app, []);
    const ua = createUserAgent();
    const page = await signInToConsole(app, ua, user, clock);
    expect(page.status).toBe(403);
    expect(page.body).toContain(`You are signed in as ${user.email}, but this account is not an administrator.`);
    expect(page.body).toContain('ask an administrator to give your account the admin or org_admin role');
    const profile = await ua.follow(`${app.url}/account`);
    expect(profile.status).toBe(200);
    expect(profile.body).not.toContain('href="/admin"');
  });

  it('speaks German to a German browser and answers a broken link with a page, not an error', async () => {
    const admin = await consoleUser(app, ['admin']);
    const ua = createUserAgent({ headers: { 'accept-language': 'de-DE,de;q=0.9' } });
    const page = await signInToConsole(app, ua, admin, clock);
    expect(page.body).toContain('<h1>Verwaltung</h1>');
    expect(page.body).toContain('Sie verwalten alle Organisationen');
    const org = await createOrganisation(app.services);
    const orgPage = await ua.follow(`${app.url}/admin/organisations/${org.id}`);
    expect(orgPage.body).toContain('Fortschritt der Einrichtung');
    expect(orgPage.body).toContain('Diese Organisation hat noch keine Benutzer.');
    expect(orgPage.body).toContain('Pflicht: Jeder Benutzer braucht einen zweiten Faktor');
    const badCursor = await ua.follow(`${app.url}/admin/clients?cursor=${encodeURIComponent('not/a cursor')}`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body).toContain('Gehen Sie zurück zur Übersicht');
    expect((await ua.follow(`${app.url}/admin/organisations/not-an-id`)).status).toBe(404);
    expect((await ua.follow(`${app.url}/admin/clients/${encodeURIComponent('no such client')}`)).status).toBe(404);
  });

  it('leaves /admin/v1 to the JSON API', async () => {
    const res = await fetch(`${app.url}/admin/v1/users`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/json/);
    const unknown = await fetch(`${app.url}/admin/v1/nothing-here`, { headers: { authorization: 'Bearer x' } });
    expect(unknown.headers.get('content-type')).toMatch(/json/);
  });

  it('refuses a form without its CSRF token', async () => {
    const admin = await consoleUser(app, ['admin']);
    const ua = createUserAgent();
    await signInToConsole(app, ua, admin, clock);
    const res = await ua.request(`${app.url}/admin/users/${admin.id}/unlock`, {
      method: 'POST',
      body: new URLSearchParams({ csrf: 'forged' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(403);
    expect(await app.services.audit.findRecent({ accountId: admin.id, type: 'account.unlocked' })).toHaveLength(0);
  });
});

describe('an organisation admin', () => {
  it('manages their own organisation only: another one and its users are 404 pages, clients a 403 page', async () => {
    const own = await createOrganisation(app.services);
    const other = await createOrganisation(app.services);
    const orgAdmin = await consoleUser(app, ['org_admin'], { organisationId: own.id });
    const colleague = await consoleUser(app, [], { organisationId: own.id });
    const stranger = await consoleUser(app, [], { organisationId: other.id });
    const ua = createUserAgent();
    const overview = await signInToConsole(app, ua, orgAdmin, clock);
    expect(overview.body).toContain(`You manage the users and the two-step verification policy of ${own.name}.`);
    expect(overview.body).not.toContain('href="/admin/clients"');

    const clients = await ua.follow(`${app.url}/admin/clients`);
    expect(clients.status).toBe(403);
    expect(clients.body).toContain('This needs the admin role.');
    expect((await ua.follow(`${app.url}/admin/clients/new`)).status).toBe(403);
    expect((await ua.follow(`${app.url}/admin/organisations/new`)).status).toBe(403);

    const foreignUser = await ua.follow(`${app.url}/admin/users/${stranger.id}`);
    expect(foreignUser.status).toBe(404);
    expect(foreignUser.body).toContain('There is nothing here, or it is not yours to see.');
    expect(foreignUser.body).not.toContain(stranger.email);
    expect((await ua.follow(`${app.url}/admin/organisations/${other.id}`)).status).toBe(404);
    expect((await ua.follow(`${app.url}/admin/users/${randomUUID()}`)).status).toBe(404);

    const list = await ua.follow(`${app.url}/admin/users`);
    expect(list.body).toContain(colleague.email);
    expect(list.body).not.toContain(stranger.email);
    const filtered = await ua.follow(`${app.url}/admin/users?organisation_id=${other.id}`);
    expect(filtered.body).not.toContain(stranger.email);

    const mine = await ua.follow(`${app.url}/admin/users/${colleague.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toContain('Set up with 1 method:');
    expect(mine.body).not.toContain(`action="/admin/users/${colleague.id}/roles"`); // roles: admin only

    // an action on another organisation's user is a 404 and changes nothing
    const csrf = /name="csrf" value="([^"]+)"/.exec(mine.body)![1]!;
    const forged = await ua.request(`${app.url}/admin/users/${stranger.id}/two-factor/reset`, {
      method: 'POST',
      body: new URLSearchParams({ csrf, reason: 'not mine to reset' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.status).toBe(404);
    expect(await app.services.factors.findByAccount(stranger.id)).toHaveLength(1);

    // the audit log: another organisation's events and users do not exist for them
    await app.services.audit.record({ type: 'account.unlocked', accountId: stranger.id, details: { by: 'test' } });
    const foreignAudit = await ua.follow(`${app.url}/admin/audit?organisation_id=${other.id}`);
    expect(foreignAudit.body).toContain('No events match.');
    const probed = await ua.follow(`${app.url}/admin/audit?user=${encodeURIComponent(stranger.email)}`);
    expect(probed.status).toBe(400);
    expect(probed.body).toContain(`No user ${stranger.email} was found.`);
    const ownAudit = await ua.follow(`${app.url}/admin/audit`);
    expect(ownAudit.body).not.toContain(stranger.email);

    const orgs = await ua.follow(`${app.url}/admin/organisations`);
    expect(orgs.body).toContain(own.name);
    expect(orgs.body).not.toContain(other.name);
  });
});
