// openid-client v6 as the relying party, the way a real application uses it.
import * as oidc from 'openid-client';
import type { TestClient } from './fixtures.js';
import type { Step, UserAgent } from './user-agent.js';

export async function discover(issuer: string, client: Pick<TestClient, 'clientId' | 'clientSecret'>): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret), {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface AuthorizationRequest {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(rp: oidc.Configuration, client: TestClient, params: Record<string, string> = {}): Promise<AuthorizationRequest> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: client.redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

/** Fill in and submit the password page; returns the step after the POST (callback redirect or page). */
export function submitPassword(ua: UserAgent, page: Step, email: string, password: string, stopAt: string): Promise<Step> {
  return ua.submit(page, /\/login$/, { email, password }, stopAt);
}

/** Exchange the callback URL for tokens, with every check openid-client does. */
export function exchange(rp: oidc.Configuration, request: AuthorizationRequest, callbackUrl: string) {
  return oidc.authorizationCodeGrant(rp, new URL(callbackUrl), {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}

/** Full sign-in: authorize → password page → callback → tokens. */
export async function signIn(ua: UserAgent, rp: oidc.Configuration, client: TestClient, user: { email: string; password: string }, params: Record<string, string> = {}) {
  const request = await authorizationRequest(rp, client, params);
  const page = await ua.follow(request.url.href, {}, client.redirectUri);
  if (page.status !== 200 || !page.body.includes('name="password"')) throw new Error(`expected the password page, got ${page.status} ${page.location ?? ''}`);
  const callback = await submitPassword(ua, page, user.email, user.password, client.redirectUri);
  if (!callback.location?.startsWith(client.redirectUri)) throw new Error(`sign-in did not return to the client: ${callback.status} ${callback.body.slice(0, 500)}`);
  const tokens = await exchange(rp, request, callback.location);
  return { request, callback: callback.location, tokens };
}

export { oidc };
