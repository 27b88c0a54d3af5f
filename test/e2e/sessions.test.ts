// Sign-in sessions: single sign-on, prompt=none/login, max_age, logout, and the sliding idle
// expiry with its absolute cap (configured in seconds here; production default 300 s / 12 h).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, oidc, signIn } from '../support/relying-party.js';
import { createUserAgent, type UserAgent } from '../support/user-agent.js';

/** An authorization request in the user's browser: either straight back with a code or error, or a page. */
async function authorize(ua: UserAgent, rp: oidc.Configuration, client: TestClient, params: Record<string, string> = {}) {
  const request = await authorizationRequest(rp, client, params);
  const step = await ua.follow(request.url.href, {}, client.redirectUri);
  const back = step.location?.startsWith(client.redirectUri) ? new URL(step.location) : undefined;
  return {
    request,
    step,
    code: back?.searchParams.get('code') ?? undefined,
    error: back?.searchParams.get('error') ?? undefined,
    showsPasswordPage: step.status === 200 && step.body.includes('name="password"'),
    callback: back?.href,
  };
}

describe('single sign-on, prompts and logout', () => {
  let app: TestApp;
  let clientA: TestClient;
  let clientB: TestClient;
  let rpA: oidc.Configuration;
  let rpB: oidc.Configuration;
  let user: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    app = await startTestApp();
    [clientA, clientB, user] = await Promise.all([createClient(app.services), createClient(app.services), createUser(app.services)]);
    [rpA, rpB] = await Promise.all([discover(app.url, clientA), discover(app.url, clientB)]);
  });
  afterAll(() => app?.close());

  it('prompt=none without a session answers login_required', async () => {
    const result = await authorize(createUserAgent(), rpA, clientA, { prompt: 'none' });
    expect(result.error).toBe('login_required');
  });

  it('a second app signs the user in without the password while the session lives', async () => {
    const ua = createUserAgent();
    const first = await signIn(ua, rpA, clientA, user);
    const second = await authorize(ua, rpB, clientB);
    expect(second.showsPasswordPage).toBe(false);
    expect(second.code).toBeTruthy();
    const tokens = await exchange(rpB, second.request, second.callback!);
    expect(tokens.claims()?.sub).toBe(user.id);
    // same sign-in: same auth_time
    expect(tokens.claims()?.auth_time).toBe(first.tokens.claims()?.auth_time);

    const silent = await authorize(ua, rpA, clientA, { prompt: 'none' });
    expect(silent.code).toBeTruthy();
  });

  it('prompt=login asks for the password again although a session exists', async () => {
    const ua = createUserAgent();
    await signIn(ua, rpA, clientA, user);
    const again = await authorize(ua, rpA, clientA, { prompt: 'login' });
    expect(again.showsPasswordPage).toBe(true);
    expect(again.step.body).toContain('confirm it is you');
    // the account is known: its address is filled in, only the password is asked
    expect(again.step.body).toContain(`value="${user.email}"`);
  });

  it('max_age asks again once the sign-in is older, and auth_time tells when it happened', async () => {
    const ua = createUserAgent();
    const { tokens } = await signIn(ua, rpA, clientA, user);
    const fresh = await authorize(ua, rpA, clientA, { max_age: '60' });
    expect(fresh.code).toBeTruthy();
    await sleep(2100);
    const stale = await authorize(ua, rpA, clientA, { max_age: '1' });
    expect(stale.showsPasswordPage).toBe(true);
    const staleSilent = await authorize(ua, rpA, clientA, { max_age: '1', prompt: 'none' });
    expect(staleSilent.error).toBe('login_required');
    expect(tokens.claims()?.auth_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - 1);
  });

  it('logout asks for confirmation, deletes the session on the server and returns to the app', async () => {
    const ua = createUserAgent();
    const { tokens } = await signIn(ua, rpA, clientA, user);
    const sessionCookie = (await ua.jar.getCookies(app.url)).find((c) => c.key === 'twofold.session');
    expect(sessionCookie?.httpOnly).toBe(true);
    expect(sessionCookie?.sameSite).toBe('lax');
    const sessionId = sessionCookie!.value;
    expect(await app.services.providers.current().Session.find(sessionId)).toBeTruthy();

    const logoutUrl = oidc.buildEndSessionUrl(rpA, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: clientA.postLogoutRedirectUri, state: 'bye' });
    const confirm = await ua.follow(logoutUrl.href);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain('Sign out of all apps');
    const done = await ua.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' }, clientA.postLogoutRedirectUri);
    expect(done.location).toBe(`${clientA.postLogoutRedirectUri}?state=bye`);

    expect(await app.services.providers.current().Session.find(sessionId)).toBeUndefined();
    const after = await authorize(ua, rpA, clientA, { prompt: 'none' });
    expect(after.error).toBe('login_required');
    const events = await eventually(
      () => app.services.audit.findRecent({ accountId: user.id, type: 'logout' }),
      (e) => e.length > 0,
    );
    expect(events.length).toBeGreaterThan(0);
  });

  it('session-bound refresh tokens die with the session; offline_access ones survive logout', async () => {
    const ua = createUserAgent();
    const { tokens } = await signIn(ua, rpA, clientA, user);
    // offline_access needs prompt=consent: the consent page says the app stays connected
    const offline = await authorize(ua, rpA, clientA, { scope: 'openid offline_access', prompt: 'consent' });
    expect(offline.step.body).toContain('Stay connected to your account while you are away');
    const allowed = await ua.submit(offline.step, /\/consent$/, {}, clientA.redirectUri);
    const offlineTokens = await exchange(rpA, offline.request, allowed.location!);
    expect(offlineTokens.scope).toContain('offline_access');

    const logoutUrl = oidc.buildEndSessionUrl(rpA, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: clientA.postLogoutRedirectUri });
    await ua.submit(await ua.follow(logoutUrl.href), /\/session\/end\/confirm$/, { logout: 'yes' }, clientA.postLogoutRedirectUri);

    await expect(oidc.refreshTokenGrant(rpA, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(rpA, tokens.access_token)).active).toBe(false);
    const refreshed = await oidc.refreshTokenGrant(rpA, offlineTokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();
  });

  it('ends the other sessions of an account, then every session, grant and token of it', async () => {
    const [here, there] = [createUserAgent(), createUserAgent()];
    await signIn(here, rpA, clientA, user);
    await signIn(there, rpB, clientB, user);
    const offline = await authorize(here, rpA, clientA, { scope: 'openid offline_access', prompt: 'consent' });
    const offlineTokens = await exchange(rpA, offline.request, (await here.submit(offline.step, /\/consent$/, {}, clientA.redirectUri)).location!);
    const sessionId = (await here.jar.getCookies(app.url)).find((c) => c.key === 'twofold.session')!.value;
    const sessions = app.services.accountSessions;
    expect(await sessions.count(user.id)).toBeGreaterThanOrEqual(2);

    expect(await sessions.endOthers(user.id, sessionId)).toBeGreaterThanOrEqual(1);
    expect((await authorize(there, rpB, clientB, { prompt: 'none' })).error).toBe('login_required');
    expect((await authorize(here, rpA, clientA, { prompt: 'none' })).code).toBeTruthy();
    expect(await sessions.count(user.id)).toBe(1);

    await sessions.endEverywhere(user.id);
    expect((await authorize(here, rpA, clientA, { prompt: 'none' })).error).toBe('login_required');
    await expect(oidc.refreshTokenGrant(rpA, offlineTokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await oidc.tokenIntrospection(rpA, offlineTokens.access_token)).active).toBe(false);
    expect(await sessions.count(user.id)).toBe(0);
  });

  it('keeps session-bound refresh tokens and grants no longer than a session can live; offline ones for the refresh lifetime', async () => {
    const ua = createUserAgent();
    const { tokens } = await signIn(ua, rpA, clientA, user);
    const offline = await authorize(ua, rpA, clientA, { scope: 'openid offline_access', prompt: 'consent' });
    const allowed = await ua.submit(offline.step, /\/consent$/, {}, clientA.redirectUri);
    const offlineTokens = await exchange(rpA, offline.request, allowed.location!);

    const key = (model: string, id: string) => `oidc:${model}:${createHash('sha256').update(id).digest('base64url')}`;
    const ttl = (model: string, id: string) => app.services.store.ttl(key(model, id));
    const max = app.config.session.maxSeconds;
    const refresh = app.config.ttl.refreshToken;
    expect(await ttl('RefreshToken', tokens.refresh_token!)).toBeLessThanOrEqual(max);
    expect(await ttl('RefreshToken', offlineTokens.refresh_token!)).toBeGreaterThan(refresh - 60);
    // the sign-in's grant gained offline_access at the consent: it now outlives the session
    const stored = await app.services.providers.current().RefreshToken.find(offlineTokens.refresh_token!);
    expect(await ttl('Grant', stored!.grantId!)).toBeGreaterThan(refresh - 60);
  });
});

