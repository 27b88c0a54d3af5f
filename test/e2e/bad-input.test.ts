// Bad input gets a clear error in the right shape — OAuth error JSON for protocol endpoints, a
// page that says what to do for browsers — never a 500 and never a redirect to an
// unregistered address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, type oidc, signIn } from '../support/relying-party.js';
import { createUserAgent } from '../support/user-agent.js';

let app: TestApp;
let client: TestClient;
let rp: oidc.Configuration;
let user: Awaited<ReturnType<typeof createUser>>;
const basic = () => `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;

beforeAll(async () => {
  app = await startTestApp();
  [client, user] = await Promise.all([createClient(app.services), createUser(app.services)]);
  rp = await discover(app.url, client);
});
afterAll(() => app?.close());

async function loginPage() {
  const ua = createUserAgent();
  const request = await authorizationRequest(rp, client);
  const page = await ua.follow(request.url.href);
  expect(page.status).toBe(200);
  const action = /action="([^"]*\/login)"/.exec(page.body)![1]!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return { ua, page, action: new URL(action, app.url).href, csrf };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('authorization endpoint', () => {
  it('an unregistered redirect_uri gets an error page, not a redirect', async () => {
    const request = await authorizationRequest(rp, { ...client, redirectUri: 'https://evil.example/callback' });
    const step = await createUserAgent().request(request.url.href);
    expect(step.status).toBe(400);
    expect(step.location).toBeUndefined();
    expect(step.headers.get('content-type')).toMatch(/text\/html/);
    expect(step.body).toContain('return address it has not registered');
    expect(step.body).not.toContain('evil.example');
  });

  it('a stored client whose redirect URI breaks our rule (http off loopback) cannot be used', async () => {
    const bad = await createClient(app.services, { redirectUri: 'http://app.example.com/callback' });
    const url = new URL(`${app.url}/auth`);
    url.search = new URLSearchParams({
      client_id: bad.clientId,
      redirect_uri: bad.redirectUri,
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const step = await createUserAgent().request(url.href);
    expect(step.status).toBe(400);
    expect(step.location).toBeUndefined();
    expect(step.body).toContain('not set up correctly');
    expect(step.body).toContain('invalid_client_metadata');
  });

  it('an unknown client gets an error page', async () => {
    const url = new URL(`${app.url}/auth`);
    url.search = new URLSearchParams({ client_id: 'no-such-client', redirect_uri: client.redirectUri, response_type: 'code', scope: 'openid' }).toString();
    const step = await createUserAgent().request(url.href);
    expect(step.status).toBe(400);
    expect(step.location).toBeUndefined();
    expect(step.body).toContain('not registered with us');
    expect(step.body).toContain('invalid_client');
  });

  it('a request without client_id gets an error page', async () => {
    const step = await createUserAgent().request(`${app.url}/auth?response_type=code`);
    expect(step.status).toBe(400);
    expect(step.body).toContain('Something went wrong');
  });

  it('a tampered session cookie counts as no session', async () => {
    const ua = createUserAgent();
    await signIn(ua, rp, client, user);
    const cookie = (await ua.jar.getCookies(app.url)).find((c) => c.key === 'twofold.session')!;
    await ua.jar.setCookie(`twofold.session=${cookie.value.slice(0, -2)}xx; Path=/`, app.url);
    const request = await authorizationRequest(rp, client, { prompt: 'none' });
    const step = await ua.follow(request.url.href, {}, client.redirectUri);
    expect(new URL(step.location!).searchParams.get('error')).toBe('login_required');
  });
});

describe('token endpoint', () => {
  it('a malformed body gets OAuth error JSON', async () => {
    const res = await fetch(`${app.url}/token`, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' }, body: '%%%&&&=' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toHaveProperty('error');
  });

  it('a JSON body is refused with OAuth error JSON', async () => {
    const res = await fetch(`${app.url}/token`, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"' });
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty('error', 'invalid_request');
  });

  it('an oversized body is refused without a 500', async () => {
    const res = await fetch(`${app.url}/token`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=authorization_code&code=${'a'.repeat(2_000_000)}`,
    });
    expect([400, 413]).toContain(res.status);
    expect(await res.json()).toHaveProperty('error');
  });

  it('an unknown client gets invalid_client', async () => {
    const res = await fetch(`${app.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('nobody:secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('a missing grant_type gets invalid_request', async () => {
    const res = await fetch(`${app.url}/token`, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('an unknown code gets invalid_grant', async () => {
    const res = await fetch(`${app.url}/token`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'nope', redirect_uri: client.redirectUri, code_verifier: 'a'.repeat(43) }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('sign-in page', () => {
  it('missing fields re-show the form with a message', async () => {
    const { ua, action, csrf } = await loginPage();
    const step = await ua.request(action, form({ csrf, email: user.email }));
    expect(step.status).toBe(400);
    expect(step.body).toContain('Enter your e-mail address and your password.');
    expect(step.body).toContain(`value="${user.email}"`);
  });

  it('a missing or wrong CSRF token is refused with a page that says to reload', async () => {
    const { ua, action } = await loginPage();
    const attempts: Array<Record<string, string>> = [
      { email: user.email, password: user.password },
      { csrf: 'forged', email: user.email, password: user.password },
    ];
    for (const fields of attempts) {
      const step = await ua.request(action, form(fields));
      expect(step.status).toBe(403);
      expect(step.body).toContain('Reload the page and try again');
    }
  });

  it('a post from another origin is refused', async () => {
    const { ua, action, csrf } = await loginPage();
    const step = await ua.request(action, {
      ...form({ csrf, email: user.email, password: user.password }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(step.status).toBe(403);
  });

  it('an oversized form gets a 413 page', async () => {
    const { ua, action, csrf } = await loginPage();
    const step = await ua.request(action, form({ csrf, email: user.email, password: 'x'.repeat(100_000) }));
    expect(step.status).toBe(413);
    expect(step.body).toContain('too large');
  });

  it('a malformed form encoding is not a 500', async () => {
    const { ua, action } = await loginPage();
    const step = await ua.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=%E0%A4%A&email=%' });
    expect(step.status).toBeGreaterThanOrEqual(400);
    expect(step.status).toBeLessThan(500);
  });

  it('a JSON post to the form is refused, not a 500', async () => {
    const { ua, action } = await loginPage();
    const step = await ua.request(action, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":1}' });
    expect(step.status).toBe(403);
  });

  it('an unknown or expired interaction says so and what to do', async () => {
    const ua = createUserAgent();
    const step = await ua.request(`${app.url}/interaction/does-not-exist`);
    expect(step.status).toBe(400);
    expect(step.body).toContain('This page has expired');
    expect(step.body).toContain('Go back to the application and sign in again.');
    const post = await ua.request(`${app.url}/interaction/does-not-exist/login`, form({ email: 'a@b.c', password: 'x' }));
    expect(post.status).toBeGreaterThanOrEqual(400);
    expect(post.status).toBeLessThan(500);
  });

  it('a finished interaction cannot be replayed', async () => {
    const { ua, page, action, csrf } = await loginPage();
    const first = await ua.request(action, form({ csrf, email: user.email, password: user.password }));
    expect(first.status).toBe(303);
    await ua.follow(first.location!, {}, client.redirectUri);
    const again = await ua.request(action, form({ csrf, email: user.email, password: user.password }));
    expect(again.status).toBe(400);
    expect(again.body).toContain('This page has expired');
    expect(page.status).toBe(200);
  });

  it('a very long password is refused like a wrong one, not a 500', async () => {
    const { ua, action, csrf } = await loginPage();
    const step = await ua.request(action, form({ csrf, email: user.email, password: 'x'.repeat(5000) }));
    expect(step.status).toBe(401);
    expect(step.body).toContain('not correct');
  });

  it('unknown paths get a 404 in the right shape', async () => {
    const res = await fetch(`${app.url}/no/such/page`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toContain('Page not found');
  });
});

describe('health', () => {
  it('/healthz and /readyz answer', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });
});
