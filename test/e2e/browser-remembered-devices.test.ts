// "Remember this device for 7 days" in a real browser: the checkbox after the second factor,
// the skip at the next sign-in (tokens say amr ["pwd"] and acr remembered-device, read by
// openid-client), and every reason a remembered device is not honoured, each with the sentence
// the second-factor page shows. The client address comes from X-Forwarded-For (TRUST_PROXY);
// the clock is injected (TOTP time steps, expiry).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, generateSecret } from 'otplib';
import type { BrowserContext, Page } from 'playwright-core';
import { manualClock } from '../../src/clock.js';
import { totpSecretContext } from '../../src/factors/totp/totp-secret.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { addVirtualAuthenticator, startCallbackServer, submitPasswordForm, useBrowser } from '../support/browser.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc } from '../support/relying-party.js';

const clock = manualClock(Date.now());
const browser = useBrowser();
let app: TestApp;
let callback: Awaited<ReturnType<typeof startCallbackServer>>;
let client: TestClient;
let strict: TestClient;
let rp: oidc.Configuration;
let rpStrict: oidc.Configuration;

const firefoxOnWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';
const home = { 'x-forwarded-for': '203.0.113.7' };

beforeAll(async () => {
  callback = await startCallbackServer();
  app = await startTestApp({ clock, env: { TRUST_PROXY: 'true' } });
  client = await createClient(app.services, { redirectUri: `${callback.url}/callback` });
  strict = await createClient(app.services, { redirectUri: `${callback.url}/strict`, name: 'Payroll', metadata: { require_mfa: true } });
  [rp, rpStrict] = await Promise.all([discover(app.url, client), discover(app.url, strict)]);
});
afterAll(async () => {
  await app?.close();
  await callback?.close();
});

/** A user whose one second factor is an authenticator app. */
async function userWithApp() {
  const user = await createUser(app.services);
  const secret = generateSecret();
  const id = randomUUID();
  await app.services.factors.save({ id, accountId: user.id, kind: 'totp', label: '', secretSealed: app.services.box.seal(secret, totpSecretContext(id)) });
  return { ...user, secret };
}
type User = Awaited<ReturnType<typeof userWithApp>>;

/** A fresh TOTP code: every sign-in uses the next time step. */
async function nextCode(secret: string) {
  clock.advance(30_000);
  return generate({ secret, epoch: Math.floor(clock.now() / 1000), period: 30, digits: 6, algorithm: 'sha1' });
}

async function browserContext(opts: { userAgent?: string; ip?: Record<string, string> } = {}) {
  return browser.context({ extraHTTPHeaders: opts.ip ?? home, ...(opts.userAgent ? { userAgent: opts.userAgent } : {}) });
}

/**
 * One sign-in in the browser: the app's authorization request, the password, and the second
 * factor when it is asked (ticking "Remember" when told). Returns the tokens and what the
 * second-factor page said about the remembered device.
 */
