// Sessions the user understands, in a real browser: after the idle limit or the absolute
// lifetime the next sign-in page says which it was (each audited once), a logout is not an
// expiry, and My profile warns before the idle limit with "Stay signed in". Redis TTLs are real
// time, so the expiry tests use a 3 s idle limit and a 6 s lifetime and wait; the warning's
// timers run on the page's fake clock.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { startCallbackServer, submitPasswordForm, useBrowser } from '../support/browser.js';
import { createClient, createUser, type TestClient } from '../support/fixtures.js';
import { authorizationRequest, discover, exchange, oidc } from '../support/relying-party.js';

const browser = useBrowser();
let callback: Awaited<ReturnType<typeof startCallbackServer>>;

beforeAll(async () => {
  callback = await startCallbackServer();
});
afterAll(() => callback?.close());

describe('the sign-in page after a session ended (3 s idle, 6 s absolute)', () => {
  let app: TestApp;
  let client: TestClient;
  let rp: oidc.Configuration;

  beforeAll(async () => {
    app = await startTestApp({ env: { SESSION_IDLE_SECONDS: '3', SESSION_MAX_SECONDS: '6' } });
    client = await createClient(app.services, { redirectUri: `${callback.url}/callback` });
    rp = await discover(app.url, client);
  });
  afterAll(() => app?.close());

  /** The app's authorization request; returns what came back (a code) or the page shown. */
  async function authorize(page: Page, params: Record<string, string> = {}) {
    const request = await authorizationRequest(rp, client, params);
    await page.goto(request.url.href);
    return { request, signedIn: page.url().startsWith(client.redirectUri) };
  }

  async function signIn(page: Page, user: { email: string; password: string }) {
    const { request } = await authorize(page);
    await submitPasswordForm(page, user);
    await page.waitForURL(`${client.redirectUri}?**`);
    return exchange(rp, request, page.url());
  }

  const notice = async (page: Page) => ((await page.locator('p.notice').count()) ? page.locator('p.notice').innerText() : undefined);
  const events = (accountId: string, type: 'session.expired_idle' | 'session.expired_absolute') => app.services.audit.findRecent({ accountId, type });

  it('after the idle limit: "signed out after 3 seconds without activity", audited once', async () => {
    const user = await createUser(app.services);
    const page = await (await browser.context()).newPage();
    await signIn(page, user);
    await sleep(3500);
    const again = await authorize(page);
    expect(again.signedIn).toBe(false);
    await page.getByLabel('Password', { exact: true }).waitFor();
    expect(await notice(page)).toBe('You were signed out after 3 seconds without activity. Sign in again to continue.');
    // a reload of the same page still says it; the audit log has it once
    await page.reload();
    expect(await notice(page)).toContain('without activity');
    expect(await events(user.id, 'session.expired_idle')).toHaveLength(1);
    expect(await events(user.id, 'session.expired_absolute')).toHaveLength(0);
    // a new sign-in after that is a plain form again
    await submitPasswordForm(page, user);
    await page.waitForURL(`${client.redirectUri}?**`);
    const request = await authorizationRequest(rp, client, { prompt: 'login' });
    await page.goto(request.url.href);
    expect(await notice(page)).not.toContain('signed out');
  });

  it('at the absolute lifetime, even with activity: "a sign-in lasts at most 6 seconds"', async () => {
    const user = await createUser(app.services);
    const page = await (await browser.context()).newPage();
    await signIn(page, user);
    // activity at 2 s and 4 s keeps it alive past the 3 s idle limit, but not past 6 s
    for (let i = 0; i < 2; i++) {
      await sleep(2000);
      expect((await authorize(page, { prompt: 'none' })).signedIn).toBe(true);
      expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    }
    await sleep(2500);
    await authorize(page);
    await page.getByLabel('Password', { exact: true }).waitFor();
    expect(await notice(page)).toBe('You were signed out because a sign-in lasts at most 6 seconds. Sign in again to continue.');
    expect(await events(user.id, 'session.expired_absolute')).toHaveLength(1);
    expect(await events(user.id, 'session.expired_idle')).toHaveLength(0);
  });

  it('a logout is not an expiry: the next sign-in page says nothing about it', async () => {
    const user = await createUser(app.services);
    const page = await (await browser.context()).newPage();
    const tokens = await signIn(page, user);
    await page.goto(oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token! }).href);
    await page
      .getByRole('button', { name: /Sign out/ })
      .first()
      .click();
    await page.waitForLoadState();
    await sleep(3500);
    await authorize(page);
    await page.getByLabel('Password', { exact: true }).waitFor();
    expect(await notice(page)).toBeUndefined();
    expect(await events(user.id, 'session.expired_idle')).toHaveLength(0);
  });

  it('keeps only a small marker per session in Redis, without the session id', async () => {
    const user = await createUser(app.services);
    const context = await browser.context();
    await signIn(await context.newPage(), user);
    const sessionId = (await context.cookies()).find((c) => c.name === 'twofold.session')!.value;
    const hint = (await context.cookies()).find((c) => c.name === 'twofold.last-session')!;
    expect(hint).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(hint.value).not.toContain(sessionId);
    const marker = await app.services.store.get(`session-end:${hint.value}`);
    expect(marker).toBeDefined();
    expect(marker!.length).toBeLessThan(120);
    expect(marker).not.toContain(sessionId);
  });
});

describe('My profile warns before the idle limit (300 s)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('offers "Stay signed in" a minute before, which keeps the session; after the limit it says so', async () => {
    const user = await createUser(app.services);
    const page = await (await browser.context()).newPage();
    await page.clock.install();
    await page.goto(`${app.url}/account`);
    await submitPasswordForm(page, user);
    await page.waitForURL(`${app.url}/account`);
    const warning = page.getByRole('alert');
    await expect(warning.isVisible()).resolves.toBe(false);

    await page.clock.fastForward('04:01');
    await warning.getByText('you will be signed out in 1 minute without activity').waitFor();
    await warning.getByRole('button', { name: 'Stay signed in' }).click();
    await page.waitForURL(`${app.url}/account`);
    await page.getByRole('heading', { name: 'My profile' }).waitFor();
    await expect(page.getByRole('alert').isVisible()).resolves.toBe(false);

    await page.clock.fastForward('05:01');
    await page.getByText('You were signed out after 5 minutes without activity.').waitFor();
    await page.getByRole('link', { name: 'Sign in again' }).waitFor();
  });

  it('warns on the other pages of My profile too, and staying returns to the page', async () => {
    const user = await createUser(app.services);
    const page = await (await browser.context()).newPage();
    await page.clock.install();
    await page.goto(`${app.url}/account/password`);
    await submitPasswordForm(page, user);
    await page.waitForURL(`${app.url}/account/password`);
    await page.clock.fastForward('04:01');
    const warning = page.getByRole('alert');
    await warning.getByText('you will be signed out in 1 minute without activity').waitFor();
    await warning.getByRole('button', { name: 'Stay signed in' }).click();
    await page.waitForURL(`${app.url}/account/password`);
    await page.getByLabel('Current password').waitFor();
    await expect(page.getByRole('alert').isVisible()).resolves.toBe(false);
  });
});
