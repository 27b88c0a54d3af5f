// The hosted sign-in pages in a real browser (Chromium): what a person sees and can do —
// labels, buttons, error messages, headers and cookies the browser actually gets, the demo app
// end to end, consent for third-party apps, and the whole flow with JavaScript turned off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Response } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { startCallbackServer, useBrowser } from '../support/browser.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, type oidc } from '../support/relying-party.js';

const browser = useBrowser();

let app: TestApp;
let user: Awaited<ReturnType<typeof createUser>>;
let firstParty: TestClient;
let thirdParty: TestClient;
let firstPartyRp: oidc.Configuration;
let thirdPartyRp: oidc.Configuration;
let callbackServer: Awaited<ReturnType<typeof startCallbackServer>>;

beforeAll(async () => {
  app = await startTestApp({ demo: true });
  callbackServer = await startCallbackServer();
  user = await createUser(app.services, { name: 'Grace Hopper' });
  firstParty = await createClient(app.services, { name: 'Inventory', redirectUri: `${callbackServer.url}/inventory/callback` });
  thirdParty = await createClient(app.services, { firstParty: false, name: 'Photo Printer', redirectUri: `${callbackServer.url}/printer/callback` });
  firstPartyRp = await discover(app.url, firstParty);
  thirdPartyRp = await discover(app.url, thirdParty);
});
afterAll(async () => {
  await callbackServer?.close();
  await app?.close();
});

const genericError = 'The e-mail address or password is not correct. Check both and try again.';

/** Wait until the provider has sent the browser back to the client; the callback URL. */
async function callbackUrl(page: Page, client: TestClient): Promise<string> {
  await page.waitForURL((url) => url.href.startsWith(`${client.redirectUri}?`));
  return page.url();
}

/** Main-frame documents the page loaded, as "METHOD path status". */
function recordDocuments(page: Page): string[] {
  const seen: string[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'document' && res.frame() === page.mainFrame()) {
      seen.push(`${res.request().method()} ${new URL(res.url()).pathname} ${res.status()}`);
    }
  });
  return seen;
}