async function signIn(page: Page, user: User, opts: { remember?: boolean; params?: Record<string, string>; which?: 'client' | 'strict' } = {}) {
  const [c, config] = opts.which === 'strict' ? [strict, rpStrict] : [client, rp];
  const request = await authorizationRequest(config, c, opts.params ?? {});
  await page.goto(request.url.href);
  await submitPasswordForm(page, user);
  const factor = page.getByRole('heading', { name: 'Confirm it is you' });
  await Promise.race([page.waitForURL(`${c.redirectUri}?**`), factor.waitFor()]);
  let askedForFactor = false;
  let notice: string | undefined;
  if (!page.url().startsWith(c.redirectUri)) {
    askedForFactor = true;
    notice = (await page.locator('#device-notice').count()) ? await page.locator('#device-notice').innerText() : undefined;
    await page.getByLabel('6-digit code').fill(await nextCode(user.secret));
    if (opts.remember) await page.getByLabel('Remember this device for 7 days').check();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${c.redirectUri}?**`);
  }
  const tokens = await exchange(config, request, page.url());
  return { askedForFactor, notice, claims: tokens.claims()! };
}

/** End the sign-in session but keep every other cookie (the remembered device's among them). */
async function endSession(context: BrowserContext) {
  const keep = (await context.cookies()).filter((c) => c.name !== 'twofold.session' && c.name !== 'twofold.session.sig');
  await context.clearCookies();
  await context.addCookies(keep);
}

/** Remember the browser of a new context for a new user; the session is ended afterwards. */
async function remembered(opts: { userAgent?: string; ip?: Record<string, string> } = {}) {
  const user = await userWithApp();
  const context = await browserContext(opts);
  const page = await context.newPage();
  const first = await signIn(page, user, { remember: true });
  expect(first.claims).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });
  await endSession(context);
  return { user, context, page };
}

describe('remembering a browser', () => {
  it('skips the second factor at the next sign-in; the tokens say pwd and remembered-device, never a factor', async () => {
    const { user, context, page } = await remembered();
    const cookies = (await context.cookies()).filter((c) => c.name.startsWith('twofold.device.'));
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0]!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(cookie.name).not.toContain(user.id);
    const { rows } = await app.services.db.query<{ token_hash: string; browser: string; os: string; ip: string }>('SELECT token_hash, browser, os, ip FROM remembered_devices WHERE account_id = $1', [
      user.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ browser: 'Chrome', os: 'Linux', ip: '203.0.113.7' });
    expect(rows[0]!.token_hash).not.toBe(cookie.value);
    const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'device.remembered' });
    expect(event).toMatchObject({ ip: '203.0.113.7', details: { browser: 'Chrome', os: 'Linux', days: 7 } });
    expect(event!.userAgent).toContain('Chrome');

    const second = await signIn(page, user);
    expect(second.askedForFactor).toBe(false);
    expect(second.claims.amr).toEqual(['pwd']);
    expect(second.claims.acr).toBe('urn:twofold:acr:remembered-device');

    // an app that requires a second factor accepts the remembered device (single sign-on)
    const payroll = await signInSilently(page, 'strict');
    expect(payroll).toMatchObject({ amr: ['pwd'], acr: 'urn:twofold:acr:remembered-device' });

    // an explicit acr_values=…:mfa is a step-up: the second factor now, whatever is remembered
    const request = await authorizationRequest(rp, client, { acr_values: 'urn:twofold:acr:mfa' });
    await page.goto(request.url.href);
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await page.getByLabel('6-digit code').fill(await nextCode(user.secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${client.redirectUri}?**`);
    expect((await exchange(rp, request, page.url())).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });
  });

  it('another browser (a new context: incognito) has no cookie and is simply asked; so is another user on this browser', async () => {
    const { page } = await remembered();
    const stranger = await browserContext();
    const other = await signIn(await stranger.newPage(), await userWithApp());
    expect(other).toMatchObject({ askedForFactor: true, notice: undefined });

    // a second account in the remembering browser: its own cookie (none yet), nothing said
    const second = await userWithApp();
    const result = await signIn(page, second, { remember: true });
    expect(result).toMatchObject({ askedForFactor: true, notice: undefined });
    expect((await page.context().cookies()).filter((c) => c.name.startsWith('twofold.device.'))).toHaveLength(2);
  });

  it("another user's token under this user's cookie name, or an unknown token, counts as no cookie", async () => {
    const a = await remembered();
    const b = await userWithApp();
    const tokenOfA = (await a.context.cookies()).find((c) => c.name.startsWith('twofold.device.'))!.value;
    const context = await browserContext();
    await context.addCookies([{ name: app.services.devices.cookieName(b.id), value: tokenOfA, url: app.url, httpOnly: true, sameSite: 'Lax' }]);
    expect(await signIn(await context.newPage(), b)).toMatchObject({ askedForFactor: true, notice: undefined });
    const unknown = await browserContext();
    await unknown.addCookies([{ name: app.services.devices.cookieName(a.user.id), value: 'x'.repeat(43), url: app.url, httpOnly: true, sameSite: 'Lax' }]);
    expect(await signIn(await unknown.newPage(), a.user)).toMatchObject({ askedForFactor: true, notice: undefined });
    expect(await app.services.audit.findRecent({ accountId: b.id, type: 'device.not_honoured' })).toHaveLength(0);
    expect(await app.services.audit.findRecent({ accountId: a.user.id, type: 'device.not_honoured' })).toHaveLength(0);
  });
});

/** prompt=none authorization of an app in the page's browser: the ID token's claims. */
async function signInSilently(page: Page, which: 'client' | 'strict') {
  const [c, config] = which === 'strict' ? [strict, rpStrict] : [client, rp];
  const request = await authorizationRequest(config, c, { prompt: 'none' });
  await page.goto(request.url.href);
  await page.waitForURL(`${c.redirectUri}?**`);
  return (await exchange(config, request, page.url())).claims();
}

