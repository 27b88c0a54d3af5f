// /admin/v1/organisations: create with a policy, read, change the policy, page; an org admin
// sees and changes only their own organisation (another one is a 404) and cannot create one.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { adminApi, clientCredentialsToken, createAdminMachineClient, userAdminToken, type ApiCall } from './admin-client.js';

let app: TestApp;
let adminToken: string;
const api = (method: string, path: string, opts?: ApiCall) => adminApi(app, () => adminToken)(method, path, opts);

beforeAll(async () => {
  app = await startTestApp();
  adminToken = await clientCredentialsToken(app, await createAdminMachineClient(app));
});
afterAll(() => app?.close());

const slug = () => `api-org-${randomBytes(3).toString('hex')}`;

describe('organisations', () => {
  it('creates one with its 2FA policy, reads it back, changes part of the policy and audits it', async () => {
    const s = slug();
    const created = await api('POST', '/organisations', {
      body: { slug: s, name: 'Contoso', policy: { mode: 'required', mandatory_from: '2027-07-01T00:00:00Z', allowed_methods: ['totp', 'email'], remember_device_days: 0 } },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      slug: s,
      name: 'Contoso',
      policy: { mode: 'required', mandatory_from: '2027-07-01T00:00:00.000Z', allowed_methods: ['totp', 'email'], remember_device_days: 0, remember_ip_rule: 'exact' },
    });
    const id = created.json!['id'];
    expect((await api('GET', `/organisations/${id}`)).json).toEqual(created.json);

    expect(created.json!['policy']).toMatchObject({ max_wrong_codes: null, code_ttl_seconds: null });
    const changed = await api('PATCH', `/organisations/${id}`, {
      body: { name: 'Contoso Ltd', policy: { remember_ip_rule: 'prefix', mandatory_from: null, max_wrong_codes: 5, code_ttl_seconds: 120 } },
    });
    expect(changed.json).toMatchObject({
      name: 'Contoso Ltd',
      policy: { mode: 'required', mandatory_from: null, remember_ip_rule: 'prefix', allowed_methods: ['totp', 'email'], max_wrong_codes: 5, code_ttl_seconds: 120 },
    });
    expect((await api('PATCH', `/organisations/${id}`, { body: { policy: { max_wrong_codes: 0 } } })).json!['fields']).toHaveProperty(['policy.max_wrong_codes']);
    expect((await app.services.organisations.findById(id))?.policy.rememberIpRule).toBe('prefix');
    const events = await app.services.audit.findRecent({ type: 'organisation.updated', limit: 20 });
    expect(events.find((e) => e.details['organisation'] === id)?.details).toMatchObject({ by: 'api', policy: { remember_ip_rule: 'prefix' } });
    // the session idle limit: seconds, 60 s to a day, null for the server's
    expect(created.json!['policy']).toMatchObject({ session_idle_seconds: null });
    expect((await api('PATCH', `/organisations/${id}`, { body: { policy: { session_idle_seconds: 900 } } })).json).toMatchObject({ policy: { session_idle_seconds: 900, max_wrong_codes: 5 } });
    expect((await api('PATCH', `/organisations/${id}`, { body: { policy: { session_idle_seconds: 30 } } })).json!['fields']).toHaveProperty(['policy.session_idle_seconds']);
    expect((await api('PATCH', `/organisations/${id}`, { body: { policy: { session_idle_seconds: 90_000 } } })).status).toBe(400);
    expect((await app.services.organisations.findById(id))?.policy.sessionIdleSeconds).toBe(900);
    expect((await api('PATCH', `/organisations/${id}`, { body: { policy: { session_idle_seconds: null } } })).json).toMatchObject({ policy: { session_idle_seconds: null } });
  });

  it('refuses a bad policy field by field and a taken slug, and stores nothing', async () => {
    const s = slug();
    const bad = await api('POST', '/organisations', { body: { slug: s, name: 'X', policy: { mode: 'sometimes', remember_device_days: 365, allowed_methods: [] } } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json!['fields']).sort()).toEqual(['policy.allowed_methods', 'policy.mode', 'policy.remember_device_days']);
    expect(await app.services.organisations.findBySlug(s)).toBeUndefined();
    expect((await api('POST', '/organisations', { body: { slug: 'Not A Slug', name: 'X' } })).json!['fields']).toHaveProperty('slug');
    await api('POST', '/organisations', { body: { slug: s, name: 'First' } });
    expect((await api('POST', '/organisations', { body: { slug: s, name: 'Second' } })).status).toBe(409);
    expect((await api('GET', '/organisations/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await api('GET', '/organisations/not-a-uuid')).status).toBe(404);
  });

  it('lets an org admin see and change only their own organisation; another one is a 404', async () => {
    const { token, user } = await userAdminToken(app, ['org_admin']);
    const other = (await api('POST', '/organisations', { body: { slug: slug(), name: 'Someone else' } })).json!;
    const asOrgAdmin = (method: string, path: string, opts: ApiCall = {}) => api(method, path, { ...opts, token });

    const listed = await asOrgAdmin('GET', '/organisations?limit=200');
    expect(listed.json!['items'].map((o: { id: string }) => o.id)).toEqual([user.organisationId]);
    expect((await asOrgAdmin('GET', `/organisations/${user.organisationId}`)).status).toBe(200);
    expect((await asOrgAdmin('PATCH', `/organisations/${user.organisationId}`, { body: { policy: { mode: 'required' } } })).json!['policy']['mode']).toBe('required');

    expect((await asOrgAdmin('GET', `/organisations/${other['id']}`)).status).toBe(404);
    expect((await asOrgAdmin('PATCH', `/organisations/${other['id']}`, { body: { name: 'Taken over' } })).status).toBe(404);
    expect((await app.services.organisations.findById(other['id']))?.name).toBe('Someone else');
    expect((await asOrgAdmin('POST', '/organisations', { body: { slug: slug(), name: 'Mine too' } })).status).toBe(403);
  });

  it('pages through every organisation, in slug order, each once', async () => {
    // other test files add organisations to the same database meanwhile: those present before must all be seen
    const before = (await app.services.organisations.list()).map((o) => o.slug);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 200; i++) {
      const res = await api('GET', `/organisations?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.json!['items'].map((o: { slug: string }) => o.slug));
      cursor = res.json!['next_cursor'];
      if (!cursor) break;
    }
    expect(seen).toEqual(expect.arrayContaining(before));
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
