// Client credentials, introspection and revocation, as a relying party and a resource server
// call them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { discover, oidc, signIn } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';

let app: TestApp;
let service: TestClient;
let webApp: TestClient;
let rpService: oidc.Configuration;
let rpWeb: oidc.Configuration;

beforeAll(async () => {
  app = await startTestApp();
  service = await createClient(app.services, { grantTypes: ['client_credentials'], metadata: { redirect_uris: [] } });
  webApp = await createClient(app.services);
  [rpService, rpWeb] = await Promise.all([discover(app.url, service), discover(app.url, webApp)]);
});
afterAll(() => app?.close());

describe('client credentials', () => {
  it('issues an access token that introspects as active for the client, with no user', async () => {
    const tokens = await oidc.clientCredentialsGrant(rpService);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(600);
    const info = await oidc.tokenIntrospection(rpService, tokens.access_token);
    expect(info).toMatchObject({ active: true, client_id: service.clientId, token_type: 'Bearer' });
    expect(info.sub).toBeUndefined();
  });

  it('refuses a wrong client secret with invalid_client (401)', async () => {
    const res = await fetch(`${app.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${service.clientId}:wrong`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses the grant to a client that is not allowed it', async () => {
    // oidc-provider answers invalid_request here (lib/actions/token.js), with a clear description
    await expect(oidc.clientCredentialsGrant(rpWeb)).rejects.toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/not allowed for this client/) });
  });

  it('refuses the password grant', async () => {
    const res = await fetch(`${app.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${webApp.clientId}:${webApp.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=a&password=b',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('introspection and revocation', () => {
  it('a resource server introspects a user access token; revocation makes it inactive', async () => {
    const user = await createUser(app.services);
    const { tokens } = await signIn(createUserAgent(), rpWeb, webApp, user);

    const info = await oidc.tokenIntrospection(rpService, tokens.access_token);
    expect(info).toMatchObject({ active: true, sub: user.id, client_id: webApp.clientId });
    expect(info.scope).toContain('openid');

    await oidc.tokenRevocation(rpWeb, tokens.access_token);
    expect((await oidc.tokenIntrospection(rpService, tokens.access_token)).active).toBe(false);
    await expect(oidc.fetchUserInfo(rpWeb, tokens.access_token, user.id)).rejects.toBeTruthy();
  });

  it('revoking a refresh token revokes the grant behind it', async () => {
    const user = await createUser(app.services);
    const { tokens } = await signIn(createUserAgent(), rpWeb, webApp, user);
    await oidc.tokenRevocation(rpWeb, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(rpWeb, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(rpService, tokens.access_token)).active).toBe(false);
  });

  it('introspection of garbage says inactive, without an error', async () => {
    expect((await oidc.tokenIntrospection(rpService, 'not-a-token')).active).toBe(false);
  });

  it('userinfo without a token answers 401 with WWW-Authenticate', async () => {
    const res = await fetch(`${app.url}/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
  });
});
