// The admin API's clients resource against a real provider, Postgres and Redis: who may call it
// (tokens this provider issued, scope and role), every operation, validation, pagination, and a
// client created through the API signing a user in at once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { discover, signIn } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';
import { adminApi, clientCredentialsToken, createAdminMachineClient, userAdminToken, type ApiCall } from './admin-client.js';

let app: TestApp;
let adminToken: string;
/** openid-client reports a 401 from the token endpoint as a WWW-Authenticate challenge */
const invalidClient = { cause: [expect.objectContaining({ parameters: expect.objectContaining({ error: 'invalid_client' }) })] };
const api = (method: string, path: string, opts?: ApiCall) => adminApi(app, () => adminToken)(method, path, opts);
const ccToken = (client: TestClient, scope?: string) => clientCredentialsToken(app, client, scope);

beforeAll(async () => {
  app = await startTestApp();
  adminToken = await ccToken(await createAdminMachineClient(app));
});
afterAll(() => app?.close());

describe('admin API authentication', () => {
  it('answers 401 without a token, and for a token this provider did not issue', async () => {
    const none = await api('GET', '/clients', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.json).toMatchObject({ error: 'unauthorized' });
    const forged = await api('GET', '/clients', { token: randomBytes(32).toString('base64url') });
    expect(forged.status).toBe(401);
    expect(forged.json).toMatchObject({ error: 'invalid_token' });
    expect((await api('GET', '/clients', { token: null, headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('answers 403 to a client that asked for the admin scope without being registered for it', async () => {
    const ordinary = await createClient(app.services, { grantTypes: ['client_credentials'], metadata: { redirect_uris: [] } });
    const token = await ccToken(ordinary);
    const res = await api('GET', '/clients', { token });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'insufficient_scope' });
  });

  it('takes user tokens by role: admin yes, org_admin not for clients, a plain user no', async () => {
    const first = await userAdminToken(app, ['admin']);
    expect((await api('GET', '/clients', { token: first.token })).status).toBe(200);
    const orgAdmin = await api('GET', '/clients', { token: (await userAdminToken(app, ['org_admin'], first.client)).token });
    expect(orgAdmin.status).toBe(403);
    expect(orgAdmin.json).toMatchObject({ error: 'forbidden' });
    expect((await api('GET', '/clients', { token: (await userAdminToken(app, [], first.client)).token })).status).toBe(403);
  });

  it('serves its OpenAPI document without a token', async () => {
    const res = await api('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ openapi: '3.1.0', servers: [{ url: `${app.url}/admin/v1` }] });
    expect(Object.keys(res.json!['paths'])).toEqual(
      expect.arrayContaining(['/clients', '/clients/{clientId}', '/clients/{clientId}/secret', '/users', '/users/{userId}', '/users/bulk/two-factor/reset', '/organisations', '/audit']),
    );
    // every reference points at a schema the document has, and every operation has a unique id
    const refs = [...JSON.stringify(res.json).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !(r in res.json!['components']['schemas']))).toEqual([]);
    const ids = Object.values(res.json!['paths'] as Record<string, Record<string, { operationId?: string }>>).flatMap((item) =>
      Object.values(item)
        .map((op) => op.operationId)
        .filter(Boolean),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(res.json!['components']['schemas']['ClientInput']['required']).toEqual(['client_name']);
  });
});

describe('clients', () => {
  it('creates a client that signs a user in at once, shows its secret only then, and audits who did it', async () => {
    const redirectUri = 'http://127.0.0.1:1/api-made/callback';
    const created = await api('POST', '/clients', { body: { client_name: 'Made by the API', redirect_uris: [redirectUri], require_mfa: false } });
    expect(created.json).not.toHaveProperty('error');
    expect(created.status).toBe(201);
    const client = created.json!;
    expect(client).toMatchObject({ client_name: 'Made by the API', redirect_uris: [redirectUri], first_party: true, grant_types: ['authorization_code', 'refresh_token'] });
    expect(client['client_secret']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.headers.get('location')).toBe(`/admin/v1/clients/${client['client_id']}`);
    expect((await api('GET', `/clients/${client['client_id']}`)).json).not.toHaveProperty('client_secret');

    const test: TestClient = { clientId: client['client_id'], clientSecret: client['client_secret'], redirectUri, postLogoutRedirectUri: '' };
    const user = await createUser(app.services);
    const { tokens } = await signIn(createUserAgent(), await discover(app.url, test), test, user);
    expect(tokens.claims()?.sub).toBe(user.id);

    const [event] = await app.services.audit.findRecent({ type: 'client.created', limit: 5 }).then((e) => e.filter((x) => x.clientId === client['client_id']));
    expect(event?.details).toMatchObject({ by: 'api' });
  });

  it('registers, shows and removes a back-channel logout URI, and refuses one that is not http(s)', async () => {
    const uri = 'https://rp.example.com/backchannel-logout';
    const created = await api('POST', '/clients', {
      body: { client_name: 'With logout', redirect_uris: ['https://rp.example.com/cb'], first_party: false, require_mfa: true, backchannel_logout_uri: uri },
    });
    expect(created.status).toBe(201);
    const id = created.json!['client_id'];
    expect(created.json).toMatchObject({ backchannel_logout_uri: uri });
    const stored = await app.services.clients.find(id);
    expect(stored?.metadata).toMatchObject({ backchannel_logout_uri: uri, backchannel_logout_session_required: true });
    // null removes it
    // a PATCH of the name leaves every other field as it was (it used to reset them to the defaults)
    expect((await api('PATCH', `/clients/${id}`, { body: { client_name: 'Renamed' } })).json).toMatchObject({
      client_name: 'Renamed',
      redirect_uris: ['https://rp.example.com/cb'],
      first_party: false,
      require_mfa: true,
      backchannel_logout_uri: uri,
    });
    expect((await api('PATCH', `/clients/${id}`, { body: { backchannel_logout_uri: null } })).json).toMatchObject({ backchannel_logout_uri: null });
    expect((await app.services.clients.find(id))?.metadata).not.toHaveProperty('backchannel_logout_uri');
    for (const bad of ['ftp://rp.example.com/x', 'https://rp.example.com/x#frag', 'not a url']) {
      const refused = await api('POST', '/clients', { body: { client_name: 'Bad', redirect_uris: ['https://rp.example.com/cb'], backchannel_logout_uri: bad } });
      expect(refused.status, bad).toBe(400);
      expect(refused.json).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('updates a client on every request at once, rotates its secret (old one refused) and deletes it', async () => {
    const created = (await api('POST', '/clients', { body: { client_name: 'Rotating', grant_types: ['client_credentials'] } })).json!;
    const id = created['client_id'];
    const before: TestClient = { clientId: id, clientSecret: created['client_secret'], redirectUri: '', postLogoutRedirectUri: '' };
    expect(await ccToken(before, '')).toBeTruthy();

    const changed = await api('PATCH', `/clients/${id}`, { body: { client_name: 'Renamed' } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ client_name: 'Renamed', grant_types: ['client_credentials'] });

    const rotated = await api('POST', `/clients/${id}/secret`);
    expect(rotated.status).toBe(200);
    await expect(ccToken(before, '')).rejects.toMatchObject(invalidClient);
    expect(await ccToken({ ...before, clientSecret: rotated.json!['client_secret'] }, '')).toBeTruthy();

    expect((await api('DELETE', `/clients/${id}`)).status).toBe(204);
    expect((await api('GET', `/clients/${id}`)).status).toBe(404);
    expect((await api('DELETE', `/clients/${id}`)).status).toBe(404);
    await expect(ccToken({ ...before, clientSecret: rotated.json!['client_secret'] }, '')).rejects.toMatchObject(invalidClient);
  });

  it('pages through every client with limit and cursor', async () => {
    const prefix = `page-${randomBytes(3).toString('hex')}`;
    for (const n of [1, 2, 3]) await api('POST', '/clients', { body: { client_id: `${prefix}-${n}`, client_name: `Page ${n}`, grant_types: ['client_credentials'] } });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await api('GET', `/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.json!['items'].length).toBeLessThanOrEqual(2);
      seen.push(...res.json!['items'].map((c: { client_id: string }) => c.client_id));
      cursor = res.json!['next_cursor'];
      if (!cursor) break;
    }
    expect(seen.filter((id) => id.startsWith(prefix))).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await api('GET', '/clients?limit=0')).json).toMatchObject({ error: 'invalid_request', fields: { limit: expect.any(Array) } });
    expect((await api('GET', '/clients?cursor=%00')).status).toBe(400);
  });

  it('answers bad input with 400 and a message per field, and stores nothing', async () => {
    const name = `bad-${randomBytes(3).toString('hex')}`;
    const uris = await api('POST', '/clients', { body: { client_id: name, client_name: 'Bad', redirect_uris: ['http://app.example.com/cb', 'https://ok.example.com/cb#frag'] } });
    expect(uris.status).toBe(400);
    expect(uris.json!['fields']['redirect_uris'].join(' ')).toMatch(/http is allowed only on loopback[\s\S]*fragment/);
    const missing = await api('POST', '/clients', { body: { redirect_uris: ['https://ok.example.com/cb'] } });
    expect(missing.json).toMatchObject({ error: 'invalid_request', fields: { client_name: expect.any(Array) } });
    const unknown = await api('POST', '/clients', { body: { client_name: 'X', redirect_uris: ['https://ok.example.com/cb'], colour: 'red' } });
    expect(unknown.status).toBe(400);
    const publicAdmin = await api('POST', '/clients', { body: { client_name: 'X', redirect_uris: ['https://ok.example.com/cb'], token_endpoint_auth_method: 'none', admin_api: true } });
    expect(publicAdmin.json!['fields']).toHaveProperty('admin_api');
    const thirdPartyAdmin = await api('POST', '/clients', { body: { client_name: 'X', redirect_uris: ['https://ok.example.com/cb'], first_party: false, admin_api: true } });
    expect(thirdPartyAdmin.json!['fields']).toHaveProperty('admin_api');
    expect((await api('POST', '/clients', { raw: '{"client_name": ', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await api('POST', '/clients', { raw: 'client_name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await api('POST', '/clients', { body: { client_name: 'x'.repeat(70_000) } })).status).toBe(413);
    expect((await api('PATCH', `/clients/${name}`, { body: { client_name: 'Y' } })).status).toBe(404);
    expect(await app.services.clients.find(name)).toBeUndefined();
  });

  it('answers 409 for a client_id that is taken, 404 for unknown routes and 405 for wrong methods', async () => {
    const id = `taken-${randomBytes(3).toString('hex')}`;
    expect((await api('POST', '/clients', { body: { client_id: id, client_name: 'First', grant_types: ['client_credentials'] } })).status).toBe(201);
    const again = await api('POST', '/clients', { body: { client_id: id, client_name: 'Second', grant_types: ['client_credentials'] } });
    expect(again.status).toBe(409);
    expect((await app.services.clients.find(id))?.metadata['client_name']).toBe('First');
    expect((await api('GET', '/nothing-here')).json).toMatchObject({ error: 'not_found' });
    expect((await api('PUT', '/clients')).status).toBe(405);
  });
});
