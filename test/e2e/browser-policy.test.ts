// The organisation's two-step verification policy in a real browser: the mandatory-from
// invitation with "Later", enrolment forced from the date (an e-mail code, read from a real
// SMTP server), allowed methods, sign-out after the first method, and 2FA turned off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TwoFactorPolicy } from '../../src/organisations/policy.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startCallbackServer, submitPasswordForm, useBrowser } from '../support/browser.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc } from '../support/relying-party.js';
import { startInbox, type Inbox } from '../support/smtp-inbox.js';

let app: TestApp;
let inbox: Inbox;
let callbacks: Awaited<ReturnType<typeof startCallbackServer>>;
let client: TestClient;
let strict: TestClient;
let rp: oidc.Configuration;
const browser = useBrowser();

beforeAll(async () => {
  inbox = await startInbox();
  app = await startTestApp({ env: { SMTP_URL: inbox.url, OUTBOX: 'false' } });
  callbacks = await startCallbackServer();
  client = await createClient(app.services, { redirectUri: `${callbacks.url}/callback` });
  strict = await createClient(app.services, { name: 'Payroll', redirectUri: `${callbacks.url}/strict`, metadata: { require_mfa: true } });
  rp = await discover(app.url, client);
});
afterAll(async () => {
  await callbacks?.close();
  await inbox?.close();
  await app?.close();
});

type User = Awaited<ReturnType<typeof createUser>>;
const setPolicy = (user: User, policy: Partial<TwoFactorPolicy>) => app.services.organisations.savePolicy(user.organisationId, policy);
const day = 24 * 3600 * 1000;

describe('organisation policy at sign-in', () => {
  it('before the mandatory-from date invites with "Later"; from it, enrolment (an e-mail code) comes first', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required', mandatoryFrom: new Date(Date.UTC(2099, 6, 1)) });
    const page = await browser.page();
    await page.goto((await authorizationRequest(rp, client)).url.href);
    await submitPasswordForm(page, user);
    await page.getByText('Two-step verification will be required from 1 July 2099.').waitFor();
    await page.getByRole('button', { name: 'Later' }).click();
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));
    expect(await app.services.factors.findByAccount(user.id)).toHaveLength(0);

    // the date has passed: no way around it
    await setPolicy(user, { mandatoryFrom: new Date(Date.now() - day) });
    const request = await authorizationRequest(rp, client, { prompt: 'login' });
    await page.goto(request.url.href);
    await submitPasswordForm(page, user);
    await page.getByText('Your organisation requires two-step verification. Set it up now to continue').waitFor();
    await expect(page.getByRole('button', { name: 'Later' }).count()).resolves.toBe(0);
    // the authenticator app is offered first; another allowed method instead
    await page.getByRole('heading', { name: 'Set up an authenticator app' }).waitFor();
    await page.getByRole('button', { name: 'Use another method' }).click();
    await page.getByLabel('A code by e-mail to your address').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(/We sent a 6-digit code to/).waitFor();
    await page.getByLabel('6-digit code').fill(await inbox.nextCode(user.email));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));
    expect((await exchange(rp, request, page.url())).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });

    const factors = await app.services.factors.findByAccount(user.id);
    expect(factors.map((f) => [f.kind, f.destination])).toEqual([['email', user.email]]);
    expect(await app.services.audit.findRecent({ accountId: user.id, type: 'twofactor.enabled' })).toHaveLength(1);
  });

  it('offers and accepts only the allowed methods: a factor of another kind counts as none', async () => {
    const user = await createUser(app.services);
    await app.services.factors.save({ accountId: user.id, kind: 'totp', label: '', secretSealed: 'not-used' });
    // SMS is allowed but there is no SMS provider: e-mail is the only method left to set up
    await setPolicy(user, { mode: 'required', allowedMethods: ['email', 'sms'] });
    const page = await browser.page();
    await page.goto((await authorizationRequest(rp, client)).url.href);
    await submitPasswordForm(page, user);
    await page.getByText(/We sent a 6-digit code to/).waitFor();
    await expect(page.getByRole('button', { name: 'Use another method' }).count()).resolves.toBe(0);
    await page.getByLabel('6-digit code').fill(await inbox.nextCode(user.email));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));

    // next time: the e-mail code or a recovery code, never the authenticator app
    await page.goto((await authorizationRequest(rp, client, { prompt: 'login' })).url.href);
    await submitPasswordForm(page, user);
    await page.getByRole('heading', { name: 'Choose a way to confirm' }).waitFor();
    const choices = await page.locator('.choice label').allInnerTexts();
    expect(choices.map((c) => c.trim())).toEqual([expect.stringMatching(/^Code by e-mail to /), 'A recovery code']);
  });

  it('signs the user out after the first method when the organisation says so ("Set up now")', async () => {
    const user = await createUser(app.services);
    await setPolicy(user, { mode: 'required', mandatoryFrom: new Date(Date.now() + 30 * day), allowedMethods: ['email'], logoutAfterActivation: true });
    const page = await browser.page();
    await page.goto((await authorizationRequest(rp, client)).url.href);
    await submitPasswordForm(page, user);
    await page.getByText('You will be signed out after you turn it on').waitFor();
    await page.getByRole('button', { name: 'Set up now' }).click();
    await page.getByText(/We sent a 6-digit code to/).waitFor();
    await expect(page.getByText('You will be signed out after you turn it on').count()).resolves.toBe(1);
    await page.getByLabel('6-digit code').fill(await inbox.nextCode(user.email));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByText('next, you are signed out and sign in again').waitFor();
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();

    // back to the password, then the new method
    // news, not an error: a status message, no alert
    await page.getByRole('status').filter({ hasText: 'Two-step verification is now on, so you were signed out' }).waitFor();
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await submitPasswordForm(page, user);
    await page.getByLabel(/Code by e-mail/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('6-digit code').fill(await inbox.nextCode(user.email));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));
  });

  it('with two-step verification off asks nothing, and an app that demands it is told why (access_denied)', async () => {
    const user = await createUser(app.services);
    await app.services.factors.save({ accountId: user.id, kind: 'email', label: '', destination: user.email });
    await setPolicy(user, { mode: 'off' });
    const page = await browser.page();
    const request = await authorizationRequest(rp, client);
    await page.goto(request.url.href);
    await submitPasswordForm(page, user);
    await page.waitForURL((url) => url.href.startsWith(client.redirectUri));
    expect((await exchange(rp, request, page.url())).claims()).toMatchObject({ amr: ['pwd'] });

    const strictRp = await discover(app.url, strict);
    await page.goto((await authorizationRequest(strictRp, strict, { prompt: 'login' })).url.href);
    await submitPasswordForm(page, user);
    await page.getByText('Payroll only lets you in with two-step verification, and your organisation has turned two-step verification off').waitFor();
    await page.getByRole('link', { name: 'Cancel and return to Payroll' }).click();
    await page.waitForURL((url) => url.href.startsWith(strict.redirectUri));
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
  });
});