describe.concurrent('idle expiry (3 s idle, 6 s absolute for the test)', () => {
  let app: TestApp;
  let client: TestClient;
  let rp: oidc.Configuration;
  let user: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    app = await startTestApp({ env: { SESSION_IDLE_SECONDS: '3', SESSION_MAX_SECONDS: '6' } });
    [client, user] = await Promise.all([createClient(app.services), createUser(app.services)]);
    rp = await discover(app.url, client);
  });
  afterAll(() => app?.close());

  it('slides with activity, ends after the idle time, then shows the sign-in page again', async () => {
    const ua = createUserAgent();
    const { tokens } = await signIn(ua, rp, client, user);
    // activity every 1.2 s keeps it alive past the 3 s idle limit (a margin of 1.8 s for a busy machine)
    for (let i = 0; i < 3; i++) {
      await sleep(1200);
      expect((await authorize(ua, rp, client, { prompt: 'none' })).code).toBeTruthy();
    }
    await sleep(3500);
    expect((await authorize(ua, rp, client, { prompt: 'none' })).error).toBe('login_required');
    expect((await authorize(ua, rp, client)).showsPasswordPage).toBe(true);
    // tokens bound to the session died with it
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('ends at the absolute lifetime even with constant activity', async () => {
    const ua = createUserAgent();
    await signIn(ua, rp, client, user);
    let alive = 0;
    for (let i = 0; i < 5; i++) {
      await sleep(1500);
      if ((await authorize(ua, rp, client, { prompt: 'none' })).code) alive++;
      else break;
    }
    // alive at 1.5, 3 and 4.5 s; gone by 6 s
    expect(alive).toBe(3);
    expect((await authorize(ua, rp, client, { prompt: 'none' })).error).toBe('login_required');
  });
});

