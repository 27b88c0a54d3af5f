// /admin/v1/users against a real provider, Postgres, Redis and SMTP server: invitations that set
// a first password, search and filters in pages, disable, unlock, sign-out everywhere, 2FA
// reset for one user and in bulk with a dry run, confirmation e-mails in bulk; an org admin
// only ever reaches their own organisation.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRememberedDevicesRepo } from '../../src/storage/postgres/remembered-devices.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createOrganisation, createUser, testPassword, type TestClient } from '../support/fixtures.js';
import { discover, signIn } from '../support/relying-party.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';
import { createUserAgent } from '../support/user-agent.js';
import { adminApi, clientCredentialsToken, createAdminMachineClient, userAdminToken, type ApiCall } from './admin-client.js';

let app: TestApp;
let inbox: Inbox;
let adminToken: string;
let client: TestClient;
const api = (method: string, path: string, opts?: ApiCall) => adminApi(app, () => adminToken)(method, path, opts);
const linkIn = (mail: ParsedMail) => /(http:\/\/127\.0\.0\.1:\d+\/recovery\/link\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')![1]!;
const email = () => `api-user-${randomBytes(4).toString('hex')}@example.com`;

async function withFactor(userId: string) {
  await app.services.factors.save({ id: randomUUID(), accountId: userId, kind: 'email', label: '', destination: 'x@example.com' });
}

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
  adminToken = await clientCredentialsToken(app, await createAdminMachineClient(app));
  client = await createClient(app.services);
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
});

describe('creating users', () => {
  it('invites by e-mail; the link sets the first password, confirms the address, and the user signs in', async () => {
    const org = await createOrganisation(app.services);
    const address = email();
    const created = await api('POST', '/users', { body: { email: address, name: 'Grace Hopper', organisation_id: org.id } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email: address, organisation_id: org.id, password_set: false, email_verified: false, two_factor: false, invitation: 'sent' });

    const mail = await inbox.next(address);
    expect(mail.subject).toBe('Your Twofold account is ready');
    const ua = createUserAgent();
    const page = await ua.follow(linkIn(mail));
    expect(page.body).toContain('Set your password');
    const done = await ua.submit(page, /\/recovery\/link\//, { password: testPassword });
    expect(done.body).toContain('Your account is ready');
    expect((await api('GET', `/users/${created.json!['id']}`)).json).toMatchObject({ password_set: true, email_verified: true });
    const { tokens } = await signIn(createUserAgent(), await discover(app.url, client), client, { email: address, password: testPassword });
    expect(tokens.claims()?.sub).toBe(created.json!['id']);
    expect((await ua.follow(linkIn(mail))).body).toContain('This link was already used');
  });

  it('refuses a taken address (409), bad input field by field, and an unknown organisation', async () => {
    const user = await createUser(app.services);
    expect((await api('POST', '/users', { body: { email: user.email.toUpperCase(), name: 'Again', organisation_id: user.organisationId } })).status).toBe(409);
    const bad = await api('POST', '/users', { body: { email: 'not-an-address', name: '', organisation_id: 'x', roles: ['root'] } });
    expect(Object.keys(bad.json!['fields']).sort()).toEqual(['email', 'name', 'organisation_id', 'roles.0']);
    const noOrg = await api('POST', '/users', { body: { email: email(), name: 'Nobody' } });
    expect(noOrg.json).toMatchObject({ fields: { organisation_id: ['required'] } });
    const unknownOrg = await api('POST', '/users', { body: { email: email(), name: 'Nobody', organisation_id: randomUUID() } });
    expect(unknownOrg.json).toMatchObject({ fields: { organisation_id: ['no such organisation'] } });
  });
});

describe('finding users', () => {
  it('searches by part of the address or name, filters, and pages in e-mail order', async () => {
    const org = await createOrganisation(app.services);
    const tag = randomBytes(3).toString('hex');
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const a = await app.services.accounts.save({ organisationId: org.id, email: `find-${tag}-${n}@example.com`, name: `Finder ${n}`, emailVerified: n !== 2, passwordHash: null });
      ids.push(a!.id);
    }
    await withFactor(ids[0]!);
    const all = await api('GET', `/users?q=find-${tag}&limit=2`);
    expect(all.json!['items'].map((u: { email: string }) => u.email)).toEqual([`find-${tag}-1@example.com`, `find-${tag}-2@example.com`]);
    const rest = await api('GET', `/users?q=find-${tag}&limit=2&cursor=${all.json!['next_cursor']}`);
    expect(rest.json).toMatchObject({ items: [{ email: `find-${tag}-3@example.com` }], next_cursor: null });
    expect((await api('GET', `/users?organisation_id=${org.id}&two_factor=enrolled`)).json!['items'].map((u: { id: string }) => u.id)).toEqual([ids[0]]);
    expect((await api('GET', `/users?organisation_id=${org.id}&email_verified=false`)).json!['items'].map((u: { id: string }) => u.id)).toEqual([ids[1]]);
    expect((await api('GET', '/users?q=%25')).status).toBe(200);
    expect((await api('GET', '/users?status=gone')).json!['fields']).toHaveProperty('status');
  });

  it('shows the enrolled methods, never their secrets', async () => {
    const user = await createUser(app.services);
    await withFactor(user.id);
    const detail = await api('GET', `/users/${user.id}`);
    expect(detail.json).toMatchObject({ two_factor: true, factors: [{ kind: 'email', label: '' }], unused_recovery_codes: 0, remembered_devices: 0 });
    expect(JSON.stringify(detail.json)).not.toMatch(/destination|secret|x@example\.com/);
  });
});

