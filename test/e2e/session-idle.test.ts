// Each organisation's idle limit for signed-in sessions (session_idle_seconds): what the store
// keeps, what the browser's cookie says and what the profile's "Stay signed in" warning counts
// down all follow the account's organisation; a policy change applies at the next activity, on
// this replica at once and on another through Postgres NOTIFY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { startTestApp, uniquePrefix, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, type oidc, signIn } from '../support/relying-party.js';
import { createUserAgent, type UserAgent } from '../support/user-agent.js';

let a: TestApp;
let b: TestApp;
let client: TestClient;
let rpA: oidc.Configuration;
let rpB: oidc.Configuration;

beforeAll(async () => {
  // two replicas of one deployment: one Postgres, one Redis prefix
  const env = { REDIS_PREFIX: uniquePrefix() };
  [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
  client = await createClient(a.services);
  [rpA, rpB] = await Promise.all([discover(a.url, client), discover(b.url, client)]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/** The session's remaining lifetime in the store and in the browser's cookie (seconds). */
async function lifetimes(app: TestApp, ua: UserAgent) {
  const cookie = (await ua.jar.getCookies(app.url)).find((c) => c.key === 'twofold.session')!;
  const stored = await app.services.store.ttl(`oidc:Session:${createHash('sha256').update(cookie.value).digest('base64url')}`);
  const expires = cookie.expires instanceof Date ? Math.round((cookie.expires.getTime() - Date.now()) / 1000) : undefined;
  return { stored: stored!, cookie: expires! };
}

/** Activity through the authorization endpoint (a silent single sign-on): the session slides. */
async function silentSignIn(rp: oidc.Configuration, ua: UserAgent) {
  const request = await authorizationRequest(rp, client, { prompt: 'none' });
  const step = await ua.follow(request.url.href, {}, client.redirectUri);
  expect(new URL(step.location!).searchParams.get('code')).toBeTruthy();
}

describe("an organisation's session idle limit", () => {
  it('sets how long a sign-in session lives without activity; unset, the server default applies', async () => {
    const [long, short, plain] = await Promise.all([createUser(a.services), createUser(a.services), createUser(a.services)]);
    await a.services.organisations.savePolicy(long.organisationId, { sessionIdleSeconds: 1800 });
    await a.services.organisations.savePolicy(short.organisationId, { sessionIdleSeconds: 120 });

    const expectations: [typeof long, number][] = [
      [long, 1800],
      [short, 120],
      [plain, a.config.session.idleSeconds],
    ];
    for (const [user, idle] of expectations) {
      const ua = createUserAgent();
      await signIn(ua, rpA, client, user);
      const { stored, cookie } = await lifetimes(a, ua);
      expect(stored).toBeGreaterThan(idle - 10);
      expect(stored).toBeLessThanOrEqual(idle);
      expect(Math.abs(cookie - idle)).toBeLessThanOrEqual(10);
    }
  });

  it("counts down the profile's stay-signed-in warning from the organisation's limit", async () => {
    const user = await createUser(a.services);
    await a.services.organisations.savePolicy(user.organisationId, { sessionIdleSeconds: 900 });
    const ua = createUserAgent();
    const page = await ua.follow(`${a.url}/account`);
    const profile = await ua.submit(page, /\/login$/, { email: user.email, password: user.password });
    expect(profile.url).toBe(`${a.url}/account`);
    expect(profile.body).toContain('data-idle-seconds="900"');
    // the profile page is activity too: it saved the session with the organisation's limit
    expect((await lifetimes(a, ua)).stored).toBeGreaterThan(890);
  });

  it('a policy change applies at the next activity, on this replica and on the other one', async () => {
    const user = await createUser(a.services);
    const ua = createUserAgent();
    // sign in on A, then B serves the same session (one Redis): B learns the default limit
    await signIn(ua, rpA, client, user);
    await b.services.sessionIdle.prepare(user.id);
    expect(b.services.sessionIdle.secondsFor(user.id)).toBe(b.config.session.idleSeconds);

    await a.services.organisations.savePolicy(user.organisationId, { sessionIdleSeconds: 2400 });
    await silentSignIn(rpA, ua);
    expect((await lifetimes(a, ua)).stored).toBeGreaterThan(2390);

    // B hears of the change through Postgres NOTIFY and reads the new limit (cookies do not
    // tell ports apart, so the browser presents the same session to B)
    await a.services.organisations.savePolicy(user.organisationId, { sessionIdleSeconds: 600 });
    expect(
      await eventually(
        () => b.services.sessionIdle.prepare(user.id),
        (seconds) => seconds === 600,
      ),
    ).toBe(600);
    await silentSignIn(rpB, ua);
    const onB = (await ua.jar.getCookies(b.url)).find((c) => c.key === 'twofold.session')!;
    const stored = await b.services.store.ttl(`oidc:Session:${createHash('sha256').update(onB.value).digest('base64url')}`);
    expect(stored).toBeGreaterThan(590);
    expect(stored).toBeLessThanOrEqual(600);
  });

  it('never outlives the absolute lifetime', async () => {
    const capped = await startTestApp({ env: { SESSION_MAX_SECONDS: '900' } });
    try {
      const user = await createUser(capped.services);
      await capped.services.organisations.savePolicy(user.organisationId, { sessionIdleSeconds: 3600 });
      const c = await createClient(capped.services);
      const ua = createUserAgent();
      await signIn(ua, await discover(capped.url, c), c, user);
      expect((await lifetimes(capped, ua)).stored).toBeLessThanOrEqual(900);
    } finally {
      await capped.close();
    }
  });
});