// The consent page tests get an absolute lifetime far away: 4 s into a 6 s one, whole-second
// rounding of the sign-in time could leave the session its last second, which is not what they test.
// The idle limit is 4 s so that each 2 s pause below keeps a 2 s margin on a busy CI machine.
describe.concurrent('activity on our own pages (4 s idle, 60 s absolute for the test)', () => {
  let app: TestApp;
  let client: TestClient;
  let other: TestClient;
  let rp: oidc.Configuration;
  let rpOther: oidc.Configuration;
  let user: Awaited<ReturnType<typeof createUser>>;

  beforeAll(async () => {
    app = await startTestApp({ env: { SESSION_IDLE_SECONDS: '4', SESSION_MAX_SECONDS: '60' } });
    [client, other, user] = await Promise.all([createClient(app.services), createClient(app.services, { firstParty: false, name: 'Third Party App' }), createUser(app.services)]);
    [rp, rpOther] = await Promise.all([discover(app.url, client), discover(app.url, other)]);
  });
  afterAll(() => app?.close());

  it('activity on our own pages counts: a consent page kept open extends the session', async () => {
    const ua = createUserAgent();
    await signIn(ua, rp, client, user);
    // the third-party app shows the consent page: an interaction of the signed-in session
    const consent = await authorize(ua, rpOther, other);
    expect(consent.step.body).toContain('Allow access');
    // two reloads 2 s apart: 6 s in all, past the 4 s idle limit, never more than 2 s idle
    for (let i = 0; i < 2; i++) {
      await sleep(2000);
      await ua.request(consent.step.url); // reload the consent page: activity
    }
    await sleep(2000);
    const done = await ua.submit(consent.step, /\/consent$/, {}, other.redirectUri);
    expect(new URL(done.location!).searchParams.get('code')).toBeTruthy();
  });

  it('a consent page left open past the idle limit says it expired instead of failing', async () => {
    const ua = createUserAgent();
    await signIn(ua, rp, client, user);
    const consent = await authorize(ua, rpOther, other);
    await sleep(5000);
    const late = await ua.submit(consent.step, /\/consent$/, {}, other.redirectUri);
    expect(late.status).toBe(400);
    expect(late.body).toContain('This page has expired');
  });
});