describe('acting on users', () => {
  it('disabling signs the user out everywhere and refuses sign-in until enabled again; audited with the reason', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    const rp = await discover(app.url, client);
    await signIn(ua, rp, client, user);
    const off = await api('PATCH', `/users/${user.id}`, { body: { disabled: true, reason: 'left the company' } });
    expect(off.json).toMatchObject({ disabled: true });
    expect(await app.services.accountSessions.count(user.id)).toBe(0);
    await expect(signIn(createUserAgent(), rp, client, user)).rejects.toThrow(/did not return to the client/);
    expect((await api('PATCH', `/users/${user.id}`, { body: { disabled: false } })).json).toMatchObject({ disabled: false });
    await signIn(createUserAgent(), rp, client, user);
    const events = await app.services.audit.findRecent({ accountId: user.id, type: 'account.updated' });
    expect(events.some((e) => e.details['reason'] === 'left the company' && e.details['by'] === 'api')).toBe(true);
  });

  it('signs a user out everywhere, with a reason', async () => {
    const user = await createUser(app.services);
    await signIn(createUserAgent(), await discover(app.url, client), client, user);
    expect(await app.services.accountSessions.count(user.id)).toBe(1);
    expect((await api('POST', `/users/${user.id}/sign-out`, { body: {} })).status).toBe(400);
    expect((await api('POST', `/users/${user.id}/sign-out`, { body: { reason: 'laptop stolen' } })).status).toBe(204);
    expect(await app.services.accountSessions.count(user.id)).toBe(0);
    const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'account.signed_out_everywhere' });
    expect(event!.details).toMatchObject({ by: 'api', reason: 'laptop stolen' });
  });

  it("forgets a user's remembered devices", async () => {
    const user = await createUser(app.services);
    await createRememberedDevicesRepo(app.services.db).save({
      accountId: user.id,
      tokenHash: randomUUID(),
      browser: 'Firefox',
      os: 'Windows',
      ip: '192.0.2.7',
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect((await api('GET', `/users/${user.id}`)).json).toMatchObject({ remembered_devices: 1 });
    expect((await api('POST', `/users/${user.id}/devices/forget`)).status).toBe(204);
    expect((await api('GET', `/users/${user.id}`)).json).toMatchObject({ remembered_devices: 0 });
    const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'device.forgotten' });
    expect(event!.details).toMatchObject({ reason: 'administrator', count: 1, by: 'api' });
  });

  it('unlocks a user locked out by wrong passwords', async () => {
    const user = await createUser(app.services);
    for (let i = 0; i < 5; i++) await app.services.regulator.fail({ kind: 'password', login: user.email, ip: '127.0.0.1' });
    expect((await app.services.regulator.check({ kind: 'password', login: user.email, ip: '127.0.0.1' })).allowed).toBe(false);
    expect((await api('POST', `/users/${user.id}/unlock`)).status).toBe(204);
    expect((await app.services.regulator.check({ kind: 'password', login: user.email, ip: '127.0.0.1' })).allowed).toBe(true);
  });

  it('resets one user’s two-step verification: factors gone, signed out, told by e-mail, reason audited', async () => {
    const user = await createUser(app.services);
    await withFactor(user.id);
    expect((await api('POST', `/users/${user.id}/two-factor/reset`, { body: {} })).json!['fields']).toHaveProperty('reason');
    const reset = await api('POST', `/users/${user.id}/two-factor/reset`, { body: { reason: 'lost phone, verified by ticket 123' } });
    expect(reset.json).toEqual({ removed: 1 });
    expect(await app.services.factors.findByAccount(user.id)).toEqual([]);
    expect(await app.services.accountSessions.count(user.id)).toBe(0);
    expect((await inbox.next(user.email)).subject).toBe('Two-step verification of your Twofold account was reset');
    const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.reset' });
    expect(event!.details).toMatchObject({ by: 'api', reason: 'lost phone, verified by ticket 123', removed: 1 });
  });

  it('bulk: a dry run lists who would be affected and changes nothing; the real run needs a reason', async () => {
    const org = await createOrganisation(app.services);
    const users = [];
    for (const n of [1, 2]) {
      const a = (await app.services.accounts.save({
        organisationId: org.id,
        email: `bulk-${randomBytes(3).toString('hex')}-${n}@example.com`,
        name: `Bulk ${n}`,
        emailVerified: false,
        passwordHash: null,
      }))!;
      await withFactor(a.id);
      users.push(a);
    }
    const dry = await api('POST', '/users/bulk/two-factor/reset', { body: { organisation_id: org.id } });
    expect(dry.json).toMatchObject({ dry_run: true, count: 2 });
    expect((await app.services.factors.findByAccount(users[0]!.id)).length).toBe(1);
    expect((await api('POST', '/users/bulk/two-factor/reset', { body: { organisation_id: org.id, dry_run: false } })).status).toBe(400);
    const real = await api('POST', '/users/bulk/two-factor/reset', { body: { organisation_id: org.id, dry_run: false, reason: 'new phones for everyone' } });
    expect(real.json).toMatchObject({ dry_run: false, count: 2, users: [{ outcome: 'removed 1' }, { outcome: 'removed 1' }] });
    expect(await app.services.factors.findByAccount(users[1]!.id)).toEqual([]);

    const confirmDry = await api('POST', '/users/bulk/confirmation-emails', { body: { organisation_id: org.id } });
    expect(confirmDry.json!['users'].map((u: { email: string }) => u.email).sort()).toEqual(users.map((u) => u.email).sort());
    const sent = await api('POST', '/users/bulk/confirmation-emails', { body: { organisation_id: org.id, dry_run: false } });
    expect(sent.json!['users'].map((u: { outcome: string }) => u.outcome)).toEqual(['sent', 'sent']);
    for (const u of users) expect((await inbox.next(u.email, /confirm/i)).subject).toMatch(/confirm/i);
  });
});

