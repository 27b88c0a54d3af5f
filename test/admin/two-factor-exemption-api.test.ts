// Disabling two-step verification through /admin/v1 (distinct from a reset): factors removed,
// signed out, told by e-mail, and the account exempt from its organisation's "required" policy
// until a date or until the exemption is ended; the same for every user of an organisation with
// a dry run first. Who may: 401 without a token, 403 without the admin scope, 404 for an org
// admin outside their organisation. Real provider, Postgres, Redis and SMTP server.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createOrganisation, createUser } from '../support/fixtures.js';
import { discover, signIn } from '../support/relying-party.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';
import { createUserAgent } from '../support/user-agent.js';
import { adminApi, clientCredentialsToken, createAdminMachineClient, userAdminToken, type ApiCall } from './admin-client.js';

let app: TestApp;
let inbox: Inbox;
let adminToken: string;
const api = (method: string, path: string, opts?: ApiCall) => adminApi(app, () => adminToken)(method, path, opts);
const day = 86_400_000;

async function withFactor(userId: string) {
  await app.services.factors.save({ id: randomUUID(), accountId: userId, kind: 'email', label: '', destination: 'x@example.com' });
}

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
  adminToken = await clientCredentialsToken(app, await createAdminMachineClient(app));
});
afterAll(async () => {
  await app?.close();
  await inbox?.close();
});

describe('disabling two-step verification for one user', () => {
  it('removes the methods, signs out, exempts until the date given, e-mails the user and audits who and why', async () => {
    const user = await createUser(app.services);
    const client = await createClient(app.services);
    await signIn(createUserAgent(), await discover(app.url, client), client, user);
    expect(await app.services.accountSessions.count(user.id)).toBe(1);
    await withFactor(user.id);

    const until = new Date(Date.now() + 30 * day).toISOString();
    const res = await api('POST', `/users/${user.id}/two-factor/disable`, { body: { reason: 'travelling without a phone, ticket 81', until } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ removed: 1, two_factor_exempt_until: until });
    expect(await app.services.factors.findByAccount(user.id)).toEqual([]);
    expect(await app.services.accountSessions.count(user.id)).toBe(0);
    expect(await app.services.twoFactorExemptions.inEffect(user.id, new Date())).toBe(true);
    expect((await api('GET', `/users/${user.id}`)).json).toMatchObject({ two_factor: false, two_factor_exempt: true, two_factor_exempt_until: until });

    const mail = await inbox.next(user.email);
    expect(mail.subject).toBe('An administrator turned off two-step verification for your Twofold account');
    expect(mail.text).toMatch(/applies to you again from \d{1,2} \w+ \d{4}\./);
    const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.disabled_by_admin' });
    expect(event!.details).toMatchObject({ by: 'api', client: expect.any(String), reason: 'travelling without a phone, ticket 81', removed: 1, until });
    // not a reset: no factor.reset event (and no second e-mail)
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'factor.reset' })).toEqual([]);
  });

  it('without a date the exemption lasts until it is ended; ending it is audited, a second time is a 409', async () => {
    const user = await createUser(app.services);
    const res = await api('POST', `/users/${user.id}/two-factor/disable`, { body: { reason: 'service account, no phone' } });
    expect(res.json).toEqual({ removed: 0, two_factor_exempt_until: null });
    expect((await api('GET', `/users/${user.id}`)).json).toMatchObject({ two_factor_exempt: true, two_factor_exempt_until: null });
    const mail = await inbox.next(user.email);
    expect(mail.text).toContain('This lasts until an administrator requires two-step verification for you again.');

    const listed = await api('GET', `/users?organisation_id=${user.organisationId}&two_factor=exempt`);
    expect(listed.json!['items'].map((u: { id: string }) => u.id)).toEqual([user.id]);

    expect((await api('DELETE', `/users/${user.id}/two-factor/exemption`)).status).toBe(204);
    expect(await app.services.twoFactorExemptions.inEffect(user.id, new Date())).toBe(false);
    expect((await api('GET', `/users/${user.id}`)).json).toMatchObject({ two_factor_exempt: false, two_factor_exempt_until: null });
    expect((await api('GET', `/users?organisation_id=${user.organisationId}&two_factor=exempt`)).json!['items']).toEqual([]);
    const [ended] = await app.services.audit.findRecent({ accountId: user.id, type: 'factor.exemption_ended' });
    expect(ended!.details).toMatchObject({ by: 'api', until: null, grantedBy: { by: 'api' } });
    const again = await api('DELETE', `/users/${user.id}/two-factor/exemption`);
    expect(again.status).toBe(409);
  });

  it('refuses a missing reason, a date in the past and a non-date, changing nothing', async () => {
    const user = await createUser(app.services);
    await withFactor(user.id);
    const cases = [
      {},
      { reason: 'x' },
      { reason: 'a good reason', until: new Date(Date.now() - 60_000).toISOString() },
      { reason: 'a good reason', until: 'next week' },
      { reason: 'a good reason', extra: true },
    ];
    const fields = [];
    for (const body of cases) {
      const res = await api('POST', `/users/${user.id}/two-factor/disable`, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      fields.push(Object.keys(res.json!['fields']));
    }
    expect(fields).toEqual([['reason'], ['reason'], ['until'], ['until'], ['(body)']]);
    expect((await api('POST', `/users/${user.id}/two-factor/disable`, { body: { reason: 'a good reason', until: new Date(Date.now() - 60_000).toISOString() } })).json!['fields']).toEqual({
      until: ['must be in the future'],
    });
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(1);
    expect(await app.services.twoFactorExemptions.find(user.id)).toBeUndefined();
  });

  it('answers 401 without a token and 403 for a token without the admin scope', async () => {
    const user = await createUser(app.services);
    expect((await api('POST', `/users/${user.id}/two-factor/disable`, { token: null, body: { reason: 'no token at all' } })).status).toBe(401);
    expect((await api('DELETE', `/users/${user.id}/two-factor/exemption`, { token: null })).status).toBe(401);
    expect((await api('POST', '/users/bulk/two-factor/disable', { token: null, body: { organisation_id: user.organisationId } })).status).toBe(401);
    const ordinary = await createClient(app.services, { grantTypes: ['client_credentials'], metadata: { redirect_uris: [] } });
    const token = await clientCredentialsToken(app, ordinary);
    expect((await api('POST', `/users/${user.id}/two-factor/disable`, { token, body: { reason: 'not allowed to' } })).status).toBe(403);
    expect((await api('DELETE', `/users/${user.id}/two-factor/exemption`, { token })).status).toBe(403);
    expect(await app.services.twoFactorExemptions.find(user.id)).toBeUndefined();
  });
});