async function signInForm(page: Page, email: string, password: string): Promise<Response> {
  await page.getByLabel('E-mail address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && /\/interaction\/[^/]+\/login$/.test(new URL(r.url()).pathname)),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ]);
  return response;
}

async function heading(page: Page): Promise<string> {
  return (await page.getByRole('heading', { level: 1 }).innerText()).trim();
}

/**
 * Every form control has a visible label that names it (label[for=id]), and every button says
 * what it does: not empty, not a generic "Submit"/"OK".
 */
async function formProblems(page: Page): Promise<string[]> {
  const controls = await page.locator('input:not([type=hidden]), select, textarea').all();
  const problems: string[] = [];
  for (const control of controls) {
    const id = await control.getAttribute('id');
    const html = await control.evaluate((el) => el.outerHTML);
    if (!id) {
      problems.push(`no id, so no label[for]: ${html}`);
      continue;
    }
    const label = page.locator(`label[for="${id}"]`);
    if ((await label.count()) !== 1) problems.push(`expected one label[for=${id}], found ${await label.count()}`);
    else if (!(await label.isVisible())) problems.push(`label[for=${id}] is not visible`);
    else if (!(await label.innerText()).trim()) problems.push(`label[for=${id}] is empty`);
  }
  for (const button of await page.locator('button, input[type=submit], input[type=button]').all()) {
    const text = ((await button.evaluate((el) => (el.tagName === 'INPUT' ? (el as unknown as { value: string }).value : el.textContent))) ?? '').trim();
    if (!text) problems.push(`button without text: ${await button.evaluate((el) => el.outerHTML)}`);
    else if (/^(submit|ok|go|send|continue)$/i.test(text)) problems.push(`button says "${text}", not what it does`);
  }
  return problems;
}

describe('the demo relying party', () => {
  it('signs in by label, shows the verified ID-token claims, and signs out after confirmation', async () => {
    const demo = app.demo!;
    const account = await app.services.accounts.findByEmail(demo.email);
    const page = await browser.page();
    // CSP violations (a blocked stylesheet or script) and script errors show up here.
    const consoleErrors: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? consoleErrors.push(m.text()) : undefined));
    page.on('pageerror', (err) => consoleErrors.push(err.message));

    await page.goto(`${app.url}/demo`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/interaction\/[^/]+$/);
    expect(await heading(page)).toBe('Sign in to Twofold demo app');

    await signInForm(page, demo.email, demo.password);
    await page.waitForURL(`${app.url}/demo/callback?**`);
    expect(await page.getByRole('status').innerText()).toBe('You are signed in');
    const claims = JSON.parse(await page.locator('#claims').innerText()) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: account!.id, email: demo.email, amr: ['pwd'], acr: 'urn:twofold:acr:pwd', iss: app.url, aud: demo.clientId });

    await page.getByRole('link', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(/\/session\/end/);
    expect(await heading(page)).toBe('Sign out of Twofold demo app?');
    expect(await formProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Sign out of all apps' }).click();
    await page.waitForURL(`${app.url}/demo`);
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('twofold.session');

    // signed out for real: the next sign-in asks for the password again
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/interaction\/[^/]+$/);
    await expect(page.getByLabel('Password', { exact: true }).isVisible()).resolves.toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('"Sign out of this app only" keeps the sign-in session: the next sign-in needs no password', async () => {
    const demo = app.demo!;
    const page = await browser.page();
    await page.goto(`${app.url}/demo/login`);
    await signInForm(page, demo.email, demo.password);
    await page.waitForURL(`${app.url}/demo/callback?**`);
    await page.getByRole('link', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out of Twofold demo app only' }).click();
    await page.waitForURL(`${app.url}/demo`);

    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${app.url}/demo/callback?**`);
    expect(await page.getByRole('status').innerText()).toBe('You are signed in');
  });
});

describe('the sign-in page', () => {
  it('gives the same message for a wrong password and an unknown e-mail, keeps the e-mail, clears the password', async () => {
    const page = await browser.page();
    const request = await authorizationRequest(firstPartyRp, firstParty);
    await page.goto(request.url.href);

    const wrong = await signInForm(page, user.email, 'not the password at all');
    expect(wrong.status()).toBe(401);
    const wrongMessage = await page.getByRole('alert').innerText();
    expect(wrongMessage).toBe(genericError);
    expect(await page.getByLabel('E-mail address', { exact: true }).inputValue()).toBe(user.email);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    // the message is tied to the field for screen readers, and the cursor waits in the password field
    expect(await page.getByLabel('E-mail address', { exact: true }).getAttribute('aria-describedby')).toBe('form-error');
    expect(await page.locator(':focus').getAttribute('id')).toBe('password');

    const unknownEmail = `nobody-${Date.now()}@example.com`;
    const unknown = await signInForm(page, unknownEmail, user.password);
    expect(unknown.status()).toBe(401);
    expect(await page.getByRole('alert').innerText()).toBe(wrongMessage);
    expect(await page.getByLabel('E-mail address', { exact: true }).inputValue()).toBe(unknownEmail);
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');

    // after the errors the same page still signs in
    await signInForm(page, user.email, user.password);
    const tokens = await exchange(firstPartyRp, request, await callbackUrl(page, firstParty));
    expect(tokens.claims()?.sub).toBe(user.id);
  });

  it('sends no-store, a frame-denying CSP, nosniff and a referrer policy; every cookie is HttpOnly and SameSite=Lax', async () => {
    const context = await browser.context();
    const page = await context.newPage();
    const setCookies: string[] = [];
    page.on('response', async (res) => {
      if (res.url().startsWith(app.url)) {
        for (const h of await res.headersArray()) if (h.name.toLowerCase() === 'set-cookie') setCookies.push(...h.value.split('\n'));
      }
    });
    const request = await authorizationRequest(firstPartyRp, firstParty);

    const response = await page.goto(request.url.href);
    expect(new URL(response!.url()).pathname).toMatch(/^\/interaction\/[^/]+$/);
    const headers = await response!.allHeaders();
    expect(headers['cache-control']).toMatch(/\bno-store\b/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['content-type']).toMatch(/^text\/html; charset=utf-8/);

    const onSignInPage = await context.cookies();
    expect(onSignInPage.map((c) => c.name)).toEqual(expect.arrayContaining(['twofold.interaction', 'twofold.csrf']));

    await signInForm(page, user.email, user.password);
    await callbackUrl(page, firstParty);
    const afterSignIn = await context.cookies();
    expect(afterSignIn.map((c) => c.name)).toContain('twofold.session');
    for (const cookie of [...onSignInPage, ...afterSignIn]) {
      expect({ name: cookie.name, httpOnly: cookie.httpOnly, sameSite: cookie.sameSite }).toEqual({ name: cookie.name, httpOnly: true, sameSite: 'Lax' });
    }
    // and explicitly so on the wire, not by the browser's defaults
    expect(setCookies.length).toBeGreaterThan(0);
    for (const line of setCookies) {
      expect(line.toLowerCase(), line.split('=')[0]).toMatch(/;\s*httponly\b/);
      expect(line.toLowerCase(), line.split('=')[0]).toMatch(/;\s*samesite=lax\b/);
    }
  });

  it('labels every control visibly on the sign-in, consent and logout pages, and every button says what it does', async () => {
    const page = await browser.page();
    await page.goto((await authorizationRequest(thirdPartyRp, thirdParty)).url.href);

    expect(await heading(page)).toBe('Sign in to Photo Printer');
    expect(await page.getByLabel('E-mail address', { exact: true }).getAttribute('type')).toBe('email');
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('type')).toBe('password');
    expect(await page.getByLabel('E-mail address', { exact: true }).getAttribute('autocomplete')).toBe('username');
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('autocomplete')).toBe('current-password');
    await expect(page.getByRole('button', { name: 'Sign in', exact: true }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: 'Cancel and return to Photo Printer' }).count()).resolves.toBe(1);
    expect(await formProblems(page)).toEqual([]);
    // the stylesheet is allowed by the CSP and applied
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor)).toBe('rgb(11, 95, 255)');

    await signInForm(page, user.email, user.password);
    await page.getByRole('heading', { name: 'Photo Printer wants to access your account' }).waitFor();
    await expect(page.getByRole('button', { name: 'Allow access' }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: 'Deny and return to Photo Printer' }).count()).resolves.toBe(1);
    expect(await formProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Allow access' }).click();
    await callbackUrl(page, thirdParty);

    await page.goto(`${app.url}/session/end`);
    expect(await heading(page)).toBe('Sign out of Twofold?');
    await expect(page.getByRole('button', { name: 'Sign out of all apps' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Stay signed in' }).count()).resolves.toBe(1);
    expect(await formProblems(page)).toEqual([]);
  });
});

describe('leaving without signing in', () => {
  it('"Cancel" on the sign-in page and "Deny" on the consent page return to the app with access_denied', async () => {
    const page = await browser.page();
    const request = await authorizationRequest(thirdPartyRp, thirdParty);
    await page.goto(request.url.href);
    await page.getByRole('link', { name: 'Cancel and return to Photo Printer' }).click();
    const cancelled = new URL(await callbackUrl(page, thirdParty));
    expect(Object.fromEntries(cancelled.searchParams)).toMatchObject({ error: 'access_denied', state: request.state, iss: app.url });

    const second = await authorizationRequest(thirdPartyRp, thirdParty);
    await page.goto(second.url.href);
    await signInForm(page, user.email, user.password);
    await page.getByRole('link', { name: 'Deny and return to Photo Printer' }).click();
    const denied = new URL(await callbackUrl(page, thirdParty));
    expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: 'access_denied', state: second.state });
  });
});

describe('consent', () => {
  it('asks a third-party app\'s user for consent, lists what the app asks for, and "Allow access" completes', async () => {
    const page = await browser.page();
    const request = await authorizationRequest(thirdPartyRp, thirdParty);
    await page.goto(request.url.href);
    await signInForm(page, user.email, user.password);

    await page.getByRole('heading', { name: 'Photo Printer wants to access your account' }).waitFor();
    expect(await page.locator('main li').allInnerTexts()).toEqual(['Know who you are (your account identifier)', 'See your e-mail address', 'See your name']);
    expect(await page.locator('main').innerText()).toContain(`Signed in as ${user.email}.`);
    await page.getByRole('button', { name: 'Allow access' }).click();

    const tokens = await exchange(thirdPartyRp, request, await callbackUrl(page, thirdParty));
    expect(tokens.claims()).toMatchObject({ sub: user.id, email: user.email, name: 'Grace Hopper' });

    // consent given once is remembered: the next request of the same app goes straight back
    const documents = recordDocuments(page);
    const second = await authorizationRequest(thirdPartyRp, thirdParty);
    await page.goto(second.url.href);
    await exchange(thirdPartyRp, second, await callbackUrl(page, thirdParty));
    expect(documents.filter((d) => d.includes('/interaction/'))).toEqual([]);
  });

  it('skips consent for a first-party app', async () => {
    const page = await browser.page();
    const documents = recordDocuments(page);
    const request = await authorizationRequest(firstPartyRp, firstParty);
    await page.goto(request.url.href);
    await signInForm(page, user.email, user.password);
    await exchange(firstPartyRp, request, await callbackUrl(page, firstParty));
    // the sign-in page and nothing else of ours
    expect(documents.filter((d) => d.startsWith('GET /interaction/'))).toEqual([expect.stringMatching(/^GET \/interaction\/[^/]+ 200$/)]);
  });
});

describe('signing out', () => {
  it('without a session (it expired, or another tab signed out) still ends on the signed-out page', async () => {
    // oidc-provider answers with a self-submitting form whose inline script our CSP must allow
    const page = await browser.page();
    await page.goto(`${app.url}/session/end`);
    await page.waitForURL(/\/session\/end\/success/);
    expect(await heading(page)).toBe('You are signed out');
  });
});

describe('without JavaScript', () => {
  it('signs in, consents and signs out with plain HTML forms', async () => {
    const page = await browser.page({ javaScriptEnabled: false });
    const request = await authorizationRequest(thirdPartyRp, thirdParty);
    await page.goto(request.url.href);

    const wrong = await signInForm(page, user.email, 'wrong password');
    expect(wrong.status()).toBe(401);
    expect(await page.getByRole('alert').innerText()).toBe(genericError);

    await signInForm(page, user.email, user.password);
    await page.getByRole('button', { name: 'Allow access' }).click();
    const tokens = await exchange(thirdPartyRp, request, await callbackUrl(page, thirdParty));
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: ['pwd'] });

    await page.goto(`${app.url}/session/end`);
    await page.getByRole('button', { name: 'Sign out of all apps' }).click();
    await page.waitForURL(/\/session\/end\/success/);
    expect(await heading(page)).toBe('You are signed out');
  });
});