describe("the organisation's policy", () => {
  it('prefix: the same /24 is the same network, the next one is not; 0 days hides the box', async () => {
    const { user, context, page } = await remembered();
    await app.services.organisations.savePolicy(user.organisationId, { rememberIpRule: 'prefix' });
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': '203.0.113.200' });
    expect((await signIn(page, user)).askedForFactor).toBe(false);
    await endSession(context);
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': '203.0.114.7' });
    const elsewhere = await signIn(page, user);
    expect(elsewhere.notice).toContain('but you are now signing in from a different network');

    await app.services.organisations.savePolicy(user.organisationId, { rememberDeviceDays: 0 });
    await endSession(context);
    const request = await authorizationRequest(rp, client);
    await page.goto(request.url.href);
    await submitPasswordForm(page, user);
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await expect(page.getByLabel(/Remember this device/).count()).resolves.toBe(0);
    // remembering is off for the organisation: the old device is not honoured, and nothing is said
    await expect(page.locator('#device-notice').count()).resolves.toBe(0);
  });
});

describe('a remembered browser that is not honoured says why', () => {
  const today = () => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long' }).format(new Date());

  /** Sign in again after `change`; the second factor is asked and the page says `expected`. */
  async function expectNotHonoured(page: Page, user: User, expected: RegExp, reason: string, opts: { params?: Record<string, string> } = {}) {
    const result = await signIn(page, user, opts);
    expect(result.askedForFactor).toBe(true);
    expect(result.notice).toMatch(expected);
    expect(result.notice).toContain(`You asked us to remember this browser on ${today()}`);
    const events = await app.services.audit.findRecent({ accountId: user.id, type: 'device.not_honoured' });
    expect(events[0]?.details).toMatchObject({ reason });
    return result;
  }

  it('a different browser or operating system', async () => {
    const { user, context } = await remembered();
    const firefox = await browserContext({ userAgent: firefoxOnWindows });
    await firefox.addCookies((await context.cookies()).filter((c) => c.name.startsWith('twofold.device.')));
    await expectNotHonoured(await firefox.newPage(), user, /but you are now signing in with a different browser or operating system/, 'different_browser');
  });

  it('a different network (the organisation checks the exact address)', async () => {
    const { user, context, page } = await remembered();
    await context.setExtraHTTPHeaders({ 'x-forwarded-for': '198.51.100.20' });
    await expectNotHonoured(page, user, /but you are now signing in from a different network/, 'different_network');
    // remembered again from here: the browser's old record is replaced, not kept beside it
    await endSession(context);
    await signIn(page, user, { remember: true });
    expect((await app.services.devices.list(user.id)).map((d) => d.ip)).toEqual(['198.51.100.20']);
    await endSession(context);
    expect((await signIn(page, user)).askedForFactor).toBe(false);
  });

  it('forgotten in My profile (one device), then "Forget all devices"', async () => {
    const user = await userWithApp();
    const context = await browserContext();
    const page = await context.newPage();
    await signIn(page, user, { remember: true });
    await page.goto(`${app.url}/account`);
    const section = page.getByRole('region', { name: 'Remembered devices' });
    await expect(section.getByText('Chrome on Linux', { exact: true }).count()).resolves.toBe(1);
    await expect(section.getByText('This browser', { exact: true }).count()).resolves.toBe(1);
    await expect(section.getByText(/IP address 203\.0\.113\.7 · remembered on/).count()).resolves.toBe(1);
    await section.getByRole('button', { name: 'Forget Chrome on Linux' }).click();
    await page.getByText('The browser was forgotten').waitFor();
    await expect(page.getByText('No browser is remembered.').count()).resolves.toBe(1);
    const [event] = await app.services.audit.findRecent({ accountId: user.id, type: 'device.forgotten' });
    expect(event?.details).toMatchObject({ reason: 'profile', count: 1 });

    await endSession(context);
    await expectNotHonoured(page, user, new RegExp(`but it was forgotten in My profile on ${today()}`), 'forgotten');

    // remember it again (the old cookie is replaced), then forget all
    await endSession(context);
    await signIn(page, user, { remember: true });
    await page.goto(`${app.url}/account`);
    await page.getByRole('button', { name: 'Forget all devices' }).click();
    await page.getByText('1 browser was forgotten').waitFor();
    expect(await app.services.devices.list(user.id)).toHaveLength(0);
  });

  it('forgotten by a password change, a 2FA reset or "sign out everywhere" (forgetAll)', async () => {
    const { user, page } = await remembered();
    expect(await app.services.devices.forgetAll(user.id, 'signed_out_everywhere')).toBe(1);
    await expectNotHonoured(page, user, /but your account was signed out everywhere on/, 'forgotten');
  });

  it("forgotten by an administrator (the admin API's and console's forget devices)", async () => {
    const { user, page } = await remembered();
    expect(await app.services.devices.forgetAll(user.id, 'administrator')).toBe(1);
    await expectNotHonoured(page, user, /an administrator had every remembered browser of your account forgotten/, 'forgotten');
  });

  it('security-critical: a failed sign-in attempt since it was last used', async () => {
    const { user, page } = await remembered();
    const elsewhere = await (await browserContext({ ip: { 'x-forwarded-for': '192.0.2.66' } })).newPage();
    await elsewhere.goto((await authorizationRequest(rp, client)).url.href);
    await submitPasswordForm(elsewhere, { email: user.email, password: 'not the password at all' });
    await elsewhere.getByText('The e-mail address or password is not correct').waitFor();
    await expectNotHonoured(page, user, /someone tried to sign in to your account and failed/, 'failed_attempts');
  });

  it('security-critical: the password changed since', async () => {
    const { user, page } = await remembered();
    const password = 'a brand new password for this test';
    await app.services.accounts.savePasswordHash(user.id, await app.services.hasher.hash(password));
    await expectNotHonoured(page, { ...user, password }, /your password or two-step verification changed since you last used it/, 'credential_changed');
  });

  it('security-critical: an administrator flagged the account', async () => {
    const { user, page } = await remembered();
    await app.services.devices.repo.setFlag(user.email, true);
    await expectNotHonoured(page, user, /an administrator asked us to check every sign-in/, 'flagged');
  });

  it('security-critical: the app asks for a fresh second factor (acr_values, max_age)', async () => {
    const { user, context, page } = await remembered();
    const result = await expectNotHonoured(page, user, /but App client-\w+ asks for your second factor this time/, 'fresh_factor', { params: { acr_values: 'urn:twofold:acr:mfa' } });
    expect(result.claims).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:twofold:acr:mfa' });
    await endSession(context);
    await expectNotHonoured(page, user, /asks for your second factor this time/, 'fresh_factor', { params: { max_age: '3600' } });
    // and without such a demand, the same browser is honoured again
    await endSession(context);
    expect((await signIn(page, user)).askedForFactor).toBe(false);
  });

  // last: it moves the clock eight days on
  it('expired: more than 7 days ago', async () => {
    const { user, page } = await remembered();
    clock.advance(8 * 86_400_000);
    await expectNotHonoured(page, user, /for 7 days\. That time is over/, 'expired');
  });
});