describe('disabling two-step verification for every user of an organisation', () => {
  it('lists who would be affected in a dry run (the default) and changes nothing; the real run needs a reason and exempts them all', async () => {
    const org = await createOrganisation(app.services);
    const users = [];
    for (const n of [1, 2, 3]) {
      const a = (await app.services.accounts.save({
        organisationId: org.id,
        email: `bulk-off-${randomBytes(3).toString('hex')}-${n}@example.com`,
        name: `Bulk ${n}`,
        emailVerified: true,
        passwordHash: null,
      }))!;
      if (n !== 3) await withFactor(a.id);
      users.push(a);
    }
    const emails = users.map((u) => u.email).sort();

    const dry = await api('POST', '/users/bulk/two-factor/disable', { body: { organisation_id: org.id } });
    expect(dry.json).toMatchObject({ dry_run: true, count: 3 });
    expect(dry.json!['users'].map((u: { email: string }) => u.email).sort()).toEqual(emails);
    expect(dry.json!['users'].every((u: { outcome?: string }) => u.outcome === undefined)).toBe(true);
    expect((await app.services.factors.findByAccount(users[0]!.id)).length).toBe(1);
    for (const u of users) expect(await app.services.twoFactorExemptions.find(u.id)).toBeUndefined();

    expect((await api('POST', '/users/bulk/two-factor/disable', { body: { organisation_id: org.id, dry_run: false } })).json!['fields']).toHaveProperty('reason');
    expect(
      (await api('POST', '/users/bulk/two-factor/disable', { body: { organisation_id: org.id, dry_run: false, reason: 'pilot ended', until: '2001-01-01T00:00:00Z' } })).json!['fields'],
    ).toHaveProperty('until');
    expect(await app.services.twoFactorExemptions.find(users[0]!.id)).toBeUndefined();

    const until = new Date(Date.now() + 7 * day).toISOString();
    const real = await api('POST', '/users/bulk/two-factor/disable', { body: { organisation_id: org.id, dry_run: false, reason: 'authenticator vendor outage', until } });
    expect(real.status).toBe(200);
    expect(real.json).toMatchObject({ dry_run: false, count: 3 });
    expect(real.json!['users'].map((u: { outcome: string }) => u.outcome).sort()).toEqual(['removed 0', 'removed 1', 'removed 1']);
    for (const u of users) {
      expect(await app.services.factors.findByAccount(u.id)).toEqual([]);
      expect((await api('GET', `/users/${u.id}`)).json).toMatchObject({ two_factor_exempt: true, two_factor_exempt_until: until });
      const [event] = await app.services.audit.findRecent({ accountId: u.id, type: 'factor.disabled_by_admin' });
      expect(event!.details).toMatchObject({ by: 'api', reason: 'authenticator vendor outage', bulk: true, until });
    }
    // already exempt: a second dry run has nobody left to affect
    expect((await api('POST', '/users/bulk/two-factor/disable', { body: { organisation_id: org.id } })).json).toMatchObject({ count: 0, users: [] });
    // an admin must say which organisation
    expect((await api('POST', '/users/bulk/two-factor/disable', { body: {} })).json!['fields']).toHaveProperty('organisation_id');
  });
});

