// The authorization code flow end to end with openid-client as the relying party.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, oidc, signIn, submitPassword } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';

let app: TestApp;
let client: TestClient;
let user: Awaited<ReturnType<typeof createUser>>;
let rp: oidc.Configuration;

beforeAll(async () => {
  app = await startTestApp();
  client = await createClient(app.services);
  user = await createUser(app.services, { name: 'Ada Lovelace' });
  rp = await discover(app.url, client);
});
afterAll(() => app?.close());

describe('discovery', () => {
  it('advertises code + S256 PKCE only, no implicit and no password grant', () => {
    const meta = rp.serverMetadata();
    expect(meta.issuer).toBe(app.url);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(meta.grant_types_supported).not.toContain('password');
    expect(meta.grant_types_supported).not.toContain('implicit');
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.acr_values_supported).toEqual(['urn:twofold:acr:pwd', 'urn:twofold:acr:mfa', 'urn:twofold:acr:remembered-device']);
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified', 'name', 'amr', 'acr', 'auth_time']));
  });

  it('publishes an RS256 and an ES256 key', async () => {
    const jwks = (await (await fetch(`${app.url}/jwks`)).json()) as { keys: Array<{ alg: string; d?: string }> };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });
});

describe('authorization code + PKCE', () => {
  it('signs in and returns verified tokens with truthful amr, acr and auth_time', async () => {
    const ua = createUserAgent();
    const before = Math.floor(Date.now() / 1000);
    const { callback, tokens } = await signIn(ua, rp, client, user);
    expect(new URL(callback).searchParams.get('iss')).toBe(app.url);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.email).toBe(user.email);
    expect(claims.email_verified).toBe(true);
    expect(claims.name).toBe('Ada Lovelace');
    expect(claims.amr).toEqual(['pwd']);
    expect(claims.acr).toBe('urn:twofold:acr:pwd');
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);

    // verify the ID token signature independently against the published JWKS
    const jwks = jose.createRemoteJWKSet(new URL(`${app.url}/jwks`));
    const { payload, protectedHeader } = await jose.jwtVerify(tokens.id_token!, jwks, { issuer: app.url, audience: client.clientId });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(user.id);

    const info = await oidc.fetchUserInfo(rp, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, email: user.email, email_verified: true, name: 'Ada Lovelace' });
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = new URL(`${app.url}/auth`);
    url.search = new URLSearchParams({ client_id: client.clientId, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid', state: 'abc' }).toString();
    const step = await createUserAgent().request(url.href);
    expect(step.status).toBe(303);
    const back = new URL(step.location!);
    expect(back.origin + back.pathname).toBe(client.redirectUri);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses the plain PKCE method and implicit response types', async () => {
    const ua = createUserAgent();
    const cases: Array<Record<string, string>> = [
      { response_type: 'code', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
      { response_type: 'id_token token', nonce: 'n' },
    ];
    for (const extra of cases) {
      const url = new URL(`${app.url}/auth`);
      url.search = new URLSearchParams({ client_id: client.clientId, redirect_uri: client.redirectUri, scope: 'openid', state: 's', ...extra }).toString();
      const step = await ua.request(url.href);
      expect(step.status).toBe(303);
      const back = new URL(step.location!);
      // errors for implicit response types travel in the fragment
      const params = back.hash ? new URLSearchParams(back.hash.slice(1)) : back.searchParams;
      expect(params.get('error')).toMatch(/^(invalid_request|unsupported_response_type)$/);
    }
  });

  it('rotates refresh tokens and revokes the grant when a rotated one is reused', async () => {
    const ua = createUserAgent();
    const { tokens } = await signIn(ua, rp, client, user);
    expect(tokens.refresh_token).toBeTruthy();
    const second = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(tokens.refresh_token);
    expect(second.claims()?.sub).toBe(user.id);

    // the first refresh token again: refused, and everything from the grant dies
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(rp, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const introspected = await oidc.tokenIntrospection(rp, second.access_token);
    expect(introspected.active).toBe(false);
    const events = await eventually(
      () => app.services.audit.findRecent({ type: 'token.reuse_detected' }),
      (e) => e.some((x) => x.clientId === client.clientId),
    );
    expect(events.some((e) => e.clientId === client.clientId)).toBe(true);
  });

  it('answers invalid_grant to a reused authorization code and revokes the tokens it gave', async () => {
    const ua = createUserAgent();
    const request = await authorizationRequest(rp, client);
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    const callback = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
    const tokens = await exchange(rp, request, callback.location!);
    expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(true);

    await expect(exchange(rp, request, callback.location!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(rp, tokens.access_token)).active).toBe(false);
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code verifier that does not match the challenge', async () => {
    const ua = createUserAgent();
    const request = await authorizationRequest(rp, client);
    const page = await ua.follow(request.url.href, {}, client.redirectUri);
    const callback = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
    await expect(exchange(rp, { ...request, verifier: oidc.randomPKCECodeVerifier() }, callback.location!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