describe('an org admin', () => {
  it('reaches only their own organisation: another one’s user is a 404, and roles are for admins', async () => {
    const { token, user: orgAdmin } = await userAdminToken(app, ['org_admin']);
    const asOrgAdmin = (method: string, path: string, opts: ApiCall = {}) => api(method, path, { ...opts, token });
    const colleague = (await app.services.accounts.save({ organisationId: orgAdmin.organisationId, email: email(), name: 'Colleague', emailVerified: true, passwordHash: null }))!;
    const stranger = await createUser(app.services);

    const listed = await asOrgAdmin('GET', '/users?limit=200');
    expect(listed.json!['items'].map((u: { id: string }) => u.id).sort()).toEqual([orgAdmin.id, colleague.id].sort());
    expect((await asOrgAdmin('GET', `/users/${colleague.id}`)).status).toBe(200);
    for (const [method, path] of [
      ['GET', `/users/${stranger.id}`],
      ['PATCH', `/users/${stranger.id}`],
      ['POST', `/users/${stranger.id}/unlock`],
      ['POST', `/users/${stranger.id}/sign-out`],
    ] as const) {
      expect((await asOrgAdmin(method, path, method === 'GET' ? {} : { body: method === 'PATCH' ? { name: 'Taken over' } : {} })).status, `${method} ${path}`).toBe(404);
    }
    expect((await app.services.accounts.findById(stranger.id))?.name).toBe(stranger.name);
    expect((await asOrgAdmin('PATCH', `/users/${colleague.id}`, { body: { roles: ['admin'] } })).status).toBe(403);
    expect((await asOrgAdmin('POST', '/users', { body: { email: email(), name: 'Elsewhere', organisation_id: stranger.organisationId } })).status).toBe(404);
    const mine = await asOrgAdmin('POST', '/users', { body: { email: email(), name: 'New colleague' } });
    expect(mine.json).toMatchObject({ organisation_id: orgAdmin.organisationId });
    expect((await asOrgAdmin('POST', '/users/bulk/two-factor/reset', { body: { organisation_id: stranger.organisationId } })).status).toBe(404);
  });
});