describe('an org admin', () => {
  it('disables and re-enables only within their own organisation: another one is a 404', async () => {
    const { token, user: orgAdmin } = await userAdminToken(app, ['org_admin']);
    const asOrgAdmin = (method: string, path: string, opts: ApiCall = {}) => api(method, path, { ...opts, token });
    const colleague = (await app.services.accounts.save({
      organisationId: orgAdmin.organisationId,
      email: `colleague-${randomBytes(4).toString('hex')}@example.com`,
      name: 'Colleague',
      emailVerified: true,
      passwordHash: null,
    }))!;
    const stranger = await createUser(app.services);
    await withFactor(stranger.id);

    expect((await asOrgAdmin('POST', `/users/${stranger.id}/two-factor/disable`, { body: { reason: 'not my organisation' } })).status).toBe(404);
    expect((await asOrgAdmin('DELETE', `/users/${stranger.id}/two-factor/exemption`)).status).toBe(404);
    expect((await asOrgAdmin('POST', '/users/bulk/two-factor/disable', { body: { organisation_id: stranger.organisationId, dry_run: false, reason: 'not my organisation' } })).status).toBe(404);
    expect(await app.services.factors.findByAccount(stranger.id)).toHaveLength(1);
    expect(await app.services.twoFactorExemptions.find(stranger.id)).toBeUndefined();

    expect((await asOrgAdmin('POST', `/users/${colleague.id}/two-factor/disable`, { body: { reason: 'on leave without phone' } })).status).toBe(200);
    const [event] = await app.services.audit.findRecent({ accountId: colleague.id, type: 'factor.disabled_by_admin' });
    expect(event!.details).toMatchObject({ by: 'api', admin: orgAdmin.id, role: 'org_admin' });
    // their own organisation by default
    const dry = await asOrgAdmin('POST', '/users/bulk/two-factor/disable', { body: {} });
    expect(dry.json!['users'].map((u: { id: string }) => u.id)).toEqual([orgAdmin.id]);
    expect((await asOrgAdmin('DELETE', `/users/${colleague.id}/two-factor/exemption`)).status).toBe(204);
  });
});

describe('the OpenAPI document', () => {
  it('describes the disable, exemption and bulk routes with their schemas', async () => {
    const doc = (await api('GET', '/openapi.json', { token: null })).json!;
    expect(doc['paths']['/users/{userId}/two-factor/disable']['post']['requestBody']['content']['application/json']['schema']).toEqual({ $ref: '#/components/schemas/DisableTwoFactor' });
    expect(doc['paths']['/users/{userId}/two-factor/exemption']).toHaveProperty('delete');
    expect(doc['paths']['/users/bulk/two-factor/disable']).toHaveProperty('post');
    expect(doc['components']['schemas']['DisableTwoFactor']).toMatchObject({ required: ['reason'], properties: { reason: expect.any(Object), until: expect.any(Object) } });
    expect(doc['components']['schemas']['BulkDisableRequest']['properties']).toHaveProperty('until');
    expect(doc['components']['schemas']['User']['properties']).toHaveProperty('two_factor_exempt_until');
  });
});
