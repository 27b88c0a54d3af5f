// Two replicas behind one address, sharing one Redis and one Postgres: nothing a user or a
// relying party does may depend on which replica answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import * as jose from 'jose';
import { startTestApp, uniquePrefix, type TestApp } from '../support/app.js';
import { createClient, createUser } from '../support/fixtures.js';
import { startLoadBalancer, type LoadBalancer } from '../support/load-balancer.js';
import { authorizationRequest, discover, exchange, oidc, submitPassword } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';

let lb: LoadBalancer;
let a: TestApp;
let b: TestApp;

beforeAll(async () => {
  lb = await startLoadBalancer();
  const env = { ISSUER: lb.url, REDIS_PREFIX: uniquePrefix() };
  a = await startTestApp({ env });
  b = await startTestApp({ env });
  lb.setBackends([a.url, b.url]);
});
afterAll(async () => {
  await lb?.close();
  await Promise.all([a?.close(), b?.close()]);
});

describe('two replicas', () => {
  it('a sign-in started on one replica finishes on the other; tokens work on both', async () => {
    const client = await createClient(a.services);
    const user = await createUser(a.services);
    const rp = await discover(lb.url, client);
    const ua = createUserAgent();

    lb.pin(0);
    const request = await authorizationRequest(rp, client);
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    expect(page.body).toContain('name="password"');

    lb.pin(1);
    const servedBefore = lb.served.length;
    const callback = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
    expect(callback.location?.startsWith(client.redirectUri)).toBe(true);
    expect(lb.served.slice(servedBefore).every((i) => i === 1)).toBe(true);

    // code issued by B, exchanged on A
    lb.pin(0);
    const tokens = await exchange(rp, request, callback.location!);

    // ID token from A verifies with the JWKS served by B
    lb.pin(1);
    const { payload } = await jose.jwtVerify(tokens.id_token!, jose.createRemoteJWKSet(new URL(`${lb.url}/jwks`)), { issuer: lb.url, audience: client.clientId });
    expect(payload.sub).toBe(user.id);
    // access token from A introspects and serves userinfo on B
    expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(true);
    expect((await oidc.fetchUserInfo(rp, tokens.access_token, user.id)).email).toBe(user.email);

    // refresh on B, then the rotated token is reuse-detected on A
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    lb.pin(0);
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(rp, refreshed.access_token)).active).toBe(false);

    // the session is shared: single sign-on through the other replica
    lb.pin(1);
    const silent = await authorizationRequest(rp, client, { prompt: 'none' });
    const step = await ua.follow(silent.url.href, {}, client.redirectUri);
    expect(new URL(step.location!).searchParams.get('code')).toBeTruthy();
    lb.pin(undefined);
  });

  it('a client created through one replica is usable at once on the other', async () => {
    const client = await createClient(a.services, { grantTypes: ['client_credentials'], metadata: { redirect_uris: [] } });
    const res = await fetch(`${b.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);

    // A has the client in its cache now
    const onA = await fetch(`${a.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(onA.status).toBe(200);

    // a change (new secret) made through B takes effect on A without a restart
    await b.services.clients.save({
      clientId: client.clientId,
      secret: 'rotated-secret-0123456789',
      firstParty: true,
      metadata: { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic' },
    });
    const token = (secret: string) =>
      fetch(`${a.url}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
    // A caches the client; B's change reaches it by Postgres NOTIFY within milliseconds
    const started = Date.now();
    while ((await token(client.clientSecret)).status !== 401 && Date.now() - started < 2000) await sleep(20);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await token(client.clientSecret)).status).toBe(401);
    expect((await token('rotated-secret-0123456789')).status).toBe(200);
  });

  it('logout on one replica ends the session on the other', async () => {
    const client = await createClient(a.services);
    const user = await createUser(a.services);
    const rp = await discover(lb.url, client);
    const ua = createUserAgent();
    lb.pin(0);
    const request = await authorizationRequest(rp, client);
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    const callback = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
    const tokens = await exchange(rp, request, callback.location!);

    lb.pin(1);
    const logout = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: client.postLogoutRedirectUri });
    await ua.submit(await ua.follow(logout.href), /\/session\/end\/confirm$/, { logout: 'yes' }, client.postLogoutRedirectUri);

    lb.pin(0);
    const silent = await authorizationRequest(rp, client, { prompt: 'none' });
    const step = await ua.follow(silent.url.href, {}, client.redirectUri);
    expect(new URL(step.location!).searchParams.get('error')).toBe('login_required');
    lb.pin(undefined);
  });
});