describe('remembering a browser on the security-key page', () => {
  // WebAuthn needs a domain as relying-party id (not an IP address): this app's issuer is localhost
  let keyApp: TestApp;
  let keyClient: TestClient;
  let keyRp: oidc.Configuration;
  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    keyApp = await startTestApp({ server, env: { ISSUER: `http://localhost:${(server.address() as AddressInfo).port}` } });
    keyClient = await createClient(keyApp.services, { redirectUri: `${callback.url}/key` });
    keyRp = await discover(keyApp.config.issuer, keyClient);
  });
  afterAll(() => keyApp?.close());

  it('waits for the box to be ticked, then the next sign-in skips the key', async () => {
    const user = await createUser(keyApp.services);
    const issuer = keyApp.config.issuer;
    const page = await browser.page();
    await addVirtualAuthenticator(page);
    await page.goto(`${issuer}/account/add/webauthn`);
    await submitPasswordForm(page, user);
    await page.getByRole('button', { name: 'Add security key or passkey' }).click();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.waitForURL(`${issuer}/account`);

    const signIn = async () => {
      const request = await authorizationRequest(keyRp, keyClient, { prompt: 'login' });
      await page.goto(request.url.href);
      await submitPasswordForm(page, user);
      return request;
    };
    const first = await signIn();
    await page.getByRole('heading', { name: 'Choose a way to confirm' }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Remember this device for 7 days').check();
    await page.getByRole('button', { name: 'Use my security key or passkey' }).click();
    await page.waitForURL(`${keyClient.redirectUri}?**`);
    expect((await exchange(keyRp, first, page.url())).claims()).toMatchObject({ amr: ['pwd', 'hwk', 'user', 'mfa'] });
    expect(await keyApp.services.devices.list(user.id)).toHaveLength(1);

    // prompt=login asks for the password again, and (a fresh sign-in demanded) for the key too
    await signIn();
    await page.getByRole('heading', { name: 'Choose a way to confirm' }).waitFor();
    await expect(page.locator('#device-notice').innerText()).resolves.toContain('asks for your second factor this time');

    // a plain sign-in after the session ended: the remembered browser skips the key
    await endSession(page.context());
    const request = await authorizationRequest(keyRp, keyClient);
    await page.goto(request.url.href);
    await submitPasswordForm(page, user);
    await page.waitForURL(`${keyClient.redirectUri}?**`);
    expect((await exchange(keyRp, request, page.url())).claims()).toMatchObject({ amr: ['pwd'], acr: 'urn:twofold:acr:remembered-device' });
  });
});
