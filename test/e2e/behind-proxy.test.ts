// Behind a TLS-terminating proxy: what X-Forwarded-* may change (only with TRUST_PROXY), and
// the cookie attributes an https issuer brings (Secure, __Host- / __Secure- prefixes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser } from '../support/fixtures.js';

const pkce = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };

/** authorize → sign-in page → wrong password, passing cookies by hand; returns what was seen. */
async function failedSignIn(app: TestApp, headers: Record<string, string>) {
  const client = await createClient(app.services);
  const user = await createUser(app.services);
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, value] = pair!.split('=');
      cookies.set(name!, value!);
    }
    return res.headers.getSetCookie();
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const url = new URL(`${app.url}/auth`);
  url.search = new URLSearchParams({ client_id: client.clientId, redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid', ...pkce }).toString();
  const auth = await fetch(url, { headers, redirect: 'manual' });
  const authCookies = keep(auth);
  // oidc-provider redirects to the interaction with a relative Location
  const location = new URL(auth.headers.get('location')!, 'https://id.example.test');
  const page = await fetch(`${app.url}${location.pathname}`, { headers: { ...headers, cookie: cookieHeader() } });
  const pageCookies = keep(page);
  const html = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  const post = await fetch(`${app.url}${location.pathname}/login`, {
    method: 'POST',
    headers: { ...headers, cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, email: user.email, password: 'not the password' }),
  });
  const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'signin.failed' });
  return { location, authCookies, pageCookies, page, post, event };
}

describe('https issuer behind a trusted proxy', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { ISSUER: 'https://id.example.test', TRUST_PROXY: 'true' } });
  });
  afterAll(() => app?.close());
  const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'id.example.test', 'x-forwarded-for': '203.0.113.7' };

  it('publishes https endpoints, sets Secure prefixed cookies and records the client address', async () => {
    const meta = (await (await fetch(`${app.url}/.well-known/openid-configuration`, { headers: proxied })).json()) as { authorization_endpoint: string };
    expect(meta.authorization_endpoint).toBe('https://id.example.test/auth');

    const seen = await failedSignIn(app, proxied);
    expect(seen.location.pathname).toMatch(/^\/interaction\//);
    const interaction = seen.authCookies.find((c) => c.startsWith('__Secure-twofold.interaction='));
    expect(interaction).toMatch(/; secure/i);
    expect(interaction).toMatch(/; httponly/i);
    expect(interaction).toMatch(/; samesite=lax/i);
    const csrf = seen.pageCookies.find((c) => c.startsWith('__Host-twofold.csrf='));
    expect(csrf).toMatch(/; path=\//i);
    expect(csrf).toMatch(/; secure/i);
    expect(csrf).not.toMatch(/domain=/i);
    expect(seen.page.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(seen.post.status).toBe(401);
    expect(seen.event?.ip).toBe('203.0.113.7');
  });

  it('answers plain-http requests with an explanation instead of a 500', async () => {
    const res = await fetch(`${app.url}/.well-known/openid-configuration`);
    expect(res.status).toBe(421);
    expect(await res.text()).toMatch(/TRUST_PROXY/);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('without TRUST_PROXY', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('ignores X-Forwarded-For and -Proto: the audit log has the real peer address, cookies stay plain', async () => {
    const seen = await failedSignIn(app, { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' });
    expect(seen.post.status).toBe(401);
    expect(seen.event?.ip).toMatch(/127\.0\.0\.1$/);
    expect(seen.authCookies.some((c) => c.startsWith('twofold.interaction=') && !/; secure/i.test(c))).toBe(true);
  });
});
