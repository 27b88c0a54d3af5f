// "My profile": signing in to it, adding an authenticator app, recovery codes, preferred
// method, removal; changes need a recent sign-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { manualClock } from '../../src/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, type oidc, submitPassword } from '../support/relying-party.js';
import { createUserAgent, type Step, type UserAgent } from '../support/user-agent.js';

const clock = manualClock(Date.now());
let app: TestApp;
let client: TestClient;
let rp: oidc.Configuration;

beforeAll(async () => {
  app = await startTestApp({ clock });
  client = await createClient(app.services);
  rp = await discover(app.url, client);
});
afterAll(() => app?.close());

const code = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' });

async function openProfile(ua: UserAgent, user: { email: string; password: string }, path = '/account'): Promise<Step> {
  const page = await ua.follow(`${app.url}${path}`);
  if (page.body.includes('name="password"')) return ua.submit(page, /\/login$/, { email: user.email, password: user.password });
  return page;
}

describe('my profile', () => {
  it('signs the user in through the account client and shows two-step verification off', async () => {
    const user = await createUser(app.services, { name: 'Grace Hopper' });
    const ua = createUserAgent();
    const first = await ua.follow(`${app.url}/account`);
    expect(first.body).toContain('name="password"');
    const profile = await ua.submit(first, /\/login$/, { email: user.email, password: user.password });
    expect(profile.url).toBe(`${app.url}/account`);
    expect(profile.body).toContain('Grace Hopper');
    expect(profile.body).toContain('Two-step verification is off');
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'signin.succeeded' })).toHaveLength(1);

    // "Sign out": the logout confirmation, then the profile asks for a sign-in again
    const confirm = await ua.follow(new URL(/href="(\/session\/end\?[^"]+)"/.exec(profile.body)![1]!.replace(/&amp;/g, '&'), app.url).href);
    expect(confirm.body).toContain('Sign out of all apps');
    const out = await ua.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' });
    expect(out.body).toContain('You need to sign in to see your profile');
    expect((await ua.follow(`${app.url}/account`)).body).toContain('name="password"');
  });

  it('adds an authenticator app, shows recovery codes once, and the next sign-in asks for it', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const setup = await ua.follow(`${app.url}/account/add/totp`);
    const secret = /<code id="manual-key"[^>]*>([A-Z2-7 ]+)<\/code>/.exec(setup.body)![1]!.replace(/ /g, '');
    // a reload shows the same key (it may already be scanned)
    expect((await ua.follow(`${app.url}/account/add/totp`)).body).toContain(secret.slice(0, 4));
    const wrong = await ua.submit(setup, /\/account\/add\/totp$/, { code: '12345' });
    expect(wrong.status).toBe(400);
    const codes = await ua.submit(wrong, /\/account\/add\/totp$/, { code: await code(secret) });
    expect(codes.body).toContain('Your recovery codes');
    expect([...codes.body.matchAll(/<li><code>/g)]).toHaveLength(10);
    const back = await ua.submit(codes, /\/account\/done$/, {});
    expect(back.body).toContain('Authenticator app');
    expect(back.body).toContain('You have 10 unused recovery codes.');

    clock.advance(30_000);
    const other = createUserAgent();
    const request = await authorizationRequest(rp, client);
    const page = await other.follow(request.url.href, {}, client.redirectUri);
    const next = await submitPassword(other, page, user.email, user.password, client.redirectUri);
    expect(next.body).toContain('Choose a way to confirm');
  });

  it('new recovery codes replace the old ones; removing the last method turns two-step verification off', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const setup = await ua.follow(`${app.url}/account/add/totp`);
    const secret = /<code id="manual-key"[^>]*>([A-Z2-7 ]+)<\/code>/.exec(setup.body)![1]!.replace(/ /g, '');
    const firstCodes = await ua.submit(setup, /\/account\/add\/totp$/, { code: await code(secret) });
    const old = /<li><code>([^<]+)<\/code>/.exec(firstCodes.body)![1]!;
    const profile = await ua.submit(firstCodes, /\/account\/done$/, {});

    const renewed = await ua.submit(profile, /\/account\/recovery-codes$/, {});
    expect(renewed.body).toContain('Your old recovery codes no longer work');
    expect(await app.services.recoveryCodes.consume(user.id, app.services.hashRecoveryCode(user.id, old)!)).toBeUndefined();

    const again = await ua.submit(renewed, /\/account\/done$/, {});
    const removed = await ua.submit(again, /\/remove$/, {});
    expect(removed.body).toContain('Your last method was removed');
    expect(removed.body).toContain('Two-step verification is off');
    expect(await app.services.recoveryCodes.countUnused(user.id)).toBe(0);
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'factor.removed' })).toHaveLength(1);
  });

  it('asks for the password again before a change when the sign-in is older than 10 minutes', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    clock.advance(11 * 60_000);
    const setup = await ua.follow(`${app.url}/account/add/totp`);
    expect(setup.body).toContain('name="password"');
    expect(setup.body).toContain(`value="${user.email}"`);
    const after = await ua.submit(setup, /\/login$/, { email: user.email, password: user.password });
    expect(after.url).toBe(`${app.url}/account/add/totp`);
    expect(after.body).toContain('Set up an authenticator app');
  });

  it('refuses a forged form (no CSRF token) and a foreign callback', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    await openProfile(ua, user);
    const forged = await ua.request(`${app.url}/account/recovery-codes`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(forged.status).toBe(403);
    const stray = await ua.follow(`${app.url}/account/callback?code=abc&state=def`);
    expect(stray.body).toContain('You need to sign in to see your profile');
  });
});

describe('"Stay signed in" on every page of My profile', () => {
  const warningForm = '<form method="post" action="/account/stay"><input type="hidden" name="csrf" value="';
  const returnTo = (page: Step) => /name="return_to" value="([^"]*)"/.exec(page.body)?.[1];

  it('sub-pages carry the idle warning, and staying goes back to the page it was on', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    const password = await openProfile(ua, user, '/account/password');
    expect(password.url).toBe(`${app.url}/account/password`);
    expect(password.body).toContain('id="session-warning"');
    expect(password.body).toContain(warningForm);
    expect(returnTo(password)).toBe('/account/password');
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email }); // so two-step/off is a page
    for (const path of ['/account', '/account/add/totp', '/account/add/webauthn', '/account/two-step/off']) {
      const page = await ua.follow(`${app.url}${path}`);
      expect(page.url).toBe(`${app.url}${path}`);
      expect(page.body.match(/id="session-warning"/g)).toHaveLength(1); // once, from the layout
      expect(returnTo(page)).toBe(path);
    }

    const stayed = await ua.submit(password, /\/account\/stay$/, {});
    expect(stayed.url).toBe(`${app.url}/account/password`);
    expect(stayed.body).toContain('name="current"');
    // a page shown after a form (here its error) leads back to the page of its path
    const wrong = await ua.submit(stayed, /\/account\/password$/, { current: 'not my password', password: 'a brand new passphrase' });
    expect(returnTo(wrong)).toBe('/account/password');
    expect((await ua.submit(wrong, /\/account\/stay$/, {})).url).toBe(`${app.url}/account/password`);
    // with its query, e.g. the language
    const german = await ua.follow(`${app.url}/account/add/totp?ui_locales=de`);
    expect(returnTo(german)).toBe('/account/add/totp?ui_locales=de');
    expect((await ua.submit(german, /\/account\/stay$/, {})).url).toBe(`${app.url}/account/add/totp?ui_locales=de`);
    // a page without a signed-in viewer has none
    expect((await ua.follow(`${app.url}/account/signed-out`)).body).not.toContain('session-warning');
  });

  it('goes back only to a page of My profile: anything else leads to /account', async () => {
    const user = await createUser(app.services);
    const ua = createUserAgent();
    const profile = await openProfile(ua, user);
    const csrf = /name="csrf" value="([^"]+)"/.exec(profile.body)![1]!;
    for (const target of [
      'https://evil.example/account',
      '//evil.example/account',
      '/\\evil.example',
      '/account/../admin',
      '/account/%2e%2e/admin',
      '/admin',
      '/account/callback',
      '/account/no-such-page',
      '/accountant',
      'javascript:alert(1)',
    ]) {
      const step = await ua.request(`${app.url}/account/stay`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, return_to: target }),
      });
      expect(step.status, target).toBe(303);
      expect(step.location, target).toBe(`${app.url}/account`);
    }
  });
});

describe('my profile without a way to send codes', () => {
  it('offers neither e-mail nor SMS codes when no SMTP server, SMS provider or outbox is configured', async () => {
    const bare = await startTestApp({ env: { OUTBOX: 'false' } });
    try {
      const user = await createUser(bare.services);
      const ua = createUserAgent();
      const first = await ua.follow(`${bare.url}/account`);
      const page = await ua.submit(first, /\/login$/, { email: user.email, password: user.password });
      expect(page.body).toContain('Authenticator app');
      expect(page.body).toContain('Security key or passkey');
      expect(page.body).not.toContain('Codes by e-mail');
      expect(page.body).not.toContain('Codes by text message');
    } finally {
      await bare.close();
    }
  });
});
